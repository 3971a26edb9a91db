import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { formatDate } from '../format';
import { type AccessRequest, accessApi, personLabel } from './AccessApi';
import { ErrorAlert } from './PageStatus';

export type DecisionKind = 'approve' | 'reject' | 'revoke';

export interface DecisionTarget {
  request: AccessRequest;
  kind: DecisionKind;
}

interface AccessDecisionModalProps {
  target: DecisionTarget | null;
  opened: boolean;
  onClose: () => void;
  onExited?: () => void;
  onDone: (request: AccessRequest) => void;
}

const TITLE: Record<DecisionKind, string> = {
  approve: 'Approve access',
  reject: 'Reject the request',
  revoke: 'Revoke access now',
};

/** Approves, rejects (a comment is required) or revokes access, with a comment kept on the record. */
export function AccessDecisionModal({ target, opened, onClose, onExited, onDone }: AccessDecisionModalProps) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      onExitTransitionEnd={onExited}
      title={target ? TITLE[target.kind] : ''}
      centered
    >
      {opened && target && <DecisionForm target={target} onClose={onClose} onDone={onDone} />}
    </Modal>
  );
}

function DecisionForm({
  target,
  onClose,
  onDone,
}: {
  target: DecisionTarget;
  onClose: () => void;
  onDone: (r: AccessRequest) => void;
}) {
  const { request, kind } = target;
  const [comment, setComment] = useState('');
  const [commentError, setCommentError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const ends = new Date(Date.now() + request.durationDays * 86_400_000).toISOString();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (kind === 'reject' && !comment.trim()) {
      setCommentError('Say why, so the requester knows what to change.');
      return;
    }
    setCommentError(null);
    setBusy(true);
    setError(null);
    try {
      const text = comment.trim();
      const done =
        kind === 'approve'
          ? await accessApi.approve(request.id, text)
          : kind === 'reject'
            ? await accessApi.reject(request.id, text)
            : await accessApi.revoke(request.id, text);
      onDone(done);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const who = personLabel(request.requester);
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Text size="sm">
          {kind === 'approve' &&
            `${who} gets ${request.accessLevel ? `“${request.accessLevel}” access` : 'access'} to ${request.system.name} for ${request.durationDays} day(s), until about ${formatDate(ends)}. Then it expires and the system’s owner is told to remove it.`}
          {kind === 'reject' && `${who} is told the request for ${request.system.name} was rejected, with your reason.`}
          {kind === 'revoke' &&
            `The access of ${who} to ${request.system.name} ends now instead of ${formatDate(request.expiresAt)}. Remove it from the system as well.`}
        </Text>
        <Text size="sm" c="dimmed">
          Justification: {request.justification}
        </Text>
        <Textarea
          label={kind === 'reject' ? 'Reason' : 'Comment'}
          description={
            kind === 'reject' ? 'Required: the requester reads it' : 'Optional: kept with the decision on the record'
          }
          required={kind === 'reject'}
          autosize
          minRows={2}
          maxLength={2000}
          value={comment}
          onChange={(e) => setComment(e.currentTarget.value)}
          error={commentError}
          data-autofocus
        />
        <Text size="xs" c="dimmed">
          Decisions are recorded in the audit log and the tamper-evident ledger.
        </Text>
        {error !== null && <ErrorAlert error={error} title="Nothing was changed" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} color={kind === 'approve' ? 'teal' : 'red'}>
            {kind === 'approve' ? 'Approve' : kind === 'reject' ? 'Reject' : 'Revoke'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
