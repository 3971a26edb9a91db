import { Alert, Button, Code, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ConfirmModal } from './ConfirmModal';
import { dateInDays, monitoringApi } from './MonitoringApi';
import { ErrorAlert } from './PageStatus';

export interface ExceptionTarget {
  checkId: string;
  checkTitle: string;
  /** One resource, or null for every resource of the check. */
  resource: string | null;
  resourceName: string | null;
}

interface ExceptionModalProps {
  opened: boolean;
  target: ExceptionTarget | null;
  onClose: () => void;
  onExited?: () => void;
  onCreated: (target: ExceptionTarget, expiresAt: string) => void;
}

const MIN_JUSTIFICATION = 10;
const MAX_DAYS = 365;

/** Accepts a failing result (or a whole check) as a risk until a date: never a pass, always an exception. */
export function MonitoringExceptionModal({ opened, target, onClose, onExited, onCreated }: ExceptionModalProps) {
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      opened={opened}
      onClose={() => !busy && onClose()}
      onExitTransitionEnd={onExited}
      title="Accept as exception"
      centered
      size="lg"
    >
      {target && <ExceptionForm target={target} onBusy={setBusy} onClose={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

function ExceptionForm({
  target,
  onBusy,
  onClose,
  onCreated,
}: {
  target: ExceptionTarget;
  onBusy: (busy: boolean) => void;
  onClose: () => void;
  onCreated: (target: ExceptionTarget, expiresAt: string) => void;
}) {
  const [justification, setJustification] = useState('');
  const [expiresAt, setExpiresAt] = useState(() => dateInDays(90));
  const [errors, setErrors] = useState<{ justification?: string; expiresAt?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusyState] = useState(false);
  const tomorrow = dateInDays(1);
  const latest = dateInDays(MAX_DAYS);

  const validate = () => {
    const next: typeof errors = {};
    if (justification.trim().length < MIN_JUSTIFICATION)
      next.justification = `Say why the risk is accepted (at least ${MIN_JUSTIFICATION} characters).`;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(expiresAt)) next.expiresAt = 'Choose the date the exception ends.';
    else if (expiresAt < tomorrow) next.expiresAt = 'The exception must end after today.';
    else if (expiresAt > latest) next.expiresAt = 'An exception lasts a year at most: choose an earlier date.';
    setErrors(next);
    return Object.keys(next).length === 0;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!validate()) return;
    setError(null);
    setBusyState(true);
    onBusy(true);
    try {
      await monitoringApi.createException({
        checkId: target.checkId,
        resource: target.resource,
        justification: justification.trim(),
        expiresAt,
      });
      onCreated(target, expiresAt);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusyState(false);
      onBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Text size="sm">
          <Text span fw={600}>
            {target.checkTitle}
          </Text>
          {target.resourceName ? ` on ${target.resourceName}` : ': every resource it fails on'}
        </Text>
        <Alert color="yellow" variant="light" icon={<IconInfoCircle size={18} />}>
          <Text size="sm">
            An exception is shown as an exception, never as a pass. It stops the deadline counting until the date you
            choose; then the failure counts again. You are recorded as the approver in the audit log.
          </Text>
        </Alert>
        <Textarea
          label="Justification"
          description="Why the risk is acceptable for now, and what compensates for it"
          placeholder="For example: the legacy bucket is read-only and is deleted with the Q3 migration"
          required
          autosize
          minRows={3}
          maxLength={5000}
          value={justification}
          onChange={(e) => setJustification(e.currentTarget.value)}
          error={errors.justification}
          data-autofocus
        />
        <TextInput
          label="Expires on"
          description="At most a year from today"
          type="date"
          required
          min={tomorrow}
          max={latest}
          value={expiresAt}
          onChange={(e) => setExpiresAt(e.currentTarget.value)}
          error={errors.expiresAt}
        />
        {error !== null && <ErrorAlert error={error} title="Not accepted" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" color="yellow" loading={busy}>
            Accept as exception
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export interface RevokeTarget {
  id: string;
  checkId: string;
  /** What it covers, in words: a resource's name or "every resource". */
  covers: string;
}

/** Revokes an exception: the failure counts again, with its original deadline. */
export function MonitoringRevokeModal({
  opened,
  target,
  onClose,
  onExited,
  onRevoked,
}: {
  opened: boolean;
  target: RevokeTarget | null;
  onClose: () => void;
  onExited?: () => void;
  onRevoked: (target: RevokeTarget) => void;
}) {
  return (
    <ConfirmModal
      opened={opened}
      onClose={onClose}
      onExited={onExited}
      title="Revoke this exception?"
      confirmLabel="Revoke"
      onConfirm={async () => {
        if (!target) return;
        await monitoringApi.revokeException(target.id);
        onRevoked(target);
      }}
    >
      The failure of <Code>{target?.checkId}</Code> on {target?.covers} counts again from now, with its original
      deadline. This is recorded in the audit log.
    </ConfirmModal>
  );
}
