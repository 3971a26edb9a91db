import { Alert, Button, Group, Modal, NumberInput, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { IconClockHour4 } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useApi } from '../useApi';
import { type AccessRequest, accessApi } from './AccessApi';
import { ErrorAlert } from './PageStatus';

interface AccessRequestModalProps {
  opened: boolean;
  onClose: () => void;
  onCreated: (request: AccessRequest) => void;
}

/** Asks for access to a system: what level, why, and for how many days. */
export function AccessRequestModal({ opened, onClose, onCreated }: AccessRequestModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title="Request access" centered size="lg">
      {opened && <RequestForm onClose={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

interface Errors {
  systemId?: string;
  justification?: string;
  durationDays?: string;
}

function RequestForm({ onClose, onCreated }: Omit<AccessRequestModalProps, 'opened'>) {
  const systems = useApi(() => accessApi.systems({ limit: 200 }));
  const [systemId, setSystemId] = useState<string | null>(null);
  const [level, setLevel] = useState('');
  const [justification, setJustification] = useState('');
  const [days, setDays] = useState<number | string>(7);
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const system = systems.data?.items.find((s) => s.id === systemId);
  const max = system?.maxAccessDays ?? 3650;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Errors = {};
    const duration = Number(days);
    if (!systemId) found.systemId = 'Choose the system you need access to.';
    if (justification.trim().length < 10) found.justification = 'Explain why you need it (at least 10 characters).';
    if (!Number.isInteger(duration) || duration < 1 || duration > max) {
      found.durationDays = `Between 1 and ${max} days.`;
    }
    setErrors(found);
    if (!systemId || Object.keys(found).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const created = await accessApi.createRequest({
        systemId,
        accessLevel: level.trim(),
        justification: justification.trim(),
        durationDays: duration,
      });
      onCreated(created);
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
        <Select
          label="System"
          placeholder={systems.data ? 'Search systems' : 'Loading systems…'}
          data={(systems.data?.items ?? []).map((s) => ({
            value: s.id,
            label: s.production ? `${s.name} (production)` : s.name,
          }))}
          value={systemId}
          onChange={(v) => {
            setSystemId(v);
            const chosen = systems.data?.items.find((s) => s.id === v);
            if (chosen && Number(days) > chosen.maxAccessDays) setDays(chosen.maxAccessDays);
          }}
          searchable
          required
          nothingFoundMessage="No system by that name. Owners and admins add systems to the catalogue."
          error={errors.systemId}
          data-autofocus
        />
        <TextInput
          label="Access level"
          description="What you need, e.g. “read-only”, “admin”, “billing reports”"
          maxLength={200}
          value={level}
          onChange={(e) => setLevel(e.currentTarget.value)}
        />
        <Textarea
          label="Business justification"
          description="Why you need it and for what work; the person deciding reads this"
          required
          autosize
          minRows={3}
          maxLength={5000}
          value={justification}
          onChange={(e) => setJustification(e.currentTarget.value)}
          error={errors.justification}
        />
        <NumberInput
          label="For how many days"
          description={system ? `${system.name} grants at most ${max} days` : 'Choose a system to see its limit'}
          required
          min={1}
          max={max}
          allowDecimal={false}
          value={days}
          onChange={setDays}
          error={errors.durationDays}
        />
        <Alert color="blue" variant="light" icon={<IconClockHour4 size={18} />}>
          All access is time-limited. Once approved, it ends automatically after the days you ask for, and the system’s
          owner is told to remove it. Ask again before then if you still need it.
        </Alert>
        {systems.error !== null && <ErrorAlert error={systems.error} title="Systems could not be loaded" />}
        {error !== null && <ErrorAlert error={error} title="The request was not sent" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Send request
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
