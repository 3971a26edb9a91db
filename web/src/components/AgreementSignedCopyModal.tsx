import { Button, FileInput, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
import { useApi } from '../useApi';
import { agreementApi, type Signature } from './AgreementApi';
import { formatSize } from './EvidenceApi';
import { ErrorAlert } from './PageStatus';

interface SignedCopyModalProps {
  opened: boolean;
  onClose: () => void;
  /** The current version: the copy is recorded as a signature of it. */
  version: number;
  onRecorded: (signature: Signature) => void;
}

/** Today as YYYY-MM-DD in UTC, the server's reading of "not in the future". */
const todayUtc = () => new Date().toISOString().slice(0, 10);

/**
 * Records a copy of the current agreement that someone signed elsewhere (on paper, in another
 * tool): who, the date on the copy, and the file, which is kept as evidence.
 */
export function AgreementSignedCopyModal({ opened, onClose, version, onRecorded }: SignedCopyModalProps) {
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title="Record a signed copy" size="lg" centered>
      {opened && <CopyForm version={version} onBusy={setBusy} onClose={onClose} onRecorded={onRecorded} />}
    </Modal>
  );
}

function CopyForm({
  version,
  onBusy,
  onClose,
  onRecorded,
}: {
  version: number;
  onBusy: (busy: boolean) => void;
  onClose: () => void;
  onRecorded: (signature: Signature) => void;
}) {
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  const [search, setSearch] = useState('');
  // Once someone is chosen the box shows their label: that is not a new search.
  const [q] = useDebouncedValue(search === chosen?.label ? '' : search, 250);
  const personId = chosen?.value ?? null;
  const [signedOn, setSignedOn] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Only people yet to sign the current version can have a copy recorded; searched on the server.
  const people = useApi(() => agreementApi.signatures({ unsigned: true, q: q.trim(), limit: 50 }), q);
  const found = (people.data?.items ?? []).map((s) => ({
    value: s.person.id,
    label: `${s.person.name} (${s.person.email})`,
  }));
  const options = chosen && !found.some((o) => o.value === chosen.value) ? [chosen, ...found] : found;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = !personId
      ? 'Choose the person who signed.'
      : !signedOn
        ? 'Give the date on the signed copy.'
        : signedOn > todayUtc()
          ? 'The date on the copy cannot be in the future.'
          : !file
            ? 'Choose the signed file.'
            : null;
    setFieldError(problem);
    if (problem || !personId || !file) return;
    setBusy(true);
    onBusy(true);
    setError(null);
    try {
      onRecorded(await agreementApi.recordCopy(personId, signedOn, file));
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      onBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          The copy counts as their signature of version {version}, from the date on it. The file is encrypted in the
          evidence vault and its SHA-256 committed to the ledger.
        </Text>
        <Select
          label="Person"
          placeholder="Search by name or email"
          required
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          filter={({ options: all }) => all}
          data={options}
          value={personId}
          onChange={(value, option) => setChosen(value && option ? { value, label: option.label } : null)}
          nothingFoundMessage={people.loading ? 'Searching…' : 'Nobody yet to sign matches'}
        />
        <TextInput
          label="Signed on"
          type="date"
          required
          max={todayUtc()}
          value={signedOn}
          onChange={(e) => setSignedOn(e.currentTarget.value)}
          description="The date on the signed copy"
        />
        <FileInput
          label="Signed copy"
          placeholder="Choose a file"
          required
          clearable
          value={file}
          onChange={setFile}
          description={file ? `${file.name}, ${formatSize(file.size)}` : 'A scan or PDF of the signed agreement'}
        />
        {fieldError && (
          <Text size="sm" c="red" role="alert">
            {fieldError}
          </Text>
        )}
        {people.error !== null && <ErrorAlert error={people.error} title="People could not be loaded" />}
        {error !== null && <ErrorAlert error={error} title="Not recorded" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Record
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
