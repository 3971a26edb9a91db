import {
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Pagination,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileCheck, IconPlus, IconShieldSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import {
  type Assessment,
  type AssessmentKind,
  type AssessmentStatus,
  assessmentApi,
  KIND_LABEL,
  KINDS,
  type LatestAssessment,
  PAGE_SIZE,
  period,
  SEVERITY_LABEL,
  STATUS_LABEL,
  STATUSES,
} from '../api/assessments';
import { AssessmentFormModal } from '../components/AssessmentForm';
import { Loaded } from '../components/PageStatus';
import { formatDate } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/**
 * `/assessments`: penetration tests, vulnerability assessments and third-party audits, with
 * their findings. Everyone reads the register; owners and admins record assessments. The dates
 * of the latest ones are what the organisation may tell a customer who asks.
 */
export function AssessmentsPage() {
  const { me } = useSession();
  const manager = isManager(me);
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Assessments
        </Title>
        {manager && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            Record an assessment
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Independent penetration tests, vulnerability assessments and audits. Each report is kept as evidence, each
        finding has an owner and a deadline, and Attest checks that a test, an assessment with code analysis and a SOC 2
        Type 2 report are never more than a year old.
      </Text>
      <LatestDates />
      <MyFindings />
      <Register manager={manager} onCreate={() => setCreating(true)} />
      <AssessmentFormModal
        assessment={null}
        opened={creating}
        onClose={() => setCreating(false)}
        onSaved={(saved) => {
          notifications.show({ color: 'teal', message: `Recorded “${saved.title}”.` });
          void navigate(`/assessments/${saved.id}`);
        }}
      />
    </Stack>
  );
}

const LATEST_LABEL: Record<LatestAssessment['kind'], string> = {
  pentest: 'Latest penetration test',
  vulnerability_assessment: 'Latest vulnerability assessment',
  soc2: 'Latest SOC 2 audit',
};

function LatestDates() {
  const latest = useApi(() => assessmentApi.latest());
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb={4}>
        Dates to give customers
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        When a customer asks, these are the dates of your most recent completed assessments (no findings or reports).
      </Text>
      <Loaded state={latest}>
        {({ items }) => (
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {(['pentest', 'vulnerability_assessment', 'soc2'] as const).map((kind) => {
              const entry = items.find((i) => i.kind === kind);
              return (
                <div key={kind}>
                  <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                    {LATEST_LABEL[kind]}
                  </Text>
                  {entry ? (
                    <>
                      <Text fw={600}>{formatDate(entry.date)}</Text>
                      <Text size="xs" c="dimmed">
                        {[
                          entry.assessor,
                          entry.type === 'type2' && entry.windowStart && entry.windowEnd
                            ? `Type 2, window ${period(entry.windowStart, entry.windowEnd)}`
                            : entry.type === 'type1'
                              ? 'Type 1'
                              : null,
                        ]
                          .filter(Boolean)
                          .join(' · ') || '—'}
                      </Text>
                    </>
                  ) : (
                    <Text c="dimmed">None completed</Text>
                  )}
                </div>
              );
            })}
          </SimpleGrid>
        )}
      </Loaded>
    </Card>
  );
}

function MyFindings() {
  const mine = useApi(() => assessmentApi.findings({ mine: true, status: 'open' }));
  if (!mine.data || mine.data.items.length === 0) return null;
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="sm">
        Findings assigned to me
      </Title>
      <Stack gap="xs">
        {mine.data.items.map((f) => (
          <Group key={f.id} justify="space-between" wrap="nowrap">
            <div>
              <Anchor component={Link} to={`/assessments/${f.assessmentId}`} fw={500}>
                {f.title}
              </Anchor>
              <Text size="xs" c="dimmed">
                {f.assessmentTitle} · {SEVERITY_LABEL[f.severity].label}
              </Text>
            </div>
            <Badge color={f.overdue ? 'red' : 'blue'} variant="light">
              {f.overdue ? 'Overdue' : 'Due'} {formatDate(f.dueDate)}
            </Badge>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}

function Register({ manager, onCreate }: { manager: boolean; onCreate: () => void }) {
  const [kind, setKind] = useState<AssessmentKind | null>(null);
  const [status, setStatus] = useState<AssessmentStatus | null>(null);
  const [page, setPage] = useState(1);
  const filters = { kind: kind ?? undefined, status: status ?? undefined };
  const list = useApi(() => assessmentApi.list(filters, (page - 1) * PAGE_SIZE), JSON.stringify({ ...filters, page }));

  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={2} size="h4">
          Register
        </Title>
        <Group>
          <Select
            aria-label="Kind"
            placeholder="Any kind"
            clearable
            w={230}
            data={KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] }))}
            value={kind}
            onChange={(v) => {
              setPage(1);
              setKind(v as AssessmentKind | null);
            }}
          />
          <Select
            aria-label="Status"
            placeholder="Any status"
            clearable
            w={160}
            data={STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s].label }))}
            value={status}
            onChange={(v) => {
              setPage(1);
              setStatus(v as AssessmentStatus | null);
            }}
          />
        </Group>
      </Group>
      <Loaded state={list}>
        {(data) => {
          if (data.items.length === 0) {
            const filtered = Boolean(kind || status);
            return (
              <EmptyState
                icon={<IconShieldSearch size={28} />}
                title={filtered ? 'No assessment matches' : 'No assessment recorded yet'}
              >
                <Text size="sm" c="dimmed">
                  {filtered
                    ? 'Clear the filters to see the whole register.'
                    : manager
                      ? 'Record your last penetration test, vulnerability assessment or audit, with its report and findings.'
                      : 'Owners and admins record assessments here.'}
                </Text>
                {manager && !filtered && (
                  <EmptyState.Actions>
                    <Button variant="light" onClick={onCreate}>
                      Record an assessment
                    </Button>
                  </EmptyState.Actions>
                )}
              </EmptyState>
            );
          }
          const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
          return (
            <Stack>
              <Table.ScrollContainer minWidth={820}>
                <Table verticalSpacing="sm" highlightOnHover aria-label="Assessments">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Assessment</Table.Th>
                      <Table.Th>Dates</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>Findings</Table.Th>
                      <Table.Th>Report</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.items.map((a) => (
                      <AssessmentRow key={a.id} assessment={a} />
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              {pages > 1 && (
                <Pagination total={pages} value={page} onChange={setPage} aria-label="Pages of assessments" />
              )}
            </Stack>
          );
        }}
      </Loaded>
    </Card>
  );
}

function AssessmentRow({ assessment: a }: { assessment: Assessment }) {
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/assessments/${a.id}`} fw={500}>
          {a.title}
        </Anchor>
        <Text size="xs" c="dimmed">
          {KIND_LABEL[a.kind]}
          {a.assessor ? ` · ${a.assessor}` : ''}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{period(a.startDate, a.endDate)}</Text>
        {a.windowStart && (
          <Text size="xs" c="dimmed">
            Window {period(a.windowStart, a.windowEnd)}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Badge color={STATUS_LABEL[a.status].color} variant="light">
          {STATUS_LABEL[a.status].label}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          <Text size="sm">{a.counts.open} open</Text>
          {a.counts.overdue > 0 && (
            <Badge color="red" variant="light" size="sm">
              {a.counts.overdue} overdue
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td>
        {a.report ? (
          <Tooltip label={`Evidence of ${a.control}: ${a.report.name}`}>
            <IconFileCheck size={18} aria-label="Report stored" color="var(--mantine-color-teal-6)" />
          </Tooltip>
        ) : (
          <Text size="sm" c="dimmed">
            None
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
