import {
  Badge,
  Drawer,
  EmptyState,
  Group,
  Pagination,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { formatDate, formatDateTime } from '../format';
import { useApi } from '../useApi';
import { type AccountFlag, accessApi, pages, type System, type SystemAccount } from './AccessApi';
import { Loaded } from './PageStatus';

interface SystemAccountsDrawerProps {
  system: System | null;
  opened: boolean;
  onClose: () => void;
  onExited?: () => void;
}

/** The accounts of a system, each with the person it belongs to and what needs attention. */
export function SystemAccountsDrawer({ system, opened, onClose, onExited }: SystemAccountsDrawerProps) {
  return (
    <Drawer
      opened={opened}
      onClose={onClose}
      onExitTransitionEnd={onExited}
      position="right"
      size="xl"
      title={system ? `Accounts in ${system.name}` : 'Accounts'}
    >
      {system && <AccountsView system={system} />}
    </Drawer>
  );
}

const FLAG: Record<AccountFlag, { label: string; color: string; hint: string }> = {
  orphan: { label: 'Orphan', color: 'orange', hint: 'Nobody in the people register' },
  departed: { label: 'Departed', color: 'red', hint: 'The person has left and the account is still active' },
};

function AccountsView({ system }: { system: System }) {
  const [flag, setFlag] = useState<'all' | AccountFlag>('all');
  const [q, setQ] = useState('');
  const [search] = useDebouncedValue(q.trim(), 300);
  const [page, setPage] = useState(1);
  const filters = { flag: flag === 'all' ? null : flag, q: search, page };
  const accounts = useApi(() => accessApi.accounts(system.id, filters), `${system.id}:${JSON.stringify(filters)}`);

  if (!system.source) {
    return (
      <EmptyState icon={<IconUsers size={28} />} title="No source for this system's accounts">
        <Text size="sm" c="dimmed">
          Push the system's account list (Monitoring → Push a file, “Accounts list (CSV)”), then edit the system and
          choose that source.
        </Text>
      </EmptyState>
    );
  }

  const counts = system.accounts;
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        From the source “{system.source.name}”. An account belongs to the person with its email in the people register,
        or to the person it was linked to by hand (Monitoring → Inventory).
      </Text>
      <Group align="flex-end" wrap="wrap">
        <SegmentedControl
          aria-label="Show accounts"
          value={flag}
          onChange={(v) => {
            setPage(1);
            setFlag(v as 'all' | AccountFlag);
          }}
          data={[
            { value: 'all', label: counts ? `All (${counts.accounts})` : 'All' },
            { value: 'orphan', label: counts ? `Orphans (${counts.orphans})` : 'Orphans' },
            { value: 'departed', label: counts ? `Departed (${counts.departed})` : 'Departed' },
          ]}
        />
        <TextInput
          label="Search accounts"
          placeholder="Name or email"
          leftSection={<IconSearch size={16} />}
          value={q}
          onChange={(e) => {
            setPage(1);
            setQ(e.currentTarget.value);
          }}
          style={{ flex: 1, minWidth: 200 }}
        />
      </Group>
      <Loaded state={accounts}>
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState
              icon={<IconUsers size={28} />}
              title={flag === 'all' && !search ? 'No accounts reported yet' : 'No account matches'}
            >
              <Text size="sm" c="dimmed">
                {flag === 'orphan'
                  ? 'Every account belongs to someone in the people register.'
                  : flag === 'departed'
                    ? 'Nobody who has left still has an active account here.'
                    : 'Accounts appear when the source pushes its list.'}
              </Text>
            </EmptyState>
          ) : (
            <Stack>
              <Table.ScrollContainer minWidth={760}>
                <Table verticalSpacing="sm" aria-label={`Accounts in ${system.name}`}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Account</Table.Th>
                      <Table.Th>Person</Table.Th>
                      <Table.Th>Admin</Table.Th>
                      <Table.Th>MFA</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>Needs attention</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.items.map((account) => (
                      <AccountRow key={account.id} account={account} />
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              {data.total > data.items.length && (
                <Pagination
                  total={pages(data.total)}
                  value={page}
                  onChange={setPage}
                  getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                />
              )}
            </Stack>
          )
        }
      </Loaded>
    </Stack>
  );
}

function AccountRow({ account }: { account: SystemAccount }) {
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={500}>
          {account.displayName || account.username}
        </Text>
        <Text size="xs" c="dimmed">
          {[account.username !== account.displayName ? account.username : null, account.email]
            .filter(Boolean)
            .join(' · ')}
        </Text>
        {account.lastLoginAt && (
          <Text size="xs" c="dimmed">
            Last sign-in {formatDateTime(account.lastLoginAt)}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {account.person ? (
          <>
            <Text size="sm">
              {account.person.name}
              {account.linked && (
                <Badge ml={6} size="xs" variant="outline" title="Linked by hand">
                  linked
                </Badge>
              )}
            </Text>
            {account.person.endDate && (
              <Text size="xs" c={account.person.status === 'departed' ? 'red' : 'dimmed'}>
                {account.person.status === 'departed' ? 'Left' : 'Leaves'} {formatDate(account.person.endDate)}
              </Text>
            )}
          </>
        ) : (
          <Text size="sm" c="dimmed">
            Nobody
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{account.admin ? 'Yes' : 'No'}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={account.mfa === false ? 'red' : undefined}>
          {account.mfa === null ? 'Unknown' : account.mfa ? 'On' : 'Off'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge color={account.active ? 'teal' : 'gray'} variant="light">
          {account.active ? 'Active' : 'Disabled'}
        </Badge>
      </Table.Td>
      <Table.Td>
        {account.flags.length === 0 ? (
          <Text size="sm" c="dimmed">
            —
          </Text>
        ) : (
          <Group gap={4}>
            {account.flags.map((f) => (
              <Badge key={f} color={FLAG[f].color} variant="light" title={FLAG[f].hint}>
                {FLAG[f].label}
              </Badge>
            ))}
          </Group>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
