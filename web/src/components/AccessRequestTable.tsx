import { Badge, Button, EmptyState, Group, Pagination, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { formatDate, formatDateTime } from '../format';
import { type AccessRequest, type Page, pages, personLabel, REQUEST_STATUS } from './AccessApi';

interface AccessRequestTableProps {
  page: Page<AccessRequest>;
  pageNumber: number;
  onPage: (page: number) => void;
  /** Show who asked (not on "My requests"). */
  showRequester: boolean;
  empty: { title: string; body: ReactNode };
  onApprove: (r: AccessRequest) => void;
  onReject: (r: AccessRequest) => void;
  onRevoke: (r: AccessRequest) => void;
  onCancel: (r: AccessRequest) => void;
}

/** Access requests with their status, expiry and the actions the caller may take on each. */
export function AccessRequestTable({
  page,
  pageNumber,
  onPage,
  showRequester,
  empty,
  onApprove,
  onReject,
  onRevoke,
  onCancel,
}: AccessRequestTableProps) {
  if (page.items.length === 0) {
    return (
      <EmptyState icon={<IconKey size={28} />} title={empty.title}>
        <Text size="sm" c="dimmed">
          {empty.body}
        </Text>
      </EmptyState>
    );
  }
  return (
    <Stack>
      <Table.ScrollContainer minWidth={980}>
        <Table verticalSpacing="sm" aria-label="Access requests">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>System</Table.Th>
              {showRequester && <Table.Th>Requested by</Table.Th>}
              <Table.Th>Access</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Decision</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {page.items.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <Group gap={6}>
                    <Text size="sm" fw={500}>
                      {r.system.name}
                    </Text>
                    {r.system.production && (
                      <Badge color="grape" variant="light" size="sm">
                        Production
                      </Badge>
                    )}
                  </Group>
                  <Text size="xs" c="dimmed">
                    Asked {formatDateTime(r.createdAt)}
                  </Text>
                </Table.Td>
                {showRequester && (
                  <Table.Td>
                    <Text size="sm">{personLabel(r.requester)}</Text>
                  </Table.Td>
                )}
                <Table.Td maw={320}>
                  <Text size="sm">
                    {r.accessLevel || 'Access'} · {r.durationDays} day{r.durationDays === 1 ? '' : 's'}
                  </Text>
                  <Text size="xs" c="dimmed" lineClamp={3}>
                    {r.justification}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={REQUEST_STATUS[r.status].color} variant="light">
                    {REQUEST_STATUS[r.status].label}
                  </Badge>
                  {r.status === 'approved' && r.expiresAt && (
                    <Text size="xs" mt={4}>
                      Until {formatDateTime(r.expiresAt)}
                    </Text>
                  )}
                  {(r.status === 'expired' || r.status === 'revoked') && r.endedAt && (
                    <Text size="xs" c="dimmed" mt={4}>
                      Ended {formatDate(r.endedAt)}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td maw={280}>
                  <Decision request={r} />
                </Table.Td>
                <Table.Td>
                  <Actions
                    request={r}
                    onApprove={onApprove}
                    onReject={onReject}
                    onRevoke={onRevoke}
                    onCancel={onCancel}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {page.total > page.items.length && (
        <Pagination
          total={pages(page.total)}
          value={pageNumber}
          onChange={onPage}
          getControlProps={(control) => ({ 'aria-label': `${control} page` })}
        />
      )}
    </Stack>
  );
}

function Decision({ request: r }: { request: AccessRequest }) {
  if (!r.decidedBy) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <>
      <Text size="xs">
        {r.status === 'rejected' ? 'Rejected' : 'Approved'} by {personLabel(r.decidedBy)} on {formatDate(r.decidedAt)}
      </Text>
      {r.decisionComment && (
        <Text size="xs" c="dimmed" lineClamp={2}>
          “{r.decisionComment}”
        </Text>
      )}
      {r.status === 'revoked' && r.endedBy && (
        <Text size="xs" mt={4}>
          Revoked by {personLabel(r.endedBy)}
          {r.endComment ? `: “${r.endComment}”` : ''}
        </Text>
      )}
    </>
  );
}

function Actions({
  request: r,
  onApprove,
  onReject,
  onRevoke,
  onCancel,
}: Pick<AccessRequestTableProps, 'onApprove' | 'onReject' | 'onRevoke' | 'onCancel'> & { request: AccessRequest }) {
  const label = `${r.system.name} for ${personLabel(r.requester)}`;
  if (!r.canDecide && !r.canRevoke && !r.canCancel) {
    return r.status === 'pending' ? (
      <Tooltip label="The system’s owner, or an owner or admin, decides. Nobody decides their own request.">
        <Text size="sm" c="dimmed" tabIndex={0}>
          Waiting
        </Text>
      </Tooltip>
    ) : (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <Group gap="xs" wrap="nowrap">
      {r.canDecide && (
        <>
          <Button size="xs" color="teal" onClick={() => onApprove(r)} aria-label={`Approve access to ${label}`}>
            Approve
          </Button>
          <Button size="xs" variant="light" color="red" onClick={() => onReject(r)} aria-label={`Reject ${label}`}>
            Reject
          </Button>
        </>
      )}
      {r.canRevoke && (
        <Button size="xs" variant="light" color="red" onClick={() => onRevoke(r)} aria-label={`Revoke ${label}`}>
          Revoke
        </Button>
      )}
      {r.canCancel && (
        <Button
          size="xs"
          variant="subtle"
          onClick={() => onCancel(r)}
          aria-label={`Cancel the request for ${r.system.name}`}
        >
          Cancel request
        </Button>
      )}
    </Group>
  );
}
