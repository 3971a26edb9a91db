import { Button, Group, Modal, NumberInput, Select, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api, type Member } from '../api';
import { useApi } from '../useApi';
import { accessApi, CLASSIFICATION, type Classification, type System, type SystemBody } from './AccessApi';
import { monitoringApi } from './MonitoringApi';
import { ErrorAlert } from './PageStatus';

interface SystemEditModalProps {
  /** The system to edit, or null to add one. */
  system: System | null;
  opened: boolean;
  onClose: () => void;
  onExited?: () => void;
  onSaved: (system: System) => void;
}

/** Adds a system to the catalogue or changes one (owners and admins). */
export function SystemEditModal({ system, opened, onClose, onExited, onSaved }: SystemEditModalProps) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      onExitTransitionEnd={onExited}
      title={system ? `Edit ${system.name}` : 'New system'}
      centered
      size="lg"
    >
      {opened && <SystemForm system={system} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

interface Errors {
  name?: string;
  maxAccessDays?: string;
}

function ownerOptions(members: Member[]) {
  return [
    { value: '', label: 'Nobody (owners and admins decide requests)' },
    ...members
      .filter((m) => m.role !== 'auditor')
      .map((m) => ({ value: m.userId, label: m.name ? `${m.name} (${m.email})` : m.email })),
  ];
}

function SystemForm({ system, onClose, onSaved }: Omit<SystemEditModalProps, 'opened' | 'onExited'>) {
  const members = useApi(async () => (await api.members()).items);
  const sources = useApi(async () => (await monitoringApi.sources()).items);
  const [name, setName] = useState(system?.name ?? '');
  const [description, setDescription] = useState(system?.description ?? '');
  const [owner, setOwner] = useState(system?.owner?.id ?? '');
  const [production, setProduction] = useState(system?.production ?? false);
  const [classification, setClassification] = useState<Classification>(system?.classification ?? 'internal');
  const [source, setSource] = useState(system?.source?.id ?? '');
  const [maxDays, setMaxDays] = useState<number | string>(system?.maxAccessDays ?? 90);
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Errors = {};
    const days = Number(maxDays);
    if (!name.trim()) found.name = 'Give the system a name.';
    if (!Number.isInteger(days) || days < 1 || days > 3650) found.maxAccessDays = 'Between 1 and 3650 days.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const body: SystemBody = {
      name: name.trim(),
      description: description.trim(),
      ownerUserId: owner || null,
      production,
      classification,
      sourceId: source || null,
      maxAccessDays: days,
    };
    setBusy(true);
    setError(null);
    try {
      const saved = system ? await accessApi.updateSystem(system.id, body) : await accessApi.createSystem(body);
      onSaved(saved);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  // A source the system names is listed even when the sources could not be loaded.
  const sourceOptions = [
    { value: '', label: 'None (accounts are not tracked)' },
    ...(sources.data ?? []).map((s) => ({ value: s.id, label: `${s.name} · ${s.title} (${s.records} records)` })),
    ...(system?.source && !(sources.data ?? []).some((s) => s.id === system.source?.id)
      ? [{ value: system.source.id, label: system.source.name }]
      : []),
  ];
  const ownerData = ownerOptions(members.data ?? []);
  if (system?.owner && !ownerData.some((o) => o.value === system.owner?.id)) {
    ownerData.push({ value: system.owner.id, label: system.owner.name || system.owner.email });
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <TextInput
          label="Name"
          description="As people know it, e.g. “Production database” or “Stripe”"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.name}
          data-autofocus
        />
        <Textarea
          label="Description"
          description="Optional: what it holds and what it is used for"
          autosize
          minRows={2}
          maxLength={2000}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <Select
          label="Owner"
          description="Decides access requests and reviews who has access"
          data={ownerData}
          value={owner}
          onChange={(v) => setOwner(v ?? '')}
          allowDeselect={false}
          searchable
          placeholder={members.data ? undefined : 'Loading members…'}
        />
        <Group grow align="flex-start">
          <Select
            label="Data classification"
            data={Object.entries(CLASSIFICATION).map(([value, c]) => ({ value, label: `${c.label} · ${c.hint}` }))}
            value={classification}
            onChange={(v) => setClassification((v as Classification | null) ?? 'internal')}
            allowDeselect={false}
          />
          <NumberInput
            label="Longest access (days)"
            description="The most a request may ask for"
            min={1}
            max={3650}
            allowDecimal={false}
            value={maxDays}
            onChange={setMaxDays}
            error={errors.maxAccessDays}
          />
        </Group>
        <Switch
          label="Production system"
          description="Runs the service customers use, or holds its data"
          checked={production}
          onChange={(e) => setProduction(e.currentTarget.checked)}
        />
        <Select
          label="Accounts come from"
          description="The monitoring source that reports this system's accounts (push its account list first)"
          data={sourceOptions}
          value={source}
          onChange={(v) => setSource(v ?? '')}
          allowDeselect={false}
          searchable
        />
        {members.error !== null && <ErrorAlert error={members.error} title="Members could not be loaded" />}
        {sources.error !== null && <ErrorAlert error={sources.error} title="Sources could not be loaded" />}
        {error !== null && <ErrorAlert error={error} title="The system was not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            {system ? 'Save' : 'Add system'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
