import { Badge, Button, Card, EmptyState, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChecklist } from '@tabler/icons-react';
import { useState } from 'react';
import type { EvidenceTask, TaskCompleted, TaskPage } from '../api';
import { formatDate } from '../format';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';
import { Loaded } from './PageStatus';
import { CADENCE_LABEL, taskApi } from './TaskApi';
import { TaskCompleteModal } from './TaskCompleteModal';

/**
 * The signed-in person's open evidence tasks, overdue first, each completable with a link, a
 * note or a file. Used by the My tasks page and by the "My work" page.
 */
export function MyTasks({ title = 'My evidence tasks' }: { title?: string | null }) {
  const tasks = useApi(() => taskApi.list({ assignee: 'me', status: 'open' }));
  const [more, setMore] = useState<TaskPage | null>(null);
  const completing = useModalTarget<EvidenceTask>();

  const loadMore = async (cursor: string) => {
    const next = await taskApi.list({ assignee: 'me', status: 'open' }, cursor);
    setMore((prev) => ({ items: [...(prev?.items ?? []), ...next.items], nextCursor: next.nextCursor }));
  };

  const completed = ({ task, next }: TaskCompleted) => {
    notifications.show({
      color: 'teal',
      title: `Completed: ${task.title}`,
      message: next ? `The next one is due ${formatDate(next.dueAt)}.` : 'This was a one-off task.',
    });
    setMore(null);
    void tasks.reload();
  };

  return (
    <Stack gap="sm">
      {title && (
        <Title order={2} size="h3">
          {title}
        </Title>
      )}
      <Loaded state={tasks}>
        {(page) => {
          const items = [...page.items, ...(more?.items ?? [])];
          const cursor = more ? more.nextCursor : page.nextCursor;
          if (items.length === 0) {
            return (
              <Card withBorder radius="md" padding="lg">
                <EmptyState icon={<IconChecklist size={28} />} title="Nothing to do: you have no open evidence tasks">
                  <Text size="sm" c="dimmed">
                    When an admin assigns you a task, it appears here and you get a notification. Reminders come when
                    one is overdue.
                  </Text>
                </EmptyState>
              </Card>
            );
          }
          return (
            <Stack gap="sm">
              {items.map((task) => (
                <MyTaskCard key={task.id} task={task} onComplete={() => completing.open(task)} />
              ))}
              {cursor && (
                <Button variant="light" onClick={() => void loadMore(cursor)}>
                  Load more
                </Button>
              )}
            </Stack>
          );
        }}
      </Loaded>
      <TaskCompleteModal
        task={completing.target}
        opened={completing.opened}
        onClose={completing.close}
        onExited={completing.onExited}
        onCompleted={completed}
      />
    </Stack>
  );
}

function MyTaskCard({ task, onComplete }: { task: EvidenceTask; onComplete: () => void }) {
  return (
    <Card withBorder radius="md" padding="md" component="article" aria-label={task.title}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4}>
          <Text fw={600}>{task.title}</Text>
          <Text size="sm" c="dimmed">
            {task.control.key} · {task.control.title}
          </Text>
          {task.description && <Text size="sm">{task.description}</Text>}
          <Group gap="xs">
            <Badge color={task.overdue ? 'red' : 'gray'} variant="light">
              {task.overdue ? 'Overdue since' : 'Due'} {formatDate(task.dueAt)}
            </Badge>
            <Badge variant="outline" color="gray">
              {CADENCE_LABEL[task.cadence]}
            </Badge>
          </Group>
        </Stack>
        <Button onClick={onComplete} aria-label={`Complete ${task.title}`}>
          Complete
        </Button>
      </Group>
    </Card>
  );
}
