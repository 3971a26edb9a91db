import { Button, FileInput, Group, Modal, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError, type EvidenceTask, type TaskCompleted } from '../api';
import { formatDate } from '../format';
import { ErrorAlert } from './PageStatus';
import { MAX_TASK_FILE_BYTES, taskApi } from './TaskApi';

type Kind = 'link' | 'note' | 'file';

interface TaskCompleteModalProps {
  task: EvidenceTask | null;
  opened: boolean;
  onClose: () => void;
  onExited?: () => void;
  onCompleted: (result: TaskCompleted) => void;
}

/** Completes a task with a link, a note or a file; the next occurrence is scheduled by the server. */
export function TaskCompleteModal({ task, opened, onClose, onExited, onCompleted }: TaskCompleteModalProps) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      onExitTransitionEnd={onExited}
      title={task ? `Complete: ${task.title}` : 'Complete task'}
      centered
      size="lg"
    >
      {/* Mounted only while there is a task: every opening starts from an empty form. */}
      {task && <CompleteForm key={task.id} task={task} onClose={onClose} onCompleted={onCompleted} />}
    </Modal>
  );
}

function CompleteForm({
  task,
  onClose,
  onCompleted,
}: {
  task: EvidenceTask;
  onClose: () => void;
  onCompleted: (result: TaskCompleted) => void;
}) {
  const [kind, setKind] = useState<Kind>('link');
  const [url, setUrl] = useState('');
  const [note, setNote] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const check = (): string | null => {
    if (kind === 'link' && !/^https?:\/\/\S+$/i.test(url.trim())) return 'Paste a full http:// or https:// address.';
    if (kind === 'note' && !note.trim()) return 'Write what was done.';
    if (kind === 'file' && !file) return 'Choose a file.';
    if (kind === 'file' && file && file.size > MAX_TASK_FILE_BYTES)
      return 'Files can be up to 10 MiB; link to it instead.';
    if (kind === 'file' && file && file.size === 0) return 'This file is empty.';
    return null;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = check();
    setFieldError(problem);
    if (problem) return;
    setBusy(true);
    setError(null);
    try {
      const result =
        kind === 'file' && file
          ? await taskApi.upload(task.id, file)
          : await taskApi.complete(task.id, kind === 'link' ? { kind, url: url.trim() } : { kind: 'note', note });
      onCompleted(result);
      onClose();
    } catch (err) {
      // A refused field (a bad link, an empty note) is shown at the field, in the server's words.
      if (err instanceof ApiError && err.problem.errors?.length) setFieldError(err.message);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          {task.control.key} · {task.control.title}. Due {formatDate(task.dueAt)}.
          {task.cadence !== 'once' && ' Completing it schedules the next one.'}
        </Text>
        <SegmentedControl
          aria-label="How to show it was done"
          value={kind}
          onChange={(value) => {
            setKind(value as Kind);
            setFieldError(null);
          }}
          data={[
            { value: 'link', label: 'Link' },
            { value: 'note', label: 'Note' },
            { value: 'file', label: 'File' },
          ]}
        />
        {kind === 'link' && (
          <TextInput
            label="Link to the evidence"
            description="Where the report, ticket or document lives (http or https)"
            placeholder="https://"
            type="url"
            required
            data-autofocus
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            error={fieldError}
          />
        )}
        {kind === 'note' && (
          <Textarea
            label="Note"
            description="What was done, and where someone can check it"
            autosize
            minRows={3}
            required
            data-autofocus
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            error={fieldError}
          />
        )}
        {kind === 'file' && (
          <FileInput
            label="File"
            description="Up to 10 MiB; stored encrypted"
            placeholder="Choose a file"
            required
            clearable
            data-autofocus
            value={file}
            onChange={setFile}
            error={fieldError}
          />
        )}
        {error !== null && <ErrorAlert error={error} title="The task was not completed" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Complete task
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
