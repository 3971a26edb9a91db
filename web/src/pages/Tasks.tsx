import {
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChecklist, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { api, type EvidenceTask, type Member, type TaskPage, type TaskStatus } from '../api';
import { ConfirmModal } from '../components/ConfirmModal';
import { Loaded } from '../components/PageStatus';
import { CADENCE_LABEL, endOfDay, type TaskFilters, taskApi } from '../components/TaskApi';
import { TaskCompleteModal } from '../components/TaskCompleteModal';
import { TaskEditModal } from '../components/TaskEditModal';
import { TaskNewModal } from '../components/TaskNewModal';
import { formatDate, formatDateTime } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';

const STATUS: Record<TaskStatus, { label: string; color: string }> = {
  open: { label: 'Open', color: 'blue' },
  completed: { label: 'Completed', color: 'teal' },
  cancelled: { label: 'Cancelled', color: 'gray' },
};

/**
 * Every evidence task (owners, admins and auditors; members see their own), soonest due first
 * so overdue work leads. Owners and admins add, assign, reschedule, complete and cancel.
 */
export function TasksPage() {
  const { me } = useSession();
  const manager = isManager(me);
  const [status, setStatus] = useState<string | null>('open');
  const [assignee, setAssignee] = useState<string | null>(null);
  const [overdue, setOverdue] = useState(false);
  const [dueBefore, setDueBefore] = useState('');
  const filters: TaskFilters = {
    status: status ?? '',
    assignee: assignee ?? '',
    overdue,
    dueBefore: dueBefore ? endOfDay(dueBefore) : '',
  };
  const key = JSON.stringify(filters);
  const tasks = useApi(() => taskApi.list(filters), key);
  const members = useApi<Member[]>(async () => (manager ? (await api.members()).items : []), String(manager));
  const [more, setMore] = useState<TaskPage | null>(null);
  const [creating, setCreating] = useState(false);
  const editing = useModalTarget<EvidenceTask>();
  const completing = useModalTarget<EvidenceTask>();
  const cancelling = useModalTarget<EvidenceTask>();
  const filtered = Boolean(assignee || overdue || dueBefore || status !== 'open');

  const refresh = () => {
    setMore(null);
    void tasks.reload();
  };
  const filter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      setMore(null);
      set(v);
    };
  const loadMore = async (cursor: string) => {
    const next = await taskApi.list(filters, cursor);
    setMore((prev) => ({ items: [...(prev?.items ?? []), ...next.items], nextCursor: next.nextCursor }));
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Evidence tasks
        </Title>
        {manager && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New task
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Each control's evidence list opens tasks on its schedule. Completing one records who showed what, and when, and
        schedules the next. Overdue tasks remind their assignee every day (or, unassigned, the owners and admins).
      </Text>
      <Card withBorder radius="md" padding="lg">
        <Group grow align="flex-end">
          <Select
            label="Status"
            placeholder="Any status"
            clearable
            data={Object.entries(STATUS).map(([value, s]) => ({ value, label: s.label }))}
            value={status}
            onChange={filter(setStatus)}
          />
          <Select
            label="Assignee"
            placeholder="Anyone"
            clearable
            searchable
            data={[
              { value: 'me', label: 'Me' },
              { value: 'none', label: 'Nobody' },
              ...(members.data ?? []).map((m) => ({ value: m.userId, label: m.name || m.email })),
            ]}
            value={assignee}
            onChange={filter(setAssignee)}
          />
          <TextInput
            label="Due before"
            type="date"
            value={dueBefore}
            onChange={(e) => filter(setDueBefore)(e.currentTarget.value)}
          />
          <Switch
            label="Overdue only"
            checked={overdue}
            onChange={(e) => filter(setOverdue)(e.currentTarget.checked)}
            mb={8}
          />
        </Group>
      </Card>
      <Card withBorder radius="md" padding="lg">
        <Loaded state={tasks}>
          {(page) => {
            const items = [...page.items, ...(more?.items ?? [])];
            const cursor = more ? more.nextCursor : page.nextCursor;
            if (items.length === 0) {
              return filtered ? (
                <EmptyState icon={<IconChecklist size={28} />} title="No task matches these filters">
                  <Text size="sm" c="dimmed">
                    Clear a filter to see more.
                  </Text>
                </EmptyState>
              ) : (
                <EmptyState icon={<IconChecklist size={28} />} title="No open evidence tasks">
                  <Text size="sm" c="dimmed">
                    {manager
                      ? 'Tasks come from your controls’ evidence lists. Add one for anything else the auditor should see.'
                      : 'Nothing is waiting on you. Tasks assigned to you appear here.'}
                  </Text>
                  {manager && (
                    <EmptyState.Actions>
                      <Button variant="light" onClick={() => setCreating(true)}>
                        New task
                      </Button>
                    </EmptyState.Actions>
                  )}
                </EmptyState>
              );
            }
            return (
              <Stack>
                <Table.ScrollContainer minWidth={900}>
                  <Table verticalSpacing="sm" highlightOnHover>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Task</Table.Th>
                        <Table.Th>Assignee</Table.Th>
                        <Table.Th>Due</Table.Th>
                        <Table.Th>Repeats</Table.Th>
                        <Table.Th>Status</Table.Th>
                        <Table.Th>Actions</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {items.map((task) => (
                        <TaskRow
                          key={task.id}
                          task={task}
                          manager={manager}
                          onEdit={() => editing.open(task)}
                          onComplete={() => completing.open(task)}
                          onCancel={() => cancelling.open(task)}
                        />
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                {cursor && (
                  <Button variant="light" onClick={() => void loadMore(cursor)}>
                    Load more
                  </Button>
                )}
              </Stack>
            );
          }}
        </Loaded>
      </Card>
      <TaskNewModal
        members={members.data ?? []}
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(task) => {
          notifications.show({ color: 'teal', message: `Added “${task.title}”, due ${formatDate(task.dueAt)}.` });
          refresh();
        }}
      />
      <TaskEditModal
        task={editing.target}
        members={members.data ?? []}
        opened={editing.opened}
        onClose={editing.close}
        onExited={editing.onExited}
        onSaved={(task) => {
          notifications.show({ color: 'teal', message: `Saved “${task.title}”.` });
          refresh();
        }}
      />
      <TaskCompleteModal
        task={completing.target}
        opened={completing.opened}
        onClose={completing.close}
        onExited={completing.onExited}
        onCompleted={({ task, next }) => {
          notifications.show({
            color: 'teal',
            title: `Completed: ${task.title}`,
            message: next ? `The next one is due ${formatDate(next.dueAt)}.` : 'This was a one-off task.',
          });
          refresh();
        }}
      />
      <ConfirmModal
        opened={cancelling.opened}
        onClose={cancelling.close}
        onExited={cancelling.onExited}
        title="Cancel this task?"
        confirmLabel="Cancel task"
        onConfirm={async () => {
          if (!cancelling.target) return;
          await taskApi.update(cancelling.target.id, { status: 'cancelled' });
          refresh();
        }}
      >
        “{cancelling.target?.title}” will no longer be due and no next one is scheduled. The cancellation is recorded in
        the audit log. To show this evidence again, add a new task to the control.
      </ConfirmModal>
    </Stack>
  );
}

function TaskRow({
  task,
  manager,
  onEdit,
  onComplete,
  onCancel,
}: {
  task: EvidenceTask;
  manager: boolean;
  onEdit: () => void;
  onComplete: () => void;
  onCancel: () => void;
}) {
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={500}>
          {task.title}
        </Text>
        <Text size="xs" c="dimmed">
          {task.control.key} · {task.control.title}
        </Text>
        <Completion task={task} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">{task.assignee ? task.assignee.name || task.assignee.email : 'Nobody'}</Text>
      </Table.Td>
      <Table.Td>
        {task.overdue ? (
          <Badge color="red" variant="light">
            Overdue · {formatDate(task.dueAt)}
          </Badge>
        ) : (
          <Text size="sm">{formatDate(task.dueAt)}</Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{CADENCE_LABEL[task.cadence]}</Text>
      </Table.Td>
      <Table.Td>
        <Badge color={STATUS[task.status].color} variant="light">
          {STATUS[task.status].label}
        </Badge>
      </Table.Td>
      <Table.Td>
        {manager && task.status === 'open' ? (
          <Group gap="xs" wrap="nowrap">
            <Button size="xs" onClick={onComplete} aria-label={`Complete ${task.title}`}>
              Complete
            </Button>
            <Button size="xs" variant="light" onClick={onEdit} aria-label={`Assign / reschedule ${task.title}`}>
              Assign / reschedule
            </Button>
            <Button size="xs" variant="subtle" color="red" onClick={onCancel} aria-label={`Cancel ${task.title}`}>
              Cancel
            </Button>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function Completion({ task }: { task: EvidenceTask }) {
  const c = task.completion;
  if (!c) return null;
  const by = `${formatDateTime(task.completedAt)}${task.completedBy ? ` by ${task.completedBy.email}` : ''}`;
  return (
    <Text size="xs" mt={4}>
      Done {by}:{' '}
      {c.kind === 'link' && (
        <Anchor href={c.url} target="_blank" rel="noopener noreferrer" size="xs">
          {c.url}
        </Anchor>
      )}
      {c.kind === 'note' && <span>{c.note.length > 140 ? `${c.note.slice(0, 140)}…` : c.note}</span>}
      {c.kind === 'file' && (
        <Anchor href={taskApi.fileUrl(task.id)} size="xs" download={c.file.name}>
          {c.file.name} ({Math.max(1, Math.round(c.file.size / 1024))} KiB)
        </Anchor>
      )}
    </Text>
  );
}
