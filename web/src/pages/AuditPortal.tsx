import { Title } from '@mantine/core';

export function AuditPortalPage() {
  return <Title order={2}>Audit</Title>;
}
