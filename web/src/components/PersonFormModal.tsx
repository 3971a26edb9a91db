import { Alert, Button, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api';
import { ErrorAlert } from './PageStatus';
import {
  EMPLOYMENT_LABEL,
  type EmploymentType,
  type Person,
  type PersonDetail,
  type PersonFields,
  peopleApi,
} from './PeopleApi';

/** create: add a person; edit: change their details; departure: record their last day only. */
export type PersonFormMode = 'create' | 'edit' | 'departure';

interface PersonFormModalProps {
  mode: PersonFormMode;
  /** The person being changed (edit, departure). */
  person?: Person | null;
  opened: boolean;
  onClose: () => void;
  onSaved: (detail: PersonDetail) => void;
}

const TITLES: Record<PersonFormMode, string> = {
  create: 'Add a person',
  edit: 'Edit person',
  departure: 'Record departure',
};

/** Adds a person to the register, edits one, or records their departure (owners and admins). */
export function PersonFormModal({ mode, person, opened, onClose, onSaved }: PersonFormModalProps) {
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title={TITLES[mode]} centered size="lg">
      {opened && (
        <PersonForm mode={mode} person={person ?? null} onBusy={setBusy} onClose={onClose} onSaved={onSaved} />
      )}
    </Modal>
  );
}

type Draft = Record<keyof PersonFields, string>;
type Errors = Partial<Record<keyof PersonFields, string>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function draftOf(person: Person | null): Draft {
  return {
    email: person?.email ?? '',
    name: person?.name ?? '',
    employmentType: person?.employmentType ?? 'employee',
    department: person?.department ?? '',
    title: person?.title ?? '',
    managerEmail: person?.managerEmail ?? '',
    startDate: person?.startDate ?? '',
    endDate: person?.endDate ?? '',
  };
}

function PersonForm({
  mode,
  person,
  onBusy,
  onClose,
  onSaved,
}: {
  mode: PersonFormMode;
  person: Person | null;
  onBusy: (busy: boolean) => void;
  onClose: () => void;
  onSaved: (detail: PersonDetail) => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(person));
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusyState] = useState(false);
  const set = (key: keyof Draft) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const departure = mode === 'departure';

  const check = (): Errors => {
    const found: Errors = {};
    if (!departure) {
      if (!EMAIL.test(draft.email.trim())) found.email = 'Enter an email address, like ada@example.com.';
      if (!draft.name.trim()) found.name = 'Enter the person’s name.';
      if (draft.managerEmail.trim() && !EMAIL.test(draft.managerEmail.trim()))
        found.managerEmail = 'Enter the manager’s email address, or leave it empty.';
    }
    if (departure && !draft.endDate) found.endDate = 'Choose the person’s last day.';
    if (draft.startDate && draft.endDate && draft.endDate < draft.startDate)
      found.endDate = 'The end date cannot be before the start date.';
    return found;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = check();
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const blank = (v: string) => (v.trim() === '' ? null : v.trim());
    const fields: PersonFields = {
      email: draft.email.trim(),
      name: draft.name.trim(),
      employmentType: draft.employmentType as EmploymentType,
      department: blank(draft.department),
      title: blank(draft.title),
      managerEmail: blank(draft.managerEmail),
      startDate: blank(draft.startDate),
      endDate: blank(draft.endDate),
    };
    setError(null);
    setBusyState(true);
    onBusy(true);
    try {
      let saved: PersonDetail;
      if (mode === 'create') saved = await peopleApi.create(fields);
      else if (!person) return;
      else if (departure) saved = await peopleApi.update(person.id, { endDate: fields.endDate });
      else saved = await peopleApi.update(person.id, fields);
      onSaved(saved);
      onClose();
    } catch (err) {
      // Field errors from the server go next to their inputs.
      if (err instanceof ApiError && err.problem.errors?.length) {
        const placed: Errors = {};
        for (const e of err.problem.errors) {
          const key = e.path.split('.').find((s) => s in draft) as keyof PersonFields | undefined;
          if (key) placed[key] = err.problem.errors.length === 1 ? err.message : e.message;
        }
        setErrors(placed);
      }
      setError(err);
    } finally {
      setBusyState(false);
      onBusy(false);
    }
  };

  const input = (key: keyof Draft, label: string, extra: Record<string, unknown> = {}) => (
    <TextInput
      label={label}
      value={draft[key]}
      onChange={(e) => set(key)(e.currentTarget.value)}
      error={errors[key]}
      {...extra}
    />
  );

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        {departure ? (
          <>
            <Text size="sm">
              Recording {person?.name}’s last day opens their offboarding: every account linked to them must be disabled
              within the deadline set in monitoring (24 hours from the start of that day by default).
            </Text>
            {input('endDate', 'Last day (end date)', { type: 'date', required: true, 'data-autofocus': true })}
          </>
        ) : (
          <>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {input('name', 'Name', { required: true, 'data-autofocus': true, maxLength: 200 })}
              {input('email', 'Work email', { required: true, type: 'email', maxLength: 320 })}
              <Select
                label="Employment"
                data={Object.entries(EMPLOYMENT_LABEL).map(([value, label]) => ({ value, label }))}
                value={draft.employmentType}
                onChange={(v) => set('employmentType')(v ?? 'employee')}
                allowDeselect={false}
              />
              {input('managerEmail', 'Manager’s email', { type: 'email', maxLength: 320 })}
              {input('department', 'Department', { maxLength: 200 })}
              {input('title', 'Job title', { maxLength: 200 })}
              {input('startDate', 'Start date', { type: 'date' })}
              {input('endDate', 'End date', {
                type: 'date',
                description: 'Setting it records the departure and opens offboarding.',
              })}
            </SimpleGrid>
            {person?.source && person.source !== 'manual' && (
              <Alert color="yellow" variant="light">
                This person comes from {person.source === 'scim' ? 'your identity provider (SCIM)' : 'an HRIS import'}:
                a later sync may change these fields again.
              </Alert>
            )}
          </>
        )}
        {error !== null && <ErrorAlert error={error} title="Not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            {mode === 'create' ? 'Add person' : departure ? 'Record departure' : 'Save'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
