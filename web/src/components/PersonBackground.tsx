import {
  Anchor,
  Button,
  Card,
  FileInput,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileText, IconUpload } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { formatDateTime } from '../format';
import { formatSize } from './EvidenceApi';
import { ErrorAlert } from './PageStatus';
import { BACKGROUND_LABEL, type BackgroundCheck, type BackgroundStatus, peopleApi } from './PeopleApi';

interface PersonBackgroundProps {
  personId: string;
  check: BackgroundCheck | null;
  canManage: boolean;
  onChanged: () => void;
}

const today = () => new Date().toISOString().slice(0, 10);

/**
 * The person's background check: its status and dates (owners and admins record them), and the
 * provider's report, kept as evidence and readable by owners, admins and auditors only.
 */
export function PersonBackground({ personId, check, canManage, onChanged }: PersonBackgroundProps) {
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack>
        <Title order={2} size="h4">
          Background check
        </Title>
        {canManage ? (
          <BackgroundForm key={check?.updatedAt ?? 'none'} personId={personId} check={check} onChanged={onChanged} />
        ) : (
          <Text size="sm">
            {check
              ? `${BACKGROUND_LABEL[check.status]}${check.provider ? ` · ${check.provider}` : ''}${check.completedOn ? ` · completed ${check.completedOn}` : ''}`
              : 'No background check is recorded.'}
          </Text>
        )}
        {check?.updatedBy && (
          <Text size="xs" c="dimmed">
            Last recorded {formatDateTime(check.updatedAt)} by {check.updatedBy.name || check.updatedBy.email}
          </Text>
        )}
        {check?.reportId && (
          <Group gap="xs">
            <IconFileText size={16} aria-hidden />
            <Anchor href={peopleApi.reportUrl(personId)} size="sm">
              Download the provider’s report
            </Anchor>
          </Group>
        )}
        {canManage && <ReportUpload personId={personId} replacing={Boolean(check?.reportId)} onChanged={onChanged} />}
      </Stack>
    </Card>
  );
}

function BackgroundForm({
  personId,
  check,
  onChanged,
}: {
  personId: string;
  check: BackgroundCheck | null;
  onChanged: () => void;
}) {
  const [status, setStatus] = useState<BackgroundStatus>(check?.status ?? 'not_started');
  const [provider, setProvider] = useState(check?.provider ?? '');
  const [requestedOn, setRequestedOn] = useState(check?.requestedOn ?? '');
  const [completedOn, setCompletedOn] = useState(check?.completedOn ?? '');
  const [note, setNote] = useState(check?.note ?? '');
  const [dateError, setDateError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const finished = status === 'passed' || status === 'failed';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem =
      finished && !completedOn
        ? 'A passed or failed check needs the date it was completed.'
        : completedOn && completedOn > today()
          ? 'The completion date cannot be in the future.'
          : null;
    setDateError(problem);
    if (problem) return;
    setBusy(true);
    setError(null);
    try {
      await peopleApi.saveBackgroundCheck(personId, {
        status,
        provider: provider.trim() || null,
        requestedOn: requestedOn || null,
        completedOn: finished ? completedOn || null : null,
        note: note.trim(),
      });
      notifications.show({ color: 'teal', message: `Background check recorded: ${BACKGROUND_LABEL[status]}.` });
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Status"
            data={Object.entries(BACKGROUND_LABEL).map(([value, label]) => ({ value, label }))}
            value={status}
            onChange={(v) => setStatus((v as BackgroundStatus | null) ?? 'not_started')}
            allowDeselect={false}
          />
          <TextInput
            label="Provider"
            placeholder="Who ran the check"
            maxLength={200}
            value={provider}
            onChange={(e) => setProvider(e.currentTarget.value)}
          />
          <TextInput
            label="Requested on"
            type="date"
            max={today()}
            value={requestedOn}
            onChange={(e) => setRequestedOn(e.currentTarget.value)}
          />
          <TextInput
            label="Completed on"
            type="date"
            max={today()}
            disabled={!finished}
            required={finished}
            description={finished ? undefined : 'For a passed or failed check'}
            value={finished ? completedOn : ''}
            onChange={(e) => setCompletedOn(e.currentTarget.value)}
            error={dateError}
          />
        </SimpleGrid>
        <Textarea
          label="Note"
          description="Optional. Keep sensitive findings in the provider’s report, not here."
          autosize
          minRows={2}
          maxLength={2000}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
        />
        {error !== null && <ErrorAlert error={error} title="Not saved" />}
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            Save background check
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ReportUpload({
  personId,
  replacing,
  onChanged,
}: {
  personId: string;
  replacing: boolean;
  onChanged: () => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const upload = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await peopleApi.uploadReport(personId, file);
      notifications.show({ color: 'teal', message: 'The report is stored as evidence of PEO-01.' });
      setFile(null);
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void upload(e)} noValidate>
      <Stack gap="xs">
        <Group align="flex-end">
          <FileInput
            label={replacing ? 'Replace the provider’s report' : 'Provider’s report'}
            placeholder="Choose a file"
            value={file}
            onChange={setFile}
            clearable
            flex={1}
            description={
              file
                ? `${file.name}, ${formatSize(file.size)}`
                : 'Encrypted in the evidence vault; only owners, admins and auditors can open it.'
            }
          />
          <Button type="submit" variant="light" leftSection={<IconUpload size={16} />} loading={busy} disabled={!file}>
            Upload
          </Button>
        </Group>
        {error !== null && <ErrorAlert error={error} title="Not uploaded" />}
      </Stack>
    </form>
  );
}
