import { Anchor, Badge, Card, EmptyState, Group, Pagination, Stack, Table, Text, Title } from '@mantine/core';
import { IconDoorExit } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../format';
import { useApi } from '../useApi';
import { Loaded } from './PageStatus';
import { formatDay, type OpenOffboarding, peopleApi } from './PeopleApi';

const PAGE = 20;

/** The accounts of a leaver as one badge: what still needs doing, or that everything is off. */
export function OffboardingBadge({ counts }: { counts: OpenOffboarding['counts'] }) {
  if (counts.overdue > 0)
    return (
      <Badge color="red" variant="light">
        {counts.overdue} still active, overdue
      </Badge>
    );
  if (counts.active > 0)
    return (
      <Badge color="blue" variant="light">
        {counts.active} to disable
      </Badge>
    );
  if (counts.total === 0)
    return (
      <Badge color="gray" variant="light">
        No accounts known
      </Badge>
    );
  return (
    <Badge color={counts.disabledLate > 0 ? 'orange' : 'teal'} variant="light">
      All disabled{counts.disabledLate > 0 ? `, ${counts.disabledLate} late` : ''}
    </Badge>
  );
}

/** People with an end date whose offboarding is not closed yet, soonest first. */
export function PeopleOffboardings({ version }: { version: number }) {
  const [page, setPage] = useState(1);
  const state = useApi(() => peopleApi.offboardings((page - 1) * PAGE, PAGE), `${page}:${version}`);
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            Open offboardings
          </Title>
          {state.data && state.data.total > 0 && (
            <Text size="sm" c="dimmed">
              {state.data.total} open
            </Text>
          )}
        </Group>
        <Loaded state={state}>
          {(data) =>
            data.items.length === 0 ? (
              <EmptyState icon={<IconDoorExit size={28} />} title="No open offboardings">
                <Text size="sm" c="dimmed">
                  When someone gets an end date (by hand, from the HRIS or your identity provider), their accounts are
                  tracked here until the offboarding is closed.
                </Text>
              </EmptyState>
            ) : (
              <Stack>
                <Table.ScrollContainer minWidth={700}>
                  <Table verticalSpacing="sm" highlightOnHover>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Person</Table.Th>
                        <Table.Th>Last day</Table.Th>
                        <Table.Th>Disable accounts by</Table.Th>
                        <Table.Th>Accounts</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.items.map((o) => (
                        <Table.Tr key={o.person.id}>
                          <Table.Td>
                            <Anchor component={Link} to={`/people/${o.person.id}`} size="sm" fw={500}>
                              {o.person.name}
                            </Anchor>
                            <Text size="xs" c="dimmed">
                              {o.person.email}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{formatDay(o.person.endDate)}</Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{formatDateTime(o.deadline)}</Text>
                          </Table.Td>
                          <Table.Td>
                            <OffboardingBadge counts={o.counts} />
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                {data.total > PAGE && (
                  <Pagination
                    total={Math.ceil(data.total / PAGE)}
                    value={page}
                    onChange={setPage}
                    aria-label="Pages of open offboardings"
                  />
                )}
              </Stack>
            )
          }
        </Loaded>
      </Stack>
    </Card>
  );
}
