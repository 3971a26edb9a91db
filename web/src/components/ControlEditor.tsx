import { Button, Group, MultiSelect, Select, Stack, TagsInput, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { api, type Control, type ControlEdit, type NewControl } from '../api';
import { POLICY_KEYS } from '../health';
import { useApi } from '../useApi';
import { ErrorAlert } from './PageStatus';

export const DOMAINS = [
  'governance',
  'people',
  'access',
  'assets',
  'cryptography',
  'operations',
  'vulnerability',
  'logging',
  'network',
  'development',
  'vendors',
  'risk',
  'incident',
  'continuity',
  'privacy',
  'assessment',
];

/** What a control may be mapped to: members, requirements of adopted frameworks, seed lines. */
async function loadChoices() {
  const [members, frameworks, coverage] = await Promise.all([api.members(), api.frameworks(), api.coverage()]);
  const adopted = frameworks.items.filter((f) => f.adopted);
  const requirements = await Promise.all(adopted.map((f) => api.requirements(f.id)));
  return {
    members: members.items.map((m) => ({ value: m.userId, label: `${m.name} (${m.email})` })),
    criteria: adopted.map((f, i) => ({
      group: f.name,
      items: (requirements[i]?.items ?? []).map((r) => ({
        // SOC 2's ids stand alone; any other framework's are qualified with its id.
        value: f.id === 'soc2-2017' ? r.ref : `${f.id}:${r.ref}`,
        label: `${r.ref} · ${r.title}`,
      })),
    })),
    seedLines: coverage.lines.map((l) => ({ value: l.id, label: `${l.id} · ${l.summary}` })),
  };
}

interface Values {
  title: string;
  description: string;
  domain: string;
  ownerUserId: string | null;
  criteria: string[];
  seedLines: string[];
  policies: string[];
  reason: string;
}

/** Adds a control (no `control`) or edits one as a new version. */
export function ControlEditor({
  control,
  onSaved,
  onCancel,
}: {
  control?: Control;
  onSaved: (control: Control) => void;
  onCancel: () => void;
}) {
  const choices = useApi(loadChoices);
  const [error, setError] = useState<unknown>(null);
  const form = useForm<Values>({
    initialValues: {
      title: control?.title ?? '',
      description: control?.description ?? '',
      domain: control?.domain ?? '',
      ownerUserId: control?.owner?.id ?? null,
      criteria: control?.criteria ?? [],
      seedLines: control?.seedLines ?? [],
      policies: control?.policies ?? [],
      reason: '',
    },
    validate: {
      title: (v) => (v.trim().length < 3 ? 'Give the control a title of at least 3 characters.' : null),
      description: (v) => (v.trim() === '' ? 'Describe how the control is done.' : null),
      domain: (v) => (v === '' ? 'Choose a domain.' : null),
      criteria: (v) => (v.length === 0 ? 'Map the control to at least one criterion.' : null),
    },
  });

  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      if (control) {
        const edit: ControlEdit = {
          title: values.title,
          description: values.description,
          ownerUserId: values.ownerUserId,
          criteria: values.criteria,
          seedLines: values.seedLines,
          policies: values.policies,
          expectedVersion: control.version,
          ...(values.reason.trim() ? { reason: values.reason.trim() } : {}),
        };
        onSaved(await api.updateControl(control.id, edit));
      } else {
        const created: NewControl = {
          title: values.title,
          description: values.description,
          domain: values.domain,
          ownerUserId: values.ownerUserId,
          criteria: values.criteria,
          seedLines: values.seedLines,
          policies: values.policies,
        };
        onSaved(await api.createControl(created));
      }
    } catch (err) {
      setError(err);
    }
  });

  const options = choices.data;
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {error !== null && <ErrorAlert error={error} />}
        <TextInput label="Title" required data-autofocus {...form.getInputProps('title')} />
        <Textarea
          label="How it is done"
          required
          autosize
          minRows={4}
          maxRows={12}
          {...form.getInputProps('description')}
        />
        {!control && <Select label="Domain" required data={DOMAINS} {...form.getInputProps('domain')} />}
        <Select
          label="Owner"
          placeholder={options ? 'Not assigned' : 'Loading members…'}
          clearable
          searchable
          data={options?.members ?? []}
          {...form.getInputProps('ownerUserId')}
        />
        <MultiSelect
          label="Criteria it meets"
          description="Requirements of the frameworks your organisation has adopted"
          searchable
          required
          data={options?.criteria ?? []}
          maxDropdownHeight={260}
          {...form.getInputProps('criteria')}
        />
        <MultiSelect
          label="Seed lines it covers"
          searchable
          data={options?.seedLines ?? []}
          maxDropdownHeight={260}
          {...form.getInputProps('seedLines')}
        />
        <TagsInput
          label="Policies it relies on"
          description="Policy keys; the control needs them published to pass"
          data={POLICY_KEYS}
          {...form.getInputProps('policies')}
        />
        {control && (
          <TextInput
            label="Reason for the change"
            description="Kept in the control's history and the audit log"
            {...form.getInputProps('reason')}
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={form.submitting}>
            {control ? 'Save as new version' : 'Add control'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
