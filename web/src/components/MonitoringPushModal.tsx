import { Alert, Button, Code, FileInput, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ApiError, errorMessage } from '../api';
import { useApi } from '../useApi';
import { formatSize } from './EvidenceApi';
import { monitoringApi, type PushSummary } from './MonitoringApi';
import { ErrorAlert } from './PageStatus';

interface PushModalProps {
  opened: boolean;
  onClose: () => void;
  onPushed: (summary: PushSummary) => void;
  /** Preselects a kind (pushing again for a listed source). */
  kind?: string;
  name?: string;
}

/** Pushes a tool's output file for a source, as `attest push KIND FILE` does. */
export function MonitoringPushModal({ opened, onClose, onPushed, kind, name }: PushModalProps) {
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title="Push a file" centered size="lg">
      {opened && <PushForm kind={kind} name={name} onBusy={setBusy} onClose={onClose} onPushed={onPushed} />}
    </Modal>
  );
}

function PushForm({
  kind: initialKind,
  name: initialName,
  onBusy,
  onClose,
  onPushed,
}: {
  kind?: string;
  name?: string;
  onBusy: (busy: boolean) => void;
  onClose: () => void;
  onPushed: (summary: PushSummary) => void;
}) {
  const kinds = useApi(async () => (await monitoringApi.kinds()).items);
  const [kind, setKind] = useState<string | null>(initialKind ?? null);
  const [name, setName] = useState(initialName ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusyState] = useState(false);
  const chosen = kinds.data?.find((k) => k.kind === kind);

  const check = (): string | null => {
    if (!kind) return 'Choose the kind of source this file comes from.';
    if (!file) return 'Choose the file to push.';
    if (file.size === 0) return 'This file is empty.';
    if (name.trim() && !/^[\w .:@/-]{1,100}$/.test(name.trim()))
      return 'A source name is 1–100 letters, digits, spaces and . _ : @ / -.';
    return null;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = check();
    setFieldError(problem);
    if (problem || !file || !kind) return;
    setError(null);
    setBusyState(true);
    onBusy(true);
    try {
      const summary = await monitoringApi.push(kind, file, { name: name.trim() || undefined, fileName: file.name });
      onPushed(summary);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusyState(false);
      onBusy(false);
    }
  };

  // A file the server could not read (422 import_invalid) says what is wrong with it.
  const importProblem = error instanceof ApiError && error.status === 422;

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          A push is the full state of the source: records it no longer lists are marked as gone, and the checks over
          what changed run again. The same works from a pipeline with <Code>attest push KIND FILE</Code>.
        </Text>
        {kinds.error !== null && <ErrorAlert error={kinds.error} title="Could not load the kinds of source" />}
        <Select
          label="Kind of source"
          placeholder={kinds.data ? 'Choose a kind' : 'Loading…'}
          searchable
          required
          data={(kinds.data ?? []).map((k) => ({ value: k.kind, label: k.title }))}
          value={kind}
          onChange={setKind}
          description={chosen ? `Accepts: ${chosen.accepts}` : 'What produced the file'}
          nothingFoundMessage="No kind matches"
          data-autofocus
        />
        <TextInput
          label="Source name (optional)"
          placeholder={kind ?? 'The kind'}
          description="Which source of this kind, e.g. an AWS account or a pipeline. Default: the kind."
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <FileInput
          label="File"
          placeholder="Choose the tool's output file"
          value={file}
          onChange={setFile}
          required
          clearable
          description={file ? `${file.name}, ${formatSize(file.size)}` : 'JSON, CSV or NDJSON, as the tool wrote it'}
        />
        {fieldError && (
          <Text size="sm" c="red" role="alert">
            {fieldError}
          </Text>
        )}
        {error !== null &&
          (importProblem ? (
            <Alert color="red" icon={<IconAlertCircle size={18} />} title="The file could not be imported" role="alert">
              <Text size="sm">{errorMessage(error)}</Text>
              <Text size="xs" c="dimmed" mt={4}>
                Nothing was changed. Fix the file and push it again.
              </Text>
            </Alert>
          ) : (
            <ErrorAlert error={error} title="Not pushed" />
          ))}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Push
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
