import {
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Modal,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Timeline,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { request } from '../api';
import {
  type ActionItem,
  type IncidentDetail,
  type IncidentStatus,
  incidentApi,
  localInput,
  personLabel,
  SEVERITIES,
  SEVERITY_LABEL,
  type Severity,
  STATUS_LABEL,
  STATUSES,
} from '../api/incidents';
import { ErrorAlert, Loaded } from '../components/PageStatus';
import { formatDateTime } from '../format';
import { useApi } from '../useApi';
import { BreachPanel } from './IncidentBreach';

type Change = (next: IncidentDetail) => void;

/** `/incidents/:incidentId`: one incident, its timeline and escalations, its review and its breach. */
export function IncidentPage() {
  const { incidentId = '' } = useParams();
  const incident = useApi(() => incidentApi.get(incidentId), incidentId);

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/incidents" size="sm">
        ← Incidents
      </Anchor>
      <Loaded state={incident}>
        {(i) => (
          <>
            <Header incident={i} onChanged={incident.setData} />
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
              <Facts incident={i} onChanged={incident.setData} />
              <Escalations incident={i} />
            </SimpleGrid>
            {i.can.markBreach && <MarkBreach incident={i} onChanged={incident.setData} />}
            {i.breach && <BreachPanel incident={i} breach={i.breach} onChanged={incident.setData} />}
            {i.isBreach && !i.breach && (
              <Text size="sm" c="dimmed">
                This incident is a breach of customer data; its owner and the organisation's owners and admins handle
                the notices to customers.
              </Text>
            )}
            <TimelineCard incident={i} onChanged={incident.setData} />
            {(i.can.review || i.review) && <ReviewCard incident={i} onChanged={incident.setData} />}
          </>
        )}
      </Loaded>
    </Stack>
  );
}

function Header({ incident: i, onChanged }: { incident: IncidentDetail; onChanged: Change }) {
  const [status, setStatus] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const move = async (event: FormEvent) => {
    event.preventDefault();
    if (!status) return;
    setBusy(true);
    setError(null);
    try {
      onChanged(await incidentApi.setStatus(i.id, status as IncidentStatus, note.trim() || undefined));
      notifications.show({ color: 'teal', message: `Status: ${STATUS_LABEL[status as IncidentStatus].label}.` });
      setStatus(null);
      setNote('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="xs">
      <Group gap="sm">
        <Title order={1} size="h2">
          #{i.number} {i.title}
        </Title>
        <Badge color={SEVERITY_LABEL[i.severity].color} variant="light">
          {SEVERITY_LABEL[i.severity].label}
        </Badge>
        <Badge color={STATUS_LABEL[i.status].color} variant="outline">
          {STATUS_LABEL[i.status].label}
        </Badge>
        {i.isBreach && (
          <Badge color="red" variant="filled">
            Breach
          </Badge>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Reported {formatDateTime(i.reportedAt)} by {personLabel(i.reportedBy, 'someone who left')} · first noticed{' '}
        {formatDateTime(i.detectedAt)} · owner {personLabel(i.owner, 'unassigned')}
      </Text>
      {i.can.manage && (
        <form onSubmit={(e) => void move(e)} noValidate>
          <Group align="flex-end">
            <Select
              label="Move to status"
              placeholder="Choose a status"
              data={STATUSES.filter((s) => s !== i.status).map((s) => ({ value: s, label: STATUS_LABEL[s].label }))}
              value={status}
              onChange={setStatus}
              w={200}
            />
            <TextInput
              label="Note (optional)"
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              style={{ flex: 1, minWidth: 220 }}
            />
            <Button type="submit" disabled={!status} loading={busy}>
              Change status
            </Button>
          </Group>
        </form>
      )}
      {error !== null && <ErrorAlert error={error} title="Status not changed" />}
    </Stack>
  );
}

function Facts({ incident: i, onChanged }: { incident: IncidentDetail; onChanged: Change }) {
  const [editing, setEditing] = useState(false);
  const people = useApi(
    async () => (i.can.assignOwner ? (await incidentApi.assignees()).items : []),
    String(i.can.assignOwner),
  );
  const [ownerError, setOwnerError] = useState<unknown>(null);

  const setOwner = async (ownerUserId: string | null) => {
    setOwnerError(null);
    try {
      onChanged(await incidentApi.setOwner(i.id, ownerUserId));
      notifications.show({ color: 'teal', message: 'Owner saved.' });
    } catch (err) {
      setOwnerError(err);
    }
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          What happened
        </Title>
        {i.can.manage && (
          <Button size="xs" variant="light" onClick={() => setEditing(true)}>
            Edit incident
          </Button>
        )}
      </Group>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        {i.description || 'No description yet.'}
      </Text>
      <Text size="sm" mt="sm">
        <b>Affected systems:</b> {i.systems.length ? i.systems.map((s) => s.name).join(', ') : 'none listed'}
      </Text>
      {i.can.assignOwner && (
        <Select
          mt="sm"
          label="Owner"
          description="Handles the incident: status, timeline, review, breach notices"
          data={[
            { value: '', label: 'Unassigned' },
            ...(people.data ?? []).map((p) => ({ value: p.id, label: p.name ? `${p.name} (${p.email})` : p.email })),
          ]}
          value={i.owner?.id ?? ''}
          onChange={(v) => void setOwner(v || null)}
          allowDeselect={false}
          searchable
        />
      )}
      {ownerError !== null && <ErrorAlert error={ownerError} title="Owner not saved" />}
      <Modal opened={editing} onClose={() => setEditing(false)} title={`Edit incident #${i.number}`} centered size="lg">
        {editing && <EditForm incident={i} onClose={() => setEditing(false)} onChanged={onChanged} />}
      </Modal>
    </Card>
  );
}

function EditForm({
  incident: i,
  onClose,
  onChanged,
}: {
  incident: IncidentDetail;
  onClose: () => void;
  onChanged: Change;
}) {
  const systems = useApi(() => request<{ items: { id: string; name: string }[] }>('GET', '/systems?limit=200'));
  const [title, setTitle] = useState(i.title);
  const [description, setDescription] = useState(i.description);
  const [severity, setSeverity] = useState<Severity>(i.severity);
  const [detected, setDetected] = useState(localInput(new Date(i.detectedAt)));
  const [systemIds, setSystemIds] = useState(i.systems.map((s) => s.id));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onChanged(
        await incidentApi.update(i.id, {
          title: title.trim(),
          description: description.trim(),
          severity,
          detectedAt: new Date(detected).toISOString(),
          systemIds,
        }),
      );
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const known = new Set((systems.data?.items ?? []).map((s) => s.id));

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <TextInput
          label="Title"
          required
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
        />
        <Textarea
          label="What happened"
          autosize
          minRows={3}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <Select
          label="Severity"
          description="Raising it tells the people the new severity's rule names"
          data={SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABEL[s].label }))}
          value={severity}
          onChange={(v) => setSeverity((v as Severity | null) ?? i.severity)}
          allowDeselect={false}
        />
        <TextInput
          label="First noticed"
          type="datetime-local"
          value={detected}
          onChange={(e) => setDetected(e.currentTarget.value)}
        />
        <MultiSelect
          label="Affected systems"
          data={[
            ...(systems.data?.items ?? []).map((s) => ({ value: s.id, label: s.name })),
            ...i.systems.filter((s) => !known.has(s.id)).map((s) => ({ value: s.id, label: s.name })),
          ]}
          value={systemIds}
          onChange={setSystemIds}
          searchable
        />
        {error !== null && <ErrorAlert error={error} title="Not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Escalations({ incident: i }: { incident: IncidentDetail }) {
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="sm">
        Escalations
      </Title>
      {i.escalations.length === 0 ? (
        <Text size="sm" c="dimmed">
          No escalation rule matched this incident's severity.
        </Text>
      ) : (
        <Table verticalSpacing="xs" aria-label="Escalations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Rule</Table.Th>
              <Table.Th>Reached</Table.Th>
              <Table.Th>Webhook</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {i.escalations.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>
                  <Text size="sm">{formatDateTime(e.triggeredAt)}</Text>
                  <Text size="xs" c="dimmed">
                    {e.reason === 'reported' ? 'on report' : 'severity raised'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {SEVERITY_LABEL[e.severity].label}, within {e.targetMinutes} min
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{e.sentAt ? formatDateTime(e.sentAt) : 'Not yet'}</Text>
                  <Text size="xs" c="dimmed">
                    {e.people} in the app · {e.emailsSent} of {e.emails} emails
                  </Text>
                </Table.Td>
                <Table.Td>
                  {e.webhook ? (
                    <Badge
                      color={
                        e.webhook.status === 'delivered' ? 'teal' : e.webhook.status === 'failed' ? 'red' : 'orange'
                      }
                      variant="light"
                      title={e.webhook.lastError ?? undefined}
                    >
                      {e.webhook.status} ({e.webhook.attempts})
                    </Badge>
                  ) : (
                    '—'
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

function MarkBreach({ incident: i, onChanged }: { incident: IncidentDetail; onChanged: Change }) {
  const [opened, setOpened] = useState(false);
  const [discovered, setDiscovered] = useState(localInput(new Date(i.detectedAt)));
  const [occurred, setOccurred] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onChanged(
        await incidentApi.markBreach(i.id, {
          occurredOn: occurred || null,
          discoveredAt: new Date(discovered).toISOString(),
        }),
      );
      setOpened(false);
      notifications.show({ color: 'orange', message: 'Marked as a breach: the notice clock is running.' });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Group>
        <Button color="red" variant="light" onClick={() => setOpened(true)}>
          Mark as a breach of customer data
        </Button>
      </Group>
      <Modal opened={opened} onClose={() => setOpened(false)} title="Mark as a breach of customer data" centered>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack>
            <Text size="sm">
              Every affected customer must then be sent a notice before the deadline, counted from the discovery.
            </Text>
            <TextInput
              label="Discovered"
              type="datetime-local"
              required
              value={discovered}
              onChange={(e) => setDiscovered(e.currentTarget.value)}
            />
            <TextInput
              label="Date of the breach"
              description="Leave empty if not known yet"
              type="date"
              value={occurred}
              onChange={(e) => setOccurred(e.currentTarget.value)}
            />
            {error !== null && <ErrorAlert error={error} title="Not marked" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpened(false)}>
                Cancel
              </Button>
              <Button type="submit" color="red" loading={busy}>
                Mark as breach
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

const EVENT_COLOR: Record<string, string> = {
  escalation: 'blue',
  escalation_failed: 'red',
  breach: 'red',
  delay: 'orange',
  notice_sent: 'teal',
  status: 'grape',
  review: 'teal',
};

function TimelineCard({ incident: i, onChanged }: { incident: IncidentDetail; onChanged: Change }) {
  const [body, setBody] = useState('');
  const [when, setWhen] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onChanged(await incidentApi.addNote(i.id, body.trim(), when ? new Date(when).toISOString() : undefined));
      setBody('');
      setWhen('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="md">
        Timeline
      </Title>
      <Timeline bulletSize={14} lineWidth={2} active={i.timeline.length}>
        {i.timeline.map((e) => (
          <Timeline.Item key={e.id} color={EVENT_COLOR[e.kind] ?? 'gray'} title={formatDateTime(e.occurredAt)}>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {e.body}
            </Text>
            <Text size="xs" c="dimmed">
              {e.actor ? personLabel(e.actor) : 'Attest'}
              {e.recordedAt !== e.occurredAt ? ` · recorded ${formatDateTime(e.recordedAt)}` : ''}
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
      {i.can.note && (
        <form onSubmit={(e) => void add(e)} noValidate>
          <Stack mt="md" gap="xs">
            <Textarea
              label="Add to the timeline"
              placeholder="What was seen or done"
              autosize
              minRows={2}
              value={body}
              onChange={(e) => setBody(e.currentTarget.value)}
            />
            <Group align="flex-end">
              <TextInput
                label="When it happened"
                description="Leave empty for now"
                type="datetime-local"
                value={when}
                onChange={(e) => setWhen(e.currentTarget.value)}
              />
              <Button type="submit" disabled={!body.trim()} loading={busy}>
                Add note
              </Button>
            </Group>
            {error !== null && <ErrorAlert error={error} title="Note not added" />}
          </Stack>
        </form>
      )}
    </Card>
  );
}

function ReviewCard({ incident: i, onChanged }: { incident: IncidentDetail; onChanged: Change }) {
  const review = i.review;
  const people = useApi(async () => (i.can.review ? (await incidentApi.assignees()).items : []), String(i.can.review));
  const [rootCause, setRootCause] = useState(review?.rootCause ?? '');
  const [wentWell, setWentWell] = useState(review?.wentWell ?? '');
  const [toImprove, setToImprove] = useState(review?.toImprove ?? '');
  const [items, setItems] = useState<ActionItem[]>(review?.actionItems ?? []);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const editable = i.can.review;

  const save = async (complete: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const next = await incidentApi.saveReview(i.id, {
        rootCause,
        wentWell,
        toImprove,
        actionItems: items.map(({ owner: _owner, ...item }) => item),
        complete,
      });
      onChanged(next);
      notifications.show({ color: 'teal', message: complete ? 'Review completed.' : 'Review saved.' });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const setItem = (index: number, change: Partial<ActionItem>) =>
    setItems((list) => list.map((item, n) => (n === index ? { ...item, ...change } : item)));

  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          Post-incident review
        </Title>
        {review?.completedAt ? (
          <Badge color="teal" variant="light">
            Completed {formatDateTime(review.completedAt)}
          </Badge>
        ) : (
          <Badge color="gray" variant="light">
            {i.severity === 'sev1' || i.severity === 'sev2' ? 'Required before closing' : 'Draft'}
          </Badge>
        )}
      </Group>
      <Stack>
        <Textarea
          label="Root cause"
          autosize
          minRows={2}
          value={rootCause}
          readOnly={!editable}
          onChange={(e) => setRootCause(e.currentTarget.value)}
        />
        <Textarea
          label="What went well"
          autosize
          minRows={2}
          value={wentWell}
          readOnly={!editable}
          onChange={(e) => setWentWell(e.currentTarget.value)}
        />
        <Textarea
          label="What to improve"
          autosize
          minRows={2}
          value={toImprove}
          readOnly={!editable}
          onChange={(e) => setToImprove(e.currentTarget.value)}
        />
        <Text fw={500} size="sm">
          Action items
        </Text>
        {items.length === 0 && (
          <Text size="sm" c="dimmed">
            No action items.
          </Text>
        )}
        {items.map((item, n) => (
          <Group key={item.id ?? `new-${n}`} align="flex-end" wrap="wrap">
            <TextInput
              label={`Action ${n + 1}`}
              value={item.title}
              readOnly={!editable}
              onChange={(e) => setItem(n, { title: e.currentTarget.value })}
              style={{ flex: 1, minWidth: 200 }}
            />
            <Select
              label="Owner"
              data={[
                ...(people.data ?? []).map((p) => ({ value: p.id, label: p.name || p.email })),
                ...(item.owner && !(people.data ?? []).some((p) => p.id === item.ownerUserId)
                  ? [{ value: item.ownerUserId, label: personLabel(item.owner) }]
                  : []),
              ]}
              value={item.ownerUserId || null}
              readOnly={!editable}
              onChange={(v) => setItem(n, { ownerUserId: v ?? '' })}
              w={200}
            />
            <TextInput
              label="Due"
              type="date"
              value={item.dueOn}
              readOnly={!editable}
              onChange={(e) => setItem(n, { dueOn: e.currentTarget.value })}
            />
            <Checkbox
              label="Done"
              checked={item.done}
              disabled={!editable}
              onChange={(e) => setItem(n, { done: e.currentTarget.checked })}
              mb={8}
            />
            {editable && (
              <Button
                variant="subtle"
                color="red"
                aria-label={`Remove action ${n + 1}`}
                onClick={() => setItems((list) => list.filter((_, m) => m !== n))}
              >
                <IconTrash size={16} />
              </Button>
            )}
          </Group>
        ))}
        {editable && (
          <Group>
            <Button
              variant="subtle"
              leftSection={<IconPlus size={16} />}
              onClick={() => setItems((list) => [...list, { title: '', ownerUserId: '', dueOn: '', done: false }])}
            >
              Add an action item
            </Button>
          </Group>
        )}
        {error !== null && <ErrorAlert error={error} title="Review not saved" />}
        {editable && (
          <Group justify="flex-end">
            <Button variant="default" loading={busy} onClick={() => void save(false)}>
              Save draft
            </Button>
            {!review?.completedAt && (
              <Button loading={busy} onClick={() => void save(true)}>
                Complete review
              </Button>
            )}
            {review?.completedAt && (
              <Button loading={busy} onClick={() => void save(true)}>
                Save review
              </Button>
            )}
          </Group>
        )}
      </Stack>
    </Card>
  );
}
