import { Title } from '@mantine/core';

export function AuditsPage() {
  return <Title order={2}>Audits</Title>;
}
