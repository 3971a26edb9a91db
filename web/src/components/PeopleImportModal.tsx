import { Alert, Button, Code, FileInput, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ApiError, errorMessage } from '../api';
import { formatSize } from './EvidenceApi';
import { monitoringApi, type PushSummary } from './MonitoringApi';
import { ErrorAlert } from './PageStatus';

interface PeopleImportModalProps {
  opened: boolean;
  onClose: () => void;
  onImported: (summary: PushSummary) => void;
}

/** The source the HRIS export is pushed as (one source, so each import replaces the last). */
export const HRIS_SOURCE_NAME = 'HRIS';

/** Imports an HRIS export (CSV) into the register, as a push of the "hris-csv" source. */
export function PeopleImportModal({ opened, onClose, onImported }: PeopleImportModalProps) {
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title="Import from HRIS (CSV)" centered size="lg">
      {opened && <ImportForm onBusy={setBusy} onClose={onClose} onImported={onImported} />}
    </Modal>
  );
}

function ImportForm({
  onBusy,
  onClose,
  onImported,
}: {
  onBusy: (busy: boolean) => void;
  onClose: () => void;
  onImported: (summary: PushSummary) => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusyState] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = !file ? 'Choose the CSV file your HRIS exported.' : file.size === 0 ? 'This file is empty.' : null;
    setFieldError(problem);
    if (problem || !file) return;
    setError(null);
    setBusyState(true);
    onBusy(true);
    try {
      const summary = await monitoringApi.push('hris-csv', file, { name: HRIS_SOURCE_NAME, fileName: file.name });
      onImported(summary);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusyState(false);
      onBusy(false);
    }
  };

  const unreadable = error instanceof ApiError && error.status === 422;

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          Export everyone from your HRIS as CSV with at least <Code>name</Code> and <Code>email</Code>, and ideally{' '}
          <Code>employment type</Code>, <Code>start date</Code>, <Code>end date</Code> and <Code>manager</Code>. Each
          import is the HRIS’s full list: people it no longer lists are marked as gone from that source.
        </Text>
        <FileInput
          label="HRIS export"
          placeholder="Choose a .csv file"
          accept=".csv,text/csv"
          value={file}
          onChange={setFile}
          required
          clearable
          data-autofocus
          description={file ? `${file.name}, ${formatSize(file.size)}` : 'Comma-separated, with a header row'}
          error={fieldError}
        />
        {error !== null &&
          (unreadable ? (
            <Alert color="red" icon={<IconAlertCircle size={18} />} title="The file could not be imported" role="alert">
              <Text size="sm">{errorMessage(error)}</Text>
              <Text size="xs" c="dimmed" mt={4}>
                Nothing was changed. Fix the file and import it again.
              </Text>
            </Alert>
          ) : (
            <ErrorAlert error={error} title="Not imported" />
          ))}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Import
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
