import { Alert, Button, Card, Code, Group, NumberInput, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { errorMessage } from '../api';
import { type DocumentSettings, type Nda, trustDocumentsApi } from '../api/trust-documents';
import { formatDateTime } from '../format';

/** The NDA visitors accept: each saved change is a new version with its own SHA-256. */
export function TrustDocumentNda({ nda, canManage, onSaved }: { nda: Nda; canManage: boolean; onSaved: () => void }) {
  const [text, setText] = useState(nda.text);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const saved = await trustDocumentsApi.setNda(text);
      notifications.show({ color: 'teal', message: `NDA version ${saved.version} is in force.` });
      onSaved();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Title order={2} size="h4">
          Non-disclosure agreement
        </Title>
        <Text size="sm" c="dimmed">
          Version {nda.version}, {formatDateTime(nda.createdAt)}
          {nda.createdBy ? ` by ${nda.createdBy}` : ' (default template)'}. SHA-256 <Code>{nda.sha256}</Code>
        </Text>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Textarea
          label="NDA text"
          autosize
          minRows={8}
          maxRows={20}
          maxLength={20000}
          readOnly={!canManage}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
        />
        {canManage && (
          <Group justify="flex-end">
            <Button onClick={() => void save()} loading={saving} disabled={text.trim() === nda.text}>
              Save as a new version
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}

/** Which email domains are approved at once, and how long a link works. */
export function TrustDocumentRules({
  settings,
  canManage,
  onSaved,
}: {
  settings: DocumentSettings;
  canManage: boolean;
  onSaved: () => void;
}) {
  const [domains, setDomains] = useState(settings.autoApproveDomains.join(', '));
  const [days, setDays] = useState<number | string>(settings.grantDays);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const list = domains
        .split(/[\s,]+/)
        .map((d) => d.trim())
        .filter(Boolean);
      await trustDocumentsApi.setSettings({ autoApproveDomains: list, grantDays: Number(days) });
      notifications.show({ color: 'teal', message: 'Approval rules saved.' });
      onSaved();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Title order={2} size="h4">
          Approval rules
        </Title>
        <Text size="sm" c="dimmed">
          Requests from these email domains (and their subdomains) are approved at once and the link is emailed;
          everything else waits for an owner or admin. Without mail, every request waits.
        </Text>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <TextInput
          label="Approve automatically"
          description="Domains, separated by commas: customer.com, partner.io"
          readOnly={!canManage}
          value={domains}
          onChange={(e) => setDomains(e.currentTarget.value)}
        />
        <NumberInput
          label="Links work for (days)"
          min={1}
          max={90}
          readOnly={!canManage}
          value={days}
          onChange={setDays}
        />
        {canManage && (
          <Group justify="flex-end">
            <Button onClick={() => void save()} loading={saving}>
              Save rules
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
