import {
  Badge,
  Button,
  Checkbox,
  EmptyState,
  Group,
  Pagination,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconUserSearch } from '@tabler/icons-react';
import { useState } from 'react';
import type { Member } from '../api';
import { formatDate, formatDateTime } from '../format';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';
import { ErrorAlert, Loaded } from './PageStatus';
import {
  type CampaignDetail,
  DECISION_LABEL,
  type Decision,
  type ItemFilters,
  PAGE_SIZE,
  type ReviewItem,
  reviewApi,
} from './ReviewApi';
import { ReviewDecisionModal, ReviewReassignModal } from './ReviewDecisionModal';

const STATE_FILTERS = [
  { value: 'undecided', label: 'Undecided' },
  { value: 'keep', label: 'Kept' },
  { value: 'revoke', label: 'Revoked' },
  { value: 'change', label: 'To change' },
  { value: 'pending', label: 'Revocations and changes not yet done' },
];

const yesNo = (b: boolean | null) => (b === null ? 'unknown' : b ? 'yes' : 'no');

/**
 * A campaign's accounts with filters and pages. The assigned reviewer keeps, revokes or changes
 * each (several at once with "Keep selected"); owners and admins reassign and confirm changes.
 */
export function ReviewItemsTable({
  campaign,
  userId,
  manager,
  seesAll,
  members,
  onChanged,
}: {
  campaign: CampaignDetail;
  userId: string;
  manager: boolean;
  seesAll: boolean;
  members: Member[];
  onChanged: () => void;
}) {
  const open = campaign.status === 'open';
  const [systemId, setSystemId] = useState<string | null>(null);
  const [state, setState] = useState<string | null>(open ? 'undecided' : null);
  const [reviewer, setReviewer] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [reassigning, setReassigning] = useState(false);
  const deciding = useModalTarget<{ item: ReviewItem; decision: Decision }>();

  const filters: ItemFilters = {
    systemId: systemId ?? undefined,
    decision: state === 'keep' || state === 'revoke' || state === 'change' ? state : '',
    undecided: state === 'undecided',
    pending: state === 'pending',
    reviewer: reviewer ?? undefined,
    q: q || undefined,
  };
  const key = JSON.stringify({ filters, page, campaign: campaign.id });
  const items = useApi(() => reviewApi.items(campaign.id, filters, page), key);

  const filter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      setPage(1);
      setSelected(new Set());
      set(v);
    };
  const refresh = () => {
    setSelected(new Set());
    void items.reload();
    onChanged();
  };
  const mine = (item: ReviewItem) => open && item.reviewer?.id === userId;
  const selectable = (item: ReviewItem) => open && (mine(item) || manager);

  const keep = async (itemIds: string[]) => {
    setBusy(true);
    setActionError(null);
    try {
      await reviewApi.keepMany(campaign.id, itemIds);
      notifications.show({
        color: 'teal',
        message: `Kept ${itemIds.length === 1 ? 'one account' : `${itemIds.length} accounts`}.`,
      });
      refresh();
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
    }
  };
  const confirmChange = async (item: ReviewItem) => {
    setActionError(null);
    try {
      await reviewApi.confirmChange(campaign.id, item.id);
      refresh();
    } catch (err) {
      setActionError(err);
    }
  };

  return (
    <Stack>
      <Group grow align="flex-end">
        <TextInput
          label="Search"
          placeholder="Account, username or email"
          value={search}
          onChange={(e) => filter(setSearch)(e.currentTarget.value)}
        />
        <Select
          label="System"
          placeholder="All systems"
          clearable
          data={campaign.systems.map((s) => ({ value: s.id, label: s.name }))}
          value={systemId}
          onChange={filter(setSystemId)}
        />
        <Select
          label="State"
          placeholder="Any"
          clearable
          data={STATE_FILTERS}
          value={state}
          onChange={filter(setState)}
        />
        {seesAll && (
          <Select
            label="Reviewer"
            placeholder="Anyone"
            clearable
            searchable
            data={[
              { value: 'me', label: 'Me' },
              { value: 'none', label: 'Nobody' },
              ...members
                .filter((m) => m.role !== 'auditor')
                .map((m) => ({ value: m.userId, label: m.name || m.email })),
            ]}
            value={reviewer}
            onChange={filter(setReviewer)}
          />
        )}
      </Group>
      {selected.size > 0 && (
        <Group>
          <Text size="sm">{selected.size} selected</Text>
          <Button
            size="xs"
            color="teal"
            loading={busy}
            onClick={() => void keep([...selected])}
            disabled={(items.data?.items ?? []).some((i) => selected.has(i.id) && !mine(i))}
          >
            Keep selected
          </Button>
          {manager && (
            <Button size="xs" variant="light" onClick={() => setReassigning(true)}>
              Reassign selected
            </Button>
          )}
          <Button size="xs" variant="subtle" onClick={() => setSelected(new Set())}>
            Clear selection
          </Button>
        </Group>
      )}
      {actionError !== null && <ErrorAlert error={actionError} title="That did not work" />}
      <Loaded state={items}>
        {(pageData) => {
          if (pageData.items.length === 0) {
            return (
              <EmptyState icon={<IconUserSearch size={28} />} title="No account matches">
                <Text size="sm" c="dimmed">
                  {state === 'undecided'
                    ? 'Every account here is decided. Clear the filter to see them.'
                    : 'Clear a filter to see more.'}
                </Text>
              </EmptyState>
            );
          }
          const choosable = pageData.items.filter(selectable);
          const allChosen = choosable.length > 0 && choosable.every((i) => selected.has(i.id));
          const pages = Math.max(1, Math.ceil(pageData.total / PAGE_SIZE));
          return (
            <Stack>
              <Table.ScrollContainer minWidth={1000}>
                <Table verticalSpacing="sm" highlightOnHover>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={40}>
                        {choosable.length > 0 && (
                          <Checkbox
                            aria-label="Select every account on this page"
                            checked={allChosen}
                            indeterminate={!allChosen && choosable.some((i) => selected.has(i.id))}
                            onChange={() =>
                              setSelected((prev) => {
                                const next = new Set(prev);
                                for (const i of choosable) {
                                  if (allChosen) next.delete(i.id);
                                  else next.add(i.id);
                                }
                                return next;
                              })
                            }
                          />
                        )}
                      </Table.Th>
                      <Table.Th>Account</Table.Th>
                      <Table.Th>Person</Table.Th>
                      <Table.Th>Access</Table.Th>
                      <Table.Th>Reviewer</Table.Th>
                      <Table.Th>Decision</Table.Th>
                      <Table.Th>Actions</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {pageData.items.map((item) => (
                      <ItemRow
                        key={item.id}
                        item={item}
                        selectable={selectable(item)}
                        selected={selected.has(item.id)}
                        onSelect={(on) =>
                          setSelected((prev) => {
                            const next = new Set(prev);
                            if (on) next.add(item.id);
                            else next.delete(item.id);
                            return next;
                          })
                        }
                        canDecide={mine(item)}
                        canConfirm={manager && item.decision === 'change' && !item.resolvedAt}
                        busy={busy}
                        onKeep={() => void keep([item.id])}
                        onDecide={(decision) => deciding.open({ item, decision })}
                        onConfirm={() => void confirmChange(item)}
                      />
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Group justify="space-between">
                <Text size="sm" c="dimmed">
                  {pageData.total} {pageData.total === 1 ? 'account' : 'accounts'}
                </Text>
                {pages > 1 && (
                  <Pagination
                    total={pages}
                    value={page}
                    onChange={(p) => {
                      setSelected(new Set());
                      setPage(p);
                    }}
                    aria-label="Pages of accounts"
                  />
                )}
              </Group>
            </Stack>
          );
        }}
      </Loaded>
      <ReviewDecisionModal
        campaignId={campaign.id}
        target={deciding.target}
        opened={deciding.opened}
        onClose={deciding.close}
        onExited={deciding.onExited}
        onDecided={(item) => {
          notifications.show({
            color: 'teal',
            message: `${item.account.name}: ${item.decision ? DECISION_LABEL[item.decision].label.toLowerCase() : 'saved'}.`,
          });
          refresh();
        }}
      />
      <ReviewReassignModal
        campaignId={campaign.id}
        itemIds={[...selected]}
        members={members}
        opened={reassigning}
        onClose={() => setReassigning(false)}
        onReassigned={(count, to) => {
          notifications.show({
            color: 'teal',
            message: `${count} ${count === 1 ? 'account' : 'accounts'} now with ${to.name || to.email}.`,
          });
          refresh();
        }}
      />
    </Stack>
  );
}

function ItemRow({
  item,
  selectable,
  selected,
  onSelect,
  canDecide,
  canConfirm,
  busy,
  onKeep,
  onDecide,
  onConfirm,
}: {
  item: ReviewItem;
  selectable: boolean;
  selected: boolean;
  onSelect: (on: boolean) => void;
  canDecide: boolean;
  canConfirm: boolean;
  busy: boolean;
  onKeep: () => void;
  onDecide: (decision: Decision) => void;
  onConfirm: () => void;
}) {
  const a = item.account;
  const label = a.username || a.email || a.name;
  return (
    <Table.Tr>
      <Table.Td>
        {selectable && (
          <Checkbox
            aria-label={`Select ${label}`}
            checked={selected}
            onChange={(e) => onSelect(e.currentTarget.checked)}
          />
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" fw={500}>
          {a.name}
        </Text>
        <Text size="xs" c="dimmed">
          {item.system.name} · {[a.username, a.email].filter(Boolean).join(' · ') || 'no username'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{item.person ? item.person.name : '—'}</Text>
        {item.person && (
          <Text size="xs" c="dimmed">
            {item.person.email}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {a.isAdmin && (
            <Badge size="sm" color="grape" variant="light">
              Admin
            </Badge>
          )}
          {a.active === false && (
            <Badge size="sm" color="gray" variant="light">
              Disabled
            </Badge>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          MFA {yesNo(a.mfaEnabled)} · last login {formatDate(a.lastLoginAt, 'never or unknown')}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{item.reviewer ? item.reviewer.name || item.reviewer.email : 'Nobody'}</Text>
      </Table.Td>
      <Table.Td>
        <Decided item={item} />
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          {canDecide &&
            (['keep', 'revoke', 'change'] as const).map((d) => (
              <Button
                key={d}
                size="xs"
                color={DECISION_LABEL[d].color}
                variant={item.decision === d ? 'filled' : 'light'}
                aria-pressed={item.decision === d}
                aria-label={`${DECISION_LABEL[d].label} ${label}`}
                disabled={busy}
                onClick={() => (d === 'keep' ? onKeep() : onDecide(d))}
              >
                {DECISION_LABEL[d].label}
              </Button>
            ))}
          {canConfirm && (
            <Button size="xs" variant="default" onClick={onConfirm} aria-label={`Mark the change to ${label} as done`}>
              Mark change done
            </Button>
          )}
          {!canDecide && !canConfirm && (
            <Text size="sm" c="dimmed">
              —
            </Text>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function Decided({ item }: { item: ReviewItem }) {
  if (!item.decision) {
    return (
      <Text size="sm" c="dimmed">
        Undecided
      </Text>
    );
  }
  const d = DECISION_LABEL[item.decision];
  const followUp =
    item.decision === 'keep'
      ? null
      : item.resolvedAt
        ? `Done ${formatDate(item.resolvedAt)}`
        : item.decision === 'revoke'
          ? 'Still present at the last sync'
          : 'Not yet done';
  return (
    <Stack gap={2}>
      <Group gap={4}>
        <Badge color={d.color} variant="light">
          {d.label}
        </Badge>
        {followUp && (
          <Tooltip label={item.resolvedAt ? 'Confirmed by a sync or by an admin' : 'Waiting for the next sync'}>
            <Badge color={item.resolvedAt ? 'teal' : 'yellow'} variant="outline" size="sm">
              {followUp}
            </Badge>
          </Tooltip>
        )}
      </Group>
      {item.comment && (
        <Text size="xs" lineClamp={2} title={item.comment}>
          {item.comment}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        {formatDateTime(item.decidedAt)}
        {item.decidedBy ? ` · ${item.decidedBy.email}` : ''}
      </Text>
    </Stack>
  );
}
