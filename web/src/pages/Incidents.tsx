import {
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Modal,
  MultiSelect,
  Pagination,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconPlus, IconSearch } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { request } from '../api';
import {
  type IncidentDetail,
  type IncidentFilters,
  type IncidentStatus,
  incidentApi,
  localInput,
  PAGE_SIZE,
  personLabel,
  SEVERITIES,
  SEVERITY_LABEL,
  type Severity,
  STATUS_LABEL,
  STATUSES,
  timeLeft,
} from '../api/incidents';
import { ErrorAlert, Loaded } from '../components/PageStatus';
import { formatDate, formatDateTime } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';
import { IncidentRulesCard } from './IncidentRules';

/**
 * `/incidents`: the incident register. Anyone but an auditor reports an incident; members see
 * those they reported or own; owners, admins and auditors see every incident and the
 * escalation rules (owners and admins change them).
 */
export function IncidentsPage() {
  const { me } = useSession();
  const manager = isManager(me);
  const seesAll = manager || me.role === 'auditor';
  const navigate = useNavigate();
  const [reporting, setReporting] = useState(false);

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Incidents
        </Title>
        {me.role !== 'auditor' && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setReporting(true)}>
            Report an incident
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Report anything that may be a security incident: a lost laptop, a suspicious email, data where it should not be.
        Severity decides who is told and how fast. A breach of customer data starts a clock: every affected customer
        must get a complete notice before it runs out.
      </Text>
      <IncidentList seesAll={seesAll} onReport={() => setReporting(true)} canReport={me.role !== 'auditor'} />
      {seesAll && <IncidentRulesCard canEdit={manager} />}
      <ReportModal
        opened={reporting}
        onClose={() => setReporting(false)}
        onReported={(incident) => {
          notifications.show({ color: 'teal', message: `Reported incident #${incident.number}.` });
          void navigate(`/incidents/${incident.id}`);
        }}
      />
    </Stack>
  );
}

type View = 'open' | 'all';

function IncidentList({
  seesAll,
  canReport,
  onReport,
}: {
  seesAll: boolean;
  canReport: boolean;
  onReport: () => void;
}) {
  const [status, setStatus] = useState<string | null>(null);
  const [severity, setSeverity] = useState<string | null>(null);
  const [view, setView] = useState<View>('open');
  const [breachOnly, setBreachOnly] = useState(false);
  const [q, setQ] = useState('');
  const [search] = useDebouncedValue(q.trim(), 300);
  const [page, setPage] = useState(1);
  const filters: IncidentFilters = {
    status: (status as IncidentStatus | null) ?? undefined,
    severity: (severity as Severity | null) ?? undefined,
    open: view === 'open' && !status ? true : undefined,
    breach: breachOnly ? true : undefined,
    q: search || undefined,
  };
  const list = useApi(() => incidentApi.list(filters, page), `${JSON.stringify(filters)}:${page}`);
  const reset = () => setPage(1);

  return (
    <Card withBorder radius="md" padding="lg">
      <Group align="flex-end" wrap="wrap" mb="md">
        <TextInput
          label="Search incidents"
          placeholder="Title"
          leftSection={<IconSearch size={16} />}
          value={q}
          onChange={(e) => {
            reset();
            setQ(e.currentTarget.value);
          }}
          style={{ flex: 1, minWidth: 200 }}
        />
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          w={160}
          data={STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s].label }))}
          value={status}
          onChange={(v) => {
            reset();
            setStatus(v);
          }}
        />
        <Select
          label="Severity"
          placeholder="Any severity"
          clearable
          w={170}
          data={SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABEL[s].label }))}
          value={severity}
          onChange={(v) => {
            reset();
            setSeverity(v);
          }}
        />
        <Stack gap={6} pb={4}>
          <Switch
            label="Open only"
            checked={view === 'open'}
            disabled={status !== null}
            onChange={(e) => {
              reset();
              setView(e.currentTarget.checked ? 'open' : 'all');
            }}
          />
          <Switch
            label="Breaches only"
            checked={breachOnly}
            onChange={(e) => {
              reset();
              setBreachOnly(e.currentTarget.checked);
            }}
          />
        </Stack>
      </Group>
      <Loaded state={list}>
        {(data) => {
          if (data.items.length === 0) {
            return (
              <EmptyState icon={<IconAlertTriangle size={28} />} title="No incident here">
                <Text size="sm" c="dimmed">
                  {seesAll
                    ? 'Nothing matches these filters. Clear them to see every incident.'
                    : 'Incidents you report, or that you are made owner of, appear here.'}
                </Text>
                {canReport && (
                  <EmptyState.Actions>
                    <Button variant="light" onClick={onReport}>
                      Report an incident
                    </Button>
                  </EmptyState.Actions>
                )}
              </EmptyState>
            );
          }
          const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
          return (
            <Stack>
              <Table.ScrollContainer minWidth={860}>
                <Table verticalSpacing="sm" highlightOnHover aria-label="Incidents">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Incident</Table.Th>
                      <Table.Th>Severity</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>Owner</Table.Th>
                      <Table.Th>Reported</Table.Th>
                      <Table.Th>Breach notices</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.items.map((i) => {
                      const clock = i.noticeDeadlineAt ? timeLeft(i.noticeDeadlineAt) : null;
                      return (
                        <Table.Tr key={i.id}>
                          <Table.Td>
                            <Anchor component={Link} to={`/incidents/${i.id}`} fw={500}>
                              #{i.number} {i.title}
                            </Anchor>
                            <Text size="xs" c="dimmed">
                              Reported by {personLabel(i.reportedBy, 'someone who left')}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Badge color={SEVERITY_LABEL[i.severity].color} variant="light">
                              {SEVERITY_LABEL[i.severity].label}
                            </Badge>
                          </Table.Td>
                          <Table.Td>
                            <Badge color={STATUS_LABEL[i.status].color} variant="outline">
                              {STATUS_LABEL[i.status].label}
                            </Badge>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{personLabel(i.owner, 'Unassigned')}</Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{formatDateTime(i.reportedAt)}</Text>
                          </Table.Td>
                          <Table.Td>
                            {i.isBreach ? (
                              <Badge color={clock?.overdue ? 'red' : 'blue'} variant="light">
                                Breach · due {formatDate(i.noticeDeadlineAt)}
                              </Badge>
                            ) : (
                              <Text size="sm" c="dimmed">
                                —
                              </Text>
                            )}
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Group justify="space-between">
                <Text size="sm" c="dimmed">
                  {data.total} incident{data.total === 1 ? '' : 's'}
                </Text>
                {pages > 1 && (
                  <Pagination total={pages} value={page} onChange={setPage} aria-label="Pages of incidents" />
                )}
              </Group>
            </Stack>
          );
        }}
      </Loaded>
    </Card>
  );
}

function ReportModal({
  opened,
  onClose,
  onReported,
}: {
  opened: boolean;
  onClose: () => void;
  onReported: (incident: IncidentDetail) => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title="Report an incident" centered size="lg">
      {opened && <ReportForm onClose={onClose} onReported={onReported} />}
    </Modal>
  );
}

function ReportForm({ onClose, onReported }: { onClose: () => void; onReported: (i: IncidentDetail) => void }) {
  const systems = useApi(() => request<{ items: { id: string; name: string }[] }>('GET', '/systems?limit=200'));
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [severity, setSeverity] = useState<Severity>('sev3');
  const [detected, setDetected] = useState(localInput(new Date()));
  const [systemIds, setSystemIds] = useState<string[]>([]);
  const [errors, setErrors] = useState<{ title?: string; detected?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: typeof errors = {};
    if (!title.trim()) found.title = 'Give the incident a short title.';
    const at = new Date(detected);
    if (Number.isNaN(at.getTime())) found.detected = 'Give the date and time it was first noticed.';
    else if (at.getTime() > Date.now() + 5 * 60_000) found.detected = 'This cannot be in the future.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const incident = await incidentApi.report({
        title: title.trim(),
        description: description.trim(),
        severity,
        detectedAt: at.toISOString(),
        systemIds,
      });
      onClose();
      onReported(incident);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <TextInput
          label="Title"
          description="One line: what happened"
          required
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
          error={errors.title}
          data-autofocus
        />
        <Textarea
          label="What happened"
          description="What you saw, when, and anything you already did"
          autosize
          minRows={3}
          maxLength={20000}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <Select
          label="Severity"
          description="Your best guess: the owner can change it"
          data={SEVERITIES.map((s) => ({ value: s, label: `${SEVERITY_LABEL[s].label}: ${SEVERITY_LABEL[s].hint}` }))}
          value={severity}
          onChange={(v) => setSeverity((v as Severity | null) ?? 'sev3')}
          allowDeselect={false}
        />
        <TextInput
          label="First noticed"
          type="datetime-local"
          value={detected}
          onChange={(e) => setDetected(e.currentTarget.value)}
          error={errors.detected}
        />
        <MultiSelect
          label="Affected systems"
          description="From the systems catalogue; leave empty if unsure"
          data={(systems.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
          value={systemIds}
          onChange={setSystemIds}
          searchable
          placeholder={systems.data ? undefined : 'Loading systems…'}
        />
        {error !== null && <ErrorAlert error={error} title="Not reported" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Report
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
