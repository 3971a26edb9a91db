import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  FileInput,
  Group,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { errorMessage } from '../api';
import { type DocumentAccess, type TrustDocument, trustDocumentsApi } from '../api/trust-documents';

export const ACCESS_LABEL: Record<DocumentAccess, string> = {
  public: 'Public',
  request: 'On request (NDA)',
  hidden: 'Hidden',
};
const ACCESS_OPTIONS = Object.entries(ACCESS_LABEL).map(([value, label]) => ({ value, label }));

const size = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.max(1, Math.round(bytes / 1024))} KiB`;

/** The documents in display order; managers change who may see each one. */
export function TrustDocumentList({
  documents,
  canManage,
  onChanged,
}: {
  documents: TrustDocument[];
  canManage: boolean;
  onChanged: () => void;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const setAccess = async (document: TrustDocument, access: DocumentAccess) => {
    setBusy(document.id);
    try {
      await trustDocumentsApi.update(document.id, { access });
      notifications.show({ color: 'teal', message: `${document.title}: ${ACCESS_LABEL[access].toLowerCase()}.` });
      onChanged();
    } catch (error) {
      notifications.show({ color: 'red', title: 'Not changed', message: errorMessage(error) });
    } finally {
      setBusy(null);
    }
  };
  if (documents.length === 0) {
    return <Text c="dimmed">No documents yet. Upload a security overview, a SOC 2 report or a pentest summary.</Text>;
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="sm" aria-label="Documents">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Document</Table.Th>
            <Table.Th>Who may see it</Table.Th>
            <Table.Th>Requests</Table.Th>
            <Table.Th>Downloads</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {documents.map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td>
                <Anchor href={trustDocumentsApi.fileUrl(d.id)} fw={600}>
                  {d.title}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {d.file.name} · {size(d.file.size)} · order {d.position}
                </Text>
                {d.description && <Text size="sm">{d.description}</Text>}
              </Table.Td>
              <Table.Td>
                {canManage ? (
                  <Select
                    aria-label={`Who may see ${d.title}`}
                    data={ACCESS_OPTIONS}
                    value={d.access}
                    allowDeselect={false}
                    disabled={busy === d.id}
                    onChange={(v) => v && v !== d.access && void setAccess(d, v as DocumentAccess)}
                  />
                ) : (
                  <Badge variant="light">{ACCESS_LABEL[d.access]}</Badge>
                )}
              </Table.Td>
              <Table.Td>
                {d.requests.total}
                {d.requests.pending > 0 && (
                  <Badge ml="xs" color="yellow" size="sm">
                    {d.requests.pending} pending
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>{d.downloads}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Upload a document: title, description, access, order and the file (a PDF when shared on request). */
export function TrustDocumentUpload({ onUploaded }: { onUploaded: () => void }) {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [access, setAccess] = useState<DocumentAccess>('request');
  const [position, setPosition] = useState<number | string>(0);
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!file) {
      setError('Choose the file to upload.');
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const made = await trustDocumentsApi.upload(
        { title, description, access, position: String(position || 0) },
        file,
      );
      notifications.show({ color: 'teal', message: `Added ${made.title}.` });
      setTitle('');
      setDescription('');
      setFile(null);
      onUploaded();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card withBorder radius="md" padding="lg" component="form" onSubmit={submit}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          Add a document
        </Title>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <TextInput
          label="Title"
          required
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
        />
        <Textarea
          label="Description"
          maxLength={2000}
          autosize
          minRows={2}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <Group grow align="flex-start">
          <Select
            label="Who may see it"
            data={ACCESS_OPTIONS}
            value={access}
            allowDeselect={false}
            onChange={(v) => v && setAccess(v as DocumentAccess)}
            description={access === 'request' ? 'A PDF: each copy is watermarked with its recipient.' : undefined}
          />
          <NumberInput label="Display order" min={0} max={10000} value={position} onChange={setPosition} />
        </Group>
        <FileInput
          label="File"
          required
          accept={access === 'request' ? 'application/pdf' : undefined}
          value={file}
          onChange={setFile}
          placeholder="Choose a file (up to 20 MiB)"
        />
        <Group justify="flex-end">
          <Button type="submit" loading={saving}>
            Upload
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
