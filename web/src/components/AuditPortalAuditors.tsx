import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconTrash } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { type AuditDetail, auditApi } from '../api/audits';
import { ErrorAlert } from './PageStatus';

/** Owners and admins: who audits this audit, adding by email (an invitation when needed) and taking people off. */
export function AuditPortalAuditors({ audit, onChanged }: { audit: AuditDetail; onChanged: () => void }) {
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [link, setLink] = useState<string | null>(null);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setLink(null);
    try {
      const added = await auditApi.addAuditor(audit.id, email);
      setEmail('');
      setLink(added.link);
      notifications.show({
        color: 'teal',
        title: added.invited ? 'Invitation made' : 'Auditor added',
        message: added.invited
          ? added.emailed
            ? `${added.auditor.email} was emailed an invitation.`
            : `Send ${added.auditor.email} the invitation link shown below.`
          : `${added.auditor.email} can now open this audit.`,
      });
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (auditorId: string) => {
    setError(null);
    try {
      await auditApi.removeAuditor(audit.id, auditorId);
      onChanged();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={2} size="h4">
          Auditors
        </Title>
        <Text size="sm" c="dimmed">
          Auditors see this audit read-only until {audit.accessExpiresAt.slice(0, 10)}; an invited auditor’s membership
          ends then too.
        </Text>
        {(audit.auditors ?? []).length > 0 && (
          <Table>
            <Table.Tbody>
              {(audit.auditors ?? []).map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>{a.name ? `${a.name} (${a.email})` : a.email}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={a.state === 'member' ? 'teal' : 'gray'}>
                      {a.state === 'member' ? 'Has access' : 'Invited'}
                    </Badge>
                  </Table.Td>
                  <Table.Td align="right">
                    <Tooltip label="Take off this audit">
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Remove ${a.email}`}
                        onClick={() => void remove(a.id)}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <form onSubmit={(e) => void add(e)} noValidate>
          <Group align="flex-end">
            <TextInput
              label="Auditor’s email"
              type="email"
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              style={{ flex: 1 }}
            />
            <Button type="submit" loading={busy} disabled={!email.trim()}>
              Add auditor
            </Button>
          </Group>
        </form>
        {link && (
          <Alert color="blue" title="Invitation link">
            <Code block>{link}</Code>
          </Alert>
        )}
        {error !== null && <ErrorAlert error={error} title="Not changed" />}
      </Stack>
    </Card>
  );
}
