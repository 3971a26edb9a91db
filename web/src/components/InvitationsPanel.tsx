import {
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { isEmail, useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconMailForward, IconUserPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { api, type Invitation, type InvitationCreated, ROLES, type Role } from '../api';
import { capitalise, formatDateTime } from '../format';
import { applyFieldErrors } from '../forms';
import { useSession } from '../session';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';
import { ConfirmModal } from './ConfirmModal';
import { ErrorAlert, Loaded } from './PageStatus';
import { SecretModal } from './SecretModal';

const STATUS_COLOR: Record<Invitation['status'], string> = {
  pending: 'blue',
  accepted: 'teal',
  expired: 'gray',
  revoked: 'red',
};

export function InvitationsPanel() {
  const { me } = useSession();
  const invitations = useApi(api.invitations);
  const [inviting, setInviting] = useState(false);
  const revoking = useModalTarget<Invitation>();
  const created = useModalTarget<InvitationCreated>();

  const onCreated = (result: InvitationCreated) => {
    setInviting(false);
    void invitations.reload();
    if (result.link) created.open(result);
    else notifications.show({ color: 'teal', message: `Invitation emailed to ${result.invitation.email}.` });
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          Invitations
        </Title>
        <Button leftSection={<IconUserPlus size={16} />} onClick={() => setInviting(true)}>
          Invite member
        </Button>
      </Group>
      <Loaded state={invitations}>
        {({ items }) =>
          items.length === 0 ? (
            <EmptyState
              icon={<IconMailForward size={28} />}
              title="No invitations yet"
              description={`Invite someone to join ${me.organisation?.name ?? 'this organisation'}.`}
            />
          ) : (
            <Table.ScrollContainer minWidth={640}>
              <Table verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Invited</Table.Th>
                    <Table.Th>Expires</Table.Th>
                    <Table.Th>Actions</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((invitation) => (
                    <Table.Tr key={invitation.id}>
                      <Table.Td>{invitation.email}</Table.Td>
                      <Table.Td>{capitalise(invitation.role)}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={STATUS_COLOR[invitation.status]}>
                          {invitation.status}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatDateTime(invitation.createdAt)}</Text>
                        {invitation.invitedBy && (
                          <Text size="xs" c="dimmed">
                            by {invitation.invitedBy}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{formatDateTime(invitation.expiresAt)}</Table.Td>
                      <Table.Td>
                        {invitation.status === 'pending' && (
                          <Button size="xs" variant="subtle" color="red" onClick={() => revoking.open(invitation)}>
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
      <InviteModal
        opened={inviting}
        onClose={() => setInviting(false)}
        onCreated={onCreated}
        canInviteOwner={me.role === 'owner'}
      />
      <SecretModal
        title="Share this invitation link"
        opened={created.opened}
        value={created.target?.link ?? null}
        onClose={created.close}
        onExited={created.onExited}
        testId="invitation-link"
        warning={`This link is shown only once. It works a single time and expires ${formatDateTime(created.target?.invitation.expiresAt)}.`}
      >
        <Text size="sm">
          No mail server is configured, so send this link to {created.target?.invitation.email} yourself, over a channel
          you trust.
        </Text>
      </SecretModal>
      <ConfirmModal
        opened={revoking.opened}
        title="Revoke invitation"
        confirmLabel="Revoke invitation"
        onClose={revoking.close}
        onExited={revoking.onExited}
        onConfirm={async () => {
          if (!revoking.target) return;
          await api.revokeInvitation(revoking.target.id);
          void invitations.reload();
        }}
      >
        {revoking.target && `The invitation link sent to ${revoking.target.email} will stop working.`}
      </ConfirmModal>
    </Card>
  );
}

interface InviteModalProps {
  opened: boolean;
  onClose: () => void;
  onCreated: (result: InvitationCreated) => void;
  canInviteOwner: boolean;
}

function InviteModal({ opened, onClose, onCreated, canInviteOwner }: InviteModalProps) {
  const [error, setError] = useState<unknown>(null);
  const form = useForm({
    initialValues: { email: '', role: 'member' as Role },
    validate: { email: isEmail('Enter an email address') },
  });
  const roles = (canInviteOwner ? ROLES : ROLES.filter((role) => role !== 'owner')).map((role) => ({
    value: role,
    label: capitalise(role),
  }));

  const close = () => {
    form.reset();
    setError(null);
    onClose();
  };

  const submit = form.onSubmit(async ({ email, role }) => {
    setError(null);
    try {
      const result = await api.invite(email.trim(), role);
      form.reset();
      onCreated(result);
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err);
    }
  });

  return (
    <Modal opened={opened} onClose={close} title="Invite a member" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Email address" type="email" required data-autofocus {...form.getInputProps('email')} />
          <Select label="Role" data={roles} allowDeselect={false} required {...form.getInputProps('role')} />
          {error !== null && <ErrorAlert error={error} title="The invitation was not sent" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Send invitation
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
