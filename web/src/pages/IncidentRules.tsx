import {
  Alert,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  PasswordInput,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api';
import { type EscalationRule, incidentApi, SEVERITIES, SEVERITY_LABEL, type Severity } from '../api/incidents';
import { ErrorAlert, Loaded } from '../components/PageStatus';
import { useApi } from '../useApi';

const ROLES = ['owner', 'admin', 'member', 'reviewer', 'auditor'] as const;

/**
 * The escalation rules (one per severity) and the hours to notify customers of a breach.
 * Owners and admins edit them; auditors read them.
 */
export function IncidentRulesCard({ canEdit }: { canEdit: boolean }) {
  const settings = useApi(() => incidentApi.settings());
  const [editing, setEditing] = useState<Severity | null>(null);
  const [secret, setSecret] = useState<string | null>(null);

  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="xs">
        Escalation rules and notice deadline
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        When an incident is reported, or its severity raised, the rule of its severity tells the people named (in the
        app and by email when mail is set up) and calls the webhook, signed with HMAC-SHA256 in the X-Attest-Signature
        header.
      </Text>
      <Loaded state={settings}>
        {(data) => (
          <Stack>
            <NoticeHours hours={data.noticeDeadlineHours} canEdit={canEdit} onSaved={() => void settings.reload()} />
            <Table.ScrollContainer minWidth={720}>
              <Table verticalSpacing="sm" aria-label="Escalation rules">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Severity</Table.Th>
                    <Table.Th>Who is told</Table.Th>
                    <Table.Th>Webhook</Table.Th>
                    <Table.Th>Within</Table.Th>
                    {canEdit && (
                      <Table.Th>
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    )}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {SEVERITIES.map((severity) => {
                    const rule = data.rules.find((r) => r.severity === severity);
                    return (
                      <Table.Tr key={severity}>
                        <Table.Td>{SEVERITY_LABEL[severity].label}</Table.Td>
                        <Table.Td>
                          <Text size="sm">{rule ? whoText(rule) : 'No rule: nobody is told'}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{rule?.webhookUrl ?? '—'}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{rule ? `${rule.targetMinutes} min` : '—'}</Text>
                        </Table.Td>
                        {canEdit && (
                          <Table.Td>
                            <Group gap="xs" justify="flex-end">
                              <Button size="xs" variant="light" onClick={() => setEditing(severity)}>
                                {rule ? `Edit ${severity} rule` : `Add ${severity} rule`}
                              </Button>
                              {rule && (
                                <Button
                                  size="xs"
                                  variant="subtle"
                                  color="red"
                                  onClick={() => {
                                    incidentApi
                                      .deleteRule(severity)
                                      .then(() => settings.reload())
                                      .catch((err: unknown) =>
                                        notifications.show({ color: 'red', message: errorMessage(err) }),
                                      );
                                  }}
                                >
                                  Remove
                                </Button>
                              )}
                            </Group>
                          </Table.Td>
                        )}
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {secret && (
              <Alert color="yellow" title="The webhook's shared secret" withCloseButton onClose={() => setSecret(null)}>
                <Text size="sm">Give it to the receiver now: Attest shows it only once.</Text>
                <Code block mt="xs">
                  {secret}
                </Code>
              </Alert>
            )}
            <Modal
              opened={editing !== null}
              onClose={() => setEditing(null)}
              title={editing ? `${SEVERITY_LABEL[editing].label}: escalation rule` : ''}
              centered
              size="lg"
            >
              {editing && (
                <RuleForm
                  severity={editing}
                  rule={data.rules.find((r) => r.severity === editing) ?? null}
                  onClose={() => setEditing(null)}
                  onSaved={(made) => {
                    setEditing(null);
                    if (made) setSecret(made);
                    notifications.show({ color: 'teal', message: 'Escalation rule saved.' });
                    void settings.reload();
                  }}
                />
              )}
            </Modal>
          </Stack>
        )}
      </Loaded>
    </Card>
  );
}

function whoText(rule: EscalationRule): string {
  const parts = [
    ...rule.notifyRoles.map((r) => `every ${r}`),
    ...rule.notifyUsers.map((u) => u.name || u.email),
    ...rule.emails,
  ];
  return parts.length ? parts.join(', ') : 'Only the webhook';
}

function NoticeHours({ hours, canEdit, onSaved }: { hours: number; canEdit: boolean; onSaved: () => void }) {
  const [value, setValue] = useState<number | string>(hours);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!canEdit) {
    return <Text size="sm">Customers must be notified of a breach within {hours} hours of its discovery.</Text>;
  }
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await incidentApi.saveSettings(Number(value));
      notifications.show({
        color: 'teal',
        message: 'Notice deadline saved; it applies to breaches marked from now on.',
      });
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void save(e)} noValidate>
      <Group align="flex-end">
        <NumberInput
          label="Hours to notify customers of a breach"
          description="Counted from discovery; delays requested by law enforcement or required by law extend it"
          min={1}
          max={8760}
          allowDecimal={false}
          value={value}
          onChange={setValue}
          w={380}
        />
        <Button type="submit" variant="light" loading={busy}>
          Save
        </Button>
      </Group>
      {error !== null && <ErrorAlert error={error} title="Not saved" />}
    </form>
  );
}

function RuleForm({
  severity,
  rule,
  onClose,
  onSaved,
}: {
  severity: Severity;
  rule: EscalationRule | null;
  onClose: () => void;
  onSaved: (secret: string | null) => void;
}) {
  const people = useApi(() => incidentApi.assignees());
  const [roles, setRoles] = useState<string[]>(rule?.notifyRoles ?? ['owner', 'admin']);
  const [userIds, setUserIds] = useState<string[]>(rule?.notifyUsers.map((u) => u.id) ?? []);
  const [emails, setEmails] = useState<string[]>(rule?.emails ?? []);
  const [url, setUrl] = useState(rule?.webhookUrl ?? '');
  const [secret, setSecret] = useState('');
  const [minutes, setMinutes] = useState<number | string>(rule?.targetMinutes ?? 30);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await incidentApi.saveRule(severity, {
        notifyRoles: roles,
        notifyUserIds: userIds,
        emails,
        webhookUrl: url.trim() || null,
        ...(secret ? { webhookSecret: secret } : {}),
        targetMinutes: Number(minutes),
      });
      onSaved(saved.webhookSecret);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Checkbox.Group label="Tell everyone with these roles" value={roles} onChange={setRoles}>
          <Group mt="xs">
            {ROLES.map((r) => (
              <Checkbox key={r} value={r} label={r} />
            ))}
          </Group>
        </Checkbox.Group>
        <MultiSelect
          label="And these people"
          data={(people.data?.items ?? []).map((p) => ({
            value: p.id,
            label: p.name ? `${p.name} (${p.email})` : p.email,
          }))}
          value={userIds}
          onChange={setUserIds}
          searchable
        />
        <TagsInput
          label="And these email addresses"
          description="An on-call alias, leadership; press Enter after each"
          value={emails}
          onChange={setEmails}
          maxTags={20}
        />
        <TextInput
          label="Webhook URL"
          description="Optional: https (plain http only to 127.0.0.1)"
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
        />
        {url.trim() && (
          <PasswordInput
            label="Shared secret"
            description={
              rule?.hasWebhookSecret
                ? 'Leave empty to keep the current secret'
                : 'Leave empty and Attest makes one and shows it once'
            }
            value={secret}
            onChange={(e) => setSecret(e.currentTarget.value)}
          />
        )}
        <NumberInput
          label="Minutes allowed to escalate"
          min={1}
          max={10080}
          allowDecimal={false}
          value={minutes}
          onChange={setMinutes}
        />
        {error !== null && <ErrorAlert error={error} title="Not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Save rule
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
