import {
  Anchor,
  Badge,
  Button,
  Card,
  Drawer,
  EmptyState,
  Group,
  Modal,
  MultiSelect,
  Pagination,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
  Timeline,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconPlus, IconSearch, IconX } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, errorMessage } from '../api';
import {
  type Assessment,
  CATEGORIES,
  CATEGORY_LABEL,
  type HeatCell,
  type Heatmap,
  IMPACT,
  LEVEL_LABEL,
  LIKELIHOOD,
  levelOf,
  PAGE_SIZE,
  type Risk,
  type RiskBody,
  type RiskCategory,
  type RiskFilters,
  type RiskLevel,
  type RiskTreatment,
  riskApi,
  STATUS_LABEL,
  TREATMENT_LABEL,
  TREATMENTS,
} from '../api/risks';
import { ErrorAlert, Loaded } from '../components/PageStatus';
import { formatDate, formatDateTime } from '../format';
import { applyFieldErrors } from '../forms';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';

/**
 * `/risks`: the risk register (a 5×5 heat map of inherent and residual risk, the list with its
 * filters, each risk in a drawer with its history) and the yearly risk assessments. Everyone
 * reads; owners and admins add risks and run assessments; a risk's owner edits that risk.
 */
export function RisksPage() {
  const { me } = useSession();
  const manager = isManager(me);
  const [filters, setFilters] = useState<RiskFilters>({ status: 'open' });
  const [page, setPage] = useState(1);
  const [q, setQ] = useState('');
  const [search] = useDebouncedValue(q.trim(), 300);
  const query = { ...filters, q: search };
  const risks = useApi(() => riskApi.list(query, page), JSON.stringify({ query, page }));
  const inherent = useApi(() => riskApi.heatmap('inherent'));
  const residual = useApi(() => riskApi.heatmap('residual'));
  const viewing = useModalTarget<string>();
  const editing = useModalTarget<Risk | null>();

  const refresh = () => {
    void risks.reload();
    void inherent.reload();
    void residual.reload();
  };
  const filter = (change: Partial<RiskFilters>) => {
    setPage(1);
    setFilters((f) => ({ ...f, ...change }));
  };
  const cell = filters.map ? { map: filters.map, likelihood: filters.likelihood, impact: filters.impact } : null;

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Risks
        </Title>
        {manager && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => editing.open(null)}>
            New risk
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Each risk is rated twice, likelihood × impact from 1 to 5: before any control (inherent) and with the controls
        working (residual). Scores of 1–4 are low, 5–9 medium, 10–16 high and 20–25 critical. Every risk has an owner, a
        treatment and a next review date; once a year an assessment reviews them all, fraud included.
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {[inherent, residual].map((state, i) => (
          <Card key={i === 0 ? 'inherent' : 'residual'} withBorder radius="md" padding="lg">
            <Loaded state={state}>
              {(map) => (
                <HeatMapTable
                  map={map}
                  selected={cell?.map === map.kind ? cell : null}
                  onSelect={(c) =>
                    filter({ map: map.kind, likelihood: c.likelihood, impact: c.impact, status: 'open' })
                  }
                />
              )}
            </Loaded>
          </Card>
        ))}
      </SimpleGrid>
      <Card withBorder radius="md" padding="lg">
        <Stack>
          <Group align="flex-end" wrap="wrap">
            <TextInput
              label="Search risks"
              placeholder="Title"
              leftSection={<IconSearch size={16} />}
              value={q}
              onChange={(e) => {
                setPage(1);
                setQ(e.currentTarget.value);
              }}
              style={{ flex: 1, minWidth: 200 }}
            />
            <Select
              label="Residual level"
              placeholder="Any"
              clearable
              w={140}
              data={Object.entries(LEVEL_LABEL).map(([value, l]) => ({ value, label: l.label }))}
              value={filters.level || null}
              onChange={(v) => filter({ level: (v as RiskLevel | null) ?? '' })}
            />
            <Select
              label="Treatment"
              placeholder="Any"
              clearable
              w={150}
              data={[
                ...TREATMENTS.map((t) => ({ value: t, label: TREATMENT_LABEL[t] })),
                { value: 'none', label: 'None decided' },
              ]}
              value={filters.treatment || null}
              onChange={(v) => filter({ treatment: (v as RiskFilters['treatment'] | null) ?? '' })}
            />
            <Select
              label="Category"
              placeholder="Any"
              clearable
              w={150}
              data={CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABEL[c] }))}
              value={filters.category || null}
              onChange={(v) => filter({ category: (v as RiskCategory | null) ?? '' })}
            />
            <OwnerFilter value={filters.ownerId ?? ''} onChange={(ownerId) => filter({ ownerId })} />
            <Select
              label="Status"
              w={120}
              allowDeselect={false}
              data={[
                { value: 'open', label: 'Open' },
                { value: 'closed', label: 'Closed' },
                { value: 'all', label: 'All' },
              ]}
              value={filters.status ?? 'open'}
              onChange={(v) => filter({ status: (v as RiskFilters['status']) ?? 'open' })}
            />
            <Switch
              label="Review overdue"
              checked={filters.overdue ?? false}
              onChange={(e) => filter({ overdue: e.currentTarget.checked })}
              mb={8}
            />
          </Group>
          {cell && (
            <Group gap="xs">
              <Badge variant="light" size="lg">
                {cell.map === 'inherent' ? 'Inherent' : 'Residual'} likelihood {cell.likelihood}, impact {cell.impact}
              </Badge>
              <Button
                size="xs"
                variant="subtle"
                leftSection={<IconX size={14} />}
                onClick={() => filter({ map: undefined, likelihood: undefined, impact: undefined })}
              >
                Show every cell
              </Button>
            </Group>
          )}
          <Loaded state={risks}>
            {(data) =>
              data.items.length === 0 ? (
                <EmptyState icon={<IconAlertTriangle size={28} />} title="No risk matches">
                  <Text size="sm" c="dimmed">
                    {manager
                      ? 'Add the risks that could hurt customers or the company: what could happen, how likely, how bad.'
                      : 'Owners and admins add risks here. Change the filters to see more.'}
                  </Text>
                </EmptyState>
              ) : (
                <Stack>
                  <RiskTable risks={data.items} onOpen={(risk) => viewing.open(risk.id)} />
                  {data.total > data.items.length && (
                    <Pagination
                      total={Math.max(1, Math.ceil(data.total / PAGE_SIZE))}
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
      </Card>
      <Assessments manager={manager} />
      <RiskDrawer
        riskId={viewing.target}
        opened={viewing.opened}
        onClose={viewing.close}
        onExited={viewing.onExited}
        onEdit={(risk) => editing.open(risk)}
        onChanged={refresh}
      />
      <RiskFormModal
        risk={editing.target ?? null}
        opened={editing.opened}
        onClose={editing.close}
        onExited={editing.onExited}
        onSaved={(risk, created) => {
          notifications.show({ color: 'teal', message: `${created ? 'Added' : 'Saved'} “${risk.title}”.` });
          refresh();
        }}
      />
    </Stack>
  );
}

function OwnerFilter({ value, onChange }: { value: string; onChange: (ownerId: string) => void }) {
  const owners = useApi(async () => (await riskApi.owners()).items);
  return (
    <Select
      label="Owner"
      placeholder="Anyone"
      clearable
      searchable
      w={200}
      data={(owners.data ?? []).map((o) => ({ value: o.id, label: o.name || o.email }))}
      value={value || null}
      onChange={(v) => onChange(v ?? '')}
    />
  );
}

export function LevelBadge({ score, label }: { score: { score: number; level: RiskLevel }; label?: string }) {
  const l = LEVEL_LABEL[score.level];
  return (
    <Badge color={l.color} variant="light" aria-label={`${label ? `${label}: ` : ''}${l.label}, score ${score.score}`}>
      {l.label} · {score.score}
    </Badge>
  );
}

const SHADE: Record<RiskLevel, string> = {
  low: 'var(--mantine-color-teal-1)',
  medium: 'var(--mantine-color-yellow-2)',
  high: 'var(--mantine-color-orange-3)',
  critical: 'var(--mantine-color-red-4)',
};

/** A 5×5 table: likelihood 5 at the top, impact 1 to 5 left to right; each cell filters the list. */
function HeatMapTable({
  map,
  selected,
  onSelect,
}: {
  map: Heatmap;
  selected: { likelihood?: number; impact?: number } | null;
  onSelect: (cell: HeatCell) => void;
}) {
  const name = map.kind === 'inherent' ? 'Inherent risk' : 'Residual risk';
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        {name}
      </Title>
      <Table withTableBorder withColumnBorders layout="fixed" aria-label={`${name} heat map`}>
        <Table.Caption>
          {map.total} open {map.total === 1 ? 'risk' : 'risks'}: rows are likelihood, columns impact. Choose a cell to
          list its risks.
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={110}>Likelihood</Table.Th>
            {IMPACT.map((label, i) => (
              <Table.Th key={label} ta="center" fz="xs">
                {i + 1} {label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[5, 4, 3, 2, 1].map((likelihood) => (
            <Table.Tr key={likelihood}>
              <Table.Th scope="row" fz="xs">
                {likelihood} {LIKELIHOOD[likelihood - 1]}
              </Table.Th>
              {[1, 2, 3, 4, 5].map((impact) => {
                const c = map.cells[likelihood - 1]?.[impact - 1];
                if (!c) return <Table.Td key={impact} />;
                const active = selected?.likelihood === likelihood && selected?.impact === impact;
                return (
                  <Table.Td key={impact} p={0} style={{ background: SHADE[c.level] }}>
                    <UnstyledButton
                      onClick={() => onSelect(c)}
                      aria-pressed={active}
                      aria-label={`${name}: likelihood ${likelihood} (${LIKELIHOOD[likelihood - 1]}), impact ${impact} (${IMPACT[impact - 1]}), ${LEVEL_LABEL[c.level].label.toLowerCase()}: ${c.count} ${c.count === 1 ? 'risk' : 'risks'}`}
                      w="100%"
                      h={40}
                      ta="center"
                      fw={c.count > 0 ? 700 : 400}
                      style={{ outline: active ? '3px solid var(--mantine-color-blue-7)' : undefined }}
                    >
                      {c.count > 0 ? c.count : ''}
                    </UnstyledButton>
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function RiskTable({ risks, onOpen }: { risks: Risk[]; onOpen: (risk: Risk) => void }) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table verticalSpacing="sm" highlightOnHover aria-label="Risks">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Risk</Table.Th>
            <Table.Th>Owner</Table.Th>
            <Table.Th>Inherent</Table.Th>
            <Table.Th>Residual</Table.Th>
            <Table.Th>Treatment</Table.Th>
            <Table.Th>Next review</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {risks.map((risk) => (
            <Table.Tr key={risk.id}>
              <Table.Td>
                <Anchor component="button" type="button" fw={500} ta="left" onClick={() => onOpen(risk)}>
                  {risk.title}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {CATEGORY_LABEL[risk.category]}
                  {risk.status === 'closed' ? ' · closed' : ''}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{risk.owner ? risk.owner.name || risk.owner.email : '—'}</Text>
              </Table.Td>
              <Table.Td>
                <LevelBadge score={risk.inherent} label="Inherent" />
              </Table.Td>
              <Table.Td>
                <LevelBadge score={risk.residual} label="Residual" />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{risk.treatment ? TREATMENT_LABEL[risk.treatment] : 'None decided'}</Text>
              </Table.Td>
              <Table.Td>
                {risk.reviewOverdue ? (
                  <Badge color="red" variant="light">
                    Overdue · {formatDate(risk.reviewOn)}
                  </Badge>
                ) : (
                  <Text size="sm">{formatDate(risk.reviewOn)}</Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function RiskDrawer({
  riskId,
  opened,
  onClose,
  onExited,
  onEdit,
  onChanged,
}: {
  riskId: string | null;
  opened: boolean;
  onClose: () => void;
  onExited: () => void;
  onEdit: (risk: Risk) => void;
  onChanged: () => void;
}) {
  return (
    <Drawer opened={opened} onClose={onClose} onExitTransitionEnd={onExited} position="right" size="lg" title="Risk">
      {riskId && <RiskDetail riskId={riskId} onEdit={onEdit} onChanged={onChanged} />}
    </Drawer>
  );
}

const ACTIONS: Record<string, string> = {
  'risk.created': 'Added',
  'risk.updated': 'Changed',
  'risk.accepted': 'Residual risk accepted',
  'risk.reviewed': 'Reviewed in an assessment',
  'risk.closed': 'Closed',
  'risk.reopened': 'Reopened',
};

function RiskDetail({
  riskId,
  onEdit,
  onChanged,
}: {
  riskId: string;
  onEdit: (risk: Risk) => void;
  onChanged: () => void;
}) {
  const risk = useApi(() => riskApi.get(riskId), riskId);
  const history = useApi(() => riskApi.history(riskId), `${riskId}:${risk.data?.updatedAt ?? ''}`);
  const [busy, setBusy] = useState(false);

  const setClosed = async (r: Risk, close: boolean) => {
    setBusy(true);
    try {
      risk.setData(await riskApi.setClosed(r.id, close));
      notifications.show({ color: 'teal', message: close ? `Closed “${r.title}”.` : `Reopened “${r.title}”.` });
      onChanged();
    } catch (err) {
      notifications.show({ color: 'red', title: 'Not changed', message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Loaded state={risk}>
      {(r) => (
        <Stack>
          <Title order={2} size="h3">
            {r.title}
          </Title>
          <Group gap="xs">
            <Badge variant="outline">{CATEGORY_LABEL[r.category]}</Badge>
            {r.status === 'closed' && <Badge color="gray">Closed {formatDate(r.closedAt)}</Badge>}
            {r.reviewOverdue && <Badge color="red">Review overdue</Badge>}
          </Group>
          {r.description && <Text size="sm">{r.description}</Text>}
          <Table variant="vertical" layout="fixed">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={150}>Owner</Table.Th>
                <Table.Td>{r.owner ? `${r.owner.name} (${r.owner.email})` : '—'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Inherent</Table.Th>
                <Table.Td>
                  <Group gap="xs">
                    <LevelBadge score={r.inherent} label="Inherent" />
                    <Text size="sm">
                      likelihood {r.inherent.likelihood} × impact {r.inherent.impact}
                    </Text>
                  </Group>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Residual</Table.Th>
                <Table.Td>
                  <Group gap="xs">
                    <LevelBadge score={r.residual} label="Residual" />
                    <Text size="sm">
                      likelihood {r.residual.likelihood} × impact {r.residual.impact}
                    </Text>
                  </Group>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Treatment</Table.Th>
                <Table.Td>
                  {r.treatment ? TREATMENT_LABEL[r.treatment] : 'None decided'}
                  {r.acceptance && (
                    <Text size="xs" c="dimmed">
                      Accepted by {r.acceptance.by.email} on {formatDateTime(r.acceptance.at)}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Plan</Table.Th>
                <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{r.treatmentPlan || '—'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Controls</Table.Th>
                <Table.Td>
                  {r.controls.length === 0
                    ? '—'
                    : r.controls.map((c) => (
                        <Text key={c.id} size="sm">
                          <Text span fw={600} size="sm">
                            {c.key}
                          </Text>{' '}
                          {c.title}
                        </Text>
                      ))}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Next review</Table.Th>
                <Table.Td>{formatDate(r.reviewOn)}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          {r.canEdit && (
            <Group>
              <Button onClick={() => onEdit(r)}>Edit</Button>
              <Button variant="default" loading={busy} onClick={() => void setClosed(r, r.status === 'open')}>
                {r.status === 'open' ? 'Close risk' : 'Reopen risk'}
              </Button>
            </Group>
          )}
          <Title order={3} size="h5">
            History
          </Title>
          <Loaded state={history}>
            {({ items }) =>
              items.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No changes recorded.
                </Text>
              ) : (
                <Timeline bulletSize={12} lineWidth={2}>
                  {items.map((h) => (
                    <Timeline.Item key={h.id} title={ACTIONS[h.action] ?? h.action}>
                      <Text size="xs" c="dimmed">
                        {formatDateTime(h.at)} · {h.actor}
                      </Text>
                      {describeChange(h.details) && <Text size="sm">{describeChange(h.details)}</Text>}
                    </Timeline.Item>
                  ))}
                </Timeline>
              )
            }
          </Loaded>
        </Stack>
      )}
    </Loaded>
  );
}

/** What an audit entry changed, in a line. */
function describeChange(details: Record<string, unknown>): string {
  const changed = details.changed as Record<string, unknown> | undefined;
  if (changed) return `Changed ${Object.keys(changed).join(', ')}.`;
  if (typeof details.assessment === 'string') {
    return `${details.assessment}: residual ${String(details.residual)} (${String(details.level)}), ${String(details.treatment)}.`;
  }
  if (typeof details.level === 'string') return `Residual ${String(details.residual)} (${details.level}).`;
  return '';
}

const RATING_OPTIONS = (labels: readonly string[]) =>
  labels.map((label, i) => ({ value: String(i + 1), label: `${i + 1} · ${label}` }));

export interface Ratings {
  inherentLikelihood: number;
  inherentImpact: number;
  residualLikelihood: number;
  residualImpact: number;
}

/** The four 1–5 ratings with the scores they give; residual above inherent is shown at once. */
export function RatingFields({
  value,
  onChange,
  error,
}: {
  value: Ratings;
  onChange: (value: Ratings) => void;
  error?: string;
}) {
  const inherent = value.inherentLikelihood * value.inherentImpact;
  const residual = value.residualLikelihood * value.residualImpact;
  const field = (key: keyof Ratings, label: string, labels: readonly string[], fieldError?: string) => (
    <Select
      label={label}
      data={RATING_OPTIONS(labels)}
      value={String(value[key])}
      onChange={(v) => onChange({ ...value, [key]: Number(v ?? value[key]) })}
      allowDeselect={false}
      error={fieldError}
    />
  );
  return (
    <Stack gap="xs">
      <Group grow align="flex-start">
        {field('inherentLikelihood', 'Inherent likelihood', LIKELIHOOD)}
        {field('inherentImpact', 'Inherent impact', IMPACT)}
      </Group>
      <Group grow align="flex-start">
        {field('residualLikelihood', 'Residual likelihood', LIKELIHOOD)}
        {field('residualImpact', 'Residual impact', IMPACT, error)}
      </Group>
      <Group gap="xs" aria-live="polite">
        <Text size="sm">Scores:</Text>
        <LevelBadge score={{ score: inherent, level: levelOf(inherent) }} label="Inherent" />
        <LevelBadge score={{ score: residual, level: levelOf(residual) }} label="Residual" />
      </Group>
    </Stack>
  );
}

export const residualTooHigh = (r: Ratings) =>
  r.residualLikelihood * r.residualImpact > r.inherentLikelihood * r.inherentImpact
    ? 'The residual score cannot be higher than the inherent score.'
    : undefined;

export function RiskFormModal({
  risk,
  opened,
  onClose,
  onExited,
  onSaved,
  raiseIn,
}: {
  risk: Risk | null;
  opened: boolean;
  onClose: () => void;
  onExited?: () => void;
  onSaved: (risk: Risk, created: boolean) => void;
  /** Raise the new risk within this open assessment (it asks for a comment too). */
  raiseIn?: string;
}) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      onExitTransitionEnd={onExited}
      title={risk ? `Edit “${risk.title}”` : raiseIn ? 'Raise a risk in this assessment' : 'New risk'}
      size="xl"
      centered
    >
      {opened && <RiskForm risk={risk} onClose={onClose} onSaved={onSaved} raiseIn={raiseIn} />}
    </Modal>
  );
}

function RiskForm({
  risk,
  onClose,
  onSaved,
  raiseIn,
}: {
  risk: Risk | null;
  onClose: () => void;
  onSaved: (risk: Risk, created: boolean) => void;
  raiseIn?: string;
}) {
  const { me } = useSession();
  const owners = useApi(async () => (await riskApi.owners()).items);
  const controls = useApi(async () => (await api.controls({})).items);
  const [title, setTitle] = useState(risk?.title ?? '');
  const [description, setDescription] = useState(risk?.description ?? '');
  const [category, setCategory] = useState<RiskCategory>(risk?.category ?? 'security');
  const [owner, setOwner] = useState(risk?.owner?.id ?? '');
  const [ratings, setRatings] = useState<Ratings>({
    inherentLikelihood: risk?.inherent.likelihood ?? 3,
    inherentImpact: risk?.inherent.impact ?? 3,
    residualLikelihood: risk?.residual.likelihood ?? 2,
    residualImpact: risk?.residual.impact ?? 3,
  });
  const [treatment, setTreatment] = useState<RiskTreatment | ''>(risk?.treatment ?? '');
  const [plan, setPlan] = useState(risk?.treatmentPlan ?? '');
  const [controlIds, setControlIds] = useState<string[]>(risk?.controls.map((c) => c.id) ?? []);
  const [reviewOn, setReviewOn] = useState(risk?.reviewOn ?? '');
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const manager = isManager(me);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string | undefined> = {};
    if (!title.trim()) found.title = 'Give the risk a title.';
    if (!owner) found.ownerUserId = 'Choose who owns the risk.';
    found.residualImpact = residualTooHigh(ratings);
    if (raiseIn && !comment.trim()) found.comment = 'Say why the risk was raised.';
    setErrors(found);
    if (Object.values(found).some(Boolean)) return;
    const body: RiskBody = {
      title: title.trim(),
      description: description.trim(),
      category,
      ownerUserId: owner,
      ...ratings,
      treatment: treatment || null,
      treatmentPlan: plan.trim(),
      controlIds,
      ...(reviewOn && reviewOn !== risk?.reviewOn ? { reviewOn } : {}),
    };
    setBusy(true);
    setError(null);
    try {
      if (risk) {
        const { ownerUserId, ...rest } = body;
        onSaved(await riskApi.update(risk.id, manager ? body : rest), false);
      } else if (raiseIn) {
        const item = await riskApi.raise(raiseIn, { ...body, comment: comment.trim() });
        onSaved(await riskApi.get(item.risk.id), true);
      } else {
        onSaved(await riskApi.create(body), true);
      }
      onClose();
    } catch (err) {
      const form = {
        setFieldError: (path: never, message: string) => setErrors((e) => ({ ...e, [path]: message })),
        getValues: () => ({ title, ownerUserId: owner, residualImpact: 0, reviewOn, controlIds, comment }),
      };
      if (!applyFieldErrors(form, err)) setError(err);
    } finally {
      setBusy(false);
    }
  };

  const ownerData = (owners.data ?? []).map((o) => ({
    value: o.id,
    label: o.name ? `${o.name} (${o.email})` : o.email,
  }));
  if (risk?.owner && !ownerData.some((o) => o.value === risk.owner?.id)) {
    ownerData.push({ value: risk.owner.id, label: risk.owner.name || risk.owner.email });
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <TextInput
          label="Title"
          description="What could happen, in a sentence: “A stolen laptop exposes customer exports”"
          required
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
          error={errors.title}
          data-autofocus
        />
        <Textarea
          label="Description"
          description="Optional: how it could happen and what it would cost"
          autosize
          minRows={2}
          maxLength={5000}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <Group grow align="flex-start">
          <Select
            label="Category"
            data={CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABEL[c] }))}
            value={category}
            onChange={(v) => setCategory((v as RiskCategory | null) ?? 'security')}
            allowDeselect={false}
          />
          <Select
            label="Owner"
            description={manager ? undefined : 'Only owners and admins give a risk to someone else'}
            data={ownerData}
            value={owner || null}
            onChange={(v) => setOwner(v ?? '')}
            searchable
            disabled={!manager}
            error={errors.ownerUserId}
            placeholder={owners.data ? 'Choose a member' : 'Loading members…'}
          />
        </Group>
        <RatingFields value={ratings} onChange={setRatings} error={errors.residualImpact} />
        <Group grow align="flex-start">
          <Select
            label="Treatment"
            description="Accepting records you as accepting the residual risk; high and critical take an owner or admin"
            data={[
              { value: '', label: 'Not decided yet' },
              ...TREATMENTS.map((t) => ({ value: t, label: TREATMENT_LABEL[t] })),
            ]}
            value={treatment}
            onChange={(v) => setTreatment((v as RiskTreatment | '') ?? '')}
            allowDeselect={false}
          />
          <TextInput
            label="Next review"
            description="Left empty: sooner the higher the residual level"
            type="date"
            value={reviewOn}
            onChange={(e) => setReviewOn(e.currentTarget.value)}
            error={errors.reviewOn}
          />
        </Group>
        <Textarea
          label="Treatment plan"
          autosize
          minRows={2}
          maxLength={5000}
          value={plan}
          onChange={(e) => setPlan(e.currentTarget.value)}
        />
        <MultiSelect
          label="Controls that reduce it"
          searchable
          clearable
          data={(controls.data ?? []).map((c) => ({ value: c.id, label: `${c.key} ${c.title}` }))}
          value={controlIds}
          onChange={setControlIds}
          error={errors.controlIds}
          placeholder={controls.data ? undefined : 'Loading controls…'}
        />
        {raiseIn && (
          <Textarea
            label="Comment"
            description="Why it was raised in this assessment"
            required
            autosize
            minRows={2}
            maxLength={5000}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            error={errors.comment}
          />
        )}
        {error !== null && <ErrorAlert error={error} title="Not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            {risk ? 'Save' : raiseIn ? 'Raise risk' : 'Add risk'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Assessments({ manager }: { manager: boolean }) {
  const [page, setPage] = useState(1);
  const [starting, setStarting] = useState(false);
  const navigate = useNavigate();
  const list = useApi(() => riskApi.assessments(page), String(page));
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          Risk assessments
        </Title>
        {manager && (
          <Button variant="light" onClick={() => setStarting(true)}>
            Start an assessment
          </Button>
        )}
      </Group>
      <Loaded state={list}>
        {(data) =>
          data.items.length === 0 ? (
            <Text size="sm" c="dimmed">
              No assessment yet. Once a year, start one: every open risk is reviewed by its owner, new risks are raised
              and fraud is considered; the result is kept as evidence.
            </Text>
          ) : (
            <Stack>
              <Table verticalSpacing="sm" aria-label="Risk assessments">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Assessment</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Due</Table.Th>
                    <Table.Th w="30%">Reviewed</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((a) => (
                    <AssessmentRow key={a.id} assessment={a} />
                  ))}
                </Table.Tbody>
              </Table>
              {data.total > data.items.length && (
                <Pagination total={Math.ceil(data.total / 20)} value={page} onChange={setPage} />
              )}
            </Stack>
          )
        }
      </Loaded>
      <StartAssessmentModal
        opened={starting}
        onClose={() => setStarting(false)}
        onStarted={(a) => {
          notifications.show({ color: 'teal', message: `Started “${a.name}”: ${a.progress.total} risks to review.` });
          void navigate(`/risks/assessments/${a.id}`);
        }}
      />
    </Card>
  );
}

function AssessmentRow({ assessment: a }: { assessment: Assessment }) {
  const pct = a.progress.total === 0 ? 100 : Math.round((a.progress.reviewed / a.progress.total) * 100);
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/risks/assessments/${a.id}`} fw={500}>
          {a.name}
        </Anchor>
        <Text size="xs" c="dimmed">
          Started {formatDate(a.startedAt)}
          {a.startedBy ? ` by ${a.startedBy.email}` : ''}
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge color={STATUS_LABEL[a.status].color} variant="light">
          {STATUS_LABEL[a.status].label}
        </Badge>
      </Table.Td>
      <Table.Td>
        {a.status === 'completed' ? (
          <Text size="sm">Completed {formatDate(a.completedAt)}</Text>
        ) : a.overdue ? (
          <Badge color="red" variant="light">
            Overdue · {formatDate(a.dueOn)}
          </Badge>
        ) : (
          <Text size="sm">{formatDate(a.dueOn)}</Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="xs" mb={4}>
          {a.progress.reviewed} of {a.progress.total}
        </Text>
        <Progress value={pct} aria-label={`${a.progress.reviewed} of ${a.progress.total} reviewed`} />
      </Table.Td>
    </Table.Tr>
  );
}

function StartAssessmentModal({
  opened,
  onClose,
  onStarted,
}: {
  opened: boolean;
  onClose: () => void;
  onStarted: (a: Assessment) => void;
}) {
  const [name, setName] = useState(`Risk assessment ${new Date().getFullYear()}`);
  const [dueOn, setDueOn] = useState(new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10));
  const [fraud, setFraud] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const a = await riskApi.start({
        name: name.trim(),
        dueOn,
        ...(fraud.trim() ? { fraudStatement: fraud.trim() } : {}),
      });
      onClose();
      onStarted(a);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Start a risk assessment" centered size="lg">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            Every open risk becomes an item for its owner to review; each owner is told. Only one assessment runs at a
            time.
          </Text>
          <TextInput
            label="Name"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-autofocus
          />
          <TextInput label="Due" type="date" required value={dueOn} onChange={(e) => setDueOn(e.currentTarget.value)} />
          <Textarea
            label="How fraud will be considered"
            description="Optional now, required to complete: misuse of access, payments, altered records"
            autosize
            minRows={2}
            maxLength={5000}
            value={fraud}
            onChange={(e) => setFraud(e.currentTarget.value)}
          />
          {error !== null && <ErrorAlert error={error} title="Not started" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Start
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
