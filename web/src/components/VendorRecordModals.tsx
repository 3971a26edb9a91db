import { Button, FileInput, Group, Modal, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import {
  DOCUMENT_LABELS,
  type DocumentKind,
  formatDay,
  OUTCOME_LABELS,
  type ReviewOutcome,
  type VendorDetail,
  type VendorDocument,
  type VendorReview,
  vendorsApi,
} from '../api/vendors';
import { formatDate } from '../format';
import { useSession } from '../session';
import { useApi } from '../useApi';
import { ErrorAlert } from './PageStatus';

const todayIso = () => new Date().toISOString().slice(0, 10);

interface ModalProps<T> {
  vendor: VendorDetail;
  opened: boolean;
  onClose: () => void;
  onSaved: (saved: T) => void;
}

/** Records a completed review: what was examined, who reviewed, the outcome, notes and the day. */
export function VendorReviewModal(props: ModalProps<VendorReview>) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={`Review of ${props.vendor.name}`} centered size="lg">
      {props.opened && <ReviewForm {...props} />}
    </Modal>
  );
}

function ReviewForm({ vendor, onClose, onSaved }: ModalProps<VendorReview>) {
  const { me } = useSession();
  const owners = useApi(async () => (await vendorsApi.owners()).items);
  const answered = vendor.questionnaires.filter((q) => q.status === 'answered');
  const [questionnaireId, setQuestionnaireId] = useState<string | null>(answered[0]?.id ?? null);
  const [documentId, setDocumentId] = useState<string | null>(vendor.documents[0]?.id ?? null);
  const [examined, setExamined] = useState('');
  const [reviewer, setReviewer] = useState(me.user.id);
  const [outcome, setOutcome] = useState<ReviewOutcome>('approved');
  const [conditions, setConditions] = useState('');
  const [notes, setNotes] = useState('');
  const [completedOn, setCompletedOn] = useState(todayIso());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(
        await vendorsApi.recordReview(vendor.id, {
          reviewerUserId: reviewer,
          questionnaireId,
          documentId,
          examined: examined.trim(),
          outcome,
          conditions: outcome === 'approved_with_conditions' ? conditions.trim() : undefined,
          notes: notes.trim(),
          completedOn,
        }),
      );
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const reviewers = (owners.data ?? []).map((m) => ({
    value: m.id,
    label: m.name ? `${m.name} (${m.email})` : m.email,
  }));
  if (!reviewers.some((r) => r.value === me.user.id)) reviewers.unshift({ value: me.user.id, label: me.user.email });

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          Record the review once it is done. Say what you examined: the vendor's questionnaire answers, its report, and
          anything else.
        </Text>
        <Select
          label="Questionnaire answers examined"
          placeholder={answered.length ? 'None' : 'No answered questionnaire yet'}
          data={answered.map((q) => ({
            value: q.id,
            label: `Answered ${formatDate(q.answeredAt)} by ${q.respondent?.name ?? 'the vendor'}`,
          }))}
          value={questionnaireId}
          onChange={setQuestionnaireId}
          clearable
          disabled={answered.length === 0}
        />
        <Select
          label="Document examined"
          placeholder={vendor.documents.length ? 'None' : 'No document uploaded yet'}
          data={vendor.documents.map((d) => ({
            value: d.id,
            label: `${DOCUMENT_LABELS[d.kind]}${d.periodEnd ? `, period ending ${formatDay(d.periodEnd)}` : ''} (${d.evidence.name})`,
          }))}
          value={documentId}
          onChange={setDocumentId}
          clearable
          disabled={vendor.documents.length === 0}
        />
        <Textarea
          label="Anything else examined"
          description="A security page, the contract, a call with their security team"
          autosize
          minRows={2}
          maxLength={2000}
          value={examined}
          onChange={(e) => setExamined(e.currentTarget.value)}
        />
        <Group grow align="flex-start">
          <Select
            label="Reviewer"
            data={reviewers}
            value={reviewer}
            onChange={(v) => setReviewer(v ?? me.user.id)}
            allowDeselect={false}
            searchable
          />
          <TextInput
            label="Completed on"
            type="date"
            required
            max={todayIso()}
            value={completedOn}
            onChange={(e) => setCompletedOn(e.currentTarget.value)}
          />
        </Group>
        <Select
          label="Outcome"
          data={Object.entries(OUTCOME_LABELS).map(([value, label]) => ({ value, label }))}
          value={outcome}
          onChange={(v) => setOutcome((v as ReviewOutcome | null) ?? 'approved')}
          allowDeselect={false}
        />
        {outcome === 'approved_with_conditions' && (
          <Textarea
            label="Conditions"
            required
            autosize
            minRows={2}
            maxLength={2000}
            value={conditions}
            onChange={(e) => setConditions(e.currentTarget.value)}
          />
        )}
        <Textarea
          label="Notes"
          description="What you found: exceptions in the report, answers to follow up"
          autosize
          minRows={2}
          maxLength={5000}
          value={notes}
          onChange={(e) => setNotes(e.currentTarget.value)}
        />
        {error !== null && <ErrorAlert error={error} title="The review was not recorded" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Record review
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Uploads a SOC 2 report, ISO 27001 certificate or other document with the period it covers. */
export function VendorDocumentModal(props: ModalProps<VendorDocument>) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={`Document from ${props.vendor.name}`} centered>
      {props.opened && <DocumentForm {...props} />}
    </Modal>
  );
}

function DocumentForm({ vendor, onClose, onSaved }: ModalProps<VendorDocument>) {
  const [kind, setKind] = useState<DocumentKind>('soc2_type2');
  const [periodStart, setPeriodStart] = useState('');
  const [periodEnd, setPeriodEnd] = useState('');
  const [note, setNote] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const soc = kind === 'soc2_type1' || kind === 'soc2_type2';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFileError(file ? null : 'Choose the file.');
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      onSaved(await vendorsApi.uploadDocument(vendor.id, { kind, periodStart, periodEnd, note: note.trim() }, file));
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
        <Text size="sm" c="dimmed">
          The file is kept encrypted in the evidence vault as evidence of VEN-03.
        </Text>
        <Select
          label="Kind"
          data={Object.entries(DOCUMENT_LABELS).map(([value, label]) => ({ value, label }))}
          value={kind}
          onChange={(v) => setKind((v as DocumentKind | null) ?? 'soc2_type2')}
          allowDeselect={false}
          data-autofocus
        />
        <Group grow align="flex-start">
          <TextInput
            label="Period start"
            type="date"
            required={kind === 'soc2_type2'}
            value={periodStart}
            onChange={(e) => setPeriodStart(e.currentTarget.value)}
          />
          <TextInput
            label={kind === 'iso27001' ? 'Valid until' : 'Period end'}
            type="date"
            required={soc}
            value={periodEnd}
            onChange={(e) => setPeriodEnd(e.currentTarget.value)}
          />
        </Group>
        <Textarea
          label="Note"
          description="Optional: exceptions it reports, controls it expects of us"
          autosize
          minRows={2}
          maxLength={2000}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
        />
        <FileInput label="File" required value={file} onChange={setFile} error={fileError} clearable />
        {error !== null && <ErrorAlert error={error} title="The document was not added" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Upload
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
