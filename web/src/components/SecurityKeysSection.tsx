import { Button, EmptyState, Table } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconKey } from '@tabler/icons-react';
import { api, type WebauthnCredential } from '../api';
import { formatDate, formatDateTime } from '../format';
import { useSession } from '../session';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';
import { AddSecurityKey } from './AddSecurityKey';
import { ConfirmModal } from './ConfirmModal';
import { Loaded } from './PageStatus';
import { SettingsSection } from './SettingsSection';

export function SecurityKeysSection() {
  const { refresh } = useSession();
  const credentials = useApi(api.webauthnCredentials);
  const removing = useModalTarget<WebauthnCredential>();

  const changed = async () => {
    await Promise.all([credentials.reload(), refresh()]);
  };

  return (
    <SettingsSection
      title="Security keys and passkeys"
      description="Sign in with a hardware key, or a passkey kept on your device."
    >
      <Loaded state={credentials}>
        {({ items }) =>
          items.length === 0 ? (
            <EmptyState
              icon={<IconKey size={28} />}
              title="No security keys yet"
              description="Add one below to verify sign-ins with a touch instead of a code."
            />
          ) : (
            <Table.ScrollContainer minWidth={520}>
              <Table verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Added</Table.Th>
                    <Table.Th>Last used</Table.Th>
                    <Table.Th>Actions</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((credential) => (
                    <Table.Tr key={credential.id}>
                      <Table.Td>{credential.name}</Table.Td>
                      <Table.Td>{formatDate(credential.createdAt)}</Table.Td>
                      <Table.Td>{formatDateTime(credential.lastUsedAt, 'Never')}</Table.Td>
                      <Table.Td>
                        <Button size="xs" variant="subtle" color="red" onClick={() => removing.open(credential)}>
                          Remove
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </Loaded>
      <AddSecurityKey
        onAdded={(credential) => {
          notifications.show({ color: 'teal', message: `Security key “${credential.name}” added.` });
          void changed();
        }}
      />
      <ConfirmModal
        opened={removing.opened}
        title="Remove security key"
        confirmLabel="Remove key"
        onClose={removing.close}
        onExited={removing.onExited}
        onConfirm={async () => {
          if (!removing.target) return;
          await api.webauthnRemove(removing.target.id);
          void changed();
        }}
      >
        {removing.target && `“${removing.target.name}” will no longer be accepted when you sign in.`}
      </ConfirmModal>
    </SettingsSection>
  );
}
