import { Button, Checkbox, Group, Modal, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import {
  type Assessment,
  type AssessmentFields,
  type AssessmentKind,
  type AssessmentStatus,
  assessmentApi,
  fieldErrors,
  KIND_LABEL,
  KINDS,
  STATUS_LABEL,
  STATUSES,
} from '../api/assessments';
import { ErrorAlert } from './PageStatus';

interface AssessmentFormModalProps {
  /** The assessment to edit, or null to record one. */
  assessment: Assessment | null;
  opened: boolean;
  onClose: () => void;
  onSaved: (assessment: Assessment) => void;
}

/** Records an assessment or changes one (owners and admins). */
export function AssessmentFormModal({ assessment, opened, onClose, onSaved }: AssessmentFormModalProps) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={assessment ? `Edit ${assessment.title}` : 'Record an assessment'}
      centered
      size="lg"
    >
      {opened && <AssessmentForm assessment={assessment} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

type Errors = Partial<Record<keyof AssessmentFields, string>>;

function AssessmentForm({ assessment: a, onClose, onSaved }: Omit<AssessmentFormModalProps, 'opened'>) {
  const [f, setF] = useState<AssessmentFields>({
    kind: a?.kind ?? 'pentest',
    title: a?.title ?? '',
    assessor: a?.assessor ?? '',
    scope: a?.scope ?? '',
    status: a?.status ?? 'planned',
    startDate: a?.startDate ?? '',
    endDate: a?.endDate ?? '',
    reportDate: a?.reportDate ?? '',
    windowStart: a?.windowStart ?? '',
    windowEnd: a?.windowEnd ?? '',
    codeAnalysis: a?.codeAnalysis ?? false,
  });
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof AssessmentFields>(key: K, value: AssessmentFields[K]) =>
    setF((old) => ({ ...old, [key]: value }));
  const type2 = f.kind === 'soc2_type2';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Errors = {};
    if (!f.title.trim()) found.title = 'Give the assessment a title.';
    if (f.status === 'completed' && !f.endDate) found.endDate = 'A completed assessment needs its end date.';
    if (type2 && f.status === 'completed' && !f.windowStart) found.windowStart = 'The window the report covers.';
    if (type2 && f.status === 'completed' && !f.windowEnd) found.windowEnd = 'The window the report covers.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const blank = (v: string | null) => (v ? v : null);
    const body: AssessmentFields = {
      ...f,
      title: f.title.trim(),
      assessor: blank(f.assessor?.trim() ?? null),
      scope: f.scope.trim(),
      startDate: blank(f.startDate),
      endDate: blank(f.endDate),
      reportDate: blank(f.reportDate),
      windowStart: type2 ? blank(f.windowStart) : null,
      windowEnd: type2 ? blank(f.windowEnd) : null,
      codeAnalysis: f.kind === 'vulnerability_assessment' && f.codeAnalysis,
    };
    setBusy(true);
    setError(null);
    try {
      const saved = a ? await assessmentApi.update(a.id, body) : await assessmentApi.create(body);
      onSaved(saved);
      onClose();
    } catch (err) {
      setErrors(fieldErrors(err) as Errors);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const date = (key: 'startDate' | 'endDate' | 'reportDate' | 'windowStart' | 'windowEnd', label: string) => (
    <TextInput
      label={label}
      type="date"
      value={f[key] ?? ''}
      onChange={(e) => set(key, e.currentTarget.value)}
      error={errors[key]}
    />
  );

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Kind"
            data={KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] }))}
            value={f.kind}
            onChange={(v) => set('kind', (v as AssessmentKind | null) ?? 'pentest')}
            allowDeselect={false}
            error={errors.kind}
          />
          <Select
            label="Status"
            data={STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s].label }))}
            value={f.status}
            onChange={(v) => set('status', (v as AssessmentStatus | null) ?? 'planned')}
            allowDeselect={false}
            error={errors.status}
          />
        </SimpleGrid>
        <TextInput
          label="Title"
          required
          maxLength={200}
          placeholder="Penetration test 2026"
          value={f.title}
          onChange={(e) => set('title', e.currentTarget.value)}
          error={errors.title}
          data-autofocus
        />
        <TextInput
          label="Assessor"
          description="The independent firm that did the work"
          maxLength={200}
          value={f.assessor ?? ''}
          onChange={(e) => set('assessor', e.currentTarget.value)}
          error={errors.assessor}
        />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {date('startDate', 'Started on')}
          {date('endDate', 'Ended on')}
          {date('reportDate', 'Report dated')}
        </SimpleGrid>
        {type2 && (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {date('windowStart', 'Observation window from')}
            {date('windowEnd', 'Observation window to')}
          </SimpleGrid>
        )}
        {f.kind === 'vulnerability_assessment' && (
          <Checkbox
            label="Included an analysis of the source code"
            checked={f.codeAnalysis}
            onChange={(e) => set('codeAnalysis', e.currentTarget.checked)}
            error={errors.codeAnalysis}
          />
        )}
        <Textarea
          label="Scope"
          description="What was assessed: applications, environments, criteria"
          autosize
          minRows={2}
          maxLength={5000}
          value={f.scope}
          onChange={(e) => set('scope', e.currentTarget.value)}
          error={errors.scope}
        />
        {error !== null && <ErrorAlert error={error} title="Not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            {a ? 'Save' : 'Record'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
