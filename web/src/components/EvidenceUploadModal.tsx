import { Button, FileInput, Group, Modal, Progress, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, type Control, type EvidenceItem, type EvidenceTask } from '../api';
import { useApi } from '../useApi';
import { evidenceApi, formatSize } from './EvidenceApi';
import { ErrorAlert } from './PageStatus';
import { taskApi } from './TaskApi';

interface EvidenceUploadModalProps {
  opened: boolean;
  onClose: () => void;
  onUploaded: (item: EvidenceItem) => void;
  /** Preselects a control (the Controls drawer). */
  controlId?: string;
}

/** Adds evidence: a file, the control (and optionally the task) it shows, the time it proves, a note. */
export function EvidenceUploadModal({ opened, onClose, onUploaded, controlId }: EvidenceUploadModalProps) {
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title="Add evidence" centered size="lg">
      {opened && <UploadForm controlId={controlId} onBusy={setBusy} onClose={onClose} onUploaded={onUploaded} />}
    </Modal>
  );
}

/** `YYYY-MM-DD` from a date input, as the start of that day in UTC (the server's reading of a bare date). */
const dayStart = (date: string) => (date ? `${date}T00:00:00.000Z` : undefined);

function UploadForm({
  controlId: initialControl,
  onBusy,
  onClose,
  onUploaded,
}: {
  controlId?: string;
  onBusy: (busy: boolean) => void;
  onClose: () => void;
  onUploaded: (item: EvidenceItem) => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [controlId, setControlId] = useState<string | null>(initialControl ?? null);
  const [taskId, setTaskId] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const controls = useApi<Control[]>(async () => (await api.controls({})).items);
  const tasks = useApi<EvidenceTask[]>(
    async () => (controlId ? (await taskApi.list({ controlId, status: 'open' })).items : []),
    controlId ?? '',
  );

  const check = (): string | null => {
    if (!file) return 'Choose a file.';
    if (file.size === 0) return 'This file is empty.';
    if (!controlId) return 'Choose the control this file is evidence of.';
    if (from && to && to < from) return 'The period must end on or after its start.';
    return null;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = check();
    setFieldError(problem);
    if (problem || !file) return;
    setError(null);
    setProgress(0);
    onBusy(true);
    try {
      const item = await evidenceApi.upload(
        {
          file,
          controlId: controlId ?? undefined,
          taskId: taskId ?? undefined,
          effectiveFrom: dayStart(from),
          effectiveTo: to ? `${to}T23:59:59.999Z` : undefined,
          note: note.trim() || undefined,
        },
        setProgress,
      );
      onUploaded(item);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
      onBusy(false);
    }
  };

  const busy = progress !== null;
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          The file is encrypted as it is stored and its SHA-256 is committed to your organisation’s ledger, so an
          auditor can later check it was not changed.
        </Text>
        <FileInput
          label="File"
          placeholder="Choose a file"
          value={file}
          onChange={setFile}
          required
          clearable
          description={file ? `${file.name}, ${formatSize(file.size)}` : 'Any file type'}
        />
        <Select
          label="Control"
          placeholder="The control this shows"
          searchable
          required
          data={(controls.data ?? []).map((c) => ({ value: c.id, label: `${c.key} · ${c.title}` }))}
          value={controlId}
          onChange={(v) => {
            setControlId(v);
            setTaskId(null);
          }}
          nothingFoundMessage="No control matches"
        />
        <Select
          label="Evidence task (optional)"
          placeholder={controlId ? 'None' : 'Choose a control first'}
          clearable
          disabled={!controlId || (tasks.data ?? []).length === 0}
          data={(tasks.data ?? []).map((t) => ({ value: t.id, label: t.title }))}
          value={taskId}
          onChange={setTaskId}
        />
        <Group grow>
          <TextInput
            label="Proves from"
            type="date"
            description="Default: now"
            value={from}
            onChange={(e) => setFrom(e.currentTarget.value)}
          />
          <TextInput
            label="Proves until"
            type="date"
            description="Leave empty for a single day"
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
          />
        </Group>
        <Textarea
          label="Note"
          placeholder="What this file shows"
          autosize
          minRows={2}
          maxLength={5000}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
        />
        {fieldError && (
          <Text size="sm" c="red" role="alert">
            {fieldError}
          </Text>
        )}
        {error !== null && <ErrorAlert error={error} title="Not uploaded" />}
        {busy && (
          <Stack gap={4}>
            <Progress value={Math.round((progress ?? 0) * 100)} aria-label="Upload progress" animated />
            <Text size="xs" c="dimmed">
              Uploading… {Math.round((progress ?? 0) * 100)}%
            </Text>
          </Stack>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Upload
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
