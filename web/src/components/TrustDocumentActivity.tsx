import { Badge, Button, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { errorMessage } from '../api';
import {
  type DocumentDownload,
  type DocumentGrant,
  type DocumentRequest,
  type GrantStatus,
  type RequestStatus,
  trustDocumentsApi,
} from '../api/trust-documents';
import { formatDateTime } from '../format';
import { useApi } from '../useApi';
import { Loaded } from './PageStatus';

const STATUS_COLOR: Record<RequestStatus | GrantStatus, string> = {
  pending: 'yellow',
  approved: 'teal',
  denied: 'gray',
  active: 'teal',
  expired: 'gray',
  revoked: 'red',
};

async function act<T>(run: () => Promise<T>, done: (result: T) => string, after: () => void) {
  try {
    const result = await run();
    notifications.show({ color: 'teal', message: done(result) });
    after();
  } catch (error) {
    notifications.show({ color: 'red', title: 'Not done', message: errorMessage(error) });
  }
}

/** Visitors' requests with the NDA they accepted; managers approve or deny the pending ones. */
export function TrustDocumentRequests({ canManage, onChanged }: { canManage: boolean; onChanged: () => void }) {
  const [status, setStatus] = useState<RequestStatus | 'all'>('pending');
  const [version, setVersion] = useState(0);
  const requests = useApi(
    () => trustDocumentsApi.requests(status === 'all' ? undefined : status),
    `${status}:${version}`,
  );
  const refresh = () => {
    setVersion((v) => v + 1);
    onChanged();
  };
  const approve = (r: DocumentRequest) =>
    act(
      () => trustDocumentsApi.approve(r.id),
      (a) =>
        a.emailed
          ? `Approved: a link was emailed to ${r.email}.`
          : `Approved. Mail is off: send ${r.email} this link yourself: ${a.link}`,
      refresh,
    );
  const deny = (r: DocumentRequest) =>
    act(
      () => trustDocumentsApi.deny(r.id),
      () => `Denied the request from ${r.email}.`,
      refresh,
    );
  return (
    <Stack>
      <SegmentedControl
        aria-label="Request status"
        value={status}
        onChange={(v) => setStatus(v as RequestStatus | 'all')}
        data={[
          { value: 'pending', label: 'Pending' },
          { value: 'approved', label: 'Approved' },
          { value: 'denied', label: 'Denied' },
          { value: 'all', label: 'All' },
        ]}
      />
      <Loaded state={requests}>
        {({ items }) =>
          items.length === 0 ? (
            <Text c="dimmed">No requests here.</Text>
          ) : (
            <Table.ScrollContainer minWidth={760}>
              <Table verticalSpacing="sm" aria-label="Requests">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Requester</Table.Th>
                    <Table.Th>Document</Table.Th>
                    <Table.Th>NDA accepted</Table.Th>
                    <Table.Th>Status</Table.Th>
                    {canManage && <Table.Th>Decide</Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((r) => (
                    <Table.Tr key={r.id}>
                      <Table.Td>
                        <Text fw={600}>{r.name}</Text>
                        <Text size="sm">{r.email}</Text>
                        <Text size="xs" c="dimmed">
                          {r.company}
                        </Text>
                      </Table.Td>
                      <Table.Td>{r.document.title}</Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatDateTime(r.acceptedAt)}</Text>
                        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                          v{r.nda.version} · {r.nda.sha256.slice(0, 16)}… · {r.ip ?? 'no address'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={STATUS_COLOR[r.status]} variant="light">
                          {r.status}
                        </Badge>
                        {r.decidedBy && (
                          <Text size="xs" c="dimmed">
                            by {r.decidedBy}
                          </Text>
                        )}
                        {r.grant && (
                          <Text size="xs" c="dimmed">
                            link {r.grant.status} · until {formatDateTime(r.grant.expiresAt)}
                          </Text>
                        )}
                      </Table.Td>
                      {canManage && (
                        <Table.Td>
                          {r.status === 'pending' && (
                            <Group gap="xs" wrap="nowrap">
                              <Button size="xs" aria-label={`Approve ${r.email}`} onClick={() => void approve(r)}>
                                Approve
                              </Button>
                              <Button
                                size="xs"
                                variant="default"
                                aria-label={`Deny ${r.email}`}
                                onClick={() => void deny(r)}
                              >
                                Deny
                              </Button>
                            </Group>
                          )}
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </Loaded>
    </Stack>
  );
}

/** Grants: who may download what until when; managers revoke. */
export function TrustDocumentGrants({ canManage }: { canManage: boolean }) {
  const [version, setVersion] = useState(0);
  const grants = useApi(() => trustDocumentsApi.grants(), String(version));
  const revoke = (g: DocumentGrant) =>
    act(
      () => trustDocumentsApi.revoke(g.id),
      () => `Revoked the link of ${g.email}.`,
      () => setVersion((v) => v + 1),
    );
  return (
    <Loaded state={grants}>
      {({ items }) =>
        items.length === 0 ? (
          <Text c="dimmed">No grants yet: approving a request makes one.</Text>
        ) : (
          <Table.ScrollContainer minWidth={700}>
            <Table verticalSpacing="sm" aria-label="Grants">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Recipient</Table.Th>
                  <Table.Th>Document</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>Downloads</Table.Th>
                  <Table.Th>Status</Table.Th>
                  {canManage && <Table.Th>Revoke</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((g) => (
                  <Table.Tr key={g.id}>
                    <Table.Td>{g.email}</Table.Td>
                    <Table.Td>{g.document.title}</Table.Td>
                    <Table.Td>{formatDateTime(g.expiresAt)}</Table.Td>
                    <Table.Td>
                      {g.downloads}
                      {g.lastDownloadAt && (
                        <Text size="xs" c="dimmed">
                          last {formatDateTime(g.lastDownloadAt)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_COLOR[g.status]} variant="light">
                        {g.status}
                      </Badge>
                    </Table.Td>
                    {canManage && (
                      <Table.Td>
                        {g.status === 'active' && (
                          <Button
                            size="xs"
                            color="red"
                            variant="light"
                            aria-label={`Revoke ${g.email}`}
                            onClick={() => void revoke(g)}
                          >
                            Revoke
                          </Button>
                        )}
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )
      }
    </Loaded>
  );
}

/** Every download: public ones (no recipient) and through grants (watermarked). */
export function TrustDocumentDownloads() {
  const downloads = useApi(() => trustDocumentsApi.downloads());
  return (
    <Loaded state={downloads}>
      {({ items }: { items: DocumentDownload[] }) =>
        items.length === 0 ? (
          <Text c="dimmed">No downloads yet.</Text>
        ) : (
          <Table.ScrollContainer minWidth={700}>
            <Table verticalSpacing="xs" aria-label="Downloads">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Document</Table.Th>
                  <Table.Th>Who</Table.Th>
                  <Table.Th>From</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>{formatDateTime(d.at)}</Table.Td>
                    <Table.Td>{d.document.title}</Table.Td>
                    <Table.Td>{d.email ?? 'Anyone (public)'}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{d.ip ?? '—'}</Text>
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {d.userAgent ?? ''}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )
      }
    </Loaded>
  );
}
