import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Code,
  EmptyState,
  Group,
  ScrollArea,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChevronDown, IconChevronRight, IconDatabase, IconSearch } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import { formatDateTime } from '../format';
import { useApi } from '../useApi';
import {
  type InventoryRecord,
  type MonitoringSource,
  monitoringApi,
  RECORD_TYPES,
  type RecordFilters,
  type RecordPage,
  recordTypeLabel,
} from './MonitoringApi';
import { When } from './MonitoringBadges';
import { MonitoringLinkModal } from './MonitoringLinkModal';
import { Loaded } from './PageStatus';

interface InventoryProps {
  sources: MonitoringSource[];
  sourceId: string | null;
  onSourceChange: (sourceId: string | null) => void;
  /** Changes after a push, so the list loads again. */
  version: number;
  /** Owners and admins link accounts to people by hand. */
  canManage: boolean;
  onChanged: () => void;
}

/** What the sources reported: every record, by type, source and name, with its data. */
export function MonitoringInventory({
  sources,
  sourceId,
  onSourceChange,
  version,
  canManage,
  onChanged,
}: InventoryProps) {
  const [linking, setLinking] = useState<InventoryRecord | null>(null);
  const [type, setType] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [search] = useDebouncedValue(q.trim(), 300);
  const [deleted, setDeleted] = useState(false);
  const [more, setMore] = useState<RecordPage | null>(null);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const filters: RecordFilters = { type: type ?? undefined, sourceId: sourceId ?? undefined, q: search, deleted };
  const key = `${JSON.stringify(filters)}:${version}`;
  const records = useApi(() => monitoringApi.records(filters), key);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const filtered = Boolean(type || sourceId || search || deleted);

  const filter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      setMore(null);
      set(v);
    };
  const loadMore = async (cursor: string) => {
    setLoadingMore(true);
    setMoreError(null);
    try {
      const next = await monitoringApi.records(filters, cursor);
      setMore((prev) => ({ items: [...(prev?.items ?? []), ...next.items], nextCursor: next.nextCursor }));
    } catch (err) {
      setMoreError(err);
    } finally {
      setLoadingMore(false);
    }
  };
  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Stack>
      <Card withBorder radius="md" padding="lg">
        <Group grow align="flex-end" wrap="wrap">
          <Select
            label="Type"
            placeholder="Any type"
            clearable
            data={RECORD_TYPES.map((t) => ({ value: t.value, label: t.label }))}
            value={type}
            onChange={filter(setType)}
          />
          <Select
            label="Source"
            placeholder="Any source"
            clearable
            searchable
            data={sources.map((s) => ({ value: s.id, label: `${s.title} · ${s.name}` }))}
            value={sourceId}
            onChange={filter(onSourceChange)}
          />
          <TextInput
            label="Search records"
            placeholder="Name"
            leftSection={<IconSearch size={16} />}
            value={q}
            onChange={(e) => {
              setMore(null);
              setQ(e.currentTarget.value);
            }}
          />
          <Switch
            label="Show deleted"
            description="Records a source no longer reports"
            checked={deleted}
            onChange={(e) => filter(setDeleted)(e.currentTarget.checked)}
          />
        </Group>
      </Card>
      <Card withBorder radius="md" padding="lg">
        <Loaded state={records}>
          {(page) => {
            const items = [...page.items, ...(more?.items ?? [])];
            const cursor = more ? more.nextCursor : page.nextCursor;
            if (items.length === 0) {
              return (
                <EmptyState
                  icon={<IconDatabase size={28} />}
                  title={filtered ? 'No record matches these filters' : 'The inventory is empty'}
                >
                  <Text size="sm" c="dimmed">
                    {filtered
                      ? deleted
                        ? 'No source has dropped a record like this.'
                        : 'Clear a filter to see more.'
                      : 'Records appear here when a source pushes its state.'}
                  </Text>
                </EmptyState>
              );
            }
            return (
              <Stack>
                <Table.ScrollContainer minWidth={860}>
                  <Table verticalSpacing="sm" aria-label="Inventory records">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th w={40}>
                          <VisuallyHidden>Details</VisuallyHidden>
                        </Table.Th>
                        <Table.Th>Name</Table.Th>
                        <Table.Th>Type</Table.Th>
                        <Table.Th>Source</Table.Th>
                        <Table.Th>First seen</Table.Th>
                        <Table.Th>{deleted ? 'Gone' : 'Last seen'}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {items.map((record) => (
                        <RecordRow
                          key={record.id}
                          record={record}
                          expanded={open.has(record.id)}
                          onToggle={() => toggle(record.id)}
                          onLink={
                            canManage && record.type === 'account' && !record.deletedAt
                              ? () => setLinking(record)
                              : null
                          }
                        />
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                {moreError !== null && (
                  <Text size="sm" c="red" role="alert">
                    Could not load more records. Try again.
                  </Text>
                )}
                {cursor && (
                  <Button variant="light" loading={loadingMore} onClick={() => void loadMore(cursor)}>
                    Load more
                  </Button>
                )}
              </Stack>
            );
          }}
        </Loaded>
      </Card>
      <MonitoringLinkModal account={linking} onClose={() => setLinking(null)} onLinked={onChanged} />
    </Stack>
  );
}

function RecordRow({
  record,
  expanded,
  onToggle,
  onLink,
}: {
  record: InventoryRecord;
  expanded: boolean;
  onToggle: () => void;
  /** Opens the link-to-a-person dialog (accounts, for owners and admins). */
  onLink: (() => void) | null;
}) {
  const detailId = `record-${record.id}`;
  return (
    <Fragment>
      <Table.Tr>
        <Table.Td>
          <ActionIcon
            variant="subtle"
            color="gray"
            onClick={onToggle}
            aria-expanded={expanded}
            aria-controls={detailId}
            aria-label={`${expanded ? 'Hide' : 'Show'} the data of ${record.name}`}
          >
            {expanded ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
          </ActionIcon>
        </Table.Td>
        <Table.Td>
          <Text size="sm" fw={500} td={record.deletedAt ? 'line-through' : undefined}>
            {record.name}
          </Text>
          {record.externalId !== record.name && (
            <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
              {record.externalId}
            </Text>
          )}
          {record.linkedPerson && (
            <Text size="xs" c="dimmed">
              Linked to {record.linkedPerson.name}
            </Text>
          )}
          {onLink && (
            <Button variant="subtle" size="compact-xs" onClick={onLink}>
              {record.linkedPerson ? 'Change the link' : 'Link to a person'}
            </Button>
          )}
        </Table.Td>
        <Table.Td>
          <Badge variant="light" color="gray">
            {recordTypeLabel(record.type)}
          </Badge>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{record.source.name}</Text>
          <Text size="xs" c="dimmed" ff="monospace">
            {record.source.kind} · {record.scope}
          </Text>
        </Table.Td>
        <Table.Td>
          <Text size="sm" title={formatDateTime(record.firstSeenAt)}>
            {formatDateTime(record.firstSeenAt)}
          </Text>
        </Table.Td>
        <Table.Td>{record.deletedAt ? <When iso={record.deletedAt} /> : <When iso={record.lastSeenAt} />}</Table.Td>
      </Table.Tr>
      {expanded && (
        <Table.Tr>
          <Table.Td colSpan={6} p={0}>
            <ScrollArea.Autosize mah={400} id={detailId}>
              <Code block aria-label={`Data of ${record.name}`}>
                {JSON.stringify(record.data, null, 2)}
              </Code>
            </ScrollArea.Autosize>
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}
