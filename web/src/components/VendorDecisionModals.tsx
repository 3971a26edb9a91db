import { Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { TIER, type Vendor, type VendorLevel, type VendorStatus, vendorsApi } from '../api/vendors';
import { ErrorAlert } from './PageStatus';

export type StatusTarget = Exclude<VendorStatus, 'proposed'>;

const STATUS_TEXT: Record<StatusTarget, { title: string; action: string; help: string; needsComment: boolean }> = {
  in_review: {
    title: 'Send to review',
    action: 'Send to review',
    help: 'Owners and admins are told. Record a review (send a questionnaire, read its report) before it is approved.',
    needsComment: false,
  },
  approved: {
    title: 'Approve vendor',
    action: 'Approve',
    help: 'Approval needs a completed review that approves the vendor and is current for its tier.',
    needsComment: false,
  },
  rejected: {
    title: 'Reject vendor',
    action: 'Reject',
    help: 'Say why, so whoever proposed it knows what to look for instead.',
    needsComment: true,
  },
  offboarded: {
    title: 'Offboard vendor',
    action: 'Offboard',
    help: 'We no longer use it: accounts closed, data returned or deleted. It leaves the subprocessor list.',
    needsComment: false,
  },
};

interface StatusModalProps {
  vendor: Vendor;
  target: StatusTarget | null;
  onClose: () => void;
  onDone: (vendor: Vendor) => void;
}

/** Moves a vendor on (send to review, approve, reject, offboard) with an optional comment. */
export function VendorStatusModal({ vendor, target, onClose, onDone }: StatusModalProps) {
  const text = target ? STATUS_TEXT[target] : null;
  return (
    <Modal opened={target !== null} onClose={onClose} title={text?.title} centered>
      {target && text && <StatusForm vendor={vendor} target={target} onClose={onClose} onDone={onDone} />}
    </Modal>
  );
}

function StatusForm({ vendor, target, onClose, onDone }: StatusModalProps & { target: StatusTarget }) {
  const text = STATUS_TEXT[target];
  const [comment, setComment] = useState('');
  const [commentError, setCommentError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (text.needsComment && !comment.trim()) {
      setCommentError('Say why.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await vendorsApi.setStatus(vendor.id, target, comment.trim() || undefined));
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
        <Text size="sm">{text.help}</Text>
        <Textarea
          label={text.needsComment ? 'Reason' : 'Comment'}
          description={text.needsComment ? undefined : 'Optional'}
          required={text.needsComment}
          autosize
          minRows={2}
          maxLength={2000}
          value={comment}
          onChange={(e) => setComment(e.currentTarget.value)}
          error={commentError}
          data-autofocus
        />
        {error !== null && <ErrorAlert error={error} title={`${vendor.name} was not changed`} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button
            type="submit"
            loading={busy}
            color={target === 'rejected' || target === 'offboarded' ? 'red' : undefined}
          >
            {text.action}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface TierModalProps {
  vendor: Vendor;
  opened: boolean;
  onClose: () => void;
  onDone: (vendor: Vendor) => void;
}

/** Sets the tier by hand with a reason, or goes back to the computed tier (owners and admins). */
export function VendorTierModal({ vendor, opened, onClose, onDone }: TierModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Tier of ${vendor.name}`} centered>
      {opened && <TierForm vendor={vendor} opened={opened} onClose={onClose} onDone={onDone} />}
    </Modal>
  );
}

function TierForm({ vendor, onClose, onDone }: TierModalProps) {
  const [tier, setTier] = useState<string>(vendor.tierOverride?.tier ?? 'computed');
  const [reason, setReason] = useState(vendor.tierOverride?.reason ?? '');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const computed = tier === 'computed';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!computed && !reason.trim()) {
      setReasonError('Say why this vendor belongs in that tier.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await vendorsApi.overrideTier(vendor.id, computed ? null : (tier as VendorLevel), reason.trim()));
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
          The rule gives {vendor.name} the {TIER[vendor.computedTier].label.toLowerCase()} tier. Setting another tier
          changes how often it is reviewed and whether a SOC 2 report is required; the change and its reason are
          recorded.
        </Text>
        <Select
          label="Tier"
          data={[
            { value: 'computed', label: `Computed (${TIER[vendor.computedTier].label.toLowerCase()})` },
            { value: 'high', label: 'High' },
            { value: 'medium', label: 'Medium' },
            { value: 'low', label: 'Low' },
          ]}
          value={tier}
          onChange={(v) => setTier(v ?? 'computed')}
          allowDeselect={false}
          data-autofocus
        />
        {!computed && (
          <Textarea
            label="Reason"
            required
            autosize
            minRows={2}
            maxLength={2000}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={reasonError}
          />
        )}
        {error !== null && <ErrorAlert error={error} title="The tier was not changed" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
