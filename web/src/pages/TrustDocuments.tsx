import { Title } from '@mantine/core';

export function TrustDocumentsPage() {
  return <Title order={2}>Trust center documents</Title>;
}
