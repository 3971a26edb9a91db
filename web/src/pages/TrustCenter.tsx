import { Title } from '@mantine/core';

export function TrustCenterPage() {
  return <Title order={2}>Trust center</Title>;
}
