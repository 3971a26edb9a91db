import { Alert, Button, Group, Modal, MultiSelect, Select, Stack, TagsInput, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../api';
import { type AnswerShort, type LibraryEntry, questionnairesApi, SHORT_LABELS } from '../api/questionnaires';
import { useApi } from '../useApi';

const SHORT_OPTIONS = [
  { value: '', label: 'No short answer' },
  ...Object.entries(SHORT_LABELS).map(([value, label]) => ({ value, label })),
];

/** Adds or changes a library entry (owners and admins). */
export function AnswerLibraryEntryModal({
  entry,
  opened,
  onClose,
  onSaved,
}: {
  entry: LibraryEntry | null;
  opened: boolean;
  onClose: () => void;
  onSaved: (entry: LibraryEntry) => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={entry ? 'Edit library entry' : 'New library entry'} size="lg">
      {opened && <EntryForm key={entry?.id ?? 'new'} entry={entry} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

function EntryForm({
  entry,
  onClose,
  onSaved,
}: {
  entry: LibraryEntry | null;
  onClose: () => void;
  onSaved: (entry: LibraryEntry) => void;
}) {
  const owners = useApi(() => questionnairesApi.owners());
  const controls = useApi(() => api.controls({}));
  const [question, setQuestion] = useState(entry?.question ?? '');
  const [variants, setVariants] = useState((entry?.variants ?? []).join('\n'));
  const [short, setShort] = useState<string>(entry?.short ?? '');
  const [answer, setAnswer] = useState(entry?.answer ?? '');
  const [controlIds, setControlIds] = useState<string[]>(entry?.controls.map((c) => c.id) ?? []);
  const [tags, setTags] = useState<string[]>(entry?.tags ?? []);
  const [ownerUserId, setOwner] = useState<string | null>(entry?.owner?.id ?? null);
  const [lastReviewedOn, setReviewed] = useState(entry?.lastReviewedOn ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      question,
      variants: variants
        .split('\n')
        .map((v) => v.trim())
        .filter(Boolean),
      short: short ? (short as AnswerShort) : null,
      answer,
      controlIds,
      tags,
      ownerUserId,
      lastReviewedOn: lastReviewedOn || null,
    };
    try {
      onSaved(entry ? await questionnairesApi.updateEntry(entry.id, body) : await questionnairesApi.createEntry(body));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)}>
      <Stack>
        {error && (
          <Alert color="red" role="alert" title="Not saved">
            {error}
          </Alert>
        )}
        <TextInput
          label="Question"
          required
          minLength={3}
          maxLength={2000}
          value={question}
          onChange={(e) => setQuestion(e.currentTarget.value)}
          data-autofocus
        />
        <Textarea
          label="Other wordings"
          description="One per line: the same question as customers phrase it"
          autosize
          minRows={2}
          value={variants}
          onChange={(e) => setVariants(e.currentTarget.value)}
        />
        <Select
          label="Short answer"
          data={SHORT_OPTIONS}
          value={short}
          allowDeselect={false}
          onChange={(v) => setShort(v ?? '')}
        />
        <Textarea
          label="Answer"
          description="May use {{organisation}}, {{last_pentest}}, {{last_vulnerability_assessment}}, {{last_soc2_audit}}: filled from live state when suggested"
          required
          autosize
          minRows={4}
          maxLength={10_000}
          value={answer}
          onChange={(e) => setAnswer(e.currentTarget.value)}
        />
        <MultiSelect
          label="Linked controls"
          description="A suggestion of this answer never says “yes” while one of these controls is not passing"
          searchable
          data={(controls.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.key} ${c.title}` }))}
          value={controlIds}
          onChange={setControlIds}
        />
        <TagsInput
          label="Tags"
          description="Words customers use for this topic (press Enter after each)"
          value={tags}
          onChange={setTags}
          maxTags={20}
        />
        <Group grow>
          <Select
            label="Owner"
            placeholder="Nobody"
            clearable
            searchable
            data={(owners.data?.items ?? []).map((u) => ({ value: u.id, label: u.name || u.email }))}
            value={ownerUserId}
            onChange={setOwner}
          />
          <TextInput
            label="Last reviewed"
            type="date"
            value={lastReviewedOn}
            onChange={(e) => setReviewed(e.currentTarget.value)}
          />
        </Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
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
