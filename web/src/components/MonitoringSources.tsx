import { Anchor, Badge, Button, Card, Code, EmptyState, Group, List, Stack, Table, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlayerPlay, IconPlugConnected, IconUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorMessage } from '../api';
import { isConnection, type MonitoringSource, monitoringApi } from './MonitoringApi';
import { When } from './MonitoringBadges';
import { notifyRun } from './MonitoringConnectionModal';

/** Kinds Attest only probes itself: there is no file to push for them. */
const PROBES = new Set(['tls', 'postgres']);

interface SourcesProps {
  sources: MonitoringSource[];
  canManage: boolean;
  onPush: (source?: MonitoringSource) => void;
  onShowRecords: (source: MonitoringSource) => void;
  /** A connection ran (or failed): the page's data should load again. */
  onRan: () => void;
}

/** How a new organisation connects its first source. */
export function MonitoringGettingStarted({
  canManage,
  onPush,
  onConnect,
}: {
  canManage: boolean;
  onPush: () => void;
  onConnect: () => void;
}) {
  return (
    <EmptyState icon={<IconPlugConnected size={28} />} title="No sources connected yet">
      <Stack gap="xs" maw={640}>
        <Text size="sm" c="dimmed">
          Checks run on the state of your real systems: cloud accounts, identity providers, scanners, device management
          and the people list from HR. Send each one’s export to Attest and the checks over it run at once.
        </Text>
        <List size="sm" spacing={4} ta="left">
          <List.Item>
            From a pipeline or a terminal: <Code>attest push KIND FILE</Code> with an{' '}
            <Anchor component={Link} to="/tokens" size="sm">
              API token
            </Anchor>{' '}
            that has the <Code>monitoring:push</Code> scope (for example <Code>attest push trivy report.json</Code>).
          </List.Item>
          <List.Item>
            {canManage
              ? 'Here: use “Push a file” and choose the file a tool produced.'
              : 'Here: an owner or admin can push a file from this page.'}
          </List.Item>
          <List.Item>
            Or let Attest reach them itself:{' '}
            {canManage ? 'use “Add a connection” for' : 'an owner or admin can connect'} TLS endpoints, a PostgreSQL
            server, or the Google Workspace, Okta, GitHub or AWS API with a read-only credential, run on a schedule.
          </List.Item>
          <List.Item>
            To look around first, <Code>npx attest demo</Code> creates a demo organisation with sample data for every
            kind of source.
          </List.Item>
        </List>
      </Stack>
      {canManage && (
        <EmptyState.Actions>
          <Button variant="light" leftSection={<IconUpload size={16} />} onClick={onPush}>
            Push a file
          </Button>
          <Button variant="light" leftSection={<IconPlugConnected size={16} />} onClick={onConnect}>
            Add a connection
          </Button>
        </EmptyState.Actions>
      )}
    </EmptyState>
  );
}

function StatusBadge({ source }: { source: MonitoringSource }) {
  if (!source.lastStatus) {
    return (
      <Badge color="gray" variant="outline">
        Never pushed
      </Badge>
    );
  }
  if (source.lastStatus === 'ok') {
    return (
      <Badge color="teal" variant="light">
        OK
      </Badge>
    );
  }
  return (
    <Tooltip label={source.lastError ?? source.lastStatus} multiline w={320} withinPortal>
      <Badge color="red" variant="light" tabIndex={0}>
        {source.lastStatus === 'error' ? 'Error' : source.lastStatus}
      </Badge>
    </Tooltip>
  );
}

/** The sources that have pushed: kind, name, last push, status and current records. */
export function MonitoringSources({ sources, canManage, onPush, onShowRecords, onRan }: SourcesProps) {
  const [running, setRunning] = useState<string | null>(null);

  const run = async (source: MonitoringSource) => {
    setRunning(source.id);
    try {
      notifyRun(await monitoringApi.runSource(source.id));
    } catch (err) {
      notifications.show({
        color: 'red',
        title: `${source.name} did not run`,
        message: errorMessage(err),
        autoClose: 15_000,
      });
    } finally {
      setRunning(null);
      onRan();
    }
  };

  if (sources.length === 0) {
    return (
      <Card withBorder radius="md" padding="lg">
        <Text size="sm" c="dimmed" ta="center">
          No source has pushed yet. Sources appear here after their first push or connection.
        </Text>
      </Card>
    );
  }
  return (
    <Card withBorder radius="md" padding="lg">
      <Table.ScrollContainer minWidth={820}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Sources">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Source</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Last push</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th ta="right">Records</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sources.map((source) => (
              <Table.Tr key={source.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {source.title}
                  </Text>
                  <Text size="xs" c="dimmed" ff="monospace">
                    {source.kind}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{source.name}</Text>
                  {isConnection(source) && (
                    <Text size="xs" c="dimmed">
                      Schedule: {source.schedule ?? 'manual'}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <When iso={source.lastPushAt} />
                </Table.Td>
                <Table.Td>
                  <StatusBadge source={source} />
                  {source.lastStatus && source.lastStatus !== 'ok' && source.lastError && (
                    <Text size="xs" c="red" mt={2}>
                      {source.lastError}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm">{source.records.toLocaleString()}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Button
                      size="xs"
                      variant="subtle"
                      onClick={() => onShowRecords(source)}
                      aria-label={`Show the records of ${source.title} ${source.name}`}
                    >
                      Records
                    </Button>
                    {canManage && isConnection(source) && (
                      <Button
                        size="xs"
                        variant="subtle"
                        leftSection={<IconPlayerPlay size={14} />}
                        loading={running === source.id}
                        disabled={running !== null && running !== source.id}
                        onClick={() => void run(source)}
                        aria-label={`Run ${source.title} ${source.name} now`}
                      >
                        Run now
                      </Button>
                    )}
                    {canManage && !PROBES.has(source.kind) && (
                      <Button
                        size="xs"
                        variant="subtle"
                        onClick={() => onPush(source)}
                        aria-label={`Push again for ${source.title} ${source.name}`}
                      >
                        Push again
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}
