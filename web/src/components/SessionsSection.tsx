import { Badge, Button, Table, Text } from '@mantine/core';
import { api, type SessionInfo } from '../api';
import { formatDateTime } from '../format';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';
import { ConfirmModal } from './ConfirmModal';
import { Loaded } from './PageStatus';
import { SettingsSection } from './SettingsSection';

export function SessionsSection() {
  const sessions = useApi(api.sessions);
  const revoking = useModalTarget<SessionInfo>();

  return (
    <SettingsSection
      title="Active sessions"
      description="Browsers signed in to your account. Revoke any you do not recognise."
    >
      <Loaded state={sessions}>
        {({ items }) =>
          items.length === 0 ? (
            <Text size="sm">No other sessions.</Text>
          ) : (
            <Table.ScrollContainer minWidth={680}>
              <Table verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Device</Table.Th>
                    <Table.Th>IP address</Table.Th>
                    <Table.Th>Signed in</Table.Th>
                    <Table.Th>Last active</Table.Th>
                    <Table.Th>Actions</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((session) => (
                    <Table.Tr key={session.id}>
                      <Table.Td>
                        <Text size="sm" lineClamp={2} maw={320} title={session.userAgent ?? undefined}>
                          {session.userAgent ?? 'Unknown device'}
                        </Text>
                      </Table.Td>
                      <Table.Td>{session.ip ?? '—'}</Table.Td>
                      <Table.Td>{formatDateTime(session.createdAt)}</Table.Td>
                      <Table.Td>{formatDateTime(session.lastSeenAt)}</Table.Td>
                      <Table.Td>
                        {session.current ? (
                          <Badge variant="light">This session</Badge>
                        ) : (
                          <Button size="xs" variant="subtle" color="red" onClick={() => revoking.open(session)}>
                            Revoke
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </Loaded>
      <ConfirmModal
        opened={revoking.opened}
        title="Revoke session"
        confirmLabel="Revoke session"
        onClose={revoking.close}
        onExited={revoking.onExited}
        onConfirm={async () => {
          if (!revoking.target) return;
          await api.revokeSession(revoking.target.id);
          void sessions.reload();
        }}
      >
        {revoking.target &&
          `The browser at ${revoking.target.ip ?? 'an unknown address'} will be signed out immediately.`}
      </ConfirmModal>
    </SettingsSection>
  );
}
