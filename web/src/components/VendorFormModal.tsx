import { Button, Group, Modal, Select, Stack, Switch, TagsInput, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import {
  CLASSIFICATION_LABELS,
  type Vendor,
  type VendorBody,
  type VendorClassification,
  type VendorLevel,
  vendorsApi,
} from '../api/vendors';
import { useSession } from '../session';
import { useApi } from '../useApi';
import { ErrorAlert } from './PageStatus';

interface VendorFormModalProps {
  /** The vendor to edit, or null to add one. */
  vendor: Vendor | null;
  opened: boolean;
  onClose: () => void;
  onExited?: () => void;
  onSaved: (vendor: Vendor) => void;
}

const CLASSIFICATION_HINTS: Record<VendorClassification, string> = {
  none: 'touches none of our data',
  public: 'only what we publish anyway',
  internal: 'staff data, internal documents',
  confidential: 'customer data, contracts',
  restricted: 'secrets, payment or health data, production data',
};

const CRITICALITY = [
  { value: 'low', label: 'Low · an outage is an inconvenience' },
  { value: 'medium', label: 'Medium · an outage slows a team down' },
  { value: 'high', label: 'High · an outage stops the service or the business' },
];

/** Adds a vendor to the register or changes one (owners, admins and the vendor's owner). */
export function VendorFormModal({ vendor, opened, onClose, onExited, onSaved }: VendorFormModalProps) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      onExitTransitionEnd={onExited}
      title={vendor ? `Edit ${vendor.name}` : 'New vendor'}
      centered
      size="lg"
    >
      {opened && <VendorForm vendor={vendor} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

function VendorForm({ vendor, onClose, onSaved }: Omit<VendorFormModalProps, 'opened' | 'onExited'>) {
  const { me } = useSession();
  const manager = me.role === 'owner' || me.role === 'admin';
  const owners = useApi(async () => (await vendorsApi.owners()).items);
  const [name, setName] = useState(vendor?.name ?? '');
  const [website, setWebsite] = useState(vendor?.website ?? '');
  const [purpose, setPurpose] = useState(vendor?.purpose ?? '');
  const [classification, setClassification] = useState<string>(vendor?.dataClassification ?? '');
  const [criticality, setCriticality] = useState<VendorLevel>(vendor?.criticality ?? 'medium');
  const [regions, setRegions] = useState<string[]>(vendor?.regions ?? []);
  const [subprocessor, setSubprocessor] = useState(vendor?.subprocessor ?? false);
  const [owner, setOwner] = useState(vendor ? (vendor.owner?.id ?? '') : me.user.id);
  const [nameError, setNameError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setNameError(name.trim() ? null : 'Give the vendor a name.');
    if (!name.trim()) return;
    const body: VendorBody = {
      name: name.trim(),
      website: website.trim() || null,
      purpose: purpose.trim(),
      dataClassification: (classification || null) as VendorClassification | null,
      regions,
      subprocessor,
      ownerUserId: owner || null,
      criticality,
    };
    setBusy(true);
    setError(null);
    try {
      const saved = vendor ? await vendorsApi.update(vendor.id, body) : await vendorsApi.create(body);
      onSaved(saved);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const ownerData = [
    { value: '', label: 'Nobody yet' },
    ...(owners.data ?? []).map((m) => ({ value: m.id, label: m.name ? `${m.name} (${m.email})` : m.email })),
  ];
  if (vendor?.owner && !ownerData.some((o) => o.value === vendor.owner?.id)) {
    ownerData.push({ value: vendor.owner.id, label: vendor.owner.name || vendor.owner.email });
  }
  // Members propose vendors they look after themselves.
  const ownerLocked = !vendor && !manager;

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <TextInput
          label="Name"
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={nameError}
          data-autofocus
        />
        <TextInput
          label="Website"
          description="Optional, starting with https://"
          type="url"
          maxLength={500}
          value={website}
          onChange={(e) => setWebsite(e.currentTarget.value)}
        />
        <Textarea
          label="What it does for us"
          description="The service it provides and why we use it"
          autosize
          minRows={2}
          maxLength={2000}
          value={purpose}
          onChange={(e) => setPurpose(e.currentTarget.value)}
        />
        <Group grow align="flex-start">
          <Select
            label="Data it touches"
            description="The most sensitive kind"
            placeholder="Not known yet"
            data={Object.entries(CLASSIFICATION_LABELS).map(([value, label]) => ({
              value,
              label: `${label} · ${CLASSIFICATION_HINTS[value as VendorClassification]}`,
            }))}
            value={classification || null}
            onChange={(v) => setClassification(v ?? '')}
            clearable
          />
          <Select
            label="Criticality"
            description="How badly an outage would hurt"
            data={CRITICALITY}
            value={criticality}
            onChange={(v) => setCriticality((v as VendorLevel | null) ?? 'medium')}
            allowDeselect={false}
          />
        </Group>
        <TagsInput
          label="Where it hosts our data"
          description="Regions or countries; press Enter after each"
          placeholder="e.g. us-east-1"
          value={regions}
          onChange={setRegions}
          maxTags={50}
          clearable
        />
        <Switch
          label="Subprocessor"
          description="It processes our customers' data for us (published on the trust center once approved)"
          checked={subprocessor}
          onChange={(e) => setSubprocessor(e.currentTarget.checked)}
        />
        <Select
          label="Owner"
          description={
            ownerLocked ? 'You look after the vendors you propose' : 'Looks after the vendor, its reviews and reports'
          }
          data={ownerData}
          value={owner}
          onChange={(v) => setOwner(v ?? '')}
          allowDeselect={false}
          searchable
          disabled={ownerLocked}
          placeholder={owners.data ? undefined : 'Loading members…'}
        />
        {owners.error !== null && <ErrorAlert error={owners.error} title="Members could not be loaded" />}
        {error !== null && <ErrorAlert error={error} title="The vendor was not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            {vendor ? 'Save' : 'Add vendor'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
