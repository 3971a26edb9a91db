import { Anchor, Card, EmptyState, Group, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconSearch, IconShieldCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { formatDate } from '../format';
import type { CheckStatus, CheckSummary } from './MonitoringApi';
import { CheckStatusBadge, ControlBadges, SeverityBadge } from './MonitoringBadges';

type StatusFilter = 'all' | CheckStatus;

export const checkPath = (checkId: string) => `/monitoring/checks/${encodeURIComponent(checkId)}`;

/** Every automated check, failing first as the server sorts them, with a status filter and a search. */
export function MonitoringChecks({ checks }: { checks: CheckSummary[] }) {
  const [status, setStatus] = useState<StatusFilter>('all');
  const [q, setQ] = useState('');
  const needle = q.trim().toLowerCase();
  const shown = checks.filter(
    (c) =>
      (status === 'all' || c.status === status) &&
      (!needle || c.id.toLowerCase().includes(needle) || c.title.toLowerCase().includes(needle)),
  );
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;

  return (
    <Stack>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <SegmentedControl
          aria-label="Status"
          value={status}
          onChange={(v) => setStatus(v as StatusFilter)}
          data={[
            { value: 'all', label: `All (${checks.length})` },
            { value: 'failing', label: `Failing (${count('failing')})` },
            { value: 'excepted', label: `Excepted (${count('excepted')})` },
            { value: 'passing', label: `Passing (${count('passing')})` },
            { value: 'not_connected', label: `Not connected (${count('not_connected')})` },
          ]}
        />
        <TextInput
          label="Search checks"
          placeholder="Check id or title"
          leftSection={<IconSearch size={16} />}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          w={{ base: '100%', sm: 280 }}
        />
      </Group>
      <Card withBorder radius="md" padding="lg">
        {shown.length === 0 ? (
          <EmptyState icon={<IconShieldCheck size={28} />} title="No check matches these filters">
            <Text size="sm" c="dimmed">
              Choose another status or clear the search.
            </Text>
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={960}>
            <Table verticalSpacing="sm" highlightOnHover aria-label="Automated checks">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Severity</Table.Th>
                  <Table.Th>Check</Table.Th>
                  <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>
                    Fail
                  </Table.Th>
                  <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>
                    Overdue
                  </Table.Th>
                  <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>
                    At risk
                  </Table.Th>
                  <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>
                    Pass
                  </Table.Th>
                  <Table.Th>Controls</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((check) => (
                  <CheckRow key={check.id} check={check} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}

function Count({ value, color }: { value: number; color?: string }) {
  return (
    <Table.Td ta="right">
      <Text size="sm" c={value > 0 ? color : 'dimmed'} fw={value > 0 && color ? 600 : undefined}>
        {value}
      </Text>
    </Table.Td>
  );
}

function CheckRow({ check }: { check: CheckSummary }) {
  const navigate = useNavigate();
  const connected = check.status !== 'not_connected';
  return (
    // The title is the keyboard's way in; a click anywhere on the row goes there too.
    <Table.Tr style={{ cursor: 'pointer' }} onClick={() => void navigate(checkPath(check.id))}>
      <Table.Td>
        <CheckStatusBadge status={check.status} />
      </Table.Td>
      <Table.Td>
        <SeverityBadge severity={check.severity} />
      </Table.Td>
      <Table.Td>
        <Anchor component={Link} to={checkPath(check.id)} size="sm" fw={500} onClick={(e) => e.stopPropagation()}>
          {check.title}
        </Anchor>
        <Text size="xs" c="dimmed" ff="monospace">
          {check.id}
        </Text>
        {check.nextDueAt && (
          <Text size="xs" c="orange">
            Next deadline {formatDate(check.nextDueAt)}
          </Text>
        )}
        {check.counts.excepted > 0 && (
          <Text size="xs" c="yellow">
            {check.counts.excepted} accepted as exception{check.counts.excepted === 1 ? '' : 's'}
          </Text>
        )}
      </Table.Td>
      {connected ? (
        <>
          <Count value={check.counts.fail} color="red" />
          <Count value={check.counts.overdue} color="red" />
          <Count value={check.counts.atRisk} color="orange" />
          <Count value={check.counts.pass} />
        </>
      ) : (
        <Table.Td colSpan={4} ta="right">
          <Text size="xs" c="dimmed">
            No data yet ({check.resourceType.replaceAll('_', ' ')})
          </Text>
        </Table.Td>
      )}
      <Table.Td>
        <ControlBadges controls={check.controls} />
      </Table.Td>
    </Table.Tr>
  );
}
