import {
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Pagination,
  Progress,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAdjustmentsHorizontal, IconFileImport, IconSearch, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { describePush } from '../components/MonitoringApi';
import { Loaded } from '../components/PageStatus';
import {
  EMPLOYMENT_LABEL,
  formatDay,
  PAGE_SIZE,
  peopleApi,
  type RegisterFilters,
  type RegisterRow,
  SOURCE_LABEL,
  STATUS_BADGE,
} from '../components/PeopleApi';
import { PeopleImportModal } from '../components/PeopleImportModal';
import { OffboardingBadge, PeopleOffboardings } from '../components/PeopleOffboardings';
import { PeopleSettingsModal } from '../components/PeopleSettingsModal';
import { PersonFormModal } from '../components/PersonFormModal';
import { ScimPanel } from '../components/ScimPanel';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/**
 * `/people`: the people register. Everyone who works for the organisation, with how far their
 * onboarding is and, for leavers, whether their accounts are off. Owners and admins add people,
 * import the HRIS export and set what onboarding asks; auditors read.
 */
export function PeoplePage() {
  const { me } = useSession();
  const canManage = isManager(me);
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [search] = useDebouncedValue(q.trim(), 300);
  const [status, setStatus] = useState<string | null>(null);
  const [type, setType] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [adding, setAdding] = useState(false);
  const [importing, setImporting] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [version, setVersion] = useState(0);
  const filters: RegisterFilters = { q: search, status: status ?? undefined, type: type ?? undefined };
  const register = useApi(
    () => peopleApi.list(filters, (page - 1) * PAGE_SIZE),
    `${JSON.stringify(filters)}:${page}:${version}`,
  );
  const filtered = Boolean(search || status || type);
  const refresh = () => setVersion((v) => v + 1);
  const filter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      setPage(1);
      set(v);
    };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          People
        </Title>
        <Group gap="xs">
          <Button
            variant="default"
            leftSection={<IconAdjustmentsHorizontal size={16} />}
            onClick={() => setSettingsOpen(true)}
          >
            Onboarding requirements
          </Button>
          {canManage && (
            <Button variant="default" leftSection={<IconFileImport size={16} />} onClick={() => setImporting(true)}>
              Import from HRIS (CSV)
            </Button>
          )}
          {canManage && (
            <Button leftSection={<IconUserPlus size={16} />} onClick={() => setAdding(true)}>
              Add person
            </Button>
          )}
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Everyone who works for you, employees and contractors. Each person’s onboarding (background check, agreement,
        training, policies, MFA) is checked against your requirements, and when someone leaves, every account they hold
        must be disabled in time.
      </Text>
      <Card withBorder radius="md" padding="lg">
        <Group grow align="flex-end" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="Name or email"
            leftSection={<IconSearch size={16} />}
            value={q}
            onChange={(e) => {
              setPage(1);
              setQ(e.currentTarget.value);
            }}
          />
          <Select
            label="Status"
            placeholder="Anyone"
            clearable
            data={Object.entries(STATUS_BADGE).map(([value, s]) => ({ value, label: s.label }))}
            value={status}
            onChange={filter(setStatus)}
          />
          <Select
            label="Employment"
            placeholder="Any"
            clearable
            data={Object.entries(EMPLOYMENT_LABEL).map(([value, label]) => ({ value, label }))}
            value={type}
            onChange={filter(setType)}
          />
        </Group>
      </Card>
      <Card withBorder radius="md" padding="lg">
        <Loaded state={register} forbidden="Only owners, admins and auditors see the people register.">
          {(data) => {
            if (data.items.length === 0) {
              return filtered ? (
                <EmptyState icon={<IconUsers size={28} />} title="Nobody matches these filters">
                  <Text size="sm" c="dimmed">
                    Clear a filter or change the search to see more.
                  </Text>
                </EmptyState>
              ) : (
                <EmptyState icon={<IconUsers size={28} />} title="The register is empty">
                  <Text size="sm" c="dimmed">
                    {canManage
                      ? 'Add people one by one, import your HRIS export, or connect your identity provider through SCIM.'
                      : 'Owners and admins add people, import them from the HRIS or provision them through SCIM.'}
                  </Text>
                  {canManage && (
                    <EmptyState.Actions>
                      <Button variant="light" onClick={() => setAdding(true)}>
                        Add person
                      </Button>
                      <Button variant="default" onClick={() => setImporting(true)}>
                        Import from HRIS
                      </Button>
                    </EmptyState.Actions>
                  )}
                </EmptyState>
              );
            }
            const pages = Math.ceil(data.total / PAGE_SIZE);
            return (
              <Stack>
                <Table.ScrollContainer minWidth={1100}>
                  <Table verticalSpacing="sm" highlightOnHover>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Name</Table.Th>
                        <Table.Th>Employment</Table.Th>
                        <Table.Th>Department</Table.Th>
                        <Table.Th>Manager</Table.Th>
                        <Table.Th>Start</Table.Th>
                        <Table.Th>End</Table.Th>
                        <Table.Th>Status</Table.Th>
                        <Table.Th>Onboarding</Table.Th>
                        <Table.Th>Source</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.items.map((person) => (
                        <PersonRow key={person.id} person={person} />
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                <Group justify="space-between">
                  <Text size="sm" c="dimmed">
                    {data.total === 1 ? '1 person' : `${data.total} people`}
                  </Text>
                  {pages > 1 && (
                    <Pagination total={pages} value={page} onChange={setPage} aria-label="Pages of the register" />
                  )}
                </Group>
              </Stack>
            );
          }}
        </Loaded>
      </Card>
      {register.error === null && <PeopleOffboardings version={version} />}

      <ScimPanel />

      <PersonFormModal
        mode="create"
        opened={adding}
        onClose={() => setAdding(false)}
        onSaved={(detail) => {
          notifications.show({ color: 'teal', message: `Added ${detail.person.name} to the register.` });
          refresh();
          void navigate(`/people/${detail.person.id}`);
        }}
      />
      <PeopleImportModal
        opened={importing}
        onClose={() => setImporting(false)}
        onImported={(summary) => {
          notifications.show({ color: 'teal', title: 'HRIS export imported', message: describePush(summary) });
          refresh();
        }}
      />
      <PeopleSettingsModal
        opened={settingsOpen}
        canManage={canManage}
        onClose={() => setSettingsOpen(false)}
        onSaved={() => {
          notifications.show({ color: 'teal', message: 'Onboarding requirements saved; everyone was checked again.' });
          refresh();
        }}
      />
    </Stack>
  );
}

function PersonRow({ person }: { person: RegisterRow }) {
  const o = person.onboarding;
  const status = STATUS_BADGE[person.status];
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/people/${person.id}`} size="sm" fw={500}>
          {person.name}
        </Anchor>
        <Text size="xs" c="dimmed">
          {person.email}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{EMPLOYMENT_LABEL[person.employmentType]}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{person.department ?? '—'}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{person.managerEmail ?? '—'}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDay(person.startDate)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDay(person.endDate)}</Text>
      </Table.Td>
      <Table.Td>
        <Stack gap={4} align="flex-start">
          <Badge color={status.color} variant="light">
            {status.label}
          </Badge>
          {person.offboarding?.open && <OffboardingBadge counts={person.offboarding} />}
        </Stack>
      </Table.Td>
      <Table.Td miw={120}>
        <Tooltip
          label={o.overdue > 0 ? `${o.overdue} overdue` : `${o.done} of ${o.required} required steps done`}
          withArrow
        >
          <Stack gap={4} tabIndex={0} aria-label={`Onboarding ${o.done} of ${o.required} done, ${o.overdue} overdue`}>
            <Text size="sm" c={o.overdue > 0 ? 'red' : undefined} fw={500}>
              {o.done}/{o.required}
            </Text>
            <Progress
              value={o.required === 0 ? 100 : (o.done / o.required) * 100}
              color={o.overdue > 0 ? 'red' : o.done === o.required ? 'teal' : 'blue'}
              size="sm"
              aria-label={`Onboarding ${o.done} of ${o.required} done`}
            />
          </Stack>
        </Tooltip>
      </Table.Td>
      <Table.Td>
        <Badge color="gray" variant="outline">
          {SOURCE_LABEL[person.source]}
        </Badge>
      </Table.Td>
    </Table.Tr>
  );
}
