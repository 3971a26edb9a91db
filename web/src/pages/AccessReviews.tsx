import {
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Pagination,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconListCheck, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Loaded } from '../components/PageStatus';
import { type CampaignStatus, reviewApi, STATUS_LABEL } from '../components/ReviewApi';
import { ReviewProgressBar } from '../components/ReviewProgress';
import { ReviewScheduleCard } from '../components/ReviewScheduleCard';
import { ReviewStartModal } from '../components/ReviewStartModal';
import { formatDate } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/**
 * `/access-reviews`: access review campaigns. Everyone sees what is assigned to them; owners,
 * admins and auditors see every campaign and the schedule; owners and admins start them.
 */
export function AccessReviewsPage() {
  const { me } = useSession();
  const manager = isManager(me);
  const seesAll = manager || me.role === 'auditor';
  const navigate = useNavigate();
  const [starting, setStarting] = useState(false);

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Access reviews
        </Title>
        {manager && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setStarting(true)}>
            Start a review
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Each quarter, the people who know best decide whether every account in your important systems should stay, go or
        change. Revocations count as done only once the next sync from the system shows the account gone. A completed
        review is kept as evidence with its CSV and PDF report.
      </Text>
      <AssignedToMe />
      <Campaigns seesAll={seesAll} manager={manager} onStart={() => setStarting(true)} />
      {seesAll && <ReviewScheduleCard canEdit={manager} />}
      <ReviewStartModal
        opened={starting}
        onClose={() => setStarting(false)}
        onStarted={(campaign) => {
          notifications.show({
            color: 'teal',
            message: `Started “${campaign.name}”: ${campaign.progress.total} accounts to review.`,
          });
          void navigate(`/access-reviews/${campaign.id}`);
        }}
      />
    </Stack>
  );
}

function AssignedToMe() {
  const assigned = useApi(() => reviewApi.assigned());
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="sm">
        Assigned to me
      </Title>
      <Loaded state={assigned}>
        {({ items }) =>
          items.length === 0 ? (
            <Text size="sm" c="dimmed">
              No account waits for your decision.
            </Text>
          ) : (
            <Stack gap="xs">
              {items.map((r) => (
                <Group key={r.id} justify="space-between" wrap="nowrap">
                  <div>
                    <Anchor component={Link} to={r.href} fw={500}>
                      {r.title}
                    </Anchor>
                    <Text size="sm" c="dimmed">
                      {r.detail}
                    </Text>
                  </div>
                  <Badge color={r.overdue ? 'red' : 'blue'} variant="light">
                    {r.overdue ? 'Overdue' : 'Due'} {formatDate(r.dueAt)}
                  </Badge>
                </Group>
              ))}
            </Stack>
          )
        }
      </Loaded>
    </Card>
  );
}

function Campaigns({ seesAll, manager, onStart }: { seesAll: boolean; manager: boolean; onStart: () => void }) {
  const [status, setStatus] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const campaigns = useApi(
    () => reviewApi.list(page, (status as CampaignStatus | null) ?? undefined),
    `${status}:${page}`,
  );

  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {seesAll ? 'Campaigns' : 'Campaigns with accounts for you'}
        </Title>
        <Select
          aria-label="Status"
          placeholder="Any status"
          clearable
          w={180}
          data={Object.entries(STATUS_LABEL).map(([value, s]) => ({ value, label: s.label }))}
          value={status}
          onChange={(v) => {
            setPage(1);
            setStatus(v);
          }}
        />
      </Group>
      <Loaded state={campaigns}>
        {(data) => {
          if (data.items.length === 0) {
            return (
              <EmptyState icon={<IconListCheck size={28} />} title="No access review yet">
                <Text size="sm" c="dimmed">
                  {manager
                    ? 'Start one for the systems whose accounts are pushed to Monitoring, or set a quarterly schedule.'
                    : 'Reviews with accounts assigned to you appear here.'}
                </Text>
                {manager && (
                  <EmptyState.Actions>
                    <Button variant="light" onClick={onStart}>
                      Start a review
                    </Button>
                  </EmptyState.Actions>
                )}
              </EmptyState>
            );
          }
          const pages = Math.max(1, Math.ceil(data.total / data.limit));
          return (
            <Stack>
              <Table.ScrollContainer minWidth={800}>
                <Table verticalSpacing="sm" highlightOnHover>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Campaign</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>Due</Table.Th>
                      <Table.Th w="35%">{seesAll ? 'Progress' : 'Your accounts'}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.items.map((c) => (
                      <Table.Tr key={c.id}>
                        <Table.Td>
                          <Anchor component={Link} to={`/access-reviews/${c.id}`} fw={500}>
                            {c.name}
                          </Anchor>
                          <Text size="xs" c="dimmed">
                            {c.systems.map((s) => s.name).join(', ')} · started {formatDate(c.startedAt)}
                            {c.scheduled ? ' on schedule' : c.startedBy ? ` by ${c.startedBy.email}` : ''}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Badge color={STATUS_LABEL[c.status].color} variant="light">
                            {STATUS_LABEL[c.status].label}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          {c.overdue ? (
                            <Badge color="red" variant="light">
                              Overdue · {formatDate(c.dueAt)}
                            </Badge>
                          ) : (
                            <Text size="sm">
                              {c.status === 'completed'
                                ? `Completed ${formatDate(c.completedAt)}`
                                : formatDate(c.dueAt)}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <ReviewProgressBar progress={c.progress} size="sm" />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              {pages > 1 && (
                <Pagination total={pages} value={page} onChange={setPage} aria-label="Pages of campaigns" />
              )}
            </Stack>
          );
        }}
      </Loaded>
    </Card>
  );
}
