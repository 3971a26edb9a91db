import { Alert, Badge, Box, Button, Card, Group, Stack, Switch, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload } from '@tabler/icons-react';
import { useState } from 'react';
import { errorMessage, type PolicyDiff } from '../api';
import { formatDateTime } from '../format';
import { useApi } from '../useApi';
import { Loaded } from './PageStatus';
import { policyApi } from './PolicyApi';

/** Every published version, each with its PDF and what changed against the one before. */
export function PolicyVersionsPanel({ policyId }: { policyId: string }) {
  const versions = useApi(() => policyApi.versions(policyId), policyId);
  const [shown, setShown] = useState<number | null>(null);
  return (
    <Loaded state={versions}>
      {({ items }) =>
        items.length === 0 ? (
          <Alert title="No versions yet">Each publication adds a version here that never changes afterwards.</Alert>
        ) : (
          <Stack gap="sm">
            {items.map((v) => (
              <Card key={v.version} withBorder radius="md" padding="md">
                <Group justify="space-between">
                  <div>
                    <Group gap="xs">
                      <Text fw={600}>Version {v.version}</Text>
                      <Badge color={v.material ? 'orange' : 'gray'} variant="light">
                        {v.material ? 'Material' : 'Minor'}
                      </Badge>
                    </Group>
                    <Text size="sm" c="dimmed">
                      Published {formatDateTime(v.publishedAt)}
                      {v.publishedBy && ` by ${v.publishedBy}`}
                      {v.approvedBy && `, approved by ${v.approvedBy}`}
                    </Text>
                    {v.changeSummary && <Text size="sm">{v.changeSummary}</Text>}
                  </div>
                  <Group>
                    <Button
                      variant="default"
                      size="xs"
                      onClick={() => setShown(shown === v.version ? null : v.version)}
                      aria-expanded={shown === v.version}
                    >
                      {shown === v.version ? 'Hide changes' : 'Show changes'}
                    </Button>
                    <Button
                      component="a"
                      href={policyApi.pdfUrl(policyId, v.version)}
                      variant="default"
                      size="xs"
                      leftSection={<IconDownload size={14} />}
                    >
                      PDF
                    </Button>
                  </Group>
                </Group>
                {shown === v.version && <VersionDiff policyId={policyId} version={v.version} />}
              </Card>
            ))}
          </Stack>
        )
      }
    </Loaded>
  );
}

const COLOURS = {
  added: { background: 'var(--mantine-color-green-1)', color: 'var(--mantine-color-green-9)' },
  removed: {
    background: 'var(--mantine-color-red-1)',
    color: 'var(--mantine-color-red-9)',
    textDecoration: 'line-through',
  },
  same: {},
} as const;

/** Long unchanged runs are cut to their first and last lines. */
function trimSame(text: string): string {
  const lines = text.split('\n');
  if (lines.length <= 8) return text;
  return [...lines.slice(0, 3), `… ${lines.length - 6} unchanged lines …`, ...lines.slice(-3)].join('\n');
}

function VersionDiff({ policyId, version }: { policyId: string; version: number }) {
  const diff = useApi(() => policyApi.diff(policyId, version), `${policyId}:${version}`);
  return (
    <Loaded state={diff}>
      {(d: PolicyDiff) => (
        <Stack gap={4} mt="sm">
          <Text size="sm" c="dimmed">
            {d.from ? `Against version ${d.from}` : 'The first version'}: {d.added} lines added, {d.removed} removed.
          </Text>
          <Box
            component="pre"
            p="sm"
            style={{
              whiteSpace: 'pre-wrap',
              fontSize: 13,
              border: '1px solid var(--mantine-color-gray-3)',
              borderRadius: 6,
              maxHeight: 520,
              overflow: 'auto',
            }}
            tabIndex={0}
            aria-label={`Changes in version ${version}`}
          >
            {d.hunks.map((h, i) => {
              const key = `${i}-${h.kind}`;
              if (h.kind === 'changed') {
                return (
                  <span key={key}>
                    {(h.words ?? []).map((w, j) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: a diff is rendered once and never reordered
                      <span key={`${key}-${j}`} style={COLOURS[w.kind]}>
                        {w.kind === 'added' ? (
                          <ins style={{ textDecoration: 'none' }}>{w.text}</ins>
                        ) : w.kind === 'removed' ? (
                          <del>{w.text}</del>
                        ) : (
                          w.text
                        )}
                      </span>
                    ))}
                  </span>
                );
              }
              if (h.kind === 'same') return <span key={key}>{trimSame(h.text)}</span>;
              return (
                <span key={key} style={{ ...COLOURS[h.kind], display: 'block' }}>
                  {h.kind === 'added' ? <ins style={{ textDecoration: 'none' }}>{h.text}</ins> : <del>{h.text}</del>}
                </span>
              );
            })}
          </Box>
        </Stack>
      )}
    </Loaded>
  );
}

/** Who accepted which version, for owners, admins and auditors; owners and admins chase the rest. */
export function PolicyAcceptancesPanel({
  policyId,
  published,
  canChase,
}: {
  policyId: string;
  published: number | null;
  canChase: boolean;
}) {
  const [pendingOnly, setPendingOnly] = useState(false);
  const list = useApi(() => policyApi.acceptances(policyId, pendingOnly), `${policyId}:${pendingOnly}`);
  const [busy, setBusy] = useState(false);
  if (!published) {
    return <Alert title="Not published yet">Members are asked to accept a policy once it is published.</Alert>;
  }
  const chase = async () => {
    setBusy(true);
    try {
      const { notified } = await policyApi.chase(policyId);
      notifications.show({
        color: 'teal',
        message: notified === 0 ? 'Everyone has accepted: nobody to remind.' : `Reminded ${notified} member(s).`,
      });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not send reminders', message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Loaded state={list}>
      {(a) => (
        <Stack gap="sm">
          <Group justify="space-between">
            <Text>
              {a.accepted} of {a.required} members have accepted version {a.materialVersion} or later.
            </Text>
            <Group>
              <Switch
                label="Only those still to accept"
                checked={pendingOnly}
                onChange={(e) => setPendingOnly(e.currentTarget.checked)}
              />
              {canChase && (
                <Button onClick={() => void chase()} loading={busy} disabled={a.accepted === a.required}>
                  Remind those pending
                </Button>
              )}
            </Group>
          </Group>
          {a.items.length === 0 ? (
            <Alert color="teal" title="Nobody is pending">
              Every member has accepted the current version.
            </Alert>
          ) : (
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Member</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Accepted</Table.Th>
                  <Table.Th>When</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {a.items.map((r) => (
                  <Table.Tr key={r.user.id}>
                    <Table.Td>
                      <Text size="sm">{r.user.name || r.user.email}</Text>
                      {r.user.name && (
                        <Text size="xs" c="dimmed">
                          {r.user.email}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{r.role}</Table.Td>
                    <Table.Td>
                      {r.acceptedVersion === null ? (
                        <Badge color="red" variant="light">
                          Not yet
                        </Badge>
                      ) : (
                        <Badge color={r.current ? 'teal' : 'orange'} variant="light">
                          Version {r.acceptedVersion}
                          {r.current ? '' : ' (outdated)'}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{formatDateTime(r.acceptedAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      )}
    </Loaded>
  );
}
