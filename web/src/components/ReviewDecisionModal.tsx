import { Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import type { Member } from '../api';
import { ErrorAlert } from './PageStatus';
import { DECISION_LABEL, type Decision, type ReviewItem, reviewApi } from './ReviewApi';

const PROMPT: Record<Decision, string> = {
  keep: 'Optional: anything the auditor should know.',
  revoke: 'Why the access goes (required). The revocation counts as done once a sync no longer shows the account.',
  change: 'What must change, e.g. “remove the admin role” (required).',
};

/** Records a decision with its comment; revoke and change need one. */
export function ReviewDecisionModal({
  campaignId,
  target,
  opened,
  onClose,
  onExited,
  onDecided,
}: {
  campaignId: string;
  target: { item: ReviewItem; decision: Decision } | null;
  opened: boolean;
  onClose: () => void;
  onExited: () => void;
  onDecided: (item: ReviewItem) => void;
}) {
  const title = target ? `${DECISION_LABEL[target.decision].label}: ${target.item.account.name}` : '';
  return (
    <Modal opened={opened} onClose={onClose} onExitTransitionEnd={onExited} title={title} centered>
      {target && (
        <DecisionForm
          key={`${target.item.id}:${target.decision}`}
          campaignId={campaignId}
          item={target.item}
          decision={target.decision}
          onClose={onClose}
          onDecided={onDecided}
        />
      )}
    </Modal>
  );
}

function DecisionForm({
  campaignId,
  item,
  decision,
  onClose,
  onDecided,
}: {
  campaignId: string;
  item: ReviewItem;
  decision: Decision;
  onClose: () => void;
  onDecided: (item: ReviewItem) => void;
}) {
  const [comment, setComment] = useState(item.decision === decision ? (item.comment ?? '') : '');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (decision !== 'keep' && !comment.trim()) {
      setFieldError(decision === 'revoke' ? 'Say why the access goes.' : 'Say what must change.');
      return;
    }
    setFieldError(null);
    setBusy(true);
    setError(null);
    try {
      onDecided(await reviewApi.decide(campaignId, item.id, decision, comment.trim() || null));
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Text size="sm">
          {item.system.name} · {item.account.username || item.account.email || item.account.name}
          {item.person ? ` · ${item.person.name}` : ''}
        </Text>
        <Textarea
          label="Comment"
          description={PROMPT[decision]}
          required={decision !== 'keep'}
          autosize
          minRows={3}
          maxLength={2000}
          value={comment}
          onChange={(e) => setComment(e.currentTarget.value)}
          error={fieldError}
          data-autofocus
        />
        {error !== null && <ErrorAlert error={error} title="The decision was not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" color={DECISION_LABEL[decision].color} loading={busy}>
            {DECISION_LABEL[decision].label}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Gives the selected items to another reviewer (owners and admins); auditors are not offered. */
export function ReviewReassignModal({
  campaignId,
  itemIds,
  members,
  opened,
  onClose,
  onReassigned,
}: {
  campaignId: string;
  itemIds: string[];
  members: Member[];
  opened: boolean;
  onClose: () => void;
  onReassigned: (count: number, reviewer: Member) => void;
}) {
  const [reviewerId, setReviewerId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const eligible = members.filter((m) => m.role !== 'auditor');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const reviewer = eligible.find((m) => m.userId === reviewerId);
    if (!reviewer) return;
    setBusy(true);
    setError(null);
    try {
      const { items } = await reviewApi.reassign(campaignId, itemIds, reviewer.userId);
      onReassigned(items.length, reviewer);
      setReviewerId(null);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title="Reassign accounts" centered>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Text size="sm">
            {itemIds.length === 1 ? 'One account goes' : `${itemIds.length} accounts go`} to the reviewer you choose.
            Nobody may review their own account.
          </Text>
          <Select
            label="Reviewer"
            placeholder="Choose a member"
            data={eligible.map((m) => ({ value: m.userId, label: `${m.name || m.email} (${m.role})` }))}
            value={reviewerId}
            onChange={setReviewerId}
            searchable
            required
            data-autofocus
          />
          {error !== null && <ErrorAlert error={error} title="The accounts were not reassigned" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!reviewerId}>
              Reassign
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
