import {
  Badge,
  Button,
  Card,
  Group,
  MultiSelect,
  NumberInput,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { formatDate, formatDateTime } from '../format';
import { useApi } from '../useApi';
import { ErrorAlert, Loaded } from './PageStatus';
import { type ReviewSchedule, reviewApi } from './ReviewApi';

/** The quarterly schedule: read by owners, admins and auditors; set by owners and admins. */
export function ReviewScheduleCard({ canEdit }: { canEdit: boolean }) {
  const state = useApi(() => reviewApi.schedule());
  const [editing, setEditing] = useState(false);

  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          Quarterly schedule
        </Title>
        {canEdit && !editing && (
          <Button size="xs" variant="light" onClick={() => setEditing(true)}>
            {state.data?.schedule ? 'Change schedule' : 'Set a schedule'}
          </Button>
        )}
      </Group>
      <Loaded state={state}>
        {({ schedule }) =>
          editing ? (
            <ScheduleForm
              schedule={schedule}
              onCancel={() => setEditing(false)}
              onSaved={(saved) => {
                state.setData({ schedule: saved });
                setEditing(false);
                notifications.show({ color: 'teal', message: 'Schedule saved.' });
              }}
            />
          ) : (
            <ScheduleSummary schedule={schedule} />
          )
        }
      </Loaded>
    </Card>
  );
}

function ScheduleSummary({ schedule }: { schedule: ReviewSchedule | null }) {
  if (!schedule) {
    return (
      <Text size="sm" c="dimmed">
        No schedule yet. With one, Attest starts a review of the chosen systems every three months by itself.
      </Text>
    );
  }
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Badge color={schedule.enabled ? 'teal' : 'gray'} variant="light">
          {schedule.enabled ? 'On' : 'Paused'}
        </Badge>
        <Text size="sm">
          {schedule.enabled ? `Next review starts ${formatDate(schedule.nextStartOn)}` : 'No review will start'}, with{' '}
          {schedule.dueDays} days to decide.
        </Text>
      </Group>
      <Text size="sm">
        Systems:{' '}
        {schedule.systems.length === 0
          ? 'none'
          : schedule.systems.map((s) => `${s.name}${s.archived ? ' (archived, skipped)' : ''}`).join(', ')}
      </Text>
      {schedule.updatedBy && (
        <Text size="xs" c="dimmed">
          Last changed {formatDateTime(schedule.updatedAt)} by {schedule.updatedBy.email}
        </Text>
      )}
    </Stack>
  );
}

const todayInput = () => new Date().toISOString().slice(0, 10);

function ScheduleForm({
  schedule,
  onCancel,
  onSaved,
}: {
  schedule: ReviewSchedule | null;
  onCancel: () => void;
  onSaved: (schedule: ReviewSchedule) => void;
}) {
  const systems = useApi(() => reviewApi.systems());
  const [enabled, setEnabled] = useState(schedule?.enabled ?? true);
  const [systemIds, setSystemIds] = useState<string[]>(
    schedule?.systems.filter((s) => !s.archived).map((s) => s.id) ?? [],
  );
  const [dueDays, setDueDays] = useState<number | string>(schedule?.dueDays ?? 14);
  const [nextStartOn, setNextStartOn] = useState(
    schedule && schedule.nextStartOn >= todayInput() ? schedule.nextStartOn : todayInput(),
  );
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { schedule: saved } = await reviewApi.saveSchedule({
        enabled,
        systemIds,
        dueDays: Number(dueDays),
        nextStartOn,
      });
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Switch
          label="Start a review every three months"
          checked={enabled}
          onChange={(e) => setEnabled(e.currentTarget.checked)}
        />
        <MultiSelect
          label="Systems"
          placeholder={systems.data ? 'Choose systems' : 'Loading systems…'}
          data={(systems.data?.items ?? []).map((s) => ({
            value: s.id,
            label: `${s.name}${s.source ? '' : ' · no source yet'}`,
          }))}
          value={systemIds}
          onChange={setSystemIds}
          searchable
        />
        <Group grow align="flex-start">
          <TextInput
            label="Next start"
            type="date"
            min={todayInput()}
            value={nextStartOn}
            onChange={(e) => setNextStartOn(e.currentTarget.value)}
            required
          />
          <NumberInput
            label="Days to decide"
            min={1}
            max={90}
            allowDecimal={false}
            value={dueDays}
            onChange={setDueDays}
          />
        </Group>
        {systems.error !== null && <ErrorAlert error={systems.error} title="Systems could not be loaded" />}
        {error !== null && <ErrorAlert error={error} title="The schedule was not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Save schedule
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
