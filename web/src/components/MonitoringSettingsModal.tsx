import { Button, Group, Modal, NumberInput, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { capitalise } from '../format';
import { useApi } from '../useApi';
import { type MonitoringSettings, monitoringApi, SEVERITIES, type Severity } from './MonitoringApi';
import { ErrorAlert, Loaded } from './PageStatus';

interface SettingsModalProps {
  opened: boolean;
  canManage: boolean;
  onClose: () => void;
  onSaved: () => void;
}

/** Remediation deadlines by severity and the thresholds checks use; owners and admins change them. */
export function MonitoringSettingsModal({ opened, canManage, onClose, onSaved }: SettingsModalProps) {
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title="Deadlines and thresholds" centered size="lg">
      {opened && <SettingsForm canManage={canManage} onBusy={setBusy} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

type ThresholdKey = Exclude<keyof MonitoringSettings, 'slaDays'>;
type Draft = { slaDays: Record<Severity, number | string> } & Record<ThresholdKey, number | string>;

const THRESHOLDS: { key: ThresholdKey; label: string; unit: string; max: number }[] = [
  { key: 'departedAccountHours', label: 'Disable a leaver’s accounts within', unit: 'hours', max: 24 * 90 },
  { key: 'certificateExpiryDays', label: 'Certificates fail when expiring within', unit: 'days', max: 3650 },
  { key: 'unusedCredentialDays', label: 'A credential is unused after', unit: 'days', max: 3650 },
  { key: 'accessKeyMaxAgeDays', label: 'Rotate access keys older than', unit: 'days', max: 3650 },
  { key: 'scanMaxAgeDays', label: 'A scanner must report every', unit: 'days', max: 3650 },
];

function SettingsForm({
  canManage,
  onBusy,
  onClose,
  onSaved,
}: {
  canManage: boolean;
  onBusy: (busy: boolean) => void;
  onClose: () => void;
  onSaved: () => void;
}) {
  const settings = useApi(() => monitoringApi.settings());
  return (
    <Loaded state={settings}>
      {(loaded) => (
        <SettingsFields initial={loaded} canManage={canManage} onBusy={onBusy} onClose={onClose} onSaved={onSaved} />
      )}
    </Loaded>
  );
}

function SettingsFields({
  initial,
  canManage,
  onBusy,
  onClose,
  onSaved,
}: {
  initial: MonitoringSettings;
  canManage: boolean;
  onBusy: (busy: boolean) => void;
  onClose: () => void;
  onSaved: () => void;
}) {
  // A number input holds a string while it is being edited (empty, "1e"), so the draft allows both.
  const [values, setValues] = useState<Draft>(initial);
  const [error, setError] = useState<unknown>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [busy, setBusyState] = useState(false);

  const whole = (value: string | number, max: number) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const bad =
      SEVERITIES.some((s) => !whole(values.slaDays[s], 3650)) || THRESHOLDS.some((t) => !whole(values[t.key], t.max));
    setFieldError(bad ? 'Every value is a whole number, at least 1.' : null);
    if (bad) return;
    setError(null);
    setBusyState(true);
    onBusy(true);
    try {
      // Only the fields shown: the server refuses any it does not know.
      const body: Record<string, unknown> = { slaDays: values.slaDays };
      for (const t of THRESHOLDS) body[t.key] = values[t.key];
      await monitoringApi.updateSettings(body as Partial<MonitoringSettings>);
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
          A failing result must be fixed within its severity’s deadline: it is at risk until then and overdue after. A
          change applies to new failures; results already failing keep their deadline.
          {canManage ? '' : ' Owners and admins can change these.'}
        </Text>
        <Title order={3} size="h5">
          Days to fix, by severity
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 5 }}>
          {SEVERITIES.map((severity) => (
            <NumberInput
              key={severity}
              label={capitalise(severity)}
              suffix=" d"
              min={1}
              max={3650}
              allowDecimal={false}
              readOnly={!canManage}
              value={values.slaDays[severity]}
              onChange={(v) => setValues((prev) => ({ ...prev, slaDays: { ...prev.slaDays, [severity]: v } }))}
            />
          ))}
        </SimpleGrid>
        <Title order={3} size="h5">
          Thresholds the checks use
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {THRESHOLDS.map((t) => (
            <NumberInput
              key={t.key}
              label={t.label}
              suffix={` ${t.unit}`}
              min={1}
              max={t.max}
              allowDecimal={false}
              readOnly={!canManage}
              value={values[t.key]}
              onChange={(v) => setValues((prev) => ({ ...prev, [t.key]: v }))}
            />
          ))}
        </SimpleGrid>
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
