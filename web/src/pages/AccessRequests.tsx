import { Badge, Button, Card, Group, Select, Stack, Tabs, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  type AccessRequest,
  accessApi,
  REQUEST_STATUS,
  type RequestStatus,
  type RequestView,
} from '../components/AccessApi';
import { AccessDecisionModal, type DecisionKind, type DecisionTarget } from '../components/AccessDecisionModal';
import { AccessRequestModal } from '../components/AccessRequestModal';
import { AccessRequestTable } from '../components/AccessRequestTable';
import { ConfirmModal } from '../components/ConfirmModal';
import { Loaded } from '../components/PageStatus';
import { formatDate } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';

const isView = (value: string | null): value is RequestView =>
  value === 'mine' || value === 'decide' || value === 'all';

/**
 * `/access-requests`: ask for access to a system, decide the requests you may decide (as a
 * system's owner, or as an owner or admin), and, for owners, admins and auditors, every
 * request. All access is time-limited: approval sets its end, and it can be revoked sooner.
 */
export function AccessRequestsPage() {
  const { me } = useSession();
  const manager = isManager(me);
  const auditor = me.role === 'auditor';
  const views: RequestView[] = auditor ? ['all'] : manager ? ['mine', 'decide', 'all'] : ['mine', 'decide'];
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const view: RequestView = isView(asked) && views.includes(asked) ? asked : (views[0] as RequestView);
  const [status, setStatus] = useState<string | null>(null);
  const [systemId, setSystemId] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [version, setVersion] = useState(0);
  const filters = {
    view,
    status: view === 'all' ? status : null,
    systemId: view === 'all' ? systemId : null,
    page,
  };
  const requests = useApi(() => accessApi.requests(filters), `${JSON.stringify(filters)}:${version}`);
  const waiting = useApi(
    async () => (auditor ? 0 : (await accessApi.requests({ view: 'decide' })).total),
    `${auditor}:${version}`,
  );
  const systems = useApi(
    async () => (view === 'all' ? (await accessApi.systems({ archived: 'all', limit: 200 })).items : []),
    view,
  );
  const [creating, setCreating] = useState(false);
  const deciding = useModalTarget<DecisionTarget>();
  const cancelling = useModalTarget<AccessRequest>();

  const refresh = () => setVersion((v) => v + 1);
  const setView = (next: string | null) => {
    if (!isView(next)) return;
    setPage(1);
    setParams(next === views[0] ? {} : { tab: next }, { replace: true });
  };
  const decide = (kind: DecisionKind) => (request: AccessRequest) => deciding.open({ request, kind });

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Access requests
        </Title>
        {!auditor && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            Request access
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Ask for access to a system with a reason and a number of days. The system’s owner (or an owner or admin)
        decides; nobody decides their own request. All access is time-limited: it expires after the days approved, and
        the owner is told to remove it. Every decision is kept in the audit log and the ledger.
      </Text>
      <Tabs value={view} onChange={setView} keepMounted={false}>
        <Tabs.List>
          {views.includes('mine') && <Tabs.Tab value="mine">My requests</Tabs.Tab>}
          {views.includes('decide') && (
            <Tabs.Tab
              value="decide"
              rightSection={
                waiting.data ? (
                  <Badge size="xs" color="yellow" variant="filled" aria-label={`${waiting.data} waiting`}>
                    {waiting.data}
                  </Badge>
                ) : undefined
              }
            >
              To decide
            </Tabs.Tab>
          )}
          {views.includes('all') && <Tabs.Tab value="all">All requests</Tabs.Tab>}
        </Tabs.List>
      </Tabs>
      {view === 'all' && (
        <Card withBorder radius="md" padding="lg">
          <Group grow align="flex-end">
            <Select
              label="Status"
              placeholder="Any status"
              clearable
              data={Object.entries(REQUEST_STATUS).map(([value, s]) => ({ value, label: s.label }))}
              value={status}
              onChange={(v) => {
                setPage(1);
                setStatus(v as RequestStatus | null);
              }}
            />
            <Select
              label="System"
              placeholder="Any system"
              clearable
              searchable
              data={(systems.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
              value={systemId}
              onChange={(v) => {
                setPage(1);
                setSystemId(v);
              }}
            />
          </Group>
        </Card>
      )}
      <Card withBorder radius="md" padding="lg">
        <Loaded state={requests}>
          {(data) => (
            <AccessRequestTable
              page={data}
              pageNumber={page}
              onPage={setPage}
              showRequester={view !== 'mine'}
              empty={EMPTY[view](Boolean(status || systemId))}
              onApprove={decide('approve')}
              onReject={decide('reject')}
              onRevoke={decide('revoke')}
              onCancel={(r) => cancelling.open(r)}
            />
          )}
        </Loaded>
      </Card>
      <AccessRequestModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(r) => {
          notifications.show({
            color: 'teal',
            title: 'Request sent',
            message: `The owner of ${r.system.name} is asked to decide.`,
          });
          if (view !== 'mine') setView('mine');
          refresh();
        }}
      />
      <AccessDecisionModal
        target={deciding.target}
        opened={deciding.opened}
        onClose={deciding.close}
        onExited={deciding.onExited}
        onDone={(r) => {
          notifications.show({
            color: 'teal',
            message:
              r.status === 'approved'
                ? `Approved: access to ${r.system.name} until ${formatDate(r.expiresAt)}.`
                : r.status === 'rejected'
                  ? `Rejected the request for ${r.system.name}.`
                  : `Revoked the access to ${r.system.name}. Remove it from the system too.`,
          });
          refresh();
        }}
      />
      <ConfirmModal
        opened={cancelling.opened}
        onClose={cancelling.close}
        onExited={cancelling.onExited}
        title="Cancel this request?"
        confirmLabel="Cancel request"
        onConfirm={async () => {
          if (!cancelling.target) return;
          await accessApi.cancel(cancelling.target.id);
          refresh();
        }}
      >
        Your request for access to {cancelling.target?.system.name} is withdrawn. You can ask again later.
      </ConfirmModal>
    </Stack>
  );
}

const EMPTY: Record<RequestView, (filtered: boolean) => { title: string; body: string }> = {
  mine: () => ({
    title: 'You have not asked for access yet',
    body: 'Use “Request access” when your work needs a system. Your requests and their expiry show here.',
  }),
  decide: () => ({
    title: 'Nothing waiting for your decision',
    body: 'Requests for systems you own (or, as an owner or admin, any system) appear here.',
  }),
  all: (filtered) =>
    filtered
      ? { title: 'No request matches these filters', body: 'Clear a filter to see more.' }
      : { title: 'No access requests yet', body: 'Requests members make appear here with their decisions.' },
};
