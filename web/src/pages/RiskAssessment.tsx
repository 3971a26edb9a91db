import {
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Modal,
  Pagination,
  Progress,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconListCheck, IconPlus } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  type Assessment,
  type AssessmentItem,
  CATEGORY_LABEL,
  PAGE_SIZE,
  type RiskTreatment,
  riskApi,
  STATUS_LABEL,
  TREATMENT_LABEL,
  TREATMENTS,
} from '../api/risks';
import { ConfirmModal } from '../components/ConfirmModal';
import { ErrorAlert, Loaded } from '../components/PageStatus';
import { formatDate, formatDateTime } from '../format';
import { applyFieldErrors } from '../forms';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';
import { LevelBadge, RatingFields, type Ratings, RiskFormModal, residualTooHigh } from './Risks';

type Show = 'all' | 'unreviewed' | 'mine';

/**
 * `/risks/assessments/:assessmentId`: one yearly risk assessment. Risk owners review their
 * risks (new ratings, a treatment, a comment); owners and admins raise new risks, record how
 * fraud was considered and complete it, which stores its CSV and PDF as evidence.
 */
export function RiskAssessmentPage() {
  const { assessmentId = '' } = useParams();
  const { me } = useSession();
  const manager = isManager(me);
  const assessment = useApi(() => riskApi.assessment(assessmentId), assessmentId);
  const [show, setShow] = useState<Show>('all');
  const [page, setPage] = useState(1);
  const filters = show === 'unreviewed' ? { reviewed: false } : show === 'mine' ? { mine: true } : {};
  const items = useApi(
    () => riskApi.items(assessmentId, filters, page),
    `${assessmentId}:${show}:${page}:${assessment.data?.progress.reviewed ?? ''}`,
  );
  const reviewing = useModalTarget<AssessmentItem>();
  const [raising, setRaising] = useState(false);
  const [completing, setCompleting] = useState(false);
  const [cancelling, setCancelling] = useState(false);

  const refresh = () => {
    void assessment.reload();
    void items.reload();
  };

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/risks" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Risks
        </Group>
      </Anchor>
      <Loaded state={assessment}>
        {(a) => {
          const open = a.status === 'open';
          return (
            <Stack gap="lg">
              <Group justify="space-between" align="flex-start">
                <div>
                  <Title order={1} size="h2">
                    {a.name}
                  </Title>
                  <Text size="sm" c="dimmed">
                    Started {formatDate(a.startedAt)}
                    {a.startedBy ? ` by ${a.startedBy.email}` : ''} · due {formatDate(a.dueOn)}
                    {a.completedAt
                      ? ` · completed ${formatDate(a.completedAt)}${a.completedBy ? ` by ${a.completedBy.email}` : ''}`
                      : ''}
                  </Text>
                </div>
                <Group>
                  <Badge size="lg" color={STATUS_LABEL[a.status].color} variant="light">
                    {STATUS_LABEL[a.status].label}
                  </Badge>
                  {a.overdue && (
                    <Badge size="lg" color="red" variant="light">
                      Overdue
                    </Badge>
                  )}
                </Group>
              </Group>
              <Summary assessment={a} />
              <FraudCard assessment={a} manager={manager} onSaved={(next) => assessment.setData(next)} />
              {manager && (open || a.evidencePending) && (
                <Group>
                  {open && (
                    <Button leftSection={<IconPlus size={16} />} variant="light" onClick={() => setRaising(true)}>
                      Raise a risk
                    </Button>
                  )}
                  <Button onClick={() => setCompleting(true)}>
                    {a.evidencePending ? 'Store the missing evidence' : 'Complete the assessment'}
                  </Button>
                  {open && (
                    <Button variant="subtle" color="red" onClick={() => setCancelling(true)}>
                      Cancel the assessment
                    </Button>
                  )}
                </Group>
              )}
              <Card withBorder radius="md" padding="lg">
                <Group justify="space-between" mb="sm">
                  <Title order={2} size="h4">
                    Risks in this assessment
                  </Title>
                  <SegmentedControl
                    aria-label="Which risks"
                    value={show}
                    onChange={(v) => {
                      setPage(1);
                      setShow(v as Show);
                    }}
                    data={[
                      { value: 'all', label: 'All' },
                      { value: 'unreviewed', label: 'Not reviewed' },
                      { value: 'mine', label: `Mine (${a.progress.mine} to review)` },
                    ]}
                  />
                </Group>
                <Loaded state={items}>
                  {(data) =>
                    data.items.length === 0 ? (
                      <EmptyState icon={<IconListCheck size={28} />} title="Nothing here">
                        <Text size="sm" c="dimmed">
                          {show === 'all'
                            ? 'The register had no open risk when this assessment started. Raise the risks you find.'
                            : 'No risk waits in this list.'}
                        </Text>
                      </EmptyState>
                    ) : (
                      <Stack>
                        <ItemsTable items={data.items} onReview={(item) => reviewing.open(item)} />
                        {data.total > data.items.length && (
                          <Pagination
                            total={Math.ceil(data.total / PAGE_SIZE)}
                            value={page}
                            onChange={setPage}
                            getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                          />
                        )}
                      </Stack>
                    )
                  }
                </Loaded>
              </Card>
              <ReviewModal
                assessmentId={a.id}
                item={reviewing.target}
                opened={reviewing.opened}
                onClose={reviewing.close}
                onExited={reviewing.onExited}
                onReviewed={(item) => {
                  notifications.show({ color: 'teal', message: `Reviewed “${item.risk.title}”.` });
                  refresh();
                }}
              />
              <RiskFormModal
                risk={null}
                raiseIn={a.id}
                opened={raising}
                onClose={() => setRaising(false)}
                onSaved={(risk) => {
                  notifications.show({ color: 'teal', message: `Raised “${risk.title}” in this assessment.` });
                  refresh();
                }}
              />
              <CompleteModal
                assessment={a}
                opened={completing}
                onClose={() => setCompleting(false)}
                onCompleted={(next) => {
                  notifications.show({ color: 'teal', message: `Completed “${next.name}”: its report is stored.` });
                  assessment.setData(next);
                  void items.reload();
                }}
              />
              <ConfirmModal
                opened={cancelling}
                onClose={() => setCancelling(false)}
                title="Cancel this assessment?"
                confirmLabel="Cancel the assessment"
                onConfirm={async () => {
                  assessment.setData(await riskApi.cancel(a.id));
                  setCancelling(false);
                  void items.reload();
                }}
              >
                <Text size="sm">
                  Reviews already made stay on the risks. A cancelled assessment does not count as the yearly one.
                </Text>
              </ConfirmModal>
            </Stack>
          );
        }}
      </Loaded>
    </Stack>
  );
}

function Summary({ assessment: a }: { assessment: Assessment }) {
  const pct = a.progress.total === 0 ? 100 : Math.round((a.progress.reviewed / a.progress.total) * 100);
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="xs">
        <Text size="sm">
          {a.progress.reviewed} of {a.progress.total} risks reviewed ({a.progress.raised} raised during the assessment,{' '}
          {a.progress.fraudRisks} of category fraud).
        </Text>
        <Progress value={pct} size="lg" aria-label={`${a.progress.reviewed} of ${a.progress.total} reviewed`} />
        {a.status === 'completed' && (
          <Group gap="md">
            {a.csvEvidenceId && (
              <Anchor href={riskApi.evidenceUrl(a.csvEvidenceId)} download>
                Download the CSV
              </Anchor>
            )}
            {a.pdfEvidenceId && (
              <Anchor href={riskApi.evidenceUrl(a.pdfEvidenceId)} download>
                Download the PDF report
              </Anchor>
            )}
            {a.evidencePending && (
              <Text size="sm" c="orange">
                Part of the report is not stored yet: complete again to store it.
              </Text>
            )}
          </Group>
        )}
      </Stack>
    </Card>
  );
}

function FraudCard({
  assessment: a,
  manager,
  onSaved,
}: {
  assessment: Assessment;
  manager: boolean;
  onSaved: (a: Assessment) => void;
}) {
  const [text, setText] = useState(a.fraudStatement ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const editable = manager && a.status === 'open';
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(await riskApi.updateAssessment(a.id, { fraudStatement: text.trim() }));
      notifications.show({ color: 'teal', message: 'Saved how fraud was considered.' });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="xs">
        Fraud
      </Title>
      {editable ? (
        <form onSubmit={(e) => void save(e)} noValidate>
          <Stack>
            <Textarea
              label="How fraud was considered"
              description="Required to complete: how someone could misuse access, divert payments or alter records, and what you found. Add fraud risks to the register where there are any."
              autosize
              minRows={3}
              maxLength={5000}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
            />
            {error !== null && <ErrorAlert error={error} title="Not saved" />}
            <Group>
              <Button type="submit" variant="light" loading={busy} disabled={!text.trim()}>
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} c={a.fraudStatement ? undefined : 'dimmed'}>
          {a.fraudStatement || 'Not recorded yet.'}
        </Text>
      )}
    </Card>
  );
}

function ItemsTable({ items, onReview }: { items: AssessmentItem[]; onReview: (item: AssessmentItem) => void }) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table verticalSpacing="sm" aria-label="Risks in this assessment">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Risk</Table.Th>
            <Table.Th>Owner</Table.Th>
            <Table.Th>Before</Table.Th>
            <Table.Th>Review</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <Table.Tr key={item.id}>
              <Table.Td>
                <Text fw={500} size="sm">
                  {item.risk.title}
                </Text>
                <Text size="xs" c="dimmed">
                  {CATEGORY_LABEL[item.risk.category]}
                  {item.raised ? ' · raised in this assessment' : ''}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{item.risk.owner ? item.risk.owner.name || item.risk.owner.email : '—'}</Text>
              </Table.Td>
              <Table.Td>
                {item.before ? (
                  <Text size="sm">
                    {item.before.inherentLikelihood * item.before.inherentImpact} →{' '}
                    {item.before.residualLikelihood * item.before.residualImpact}
                    {item.before.treatment ? ` · ${TREATMENT_LABEL[item.before.treatment]}` : ''}
                  </Text>
                ) : (
                  <Text size="sm" c="dimmed">
                    New
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {item.review ? (
                  <Stack gap={4}>
                    <Group gap="xs">
                      <LevelBadge score={item.review.inherent} label="Inherent" />
                      <LevelBadge score={item.review.residual} label="Residual" />
                      {item.review.treatment && <Text size="sm">{TREATMENT_LABEL[item.review.treatment]}</Text>}
                    </Group>
                    <Text size="xs" c="dimmed">
                      {item.review.reviewedBy?.email} · {formatDateTime(item.review.reviewedAt)}
                    </Text>
                    <Text size="sm">{item.review.comment}</Text>
                  </Stack>
                ) : (
                  <Badge color="gray" variant="light">
                    Not reviewed
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                {item.canReview && (
                  <Button size="xs" variant={item.review ? 'default' : 'filled'} onClick={() => onReview(item)}>
                    {item.review ? 'Review again' : 'Review'}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ReviewModal({
  assessmentId,
  item,
  opened,
  onClose,
  onExited,
  onReviewed,
}: {
  assessmentId: string;
  item: AssessmentItem | null;
  opened: boolean;
  onClose: () => void;
  onExited: () => void;
  onReviewed: (item: AssessmentItem) => void;
}) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      onExitTransitionEnd={onExited}
      title={item ? `Review “${item.risk.title}”` : 'Review'}
      size="lg"
      centered
    >
      {opened && item && (
        <ReviewForm assessmentId={assessmentId} item={item} onClose={onClose} onReviewed={onReviewed} />
      )}
    </Modal>
  );
}

function ReviewForm({
  assessmentId,
  item,
  onClose,
  onReviewed,
}: {
  assessmentId: string;
  item: AssessmentItem;
  onClose: () => void;
  onReviewed: (item: AssessmentItem) => void;
}) {
  const start = item.review
    ? {
        inherentLikelihood: item.review.inherent.likelihood,
        inherentImpact: item.review.inherent.impact,
        residualLikelihood: item.review.residual.likelihood,
        residualImpact: item.review.residual.impact,
      }
    : {
        inherentLikelihood: item.before?.inherentLikelihood ?? 3,
        inherentImpact: item.before?.inherentImpact ?? 3,
        residualLikelihood: item.before?.residualLikelihood ?? 2,
        residualImpact: item.before?.residualImpact ?? 3,
      };
  const [ratings, setRatings] = useState<Ratings>(start);
  const [treatment, setTreatment] = useState<RiskTreatment | ''>(
    item.review?.treatment ?? item.before?.treatment ?? '',
  );
  const [reviewOn, setReviewOn] = useState('');
  const [comment, setComment] = useState(item.review?.comment ?? '');
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string | undefined> = {
      residualImpact: residualTooHigh(ratings),
      treatment: treatment ? undefined : 'Choose a treatment.',
      comment: comment.trim() ? undefined : 'Say what the review found.',
    };
    setErrors(found);
    if (Object.values(found).some(Boolean) || !treatment) return;
    setBusy(true);
    setError(null);
    try {
      const reviewed = await riskApi.review(assessmentId, item.id, {
        ...ratings,
        treatment,
        comment: comment.trim(),
        ...(reviewOn ? { reviewOn } : {}),
      });
      onReviewed(reviewed);
      onClose();
    } catch (err) {
      const form = {
        setFieldError: (path: never, message: string) => setErrors((e) => ({ ...e, [path]: message })),
        getValues: () => ({ residualImpact: 0, treatment, comment, reviewOn }),
      };
      if (!applyFieldErrors(form, err)) setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        {item.before && (
          <Text size="sm" c="dimmed">
            Before this assessment: inherent {item.before.inherentLikelihood} × {item.before.inherentImpact}, residual{' '}
            {item.before.residualLikelihood} × {item.before.residualImpact}
            {item.before.treatment ? `, ${TREATMENT_LABEL[item.before.treatment]}` : ', no treatment'}.
          </Text>
        )}
        <RatingFields value={ratings} onChange={setRatings} error={errors.residualImpact} />
        <Group grow align="flex-start">
          <Select
            label="Treatment"
            required
            data={TREATMENTS.map((t) => ({ value: t, label: TREATMENT_LABEL[t] }))}
            value={treatment || null}
            onChange={(v) => setTreatment((v as RiskTreatment | null) ?? '')}
            error={errors.treatment}
          />
          <TextInput
            label="Next review"
            description="Left empty: sooner the higher the residual level"
            type="date"
            value={reviewOn}
            onChange={(e) => setReviewOn(e.currentTarget.value)}
            error={errors.reviewOn}
          />
        </Group>
        <Textarea
          label="Comment"
          description="What changed since the last review, and why these ratings"
          required
          autosize
          minRows={3}
          maxLength={5000}
          value={comment}
          onChange={(e) => setComment(e.currentTarget.value)}
          error={errors.comment}
          data-autofocus
        />
        {error !== null && <ErrorAlert error={error} title="Not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Save review
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function CompleteModal({
  assessment: a,
  opened,
  onClose,
  onCompleted,
}: {
  assessment: Assessment;
  opened: boolean;
  onClose: () => void;
  onCompleted: (a: Assessment) => void;
}) {
  const [fraud, setFraud] = useState(a.fraudStatement ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const done = await riskApi.complete(a.id, a.status === 'open' ? fraud.trim() || undefined : undefined);
      onClose();
      onCompleted(done);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={`Complete “${a.name}”`} centered size="lg">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Text size="sm">
            Every risk must be reviewed ({a.progress.remaining === 0 ? 'all are' : `${a.progress.remaining} still wait`}
            ) and fraud considered. The CSV and the PDF report (with both heat maps) are then kept as evidence of the
            yearly risk assessment.
          </Text>
          {a.status === 'open' && (
            <Textarea
              label="How fraud was considered"
              required
              autosize
              minRows={3}
              maxLength={5000}
              value={fraud}
              onChange={(e) => setFraud(e.currentTarget.value)}
            />
          )}
          {error !== null && <ErrorAlert error={error} title="Not completed" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Complete
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
