import {
  Alert,
  Button,
  FileInput,
  Group,
  Modal,
  ScrollArea,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useApi } from '../useApi';
import { type AgreementVersion, agreementApi } from './AgreementApi';
import { formatSize } from './EvidenceApi';
import { ErrorAlert, Loaded } from './PageStatus';
import { PolicyMarkdown } from './PolicyMarkdown';

interface PublishModalProps {
  opened: boolean;
  onClose: () => void;
  /** The version people sign now, if any: its text is offered as the starting point. */
  current: AgreementVersion | null;
  onPublished: (version: AgreementVersion) => void;
}

/**
 * Publishes a new version of the agreement, written here (prefilled with the current text, or
 * with Attest's template the first time) or uploaded as a file. Versions never change once
 * published: everyone in the register is asked to sign the new one.
 */
export function AgreementPublishModal({ opened, onClose, current, onPublished }: PublishModalProps) {
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title="Publish a new version" size="xl" centered>
      {opened && <PublishForm current={current} onBusy={setBusy} onClose={onClose} onPublished={onPublished} />}
    </Modal>
  );
}

type Mode = 'write' | 'upload';

function PublishForm({
  current,
  onBusy,
  onClose,
  onPublished,
}: {
  current: AgreementVersion | null;
  onBusy: (busy: boolean) => void;
  onClose: () => void;
  onPublished: (version: AgreementVersion) => void;
}) {
  // The starting text: the current written version, else the template filled with the organisation.
  const start = useApi(async () => {
    if (current?.body) return { title: current.title, body: current.body };
    const template = await agreementApi.template();
    return { title: current?.title ?? template.title, body: template.body };
  });
  return (
    <Loaded state={start}>
      {(initial) => (
        <Editor
          initial={initial}
          startsFromCurrent={Boolean(current?.body)}
          onBusy={onBusy}
          onClose={onClose}
          onPublished={onPublished}
        />
      )}
    </Loaded>
  );
}

function Editor({
  initial,
  startsFromCurrent,
  onBusy,
  onClose,
  onPublished,
}: {
  initial: { title: string; body: string };
  startsFromCurrent: boolean;
  onBusy: (busy: boolean) => void;
  onClose: () => void;
  onPublished: (version: AgreementVersion) => void;
}) {
  const [mode, setMode] = useState<Mode>('write');
  const [title, setTitle] = useState(initial.title);
  const [body, setBody] = useState(initial.body);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const loadTemplate = async () => {
    try {
      const template = await agreementApi.template();
      setBody(template.body);
    } catch (err) {
      setError(err);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = !title.trim()
      ? 'Give the agreement a title.'
      : mode === 'write' && !body.trim()
        ? 'Write the text of the agreement.'
        : mode === 'upload' && !file
          ? 'Choose the file people will sign.'
          : null;
    setFieldError(problem);
    if (problem) return;
    setBusy(true);
    onBusy(true);
    setError(null);
    try {
      const version =
        mode === 'write' || !file
          ? await agreementApi.publish({ title: title.trim(), body })
          : await agreementApi.publishFile(title.trim(), file);
      onPublished(version);
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
        <SegmentedControl
          value={mode}
          onChange={(v) => setMode(v as Mode)}
          data={[
            { value: 'write', label: 'Write the text' },
            { value: 'upload', label: 'Upload a file' },
          ]}
          aria-label="How to publish"
        />
        <TextInput
          label="Title"
          required
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
        />
        {mode === 'write' ? (
          <>
            <Group justify="space-between">
              <Text size="sm" c="dimmed">
                {startsFromCurrent ? 'Starts from the current version.' : 'Starts from Attest’s template.'} Markdown: ##
                for headings, - for lists, **bold**.
              </Text>
              <Group gap="xs">
                {startsFromCurrent && (
                  <Button size="xs" variant="subtle" onClick={() => void loadTemplate()}>
                    Use the template instead
                  </Button>
                )}
                <Button size="xs" variant="light" onClick={() => setPreview((p) => !p)}>
                  {preview ? 'Edit' : 'Preview'}
                </Button>
              </Group>
            </Group>
            {preview ? (
              <ScrollArea
                h={420}
                type="auto"
                p="md"
                viewportProps={{ tabIndex: 0, 'aria-label': 'Preview of the agreement' }}
                style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}
              >
                <PolicyMarkdown source={body} />
              </ScrollArea>
            ) : (
              <Textarea
                label="Agreement text"
                required
                autosize
                minRows={14}
                maxRows={22}
                maxLength={100_000}
                value={body}
                onChange={(e) => setBody(e.currentTarget.value)}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
              />
            )}
          </>
        ) : (
          <FileInput
            label="Agreement file"
            placeholder="Choose a file (PDF is best)"
            required
            clearable
            value={file}
            onChange={setFile}
            description={
              file
                ? `${file.name}, ${formatSize(file.size)}`
                : 'Kept encrypted in the evidence vault; people download it, read it and sign.'
            }
          />
        )}
        <Alert color="blue" icon={<IconInfoCircle size={18} />}>
          A published version cannot be changed. Everyone in the people register will be asked to sign it, including
          people who signed an earlier version.
        </Alert>
        {fieldError && (
          <Text size="sm" c="red" role="alert">
            {fieldError}
          </Text>
        )}
        {error !== null && <ErrorAlert error={error} title="Not published" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Publish
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
