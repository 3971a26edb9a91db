import { Button, Checkbox, Group, Modal, NumberInput, SimpleGrid, Stack, Switch, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useApi } from '../useApi';
import { ErrorAlert, Loaded } from './PageStatus';
import { EMPLOYMENT_LABEL, type EmploymentType, type PeopleSettings, peopleApi } from './PeopleApi';

interface PeopleSettingsModalProps {
  opened: boolean;
  canManage: boolean;
  onClose: () => void;
  onSaved: () => void;
}

/** What onboarding asks of each new person; owners and admins change it, everyone is judged again. */
export function PeopleSettingsModal({ opened, canManage, onClose, onSaved }: PeopleSettingsModalProps) {
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title="Onboarding requirements" centered size="lg">
      {opened && <SettingsLoader canManage={canManage} onBusy={setBusy} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

function SettingsLoader(props: {
  canManage: boolean;
  onBusy: (busy: boolean) => void;
  onClose: () => void;
  onSaved: () => void;
}) {
  const settings = useApi(() => peopleApi.settings());
  return <Loaded state={settings}>{(loaded) => <SettingsForm initial={loaded} {...props} />}</Loaded>;
}

type Draft = Omit<PeopleSettings, 'trainingGraceDays' | 'trainingValidityDays'> & {
  trainingGraceDays: number | string;
  trainingValidityDays: number | string;
};

function SettingsForm({
  initial,
  canManage,
  onBusy,
  onClose,
  onSaved,
}: {
  initial: PeopleSettings;
  canManage: boolean;
  onBusy: (busy: boolean) => void;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusyState] = useState(false);

  const whole = (v: number | string, min: number, max: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const bad = !whole(draft.trainingGraceDays, 0, 365)
      ? 'Days to finish training: a whole number from 0 to 365.'
      : !whole(draft.trainingValidityDays, 30, 3650)
        ? 'How long training lasts: a whole number of days from 30 to 3650.'
        : null;
    setFieldError(bad);
    if (bad) return;
    setError(null);
    setBusyState(true);
    onBusy(true);
    try {
      await peopleApi.saveSettings({
        ...draft,
        trainingGraceDays: Number(draft.trainingGraceDays),
        trainingValidityDays: Number(draft.trainingValidityDays),
      });
      onSaved();
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
        <Text size="sm" c="dimmed">
          Each person’s onboarding checklist follows these settings. A change applies to everyone in the register at
          once.{canManage ? '' : ' Owners and admins can change them.'}
        </Text>
        <Title order={3} size="h5">
          Background checks before the start date
        </Title>
        <Group>
          {(Object.keys(EMPLOYMENT_LABEL) as EmploymentType[]).map((type) => (
            <Checkbox
              key={type}
              label={`${EMPLOYMENT_LABEL[type]}s`}
              checked={draft.backgroundCheck[type]}
              disabled={!canManage}
              onChange={(e) => {
                const checked = e.currentTarget.checked;
                setDraft((d) => ({ ...d, backgroundCheck: { ...d.backgroundCheck, [type]: checked } }));
              }}
            />
          ))}
        </Group>
        <Switch
          label="A signed confidentiality agreement before the start date"
          checked={draft.agreement}
          disabled={!canManage}
          onChange={(e) => {
            const checked = e.currentTarget.checked;
            setDraft((d) => ({ ...d, agreement: checked }));
          }}
        />
        <Switch
          label="Security awareness training"
          checked={draft.training}
          disabled={!canManage}
          onChange={(e) => {
            const checked = e.currentTarget.checked;
            setDraft((d) => ({ ...d, training: checked }));
          }}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput
            label="Days to finish training after the start date"
            min={0}
            max={365}
            allowDecimal={false}
            value={draft.trainingGraceDays}
            disabled={!canManage}
            onChange={(v) => setDraft((d) => ({ ...d, trainingGraceDays: v }))}
          />
          <NumberInput
            label="A completion lasts (days)"
            min={30}
            max={3650}
            allowDecimal={false}
            value={draft.trainingValidityDays}
            disabled={!canManage}
            onChange={(v) => setDraft((d) => ({ ...d, trainingValidityDays: v }))}
          />
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          Policy acceptance and MFA on every account are always part of the checklist.
        </Text>
        {fieldError && (
          <Text size="sm" c="red" role="alert">
            {fieldError}
          </Text>
        )}
        {error !== null && <ErrorAlert error={error} title="Not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            {canManage ? 'Cancel' : 'Close'}
          </Button>
          {canManage && (
            <Button type="submit" loading={busy}>
              Save
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
