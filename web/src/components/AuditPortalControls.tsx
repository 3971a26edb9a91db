import { Badge, Stack, Table, Text } from '@mantine/core';
import { auditApi, HEALTH_LABEL } from '../api/audits';
import { useApi } from '../useApi';
import { Loaded } from './PageStatus';

/** Controls in scope of the audit's framework with their status over the window, and how it is computed. */
export function AuditPortalControls({ auditId }: { auditId: string }) {
  const state = useApi(() => auditApi.controls(auditId), auditId);
  return (
    <Loaded state={state}>
      {(data) => (
        <Stack>
          <Text size="sm">
            {data.controls.length} controls in scope of {data.framework.name}; {data.window.daysElapsed} days of the
            window so far. {data.framework.snapshots} daily readiness snapshots in the window
            {data.framework.snapshots > 0
              ? `, ${data.framework.daysWithFailingControls} with a failing control, lowest readiness ${data.framework.lowestReadiness}%`
              : ''}
            .
          </Text>
          <Text size="xs" c="dimmed">
            {data.method}
          </Text>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Control</Table.Th>
                <Table.Th>Criteria</Table.Th>
                <Table.Th>Current</Table.Th>
                <Table.Th>Days passing</Table.Th>
                <Table.Th>Days failing</Table.Th>
                <Table.Th>Last failed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.controls.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Text fw={500} size="sm">
                      {c.key}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {c.title}
                    </Text>
                  </Table.Td>
                  <Table.Td>{c.requirements.join(', ')}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={HEALTH_LABEL[c.current].color}>
                      {HEALTH_LABEL[c.current].label}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{c.checks.length === 0 ? 'No checks' : c.daysPassing}</Table.Td>
                  <Table.Td>{c.checks.length === 0 ? '—' : c.daysFailing}</Table.Td>
                  <Table.Td>{c.lastFailedOn ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Loaded>
  );
}
