import { Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconPencil } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  CLASSIFICATION_LABELS,
  DOCUMENT_LABELS,
  formatDay,
  OUTCOME_LABELS,
  REVIEW_STATE,
  STATUS,
  TIER,
  type VendorDetail,
  vendorsApi,
} from '../api/vendors';
import { Loaded } from '../components/PageStatus';
import { type StatusTarget, VendorStatusModal, VendorTierModal } from '../components/VendorDecisionModals';
import { VendorFormModal } from '../components/VendorFormModal';
import { VendorQuestionnaires } from '../components/VendorQuestionnaires';
import { VendorDocumentModal, VendorReviewModal } from '../components/VendorRecordModals';
import { DocumentsCard, HistoryCard, ReviewsCard } from '../components/VendorRecords';
import { formatDate } from '../format';
import { useApi } from '../useApi';

/** `/vendors/:vendorId`: one vendor, its tier, status, reviews, documents, questionnaires and history. */
export function VendorPage() {
  const { vendorId = '' } = useParams();
  const state = useApi(() => vendorsApi.get(vendorId), vendorId);
  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/vendors" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden /> Vendors
        </Group>
      </Anchor>
      <Loaded state={state}>{(detail) => <VendorView detail={detail} reload={() => void state.reload()} />}</Loaded>
    </Stack>
  );
}

type Dialog = 'edit' | 'tier' | 'review' | 'document' | null;

/** The next steps a status offers, for those who may take them. */
function actionsFor(detail: VendorDetail): { target: StatusTarget; label: string; color?: string }[] {
  const out: { target: StatusTarget; label: string; color?: string }[] = [];
  const { status, canEdit, canDecide } = detail;
  if (canEdit && (status === 'proposed' || status === 'rejected' || status === 'offboarded')) {
    out.push({ target: 'in_review', label: status === 'proposed' ? 'Send to review' : 'Review again' });
  }
  if (canDecide && (status === 'proposed' || status === 'in_review')) {
    out.push({ target: 'approved', label: 'Approve' }, { target: 'rejected', label: 'Reject', color: 'red' });
  }
  if (canDecide && status === 'approved') out.push({ target: 'offboarded', label: 'Offboard', color: 'red' });
  return out;
}

function VendorView({ detail, reload }: { detail: VendorDetail; reload: () => void }) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const [statusTarget, setStatusTarget] = useState<StatusTarget | null>(null);
  const close = () => setDialog(null);
  const saved = (message: string) => () => {
    notifications.show({ color: 'teal', message });
    reload();
  };
  const reviewState = detail.review.state ? REVIEW_STATE[detail.review.state] : null;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {detail.name}
          </Title>
          <Group gap="xs">
            <Badge color={STATUS[detail.status].color} variant="light">
              {STATUS[detail.status].label}
            </Badge>
            <Tooltip
              label={
                detail.tierOverride
                  ? `Set by ${detail.tierOverride.by ?? 'an admin'}: ${detail.tierOverride.reason}`
                  : 'Computed from the data it touches and its criticality'
              }
            >
              <Badge color={TIER[detail.tier].color} variant="light">
                {TIER[detail.tier].label} tier
              </Badge>
            </Tooltip>
            {detail.tierOverride && (
              <Text size="xs" c="dimmed">
                computed: {TIER[detail.computedTier].label.toLowerCase()}
              </Text>
            )}
            {detail.subprocessor && (
              <Badge color="grape" variant="outline">
                Subprocessor
              </Badge>
            )}
            {reviewState && (
              <Badge color={reviewState.color} variant="light">
                {reviewState.label}
              </Badge>
            )}
          </Group>
        </Stack>
        <Group gap="xs">
          {detail.canEdit && (
            <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setDialog('edit')}>
              Edit
            </Button>
          )}
          {detail.canDecide && (
            <Button variant="default" onClick={() => setDialog('tier')}>
              Set tier
            </Button>
          )}
          {actionsFor(detail).map((a) => (
            <Button
              key={a.target}
              color={a.color}
              variant={a.color ? 'light' : 'filled'}
              onClick={() => setStatusTarget(a.target)}
            >
              {a.label}
            </Button>
          ))}
        </Group>
      </Group>
      {detail.decisionComment && (
        <Text size="sm" c="dimmed">
          {STATUS[detail.status].label} by {detail.decidedBy ?? 'someone'} on {formatDate(detail.decidedAt)}: “
          {detail.decisionComment}”
        </Text>
      )}
      <VendorFacts detail={detail} />
      <ReviewsCard detail={detail} onRecord={() => setDialog('review')} />
      <DocumentsCard detail={detail} onUpload={() => setDialog('document')} />
      <VendorQuestionnaires vendor={detail} onChanged={reload} />
      {detail.history && <HistoryCard detail={detail} />}

      <VendorFormModal vendor={detail} opened={dialog === 'edit'} onClose={close} onSaved={saved('Saved.')} />
      <VendorTierModal vendor={detail} opened={dialog === 'tier'} onClose={close} onDone={saved('Tier saved.')} />
      <VendorReviewModal
        vendor={detail}
        opened={dialog === 'review'}
        onClose={close}
        onSaved={saved('Review recorded.')}
      />
      <VendorDocumentModal
        vendor={detail}
        opened={dialog === 'document'}
        onClose={close}
        onSaved={saved('Document added to the evidence vault.')}
      />
      <VendorStatusModal
        vendor={detail}
        target={statusTarget}
        onClose={() => setStatusTarget(null)}
        onDone={(v) => saved(`${v.name} is ${STATUS[v.status].label.toLowerCase()}.`)()}
      />
    </Stack>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

function VendorFacts({ detail }: { detail: VendorDetail }) {
  const criticality = { low: 'Low', medium: 'Medium', high: 'High' }[detail.criticality];
  return (
    <Card withBorder radius="md" padding="lg">
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="md">
        <Field label="What it does for us">{detail.purpose || '—'}</Field>
        <Field label="Website">
          {detail.website ? (
            <Anchor href={detail.website} target="_blank" rel="noreferrer noopener">
              {detail.website}
            </Anchor>
          ) : (
            '—'
          )}
        </Field>
        <Field label="Owner">{detail.owner ? `${detail.owner.name || detail.owner.email}` : 'Nobody'}</Field>
        <Field label="Data it touches">
          {detail.dataClassification ? CLASSIFICATION_LABELS[detail.dataClassification] : 'Not known yet'}
        </Field>
        <Field label="Criticality">{criticality}</Field>
        <Field label="Hosts data in">{detail.regions.length ? detail.regions.join(', ') : '—'}</Field>
        <Field label="Last review">
          {detail.lastReview
            ? `${formatDay(detail.lastReview.completedOn)} (${OUTCOME_LABELS[detail.lastReview.outcome].toLowerCase()})`
            : 'None yet'}
        </Field>
        <Field label="Next review due">
          {detail.review.nextDueOn ? formatDay(detail.review.nextDueOn) : '—'} (every {detail.review.intervalDays} days
          for this tier)
        </Field>
        <Field label="SOC 2 report">
          {detail.socReport ? (
            <Group gap={6}>
              {DOCUMENT_LABELS[detail.socReport.kind]}, period ending {formatDay(detail.socReport.periodEnd)}
              {!detail.socReport.current && (
                <Badge color="red" variant="light" size="sm">
                  Older than a year
                </Badge>
              )}
            </Group>
          ) : (
            'None on file'
          )}
        </Field>
      </SimpleGrid>
    </Card>
  );
}
