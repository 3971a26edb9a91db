import {
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Pagination,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconSearch, IconServer } from '@tabler/icons-react';
import { useState } from 'react';
import { errorMessage } from '../api';
import { accessApi, CLASSIFICATION, pages, personLabel, type System } from '../components/AccessApi';
import { ConfirmModal } from '../components/ConfirmModal';
import { Loaded } from '../components/PageStatus';
import { SystemAccountsDrawer } from '../components/SystemAccounts';
import { SystemEditModal } from '../components/SystemEditModal';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';

type Archived = 'false' | 'true' | 'all';

/**
 * `/systems`: the catalogue of systems people have accounts in, with their owners (who decide
 * access requests), production status and data classification. Owners, admins and auditors
 * also see each system's accounts and what needs attention (orphans, departed people).
 */
export function SystemsPage() {
  const { me } = useSession();
  const manager = isManager(me);
  const seesAccounts = manager || me.role === 'auditor';
  const [archived, setArchived] = useState<Archived>('false');
  const [q, setQ] = useState('');
  const [search] = useDebouncedValue(q.trim(), 300);
  const [page, setPage] = useState(1);
  const filters = { archived, q: search, page };
  const systems = useApi(() => accessApi.systems(filters), JSON.stringify(filters));
  const editing = useModalTarget<System | null>();
  const viewing = useModalTarget<System>();
  const archiving = useModalTarget<System>();

  const saved = (system: System, created: boolean) => {
    notifications.show({ color: 'teal', message: `${created ? 'Added' : 'Saved'} ${system.name}.` });
    void systems.reload();
  };
  const unarchive = async (system: System) => {
    try {
      await accessApi.archiveSystem(system.id, false);
      notifications.show({ color: 'teal', message: `${system.name} is back in the catalogue.` });
      void systems.reload();
    } catch (err) {
      notifications.show({ color: 'red', title: 'Not restored', message: errorMessage(err) });
    }
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Systems
        </Title>
        {manager && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => editing.open(null)}>
            New system
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        The systems people have accounts in. Each system's owner decides who may have access to it; every grant is
        time-limited. Link a system to the monitoring source that reports its accounts to see who has one, and which
        accounts belong to nobody or to someone who has left.
      </Text>
      <Card withBorder radius="md" padding="lg">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Search systems"
            placeholder="Name"
            leftSection={<IconSearch size={16} />}
            value={q}
            onChange={(e) => {
              setPage(1);
              setQ(e.currentTarget.value);
            }}
            style={{ flex: 1, minWidth: 220 }}
          />
          <SegmentedControl
            aria-label="Which systems"
            value={archived}
            onChange={(v) => {
              setPage(1);
              setArchived(v as Archived);
            }}
            data={[
              { value: 'false', label: 'Current' },
              { value: 'true', label: 'Archived' },
              { value: 'all', label: 'All' },
            ]}
          />
        </Group>
      </Card>
      <Card withBorder radius="md" padding="lg">
        <Loaded state={systems}>
          {(data) => {
            if (data.items.length === 0) {
              const filtered = Boolean(search) || archived !== 'false';
              return (
                <EmptyState
                  icon={<IconServer size={28} />}
                  title={filtered ? 'No system matches' : 'No systems in the catalogue yet'}
                >
                  <Text size="sm" c="dimmed">
                    {filtered
                      ? 'Clear the search or show current systems.'
                      : manager
                        ? 'Add the systems that matter: production infrastructure, code hosting, the tools that hold customer data.'
                        : 'Owners and admins add systems here; then you can ask for access to them.'}
                  </Text>
                  {manager && !filtered && (
                    <EmptyState.Actions>
                      <Button variant="light" onClick={() => editing.open(null)}>
                        New system
                      </Button>
                    </EmptyState.Actions>
                  )}
                </EmptyState>
              );
            }
            return (
              <Stack>
                <Table.ScrollContainer minWidth={960}>
                  <Table verticalSpacing="sm" highlightOnHover aria-label="Systems">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>System</Table.Th>
                        <Table.Th>Owner</Table.Th>
                        <Table.Th>Classification</Table.Th>
                        <Table.Th>Longest access</Table.Th>
                        <Table.Th>Accounts</Table.Th>
                        {(manager || seesAccounts) && <Table.Th>Actions</Table.Th>}
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.items.map((system) => (
                        <SystemRow
                          key={system.id}
                          system={system}
                          manager={manager}
                          seesAccounts={seesAccounts}
                          onAccounts={() => viewing.open(system)}
                          onEdit={() => editing.open(system)}
                          onArchive={() => archiving.open(system)}
                          onUnarchive={() => void unarchive(system)}
                        />
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
            );
          }}
        </Loaded>
      </Card>
      <SystemEditModal
        system={editing.target ?? null}
        opened={editing.opened}
        onClose={editing.close}
        onExited={editing.onExited}
        onSaved={(system) => saved(system, !editing.target)}
      />
      <SystemAccountsDrawer
        system={viewing.target}
        opened={viewing.opened}
        onClose={viewing.close}
        onExited={viewing.onExited}
      />
      <ConfirmModal
        opened={archiving.opened}
        onClose={archiving.close}
        onExited={archiving.onExited}
        title="Archive this system?"
        confirmLabel="Archive"
        onConfirm={async () => {
          if (!archiving.target) return;
          await accessApi.archiveSystem(archiving.target.id, true);
          notifications.show({ color: 'teal', message: `${archiving.target.name} is archived.` });
          void systems.reload();
        }}
      >
        {archiving.target?.name} takes no new access requests and leaves the catalogue. Access already granted runs
        until it expires (revoke it from Access requests to end it sooner). You can bring the system back later.
      </ConfirmModal>
    </Stack>
  );
}

interface SystemRowProps {
  system: System;
  manager: boolean;
  seesAccounts: boolean;
  onAccounts: () => void;
  onEdit: () => void;
  onArchive: () => void;
  onUnarchive: () => void;
}

function SystemRow({ system, manager, seesAccounts, onAccounts, onEdit, onArchive, onUnarchive }: SystemRowProps) {
  const c = CLASSIFICATION[system.classification];
  return (
    <Table.Tr>
      <Table.Td>
        <Group gap={6}>
          <Text size="sm" fw={500}>
            {system.name}
          </Text>
          {system.production && (
            <Badge color="grape" variant="light" size="sm">
              Production
            </Badge>
          )}
          {system.archivedAt && (
            <Badge color="gray" variant="outline" size="sm">
              Archived
            </Badge>
          )}
        </Group>
        {system.description && (
          <Text size="xs" c="dimmed" lineClamp={2}>
            {system.description}
          </Text>
        )}
        {system.source && (
          <Text size="xs" c="dimmed">
            Accounts from “{system.source.name}”
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {system.owner ? (
          <>
            <Text size="sm">{personLabel(system.owner)}</Text>
            {system.owner.name && (
              <Text size="xs" c="dimmed">
                {system.owner.email}
              </Text>
            )}
          </>
        ) : (
          <Text size="sm" c="dimmed">
            Nobody (owners and admins decide)
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Tooltip label={c.hint}>
          <Badge color={c.color} variant="light">
            {c.label}
          </Badge>
        </Tooltip>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{system.maxAccessDays} days</Text>
      </Table.Td>
      <Table.Td>
        <AccountSummary system={system} seesAccounts={seesAccounts} />
      </Table.Td>
      {(manager || seesAccounts) && (
        <Table.Td>
          <Group gap="xs" wrap="nowrap">
            {seesAccounts && (
              <Button
                size="xs"
                variant="light"
                onClick={onAccounts}
                disabled={!system.source}
                aria-label={`Accounts in ${system.name}`}
              >
                Accounts
              </Button>
            )}
            {manager && (
              <Button size="xs" variant="default" onClick={onEdit} aria-label={`Edit ${system.name}`}>
                Edit
              </Button>
            )}
            {manager &&
              (system.archivedAt ? (
                <Button size="xs" variant="subtle" onClick={onUnarchive} aria-label={`Unarchive ${system.name}`}>
                  Unarchive
                </Button>
              ) : (
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  onClick={onArchive}
                  aria-label={`Archive ${system.name}`}
                >
                  Archive
                </Button>
              ))}
          </Group>
        </Table.Td>
      )}
    </Table.Tr>
  );
}

function AccountSummary({ system, seesAccounts }: { system: System; seesAccounts: boolean }) {
  if (!system.source) {
    return (
      <Text size="sm" c="dimmed">
        No source
      </Text>
    );
  }
  if (!seesAccounts || !system.accounts) {
    return (
      <Text size="sm" c="dimmed">
        Tracked
      </Text>
    );
  }
  const a = system.accounts;
  return (
    <Group gap={4}>
      <Text size="sm">{a.accounts}</Text>
      {a.orphans > 0 && (
        <Badge color="orange" variant="light" size="sm" title="Accounts of nobody in the people register">
          {a.orphans} orphan{a.orphans === 1 ? '' : 's'}
        </Badge>
      )}
      {a.departed > 0 && (
        <Badge color="red" variant="light" size="sm" title="Active accounts of people who have left">
          {a.departed} departed
        </Badge>
      )}
    </Group>
  );
}
