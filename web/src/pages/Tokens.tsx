import { Badge, Button, Card, Code, EmptyState, Group, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { type ApiToken, api } from '../api';
import { ConfirmModal } from '../components/ConfirmModal';
import { CreateTokenModal } from '../components/CreateTokenModal';
import { Loaded } from '../components/PageStatus';
import { SecretModal } from '../components/SecretModal';
import { formatDate, formatDateTime, isPast } from '../format';
import { useSession } from '../session';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';

function tokenStatus(token: ApiToken): { label: string; color: string } {
  if (token.revokedAt) return { label: 'Revoked', color: 'red' };
  if (isPast(token.expiresAt)) return { label: 'Expired', color: 'gray' };
  return { label: 'Active', color: 'teal' };
}

export function TokensPage() {
  const { me } = useSession();
  const tokens = useApi(api.tokens);
  const [creating, setCreating] = useState(false);
  const secret = useModalTarget<string>();
  const revoking = useModalTarget<ApiToken>();

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          API tokens
        </Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          Create token
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        Tokens let the Attest CLI and your automation call the API on your behalf, limited to the scopes you choose.
      </Text>
      <Card withBorder radius="md" padding="lg">
        <Loaded state={tokens} forbidden="Your role cannot manage API tokens in this organisation.">
          {({ items }) =>
            items.length === 0 ? (
              <EmptyState icon={<IconKey size={28} />} title="No API tokens yet — create one to use the CLI">
                <EmptyState.Actions>
                  <Button variant="light" onClick={() => setCreating(true)}>
                    Create token
                  </Button>
                </EmptyState.Actions>
              </EmptyState>
            ) : (
              <Table.ScrollContainer minWidth={860}>
                <Table verticalSpacing="sm" highlightOnHover>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Scopes</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>Created</Table.Th>
                      <Table.Th>Expires</Table.Th>
                      <Table.Th>Last used</Table.Th>
                      <Table.Th>Actions</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((token) => {
                      const status = tokenStatus(token);
                      return (
                        <Table.Tr key={token.id}>
                          <Table.Td>
                            <Text size="sm" fw={500}>
                              {token.name}
                            </Text>
                            {token.owner.id !== me.user.id && (
                              <Text size="xs" c="dimmed">
                                Owner: {token.owner.email}
                              </Text>
                            )}
                          </Table.Td>
                          <Table.Td>
                            <Group gap={4}>
                              {token.scopes.map((scope) => (
                                <Code key={scope}>{scope}</Code>
                              ))}
                            </Group>
                          </Table.Td>
                          <Table.Td>
                            <Badge variant="light" color={status.color}>
                              {status.label}
                            </Badge>
                          </Table.Td>
                          <Table.Td>{formatDate(token.createdAt)}</Table.Td>
                          <Table.Td>{formatDate(token.expiresAt, 'Never')}</Table.Td>
                          <Table.Td>{formatDateTime(token.lastUsedAt, 'Never')}</Table.Td>
                          <Table.Td>
                            {status.label === 'Active' && (
                              <Button size="xs" variant="subtle" color="red" onClick={() => revoking.open(token)}>
                                Revoke
                              </Button>
                            )}
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )
          }
        </Loaded>
      </Card>
      <CreateTokenModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(token) => {
          setCreating(false);
          secret.open(token);
          void tokens.reload();
        }}
      />
      <SecretModal
        title="Your new API token"
        opened={secret.opened}
        value={secret.target}
        onClose={secret.close}
        onExited={secret.onExited}
        testId="api-token"
        warning="Copy this token now and store it somewhere safe. It will not be shown again."
      >
        <Text size="sm">Use it with the Attest CLI or in your own API requests.</Text>
      </SecretModal>
      <ConfirmModal
        opened={revoking.opened}
        title="Revoke API token"
        confirmLabel="Revoke token"
        onClose={revoking.close}
        onExited={revoking.onExited}
        onConfirm={async () => {
          const token = revoking.target;
          if (!token) return;
          await api.revokeToken(token.id);
          notifications.show({ message: `Token “${token.name}” was revoked.` });
          void tokens.reload();
        }}
      >
        {revoking.target &&
          `Anything using “${revoking.target.name}” will be refused from now on. This cannot be undone.`}
      </ConfirmModal>
    </Stack>
  );
}
