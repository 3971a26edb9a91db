import { Stack, Text, Title } from '@mantine/core';
import { PendingPolicies } from '../components/PendingPolicies';

/** Everyone's own page for the policies they must read and accept. */
export function MyPoliciesPage() {
  return (
    <Stack gap="lg">
      <div>
        <Title order={1} size="h2">
          My policies
        </Title>
        <Text c="dimmed">
          The security policies you are asked to read and accept. Accepting records the version and the time.
        </Text>
      </div>
      <PendingPolicies />
    </Stack>
  );
}
