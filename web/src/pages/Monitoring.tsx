import { Badge, Button, Card, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAdjustmentsHorizontal, IconPlugConnected, IconUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { describePush, type MonitoringSource, monitoringApi, plural } from '../components/MonitoringApi';
import { MonitoringCheckView } from '../components/MonitoringCheck';
import { MonitoringChecks } from '../components/MonitoringChecks';
import { MonitoringConnectionModal } from '../components/MonitoringConnectionModal';
import { MonitoringRevokeModal, type RevokeTarget } from '../components/MonitoringExceptionModal';
import { MonitoringExceptions } from '../components/MonitoringExceptions';
import { MonitoringFigures } from '../components/MonitoringFigures';
import { MonitoringInventory } from '../components/MonitoringInventory';
import { MonitoringPushModal } from '../components/MonitoringPushModal';
import { MonitoringSettingsModal } from '../components/MonitoringSettingsModal';
import { MonitoringGettingStarted, MonitoringSources } from '../components/MonitoringSources';
import { Loaded } from '../components/PageStatus';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';
import { NotFoundPage } from './NotFound';

const TABS = ['checks', 'sources', 'inventory', 'exceptions'] as const;
type Tab = (typeof TABS)[number];
const isTab = (value: string | null): value is Tab => TABS.includes(value as Tab);

/**
 * Continuous monitoring, a security team's daily view: how many checks fail, what is overdue or
 * about to be, what was accepted; then the checks, the sources that push, the inventory they
 * reported and the exceptions. Owners and admins push files, accept exceptions and set deadlines.
 */
export function MonitoringPage() {
  const { me } = useSession();
  const canManage = isManager(me);
  const [params, setParams] = useSearchParams();
  const current = params.get('tab');
  const tab: Tab = isTab(current) ? current : 'checks';
  const overview = useApi(() => monitoringApi.overview());
  const pushing = useModalTarget<{ kind?: string; name?: string }>();
  const revoking = useModalTarget<RevokeTarget>();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [connectOpen, setConnectOpen] = useState(false);
  const [inventorySource, setInventorySource] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  const setTab = (next: string | null) => {
    if (!isTab(next)) return;
    setParams(next === 'checks' ? {} : { tab: next }, { replace: true });
  };
  const refresh = () => {
    setVersion((v) => v + 1);
    void overview.reload();
  };
  const push = (source?: MonitoringSource) => pushing.open(source ? { kind: source.kind, name: source.name } : {});

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Monitoring
        </Title>
        <Group gap="xs">
          <Button
            variant="default"
            leftSection={<IconAdjustmentsHorizontal size={16} />}
            onClick={() => setSettingsOpen(true)}
          >
            Deadlines
          </Button>
          {canManage && (
            <Button
              variant="default"
              leftSection={<IconPlugConnected size={16} />}
              onClick={() => setConnectOpen(true)}
            >
              Add a connection
            </Button>
          )}
          {canManage && (
            <Button leftSection={<IconUpload size={16} />} onClick={() => push()}>
              Push a file
            </Button>
          )}
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Sources push the state of your systems; automated checks evaluate it and feed your controls. A failing result
        must be fixed by its severity’s deadline: at risk until then, overdue after. An accepted risk shows as an
        exception, never as a pass.
      </Text>
      <Loaded state={overview}>
        {(data) => {
          const activeExceptions = data.exceptions.filter((e) => e.active).length;
          const failing = data.checks.filter((c) => c.status === 'failing').length;
          return (
            <>
              <MonitoringFigures overview={data} />
              {data.sources.length === 0 && (
                <Card withBorder radius="md" padding="lg">
                  <MonitoringGettingStarted
                    canManage={canManage}
                    onPush={() => push()}
                    onConnect={() => setConnectOpen(true)}
                  />
                </Card>
              )}
              <Tabs value={tab} onChange={setTab} keepMounted={false}>
                <Tabs.List>
                  <Tabs.Tab
                    value="checks"
                    rightSection={
                      failing > 0 ? (
                        <Badge size="xs" color="red" variant="filled" aria-label={`${failing} failing`}>
                          {failing}
                        </Badge>
                      ) : undefined
                    }
                  >
                    Checks
                  </Tabs.Tab>
                  <Tabs.Tab value="sources">Sources</Tabs.Tab>
                  <Tabs.Tab value="inventory">Inventory</Tabs.Tab>
                  <Tabs.Tab
                    value="exceptions"
                    rightSection={
                      activeExceptions > 0 ? (
                        <Badge size="xs" color="yellow" variant="light" aria-label={`${activeExceptions} active`}>
                          {activeExceptions}
                        </Badge>
                      ) : undefined
                    }
                  >
                    Exceptions
                  </Tabs.Tab>
                </Tabs.List>
                <Tabs.Panel value="checks" pt="md">
                  <MonitoringChecks checks={data.checks} />
                </Tabs.Panel>
                <Tabs.Panel value="sources" pt="md">
                  <MonitoringSources
                    sources={data.sources}
                    canManage={canManage}
                    onPush={push}
                    onRan={refresh}
                    onShowRecords={(source) => {
                      setInventorySource(source.id);
                      setTab('inventory');
                    }}
                  />
                </Tabs.Panel>
                <Tabs.Panel value="inventory" pt="md">
                  <MonitoringInventory
                    sources={data.sources}
                    sourceId={inventorySource}
                    onSourceChange={setInventorySource}
                    version={version}
                    canManage={canManage}
                    onChanged={refresh}
                  />
                </Tabs.Panel>
                <Tabs.Panel value="exceptions" pt="md">
                  <MonitoringExceptions
                    exceptions={data.exceptions}
                    checks={data.checks}
                    canManage={canManage}
                    onRevoke={(exception) =>
                      revoking.open({
                        id: exception.id,
                        checkId: exception.checkId,
                        covers: exception.resource ? 'the resource it covers' : 'every resource',
                      })
                    }
                  />
                </Tabs.Panel>
              </Tabs>
            </>
          );
        }}
      </Loaded>
      <MonitoringPushModal
        opened={pushing.opened}
        kind={pushing.target?.kind}
        name={pushing.target?.name}
        onClose={pushing.close}
        onPushed={(summary) => {
          const warnings = summary.warnings.length;
          notifications.show({
            color: warnings > 0 ? 'yellow' : 'teal',
            title: summary.replayed ? 'Already pushed' : `Pushed to ${summary.source.name}`,
            message: `${summary.format}: ${describePush(summary)}${
              warnings > 0 ? ` ${plural(warnings, 'warning')}: ${summary.warnings.slice(0, 3).join(' ')}` : ''
            }`,
            autoClose: warnings > 0 ? 15_000 : 8_000,
          });
          refresh();
        }}
      />
      <MonitoringConnectionModal opened={connectOpen} onClose={() => setConnectOpen(false)} onSaved={refresh} />
      <MonitoringSettingsModal
        opened={settingsOpen}
        canManage={canManage}
        onClose={() => setSettingsOpen(false)}
        onSaved={() => {
          notifications.show({
            color: 'teal',
            message: 'Settings saved. New failures get these deadlines; results already failing keep theirs.',
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
          notifications.show({ color: 'teal', message: `The exception for ${target.checkId} was revoked.` });
          refresh();
        }}
      />
    </Stack>
  );
}

/** /monitoring/checks/:checkId */
export function MonitoringCheckPage() {
  const { checkId } = useParams();
  if (!checkId) return <NotFoundPage />;
  return <MonitoringCheckView key={checkId} checkId={checkId} />;
}
