import { Stack, Text, Title } from '@mantine/core';
import { MyTasks } from '../components/MyTasks';

/** `/my-tasks`: the evidence tasks assigned to the signed-in person. */
export function MyTasksPage() {
  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        My tasks
      </Title>
      <Text size="sm" c="dimmed">
        Evidence your controls need from you. Complete each with a link, a note or a file; recurring ones come back on
        their schedule.
      </Text>
      <MyTasks title={null} />
    </Stack>
  );
}
