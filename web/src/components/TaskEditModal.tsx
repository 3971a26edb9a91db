import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError, type EvidenceTask, type Member } from '../api';
import { ErrorAlert } from './PageStatus';
import { dateInputValue, endOfDay, taskApi } from './TaskApi';

/** Members who can hold a task (auditors only read), as Select options, with "Nobody" first. */
export function assigneeOptions(members: Member[]) {
  return [
    { value: '', label: 'Nobody (owners and admins are reminded)' },
    ...members
      .filter((m) => m.role !== 'auditor')
      .map((m) => ({ value: m.userId, label: m.name ? `${m.name} (${m.email})` : m.email })),
  ];
}

interface TaskEditModalProps {
  task: EvidenceTask | null;
  members: Member[];
  opened: boolean;
  onClose: () => void;
  onExited?: () => void;
  onSaved: (task: EvidenceTask) => void;
}

/** Reassigns or reschedules an open task (owners and admins). */
export function TaskEditModal({ task, members, opened, onClose, onExited, onSaved }: TaskEditModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} onExitTransitionEnd={onExited} title="Assign or reschedule" centered>
      {task && <EditForm key={task.id} task={task} members={members} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

function EditForm({
  task,
  members,
  onClose,
  onSaved,
}: {
  task: EvidenceTask;
  members: Member[];
  onClose: () => void;
  onSaved: (task: EvidenceTask) => void;
}) {
  const [assignee, setAssignee] = useState(task.assignee?.id ?? '');
  const [due, setDue] = useState(dateInputValue(task.dueAt));
  const [dueError, setDueError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!due) {
      setDueError('Choose a due date.');
      return;
    }
    const body: { assigneeUserId?: string | null; dueAt?: string } = {};
    if (assignee !== (task.assignee?.id ?? '')) body.assigneeUserId = assignee || null;
    if (due !== dateInputValue(task.dueAt)) body.dueAt = endOfDay(due);
    if (Object.keys(body).length === 0) {
      onClose();
      return;
    }
    setBusy(true);
    setError(null);
    setDueError(null);
    try {
      onSaved(await taskApi.update(task.id, body));
      onClose();
    } catch (err) {
      if (err instanceof ApiError && err.problem.errors?.some((e) => e.path.endsWith('dueAt')))
        setDueError(err.message);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          {task.control.key} · {task.title}
        </Text>
        <Select
          label="Assignee"
          description="They are told in the app, and reminded when it is overdue"
          data={assigneeOptions(members)}
          value={assignee}
          onChange={(v) => setAssignee(v ?? '')}
          allowDeselect={false}
          searchable
          data-autofocus
        />
        <TextInput
          label="Due date"
          description="A new date restarts a recurring schedule from it"
          type="date"
          required
          value={due}
          onChange={(e) => setDue(e.currentTarget.value)}
          error={dueError}
        />
        {error !== null && <ErrorAlert error={error} title="Not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
