import { Button, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, type EvidenceTask, type Member, type TaskCadence } from '../api';
import { useApi } from '../useApi';
import { ErrorAlert } from './PageStatus';
import { CADENCE_LABEL, endOfDay, taskApi } from './TaskApi';
import { assigneeOptions } from './TaskEditModal';

interface TaskNewModalProps {
  members: Member[];
  opened: boolean;
  onClose: () => void;
  onCreated: (task: EvidenceTask) => void;
}

/** Adds an evidence task to a control (owners and admins). */
export function TaskNewModal({ members, opened, onClose, onCreated }: TaskNewModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title="New evidence task" centered size="lg">
      {opened && <NewForm members={members} onClose={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

interface Errors {
  controlId?: string;
  title?: string;
  due?: string;
}

function NewForm({ members, onClose, onCreated }: Omit<TaskNewModalProps, 'opened'>) {
  const controls = useApi(() => api.controls({}));
  const [controlId, setControlId] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [cadence, setCadence] = useState<TaskCadence>('quarterly');
  const [assignee, setAssignee] = useState('');
  const [due, setDue] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Errors = {};
    if (!controlId) found.controlId = 'Choose the control this task shows.';
    if (title.trim().length < 3) found.title = 'Name the task (at least 3 characters).';
    if (!due) found.due = 'Choose a due date.';
    setErrors(found);
    if (!controlId || Object.keys(found).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const task = await taskApi.create(controlId, {
        title: title.trim(),
        ...(description.trim() ? { description: description.trim() } : {}),
        cadence,
        assigneeUserId: assignee || null,
        dueAt: endOfDay(due),
      });
      onCreated(task);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Select
          label="Control"
          placeholder={controls.data ? 'Search by key or title' : 'Loading controls…'}
          data={(controls.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.key} · ${c.title}` }))}
          value={controlId}
          onChange={setControlId}
          searchable
          required
          data-autofocus
          error={errors.controlId}
        />
        <TextInput
          label="Task"
          description="What evidence is needed, e.g. “Export of the quarterly access review”"
          required
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
          error={errors.title}
        />
        <Textarea
          label="Instructions"
          description="Optional: where to find it, what a good one looks like"
          autosize
          minRows={2}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <Group grow align="flex-start">
          <Select
            label="Repeats"
            data={Object.entries(CADENCE_LABEL).map(([value, label]) => ({ value, label }))}
            value={cadence}
            onChange={(v) => setCadence((v as TaskCadence | null) ?? 'quarterly')}
            allowDeselect={false}
          />
          <TextInput
            label="First due"
            type="date"
            required
            value={due}
            onChange={(e) => setDue(e.currentTarget.value)}
            error={errors.due}
          />
        </Group>
        <Select
          label="Assignee"
          data={assigneeOptions(members)}
          value={assignee}
          onChange={(v) => setAssignee(v ?? '')}
          allowDeselect={false}
          searchable
        />
        {controls.error !== null && <ErrorAlert error={controls.error} title="Controls could not be loaded" />}
        {error !== null && <ErrorAlert error={error} title="The task was not created" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Add task
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
