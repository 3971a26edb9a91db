import { Anchor, Button, Card, EmptyState, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { IconShieldExclamation } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { formatDate, formatDateTime } from '../format';
import { type CheckException, type CheckSummary, formatRelative } from './MonitoringApi';
import { ExceptionStateBadge, exceptionState } from './MonitoringBadges';
import { checkPath } from './MonitoringChecks';

interface ExceptionsProps {
  exceptions: CheckException[];
  checks: CheckSummary[];
  canManage: boolean;
  onRevoke: (exception: CheckException) => void;
}

type Show = 'active' | 'all';

/** Accepted failures: what, why, who approved, until when; active ones can be revoked. */
export function MonitoringExceptions({ exceptions, checks, canManage, onRevoke }: ExceptionsProps) {
  const [show, setShow] = useState<Show>('active');
  const titles = new Map(checks.map((c) => [c.id, c.title]));
  const active = exceptions.filter((e) => exceptionState(e) === 'active');
  const shown = show === 'active' ? active : exceptions;

  return (
    <Stack>
      <SegmentedControl
        aria-label="Which exceptions"
        value={show}
        onChange={(v) => setShow(v as Show)}
        data={[
          { value: 'active', label: `Active (${active.length})` },
          { value: 'all', label: `All (${exceptions.length})` },
        ]}
        w="fit-content"
      />
      <Card withBorder radius="md" padding="lg">
        {shown.length === 0 ? (
          <EmptyState
            icon={<IconShieldExclamation size={28} />}
            title={show === 'active' ? 'No active exceptions' : 'No exceptions yet'}
          >
            <Text size="sm" c="dimmed">
              {canManage
                ? 'When a failure is an accepted risk for now, open its check and use “Accept as exception” on the result: it then shows as an exception until the date you choose, never as a pass.'
                : 'Owners and admins can accept a failing result as an exception, with a justification and an end date.'}
            </Text>
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={960}>
            <Table verticalSpacing="sm" aria-label="Exceptions">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Check</Table.Th>
                  <Table.Th>Resource</Table.Th>
                  <Table.Th>Justification</Table.Th>
                  <Table.Th>Approved by</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>State</Table.Th>
                  {canManage && <Table.Th>Actions</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((exception) => {
                  const state = exceptionState(exception);
                  return (
                    <Table.Tr key={exception.id}>
                      <Table.Td>
                        <Anchor component={Link} to={checkPath(exception.checkId)} size="sm">
                          {titles.get(exception.checkId) ?? exception.checkId}
                        </Anchor>
                        <Text size="xs" c="dimmed" ff="monospace">
                          {exception.checkId}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {exception.resource ? (
                          <Text size="sm" title={exception.resource} style={{ wordBreak: 'break-all' }}>
                            {exception.resourceName ?? exception.resource}
                          </Text>
                        ) : (
                          <Text size="sm">Every resource</Text>
                        )}
                      </Table.Td>
                      <Table.Td maw={360}>
                        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                          {exception.justification}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{exception.approvedBy ?? '—'}</Text>
                        <Text size="xs" c="dimmed">
                          {formatDateTime(exception.createdAt)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatDate(exception.expiresAt)}</Text>
                        <Text size="xs" c="dimmed">
                          {state === 'revoked' && exception.revokedAt
                            ? `Revoked ${formatDate(exception.revokedAt)}`
                            : formatRelative(exception.expiresAt)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <ExceptionStateBadge exception={exception} />
                      </Table.Td>
                      {canManage && (
                        <Table.Td>
                          {state === 'active' ? (
                            <Button
                              size="xs"
                              variant="subtle"
                              color="red"
                              onClick={() => onRevoke(exception)}
                              aria-label={`Revoke the exception for ${exception.checkId}`}
                            >
                              Revoke
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
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
