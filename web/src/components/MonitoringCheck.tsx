import {
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconListSearch, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { formatDate, formatDateTime } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';
import {
  type CheckDetail,
  type CheckResultFilters,
  type CheckSummary,
  type HistoryItem,
  monitoringApi,
  OUTCOME_COLOR,
  OUTCOME_LABEL,
  type Outcome,
  type ResultItem,
} from './MonitoringApi';
import { CheckStatusBadge, ControlBadges, Deadline, ResultBadge, SeverityBadge, When } from './MonitoringBadges';
import {
  type ExceptionTarget,
  MonitoringExceptionModal,
  MonitoringRevokeModal,
  type RevokeTarget,
} from './MonitoringExceptionModal';
import { Figure } from './MonitoringFigures';
import { Loaded } from './PageStatus';

type OutcomeFilter = 'all' | Outcome;

/** One check: how to fix it, its current results (failing first) and its recent changes. */
export function MonitoringCheckView({ checkId }: { checkId: string }) {
  const { me } = useSession();
  const canManage = isManager(me);
  const [outcome, setOutcome] = useState<OutcomeFilter>('all');
  const [q, setQ] = useState('');
  const [search] = useDebouncedValue(q.trim(), 300);
  const filters: CheckResultFilters = { outcome: outcome === 'all' ? '' : outcome, q: search };
  const key = `${checkId}:${JSON.stringify(filters)}`;
  const detail = useApi(() => monitoringApi.check(checkId, filters), key);
  const summaries = useApi(async () => (await monitoringApi.checks()).items);
  const summary = summaries.data?.find((c) => c.id === checkId);
  const [more, setMore] = useState<Pick<CheckDetail, 'items' | 'nextCursor'> | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const accepting = useModalTarget<ExceptionTarget>();
  const revoking = useModalTarget<RevokeTarget>();

  const refresh = () => {
    setMore(null);
    void detail.reload();
    void summaries.reload();
  };
  const loadMore = async (cursor: string) => {
    setLoadingMore(true);
    setMoreError(null);
    try {
      const next = await monitoringApi.check(checkId, filters, cursor);
      setMore((prev) => ({ items: [...(prev?.items ?? []), ...next.items], nextCursor: next.nextCursor }));
    } catch (err) {
      setMoreError(err);
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/monitoring" size="sm">
        <Group gap={4} component="span">
          <IconArrowLeft size={14} /> Monitoring
        </Group>
      </Anchor>
      <Loaded state={detail}>
        {(page) => {
          const check = page.check;
          const items = [...page.items, ...(more?.items ?? [])];
          const cursor = more ? more.nextCursor : page.nextCursor;
          const controls = summary?.controls ?? check.controls.map((k) => ({ key: k, id: null, title: null }));
          return (
            <>
              <Group justify="space-between" align="flex-start">
                <Stack gap={4}>
                  <Title order={1} size="h2">
                    {check.title}
                  </Title>
                  <Group gap="xs">
                    <Text size="sm" c="dimmed" ff="monospace">
                      {check.id}
                    </Text>
                    <SeverityBadge severity={check.severity} />
                    {summary && <CheckStatusBadge status={summary.status} />}
                    <Badge variant="outline" color="gray">
                      {check.resourceType.replaceAll('_', ' ')}
                    </Badge>
                  </Group>
                </Stack>
                {canManage && summary && summary.counts.fail > 0 && (
                  <Button
                    variant="light"
                    color="yellow"
                    onClick={() =>
                      accepting.open({
                        checkId: check.id,
                        checkTitle: check.title,
                        resource: null,
                        resourceName: null,
                      })
                    }
                  >
                    Accept the whole check
                  </Button>
                )}
              </Group>
              {summary && <CheckFigures summary={summary} />}
              <Card withBorder radius="md" padding="lg">
                <Stack gap="sm">
                  <Title order={2} size="h4">
                    How to fix it
                  </Title>
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {check.remediation}
                  </Text>
                  <Group gap="xs">
                    <Text size="sm" c="dimmed">
                      Feeds the controls
                    </Text>
                    <ControlBadges controls={controls} />
                  </Group>
                </Stack>
              </Card>
              <Card withBorder radius="md" padding="lg">
                <Stack>
                  <Group justify="space-between" align="flex-end" wrap="wrap">
                    <Title order={2} size="h4">
                      Current results
                    </Title>
                    <Group align="flex-end" wrap="wrap">
                      <SegmentedControl
                        aria-label="Outcome"
                        value={outcome}
                        onChange={(v) => {
                          setMore(null);
                          setOutcome(v as OutcomeFilter);
                        }}
                        data={[
                          { value: 'all', label: 'All' },
                          { value: 'fail', label: 'Failing' },
                          { value: 'pass', label: 'Passing' },
                          { value: 'not_applicable', label: 'Not applicable' },
                        ]}
                      />
                      <TextInput
                        label="Search results"
                        placeholder="Resource name"
                        leftSection={<IconSearch size={16} />}
                        value={q}
                        onChange={(e) => {
                          setMore(null);
                          setQ(e.currentTarget.value);
                        }}
                      />
                    </Group>
                  </Group>
                  {items.length === 0 ? (
                    <EmptyState
                      icon={<IconListSearch size={28} />}
                      title={outcome !== 'all' || search ? 'No result matches these filters' : 'No results yet'}
                    >
                      <Text size="sm" c="dimmed">
                        {outcome !== 'all' || search
                          ? 'Choose another outcome or clear the search.'
                          : `This check runs when a source reports ${check.resourceType.replaceAll('_', ' ')} records. See the Sources tab of Monitoring.`}
                      </Text>
                    </EmptyState>
                  ) : (
                    <Table.ScrollContainer minWidth={900}>
                      <Table verticalSpacing="sm" aria-label="Current results">
                        <Table.Thead>
                          <Table.Tr>
                            <Table.Th>Resource</Table.Th>
                            <Table.Th>Result</Table.Th>
                            <Table.Th>Reason</Table.Th>
                            <Table.Th>Observed</Table.Th>
                            {canManage && <Table.Th>Actions</Table.Th>}
                          </Table.Tr>
                        </Table.Thead>
                        <Table.Tbody>
                          {items.map((item) => (
                            <ResultRow
                              key={item.resource}
                              item={item}
                              canManage={canManage}
                              onAccept={() =>
                                accepting.open({
                                  checkId: check.id,
                                  checkTitle: check.title,
                                  resource: item.resource,
                                  resourceName: item.resourceName,
                                })
                              }
                              onRevoke={(exceptionId) =>
                                revoking.open({
                                  id: exceptionId,
                                  checkId: check.id,
                                  covers: item.resourceName,
                                })
                              }
                            />
                          ))}
                        </Table.Tbody>
                      </Table>
                    </Table.ScrollContainer>
                  )}
                  {moreError !== null && (
                    <Text size="sm" c="red" role="alert">
                      Could not load more results. Try again.
                    </Text>
                  )}
                  {cursor && (
                    <Button variant="light" loading={loadingMore} onClick={() => void loadMore(cursor)}>
                      Load more
                    </Button>
                  )}
                </Stack>
              </Card>
              <History history={page.history} />
            </>
          );
        }}
      </Loaded>
      <MonitoringExceptionModal
        opened={accepting.opened}
        target={accepting.target}
        onClose={accepting.close}
        onExited={accepting.onExited}
        onCreated={(target, expiresAt) => {
          notifications.show({
            color: 'yellow',
            title: 'Exception accepted',
            message: `${target.resourceName ?? 'Every resource'} is an exception to ${target.checkId} until ${formatDate(expiresAt)}.`,
          });
          refresh();
        }}
      />
      <MonitoringRevokeModal
        opened={revoking.opened}
        target={revoking.target}
        onClose={revoking.close}
        onExited={revoking.onExited}
        onRevoked={(target) => {
          notifications.show({ color: 'teal', message: `The exception for ${target.covers} was revoked.` });
          refresh();
        }}
      />
    </Stack>
  );
}

function CheckFigures({ summary }: { summary: CheckSummary }) {
  const c = summary.counts;
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, md: 5 }}>
      <Figure label="Failing" value={c.fail} color={c.fail > 0 ? 'red' : undefined} />
      <Figure label="Overdue" value={c.overdue} color={c.overdue > 0 ? 'red' : undefined} />
      <Figure label="At risk" value={c.atRisk} color={c.atRisk > 0 ? 'orange' : undefined} />
      <Figure label="Exceptions" value={c.excepted} color={c.excepted > 0 ? 'yellow' : undefined} />
      <Figure label="Passing" value={c.pass} color={c.pass > 0 ? 'teal' : undefined} />
    </SimpleGrid>
  );
}

function ResultRow({
  item,
  canManage,
  onAccept,
  onRevoke,
}: {
  item: ResultItem;
  canManage: boolean;
  onAccept: () => void;
  onRevoke: (exceptionId: string) => void;
}) {
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={500}>
          {item.resourceName}
        </Text>
        {item.failingSince && item.outcome === 'fail' && (
          <Text size="xs" c="dimmed">
            Failing since {formatDate(item.failingSince)}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Stack gap={4} align="flex-start">
          <ResultBadge item={item} />
          <Deadline item={item} />
        </Stack>
      </Table.Td>
      <Table.Td maw={420}>
        <Text size="sm">{item.reason}</Text>
      </Table.Td>
      <Table.Td>
        <When iso={item.observedAt} />
      </Table.Td>
      {canManage && (
        <Table.Td>
          {item.exception ? (
            <Button
              size="xs"
              variant="subtle"
              color="red"
              onClick={() => item.exception && onRevoke(item.exception.id)}
              aria-label={`Revoke the exception for ${item.resourceName}`}
            >
              Revoke
            </Button>
          ) : item.outcome === 'fail' ? (
            <Button
              size="xs"
              variant="subtle"
              color="yellow"
              onClick={onAccept}
              aria-label={`Accept as exception: ${item.resourceName}`}
            >
              Accept as exception
            </Button>
          ) : (
            <Text size="sm" c="dimmed">
              —
            </Text>
          )}
        </Table.Td>
      )}
    </Table.Tr>
  );
}

function History({ history }: { history: HistoryItem[] }) {
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack>
        <Title order={2} size="h4">
          Recent changes
        </Title>
        {history.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nothing has been observed yet.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={800}>
            <Table verticalSpacing="xs" aria-label="Recent changes">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Observed</Table.Th>
                  <Table.Th>Resource</Table.Th>
                  <Table.Th>Outcome</Table.Th>
                  <Table.Th>Reason</Table.Th>
                  <Table.Th>Until</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {history.map((h) => (
                  <Table.Tr key={`${h.resource}:${h.observedAt}`}>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(h.observedAt)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{h.resourceName}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={OUTCOME_COLOR[h.outcome]} variant="light">
                        {OUTCOME_LABEL[h.outcome]}
                      </Badge>
                    </Table.Td>
                    <Table.Td maw={420}>
                      <Text size="sm">{h.reason}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={h.endedAt ? undefined : 'dimmed'}>
                        {h.endedAt ? formatDateTime(h.endedAt) : 'Current'}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}
