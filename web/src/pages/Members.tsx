import { Badge, Button, Card, EmptyState, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconShieldCheck, IconShieldOff, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { api, errorMessage, type Me, type Member, ROLES, type Role } from '../api';
import { ConfirmModal } from '../components/ConfirmModal';
import { InvitationsPanel } from '../components/InvitationsPanel';
import { Loaded } from '../components/PageStatus';
import { capitalise, formatDate } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';

export function MembersPage() {
  const { me } = useSession();
  const members = useApi(api.members);

  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        Members
      </Title>
      <Card withBorder radius="md" padding="lg">
        <Loaded state={members} forbidden="Only owners and admins can see and manage the members of this organisation.">
          {(data) => (
            <MembersTable
              me={me}
              members={data.items}
              onChanged={(member) =>
                members.setData({ items: data.items.map((m) => (m.userId === member.userId ? member : m)) })
              }
              onRemoved={() => void members.reload()}
            />
          )}
        </Loaded>
      </Card>
      {isManager(me) && <InvitationsPanel />}
    </Stack>
  );
}

function roleOptions(me: Me) {
  // Only an owner can make another owner; the server enforces it too.
  const roles = me.role === 'owner' ? ROLES : ROLES.filter((role) => role !== 'owner');
  return roles.map((role) => ({ value: role, label: capitalise(role) }));
}

interface MembersTableProps {
  me: Me;
  members: Member[];
  onChanged: (member: Member) => void;
  onRemoved: () => void;
}

function MembersTable({ me, members, onChanged, onRemoved }: MembersTableProps) {
  const removing = useModalTarget<Member>();
  const [saving, setSaving] = useState<string | null>(null);
  const options = roleOptions(me);

  if (members.length === 0) {
    return (
      <EmptyState
        icon={<IconUsers size={28} />}
        title="No members yet"
        description="Invite people below to add them."
      />
    );
  }

  const changeRole = async (member: Member, role: Role) => {
    if (role === member.role) return;
    setSaving(member.userId);
    try {
      onChanged(await api.changeRole(member.userId, role));
      notifications.show({
        color: 'teal',
        message: `${member.name || member.email}'s role is now ${capitalise(role)}.`,
      });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Role not changed', message: errorMessage(error) });
    } finally {
      setSaving(null);
    }
  };

  const editable = (member: Member) => member.userId !== me.user.id && (me.role === 'owner' || member.role !== 'owner');

  return (
    <>
      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing="sm" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Member</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Two-step</Table.Th>
              <Table.Th>Joined</Table.Th>
              <Table.Th>Access expires</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.map((member) => (
              <Table.Tr key={member.userId}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {member.name || member.email}
                    {member.userId === me.user.id && ' (you)'}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {member.email}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {editable(member) ? (
                    <Select
                      aria-label={`Role of ${member.email}`}
                      data={options}
                      value={member.role}
                      onChange={(value) => value && void changeRole(member, value as Role)}
                      allowDeselect={false}
                      disabled={saving === member.userId}
                      size="xs"
                      w={130}
                    />
                  ) : (
                    <Badge variant="light">{capitalise(member.role)}</Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  {member.mfa ? (
                    <Badge color="teal" variant="light" leftSection={<IconShieldCheck size={12} />}>
                      On
                    </Badge>
                  ) : (
                    <Badge color="red" variant="light" leftSection={<IconShieldOff size={12} />}>
                      Off
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{formatDate(member.joinedAt)}</Table.Td>
                <Table.Td>{formatDate(member.expiresAt, 'Never')}</Table.Td>
                <Table.Td>
                  {editable(member) && (
                    <Button size="xs" variant="subtle" color="red" onClick={() => removing.open(member)}>
                      Remove
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group justify="flex-end" mt="xs">
        <Text size="xs" c="dimmed">
          {members.length} {members.length === 1 ? 'member' : 'members'}
        </Text>
      </Group>
      <ConfirmModal
        opened={removing.opened}
        title="Remove member"
        confirmLabel="Remove member"
        onClose={removing.close}
        onExited={removing.onExited}
        onConfirm={async () => {
          const member = removing.target;
          if (!member) return;
          await api.removeMember(member.userId);
          notifications.show({ message: `${member.email} was removed from the organisation.` });
          onRemoved();
        }}
      >
        {removing.target &&
          `${removing.target.name || removing.target.email} will lose access to this organisation immediately.`}
      </ConfirmModal>
    </>
  );
}
