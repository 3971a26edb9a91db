import { Button, Group, Modal, MultiSelect, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useApi } from '../useApi';
import { ErrorAlert } from './PageStatus';
import { type CampaignDetail, reviewApi } from './ReviewApi';

interface ReviewStartModalProps {
  opened: boolean;
  onClose: () => void;
  onStarted: (campaign: CampaignDetail) => void;
}

/** "Access review 2026 Q2": a sensible default name for a campaign started today. */
export function defaultCampaignName(now = new Date()): string {
  return `Access review ${now.getFullYear()} Q${Math.floor(now.getMonth() / 3) + 1}`;
}

/** Starts a campaign (owners and admins): name, systems, days to decide. */
export function ReviewStartModal({ opened, onClose, onStarted }: ReviewStartModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title="Start an access review" centered size="lg">
      {opened && <StartForm onClose={onClose} onStarted={onStarted} />}
    </Modal>
  );
}

interface Errors {
  name?: string;
  systems?: string;
  dueDays?: string;
}

function StartForm({ onClose, onStarted }: Omit<ReviewStartModalProps, 'opened'>) {
  const systems = useApi(() => reviewApi.systems());
  const [name, setName] = useState(defaultCampaignName());
  const [systemIds, setSystemIds] = useState<string[]>([]);
  const [dueDays, setDueDays] = useState<number | string>(14);
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const chosen = (systems.data?.items ?? []).filter((s) => systemIds.includes(s.id));
  const accounts = chosen.reduce((n, s) => n + s.accounts, 0);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Errors = {};
    if (!name.trim()) found.name = 'Name the campaign.';
    if (systemIds.length === 0) found.systems = 'Choose at least one system.';
    const days = Number(dueDays);
    if (!Number.isInteger(days) || days < 1 || days > 90) found.dueDays = 'Between 1 and 90 days.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const campaign = await reviewApi.start({ name: name.trim(), systemIds, dueDays: days });
      onStarted(campaign);
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
          Every current account of the chosen systems is copied into the review as it is now. Each goes to the person’s
          manager, else the system’s owner, else you, and never to the account’s own holder.
        </Text>
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.name}
          maxLength={200}
          data-autofocus
        />
        <MultiSelect
          label="Systems"
          description="Only systems with a monitoring source have accounts to review."
          placeholder={systems.data ? 'Choose systems' : 'Loading systems…'}
          data={(systems.data?.items ?? []).map((s) => ({
            value: s.id,
            label: `${s.name}${s.source ? ` · ${s.accounts} accounts` : ' · no source'}`,
            disabled: !s.source,
          }))}
          value={systemIds}
          onChange={setSystemIds}
          searchable
          required
          error={errors.systems}
          nothingFoundMessage="No system matches"
        />
        <NumberInput
          label="Days to decide"
          min={1}
          max={90}
          value={dueDays}
          onChange={setDueDays}
          error={errors.dueDays}
          allowDecimal={false}
        />
        {chosen.length > 0 && (
          <Text size="sm">
            {accounts} {accounts === 1 ? 'account' : 'accounts'} will be reviewed.
          </Text>
        )}
        {systems.error !== null && <ErrorAlert error={systems.error} title="Systems could not be loaded" />}
        {error !== null && <ErrorAlert error={error} title="The review was not started" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Start review
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
