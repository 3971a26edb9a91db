import { Anchor, Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, type Member } from '../api';
import { ConfirmModal } from '../components/ConfirmModal';
import { ErrorAlert, Loaded } from '../components/PageStatus';
import { type CampaignDetail, reviewApi, STATUS_LABEL } from '../components/ReviewApi';
import { ReviewItemsTable } from '../components/ReviewItemsTable';
import { ReviewProgressBar } from '../components/ReviewProgress';
import { formatDate, formatDateTime } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/** `/access-reviews/:campaignId`: one campaign, its progress and its accounts. */
export function AccessReviewPage() {
  const { campaignId = '' } = useParams();
  const { me } = useSession();
  const manager = isManager(me);
  const seesAll = manager || me.role === 'auditor';
  const campaign = useApi(() => reviewApi.get(campaignId), campaignId);
  const members = useApi<Member[]>(async () => (seesAll ? (await api.members()).items : []), String(seesAll));

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/access-reviews" size="sm">
        ← Access reviews
      </Anchor>
      <Loaded state={campaign}>
        {(c) => (
          <>
            <Header campaign={c} manager={manager} seesAll={seesAll} onChanged={(next) => campaign.setData(next)} />
            <Overview campaign={c} seesAll={seesAll} />
            <Card withBorder radius="md" padding="lg">
              <Title order={2} size="h4" mb="sm">
                Accounts
              </Title>
              <ReviewItemsTable
                campaign={c}
                userId={me.user.id}
                manager={manager}
                seesAll={seesAll}
                members={members.data ?? []}
                onChanged={() => void campaign.reload()}
              />
            </Card>
          </>
        )}
      </Loaded>
    </Stack>
  );
}

function Header({
  campaign: c,
  manager,
  seesAll,
  onChanged,
}: {
  campaign: CampaignDetail;
  manager: boolean;
  seesAll: boolean;
  onChanged: (c: CampaignDetail) => void;
}) {
  const [completing, setCompleting] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const allDecided = c.progress.undecided === 0;

  const complete = async () => {
    setBusy(true);
    setError(null);
    try {
      const done = await reviewApi.complete(c.id);
      onChanged(done);
      setCompleting(false);
      notifications.show({ color: 'teal', message: 'Completed: the CSV and the PDF report are stored as evidence.' });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={1} size="h2">
              {c.name}
            </Title>
            <Badge color={STATUS_LABEL[c.status].color} variant="light">
              {STATUS_LABEL[c.status].label}
            </Badge>
            {c.overdue && (
              <Badge color="red" variant="light">
                Overdue
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {c.systems.map((s) => s.name).join(', ')} · started {formatDateTime(c.startedAt)}
            {c.scheduled ? ' on schedule' : c.startedBy ? ` by ${c.startedBy.email}` : ''} · due {formatDate(c.dueAt)}
            {c.completedAt
              ? ` · completed ${formatDateTime(c.completedAt)}${c.completedBy ? ` by ${c.completedBy.email}` : ''}`
              : ''}
          </Text>
        </div>
        <Group gap="xs">
          {seesAll && (
            <Button
              component="a"
              href={reviewApi.csvUrl(c.id)}
              variant="default"
              leftSection={<IconDownload size={16} />}
            >
              CSV as it stands
            </Button>
          )}
          {manager && (c.status === 'open' || c.evidencePending) && (
            <Button
              onClick={() => setCompleting(true)}
              disabled={!allDecided}
              title={allDecided ? undefined : 'Every account needs a decision first'}
            >
              {c.evidencePending ? 'Store the evidence' : 'Complete review'}
            </Button>
          )}
          {manager && c.status === 'open' && (
            <Button variant="subtle" color="red" onClick={() => setCancelling(true)}>
              Cancel review
            </Button>
          )}
        </Group>
      </Group>
      {(c.csvEvidenceId || c.pdfEvidenceId) && seesAll && (
        <Group gap="md">
          <Text size="sm">Evidence (ACC-09):</Text>
          {c.csvEvidenceId && (
            <Anchor href={reviewApi.evidenceUrl(c.csvEvidenceId)} size="sm">
              CSV export
            </Anchor>
          )}
          {c.pdfEvidenceId && (
            <Anchor href={reviewApi.evidenceUrl(c.pdfEvidenceId)} size="sm">
              PDF report
            </Anchor>
          )}
        </Group>
      )}
      {c.evidencePending && (
        <Text size="sm" c="orange">
          The review is completed but part of its evidence was not stored. Store it again.
        </Text>
      )}
      <Modal opened={completing} onClose={() => !busy && setCompleting(false)} title="Complete this review?" centered>
        <Stack>
          <Text size="sm">
            Decisions become final. The review’s CSV and a PDF report are stored as evidence of ACC-09 for the period
            from {formatDate(c.startedAt)} to today. Revocations are still followed up by later syncs.
          </Text>
          {error !== null && <ErrorAlert error={error} title="The review was not completed" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setCompleting(false)} disabled={busy}>
              Not yet
            </Button>
            <Button onClick={() => void complete()} loading={busy} data-autofocus>
              Complete
            </Button>
          </Group>
        </Stack>
      </Modal>
      <ConfirmModal
        opened={cancelling}
        onClose={() => setCancelling(false)}
        title="Cancel this review?"
        confirmLabel="Cancel review"
        onConfirm={async () => onChanged(await reviewApi.cancel(c.id))}
      >
        Nobody can decide in it any more and no evidence is stored. The cancellation is recorded in the audit log.
      </ConfirmModal>
    </Stack>
  );
}

function Overview({ campaign: c, seesAll }: { campaign: CampaignDetail; seesAll: boolean }) {
  return (
    <SimpleGrid cols={{ base: 1, md: seesAll ? 2 : 1 }}>
      <Card withBorder radius="md" padding="lg">
        <Title order={2} size="h4" mb="sm">
          {seesAll ? 'Progress' : 'Your progress'}
        </Title>
        <ReviewProgressBar progress={c.progress} size="lg" />
        {c.progress.pendingFollowUp > 0 && (
          <Text size="sm" mt="sm">
            {c.progress.pendingFollowUp === 1
              ? 'One revocation or change is'
              : `${c.progress.pendingFollowUp} revocations or changes are`}{' '}
            not yet confirmed by a sync.
          </Text>
        )}
        {c.bySystem.length > 1 && (
          <Table mt="md" verticalSpacing={4}>
            <Table.Tbody>
              {c.bySystem.map((s) => (
                <Table.Tr key={s.system.id}>
                  <Table.Td>{s.system.name}</Table.Td>
                  <Table.Td ta="right">
                    {s.decided} of {s.total} decided
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      {seesAll && (
        <Card withBorder radius="md" padding="lg">
          <Title order={2} size="h4" mb="sm">
            By reviewer
          </Title>
          <Table verticalSpacing={4}>
            <Table.Tbody>
              {c.byReviewer.map((r) => (
                <Table.Tr key={r.reviewer?.id ?? 'nobody'}>
                  <Table.Td>{r.reviewer ? r.reviewer.name || r.reviewer.email : 'Nobody (reassign these)'}</Table.Td>
                  <Table.Td ta="right">
                    {r.decided} of {r.total}
                    {r.decided < r.total && c.status === 'open' && (
                      <Badge ml="xs" size="sm" color={c.overdue ? 'red' : 'yellow'} variant="light">
                        {r.total - r.decided} left
                      </Badge>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
    </SimpleGrid>
  );
}
