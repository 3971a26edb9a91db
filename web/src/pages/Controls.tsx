import {
  Badge,
  Button,
  Card,
  Checkbox,
  Drawer,
  Group,
  List,
  Modal,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { ApiError, api, type Control, type ControlPage, type ControlStatus, errorMessage } from '../api';
import { ConfirmModal } from '../components/ConfirmModal';
import { ControlEditor, DOMAINS } from '../components/ControlEditor';
import { EvidenceForControl } from '../components/EvidenceForControl';
import { Loaded } from '../components/PageStatus';
import { formatDateTime } from '../format';
import { HEALTH_LABEL } from '../health';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

export const STATUS_LABEL: Record<ControlStatus, { label: string; color: string }> = {
  not_started: { label: 'Not started', color: 'gray' },
  in_progress: { label: 'In progress', color: 'yellow' },
  implemented: { label: 'Implemented', color: 'teal' },
  not_applicable: { label: 'Not applicable', color: 'blue' },
};

/** The organisation's controls: filter, read, and see what each one covers. */
export function ControlsPage() {
  const { me } = useSession();
  const [q, setQ] = useState('');
  const [health, setHealth] = useState<string | null>(null);
  const [includeRetired, setIncludeRetired] = useState(false);
  const [adding, setAdding] = useState(false);
  const [domain, setDomain] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [criterion, setCriterion] = useState('');
  const filters = {
    q: q.trim(),
    domain: domain ?? '',
    status: status ?? '',
    health: health ?? '',
    criterion: criterion.trim(),
    includeRetired: includeRetired ? 'true' : '',
  };
  const key = JSON.stringify(filters);
  const controls = useApi(() => api.controls(filters), key);
  const [more, setMore] = useState<ControlPage | null>(null);
  const [open, setOpen] = useState<Control | null>(null);

  const loadMore = async (cursor: string) => {
    const next = await api.controls(filters, cursor);
    setMore((prev) => ({ items: [...(prev?.items ?? []), ...next.items], nextCursor: next.nextCursor }));
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Controls
        </Title>
        {isManager(me) && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
            Add control
          </Button>
        )}
      </Group>
      <Card withBorder radius="md" padding="lg">
        <Group grow align="flex-end">
          <TextInput
            label="Search"
            placeholder="Key or title"
            leftSection={<IconSearch size={16} />}
            value={q}
            onChange={(e) => {
              setMore(null);
              setQ(e.currentTarget.value);
            }}
          />
          <Select
            label="Domain"
            placeholder="All domains"
            clearable
            data={DOMAINS}
            value={domain}
            onChange={(v) => {
              setMore(null);
              setDomain(v);
            }}
          />
          <Select
            label="Status"
            placeholder="Any status"
            clearable
            data={Object.entries(STATUS_LABEL).map(([value, s]) => ({ value, label: s.label }))}
            value={status}
            onChange={(v) => {
              setMore(null);
              setStatus(v);
            }}
          />
          <Select
            label="Health"
            placeholder="Any health"
            clearable
            data={Object.entries(HEALTH_LABEL).map(([value, h]) => ({ value, label: h.label }))}
            value={health}
            onChange={(v) => {
              setMore(null);
              setHealth(v);
            }}
          />
          <TextInput
            label="Criterion"
            placeholder="CC6.1"
            value={criterion}
            onChange={(e) => {
              setMore(null);
              setCriterion(e.currentTarget.value);
            }}
          />
        </Group>
        <Switch
          mt="md"
          label="Show retired controls"
          checked={includeRetired}
          onChange={(e) => {
            setMore(null);
            setIncludeRetired(e.currentTarget.checked);
          }}
        />
      </Card>
      <Card withBorder radius="md" padding="lg">
        <Loaded state={controls}>
          {(page) => {
            const items = [...page.items, ...(more?.items ?? [])];
            const cursor = more ? more.nextCursor : page.nextCursor;
            return items.length === 0 ? (
              <Text c="dimmed">
                No control matches these filters. Clear a filter to see more
                {isManager(me) ? ', or add your own control.' : '.'}
              </Text>
            ) : (
              <Stack>
                <Table.ScrollContainer minWidth={960}>
                  <Table verticalSpacing="sm" highlightOnHover>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Control</Table.Th>
                        <Table.Th>Domain</Table.Th>
                        <Table.Th>Criteria</Table.Th>
                        <Table.Th>Status</Table.Th>
                        <Table.Th>Health</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {items.map((c) => (
                        <Table.Tr key={c.id}>
                          <Table.Td>
                            <Button variant="subtle" size="compact-sm" onClick={() => setOpen(c)}>
                              {c.key}
                            </Button>{' '}
                            {c.title}
                          </Table.Td>
                          <Table.Td>{c.domain}</Table.Td>
                          <Table.Td>
                            <Text size="sm">{c.criteria.join(', ')}</Text>
                          </Table.Td>
                          <Table.Td style={{ whiteSpace: 'nowrap' }}>
                            <Badge color={STATUS_LABEL[c.status].color} variant="light">
                              {STATUS_LABEL[c.status].label}
                            </Badge>
                          </Table.Td>
                          <Table.Td style={{ whiteSpace: 'nowrap' }}>
                            {c.retired ? (
                              <Badge color="gray" variant="outline">
                                Retired
                              </Badge>
                            ) : (
                              <Badge
                                color={HEALTH_LABEL[c.health].color}
                                variant="dot"
                                title={c.reasons.join('; ') || 'Nothing to do'}
                              >
                                {HEALTH_LABEL[c.health].label}
                              </Badge>
                            )}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                {cursor && (
                  <Button variant="light" onClick={() => void loadMore(cursor)}>
                    Load more
                  </Button>
                )}
              </Stack>
            );
          }}
        </Loaded>
      </Card>
      <Drawer
        opened={open !== null}
        onClose={() => setOpen(null)}
        position="right"
        size="lg"
        title={open ? `${open.key} · ${open.title}` : ''}
      >
        {open && (
          <ControlDetail
            key={open.id}
            control={open}
            onChange={() => {
              setMore(null);
              void controls.reload();
            }}
          />
        )}
      </Drawer>
      <Modal opened={adding} onClose={() => setAdding(false)} title="Add a control" size="lg">
        <ControlEditor
          onCancel={() => setAdding(false)}
          onSaved={(created) => {
            setAdding(false);
            setMore(null);
            void controls.reload();
            setOpen(created);
            notifications.show({ color: 'teal', message: `${created.key} added.` });
          }}
        />
      </Modal>
    </Stack>
  );
}

function ControlDetail({ control: initial, onChange }: { control: Control; onChange: (c: Control) => void }) {
  const { me } = useSession();
  const [control, setControl] = useState(initial);
  const [saving, setSaving] = useState(false);
  const [editing, setEditing] = useState(false);
  const [retiring, setRetiring] = useState(false);
  const [reason, setReason] = useState('');
  const [uncovered, setUncovered] = useState<string[] | null>(null);
  const [acceptGap, setAcceptGap] = useState(false);
  const versions = useApi(() => api.controlVersions(control.id), `${control.id}:${control.version}`);

  const setStatus = async (status: string | null) => {
    if (!status || status === control.status) return;
    setSaving(true);
    try {
      const updated = await api.updateControl(control.id, {
        status: status as ControlStatus,
        expectedVersion: control.version,
      });
      setControl(updated);
      onChange(updated);
      notifications.show({
        color: 'teal',
        message: `${updated.key} is now ${STATUS_LABEL[updated.status].label.toLowerCase()}.`,
      });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Not saved', message: errorMessage(error) });
    } finally {
      setSaving(false);
    }
  };

  const saved = (updated: Control) => {
    setControl(updated);
    onChange(updated);
  };

  const retireOrRestore = async () => {
    const retire = !control.retired;
    try {
      const updated = await api.retireControl(control.id, retire, {
        reason: reason.trim(),
        ...(acceptGap ? { acceptUncovered: true } : {}),
      });
      saved(updated);
      setRetiring(false);
      setUncovered(null);
      setAcceptGap(false);
      setReason('');
      notifications.show({ color: 'teal', message: `${updated.key} ${retire ? 'retired' : 'restored'}.` });
    } catch (error) {
      const lines =
        error instanceof ApiError ? (error.problem.errors ?? []).map((e) => e.message.replace(/^uncovered: /, '')) : [];
      if (lines.length > 0) setUncovered(lines);
      throw error;
    }
  };

  if (editing) {
    return (
      <ControlEditor
        control={control}
        onCancel={() => setEditing(false)}
        onSaved={(updated) => {
          saved(updated);
          setEditing(false);
          notifications.show({ color: 'teal', message: `${updated.key} saved as version ${updated.version}.` });
        }}
      />
    );
  }

  return (
    <Stack gap="md">
      {isManager(me) && (
        <Group gap="xs">
          {!control.retired && (
            <Button size="xs" variant="light" onClick={() => setEditing(true)}>
              Edit, re-map or assign
            </Button>
          )}
          <Button size="xs" variant="subtle" color={control.retired ? 'teal' : 'red'} onClick={() => setRetiring(true)}>
            {control.retired ? 'Restore' : 'Retire'}
          </Button>
        </Group>
      )}
      <ConfirmModal
        opened={retiring}
        title={control.retired ? `Restore ${control.key}` : `Retire ${control.key}`}
        confirmLabel={control.retired ? 'Restore' : 'Retire'}
        onConfirm={retireOrRestore}
        onClose={() => {
          setRetiring(false);
          setUncovered(null);
          setAcceptGap(false);
        }}
      >
        <Stack gap="sm">
          <Text size="sm">
            {control.retired
              ? 'The control comes back into coverage and readiness with its history.'
              : 'A retired control keeps its history but no longer counts for coverage or readiness.'}
          </Text>
          <TextInput
            label="Reason"
            required
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-autofocus
          />
          {uncovered && (
            <Checkbox
              label={`I accept that ${uncovered.join(', ')} will have no control`}
              checked={acceptGap}
              onChange={(e) => setAcceptGap(e.currentTarget.checked)}
            />
          )}
        </Stack>
      </ConfirmModal>
      {!control.retired && (
        <Group gap="xs">
          <Badge color={HEALTH_LABEL[control.health].color} variant="dot" size="lg">
            {HEALTH_LABEL[control.health].label}
          </Badge>
          {control.reasons.length > 0 && (
            <Text size="sm" c="dimmed">
              {control.reasons.join('; ')}
            </Text>
          )}
        </Group>
      )}
      {isManager(me) && !control.retired ? (
        <Select
          label="Implementation status"
          data={Object.entries(STATUS_LABEL).map(([value, s]) => ({ value, label: s.label }))}
          value={control.status}
          onChange={(v) => void setStatus(v)}
          disabled={saving}
          allowDeselect={false}
        />
      ) : (
        <Badge color={STATUS_LABEL[control.status].color} variant="light">
          {STATUS_LABEL[control.status].label}
        </Badge>
      )}
      <Text style={{ whiteSpace: 'pre-wrap' }}>{control.description}</Text>
      <Text size="sm">
        <b>Owner:</b>{' '}
        {control.owner
          ? `${control.owner.name} (${control.owner.email})`
          : `not assigned (an ${control.ownerRole} by default)`}
      </Text>
      <Text size="sm">
        <b>Meets:</b> {control.criteria.join(', ') || 'no criterion mapped'}
      </Text>
      <Text size="sm">
        <b>Comes from:</b> {control.seedLines.join(', ') || 'added by your organisation'}
      </Text>
      <Text size="sm">
        <b>Relies on policies:</b> {control.policies.join(', ') || 'none'}
      </Text>
      <div>
        <Text size="sm" fw={700}>
          Evidence tasks
        </Text>
        <List size="sm">
          {control.evidence.map((e) => (
            <List.Item key={e.title}>
              {e.title} ({e.cadence})
            </List.Item>
          ))}
        </List>
      </div>
      <EvidenceForControl controlId={control.id} />
      <div>
        <Text size="sm" fw={700}>
          Automated checks
        </Text>
        {control.checks.length === 0 ? (
          <Text size="sm" c="dimmed">
            None: this control is shown by evidence and reviews.
          </Text>
        ) : (
          <Group gap="xs">
            {control.checks.map((c) => (
              <Badge
                key={c.id}
                variant="outline"
                color={
                  c.state === 'failing'
                    ? 'red'
                    : c.state === 'excepted'
                      ? 'yellow'
                      : c.state === 'passing'
                        ? 'teal'
                        : 'gray'
                }
                title={
                  c.state === 'not_connected'
                    ? 'Checks are connected when their sources are set up'
                    : c.state === 'failing'
                      ? `Failing on ${c.failing} resource(s)`
                      : c.state === 'excepted'
                        ? `${c.excepted} failure(s) accepted as exceptions`
                        : 'Passing'
                }
              >
                {c.id} · {c.state.replace('_', ' ')}
              </Badge>
            ))}
          </Group>
        )}
      </div>
      <div>
        <Text size="sm" fw={700}>
          History
        </Text>
        <Loaded state={versions}>
          {({ items }) => (
            <List size="sm">
              {items.map((v) => (
                <List.Item key={v.version}>
                  Version {v.version}: {v.retired ? 'retired' : STATUS_LABEL[v.status].label},{' '}
                  {formatDateTime(v.changedAt)}
                  {v.changedBy ? ` by ${v.changedBy}` : ''}
                  {v.reason ? ` (${v.reason})` : ''}
                </List.Item>
              ))}
            </List>
          )}
        </Loaded>
      </div>
    </Stack>
  );
}
