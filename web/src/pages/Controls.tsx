import { Badge, Button, Card, Drawer, Group, List, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { api, type Control, type ControlPage, type ControlStatus, errorMessage } from '../api';
import { Loaded } from '../components/PageStatus';
import { formatDateTime } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

export const STATUS_LABEL: Record<ControlStatus, { label: string; color: string }> = {
  not_started: { label: 'Not started', color: 'gray' },
  in_progress: { label: 'In progress', color: 'yellow' },
  implemented: { label: 'Implemented', color: 'teal' },
  not_applicable: { label: 'Not applicable', color: 'blue' },
};

const DOMAINS = [
  'governance',
  'people',
  'access',
  'assets',
  'cryptography',
  'operations',
  'vulnerability',
  'logging',
  'network',
  'development',
  'vendors',
  'risk',
  'incident',
  'continuity',
  'privacy',
  'assessment',
];

/** The organisation's controls: filter, read, and see what each one covers. */
export function ControlsPage() {
  const [q, setQ] = useState('');
  const [domain, setDomain] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [criterion, setCriterion] = useState('');
  const filters = {
    q: q.trim(),
    domain: domain ?? '',
    status: status ?? '',
    criterion: criterion.trim().toUpperCase(),
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
      <Title order={1} size="h2">
        Controls
      </Title>
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
      </Card>
      <Card withBorder radius="md" padding="lg">
        <Loaded state={controls}>
          {(page) => {
            const items = [...page.items, ...(more?.items ?? [])];
            const cursor = more ? more.nextCursor : page.nextCursor;
            return items.length === 0 ? (
              <Text c="dimmed">No control matches these filters. Clear a filter to see more.</Text>
            ) : (
              <Stack>
                <Table.ScrollContainer minWidth={720}>
                  <Table verticalSpacing="sm" highlightOnHover>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Control</Table.Th>
                        <Table.Th>Domain</Table.Th>
                        <Table.Th>Criteria</Table.Th>
                        <Table.Th>Status</Table.Th>
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
                          <Table.Td>
                            <Badge color={STATUS_LABEL[c.status].color} variant="light">
                              {STATUS_LABEL[c.status].label}
                            </Badge>
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
    </Stack>
  );
}

function ControlDetail({ control: initial, onChange }: { control: Control; onChange: (c: Control) => void }) {
  const { me } = useSession();
  const [control, setControl] = useState(initial);
  const [saving, setSaving] = useState(false);
  const versions = useApi(() => api.controlVersions(control.id), `${control.id}:${control.version}`);

  const setStatus = async (status: string | null) => {
    if (!status || status === control.status) return;
    setSaving(true);
    try {
      const updated = await api.updateControl(control.id, { status, expectedVersion: control.version });
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

  return (
    <Stack gap="md">
      {isManager(me) ? (
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
                color="gray"
                title="Checks are connected when their sources are set up"
              >
                {c.id} · not connected
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
                  Version {v.version}: {STATUS_LABEL[v.status].label}, {formatDateTime(v.changedAt)}
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
