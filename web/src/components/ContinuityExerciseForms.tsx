// The forms of a disaster recovery exercise: plan or edit it, and record it as complete.
import {
  ActionIcon,
  Button,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { fieldErrors } from '../api/assessments';
import {
  continuityApi,
  EXERCISE_KIND_LABEL,
  EXERCISE_KINDS,
  type Exercise,
  type ExerciseFields,
  type ExerciseKind,
  hoursText,
  OUTCOME_LABEL,
  OUTCOMES,
  type Outcome,
  type SystemObjectives,
} from '../api/continuity';
import { asNumber } from './ContinuityObjectives';
import { ErrorAlert } from './PageStatus';

interface ExerciseModalProps {
  exercise: Exercise | null;
  opened: boolean;
  onClose: () => void;
  onExited?: () => void;
  systems: SystemObjectives[];
  onSaved: (exercise?: Exercise) => void;
}

export function ExerciseModal({ exercise, opened, onClose, onExited, systems, onSaved }: ExerciseModalProps) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      onExitTransitionEnd={onExited}
      title={exercise ? `Edit ${exercise.title}` : 'Plan an exercise'}
      centered
      size="lg"
    >
      {opened && <ExerciseForm exercise={exercise} systems={systems} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

interface ActionRow {
  id?: string;
  title: string;
  owner: string;
  dueOn: string;
  done: boolean;
}

function ExerciseForm({ exercise: e, systems, onClose, onSaved }: Omit<ExerciseModalProps, 'opened' | 'onExited'>) {
  const [title, setTitle] = useState(e?.title ?? '');
  const [kind, setKind] = useState<ExerciseKind>(e?.kind ?? 'tabletop');
  const [exercisedOn, setExercisedOn] = useState(e?.exercisedOn ?? '');
  const [scenario, setScenario] = useState(e?.scenario ?? '');
  const [participants, setParticipants] = useState<string[]>(e?.participants ?? []);
  const [systemIds, setSystemIds] = useState<string[]>(e?.systems.map((s) => s.systemId) ?? []);
  const [actions, setActions] = useState<ActionRow[]>(
    e?.actions.map((a) => ({ id: a.id, title: a.title, owner: a.owner ?? '', dueOn: a.dueOn ?? '', done: a.done })) ??
      [],
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!title.trim()) found.title = 'Give the exercise a title.';
    if (!exercisedOn) found.exercisedOn = 'The day it is (or was) held.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const kept = new Map(e?.systems.map((s) => [s.systemId, s]) ?? []);
    const body: ExerciseFields = {
      title: title.trim(),
      kind,
      exercisedOn,
      scenario: scenario.trim(),
      participants,
      systems: systemIds.map((systemId) => ({
        systemId,
        recoveryHours: kept.get(systemId)?.recoveryHours ?? null,
        dataLossHours: kept.get(systemId)?.dataLossHours ?? null,
      })),
      lessons: e?.lessons ?? '',
      actions: actions
        .filter((a) => a.title.trim())
        .map((a) => ({
          id: a.id,
          title: a.title.trim(),
          owner: a.owner.trim() || null,
          dueOn: a.dueOn || null,
          done: a.done,
        })),
    };
    setBusy(true);
    setError(null);
    try {
      const saved = e ? await continuityApi.update(e.id, body) : await continuityApi.create(body);
      notifications.show({ color: 'teal', message: e ? 'Exercise saved.' : `Planned “${saved.title}”.` });
      onSaved(saved);
      onClose();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const setAction = (i: number, patch: Partial<ActionRow>) =>
    setActions((old) => old.map((a, n) => (n === i ? { ...a, ...patch } : a)));

  return (
    <form onSubmit={(ev) => void submit(ev)} noValidate>
      <Stack>
        <TextInput
          label="Title"
          required
          maxLength={200}
          placeholder="Tabletop: loss of the primary region"
          value={title}
          onChange={(ev) => setTitle(ev.currentTarget.value)}
          error={errors.title}
          data-autofocus
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Kind"
            data={EXERCISE_KINDS.map((k) => ({ value: k, label: EXERCISE_KIND_LABEL[k] }))}
            value={kind}
            onChange={(v) => setKind((v as ExerciseKind | null) ?? 'tabletop')}
            allowDeselect={false}
          />
          <TextInput
            label="Held on"
            type="date"
            required
            value={exercisedOn}
            onChange={(ev) => setExercisedOn(ev.currentTarget.value)}
            error={errors.exercisedOn}
          />
        </SimpleGrid>
        <Textarea
          label="Scenario"
          description="What goes wrong, and what the team must do"
          autosize
          minRows={3}
          maxLength={10000}
          value={scenario}
          onChange={(ev) => setScenario(ev.currentTarget.value)}
          error={errors.scenario}
        />
        <TagsInput
          label="Participants"
          description="Press Enter after each name"
          value={participants}
          onChange={setParticipants}
          maxTags={100}
          error={errors.participants}
        />
        <MultiSelect
          label="Systems covered"
          placeholder={systems.length === 0 ? 'No systems in the catalogue' : 'Choose systems'}
          data={systems.map((s) => ({ value: s.id, label: s.name }))}
          value={systemIds}
          onChange={setSystemIds}
          searchable
          error={errors.systems}
        />
        <Stack gap="xs">
          <Text size="sm" fw={500}>
            Follow-up actions
          </Text>
          {actions.map((a, i) => (
            <Group key={a.id ?? `new-${i}`} align="flex-end" wrap="nowrap">
              <TextInput
                label={i === 0 ? 'Action' : undefined}
                aria-label={`Action ${i + 1}`}
                value={a.title}
                maxLength={300}
                onChange={(ev) => setAction(i, { title: ev.currentTarget.value })}
                flex={2}
              />
              <TextInput
                label={i === 0 ? 'Owner' : undefined}
                aria-label={`Owner of action ${i + 1}`}
                value={a.owner}
                maxLength={200}
                onChange={(ev) => setAction(i, { owner: ev.currentTarget.value })}
                flex={1}
              />
              <TextInput
                label={i === 0 ? 'Due' : undefined}
                aria-label={`Due date of action ${i + 1}`}
                type="date"
                value={a.dueOn}
                onChange={(ev) => setAction(i, { dueOn: ev.currentTarget.value })}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={`Remove action ${i + 1}`}
                onClick={() => setActions((old) => old.filter((_, n) => n !== i))}
                mb={4}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          <Group>
            <Button
              variant="subtle"
              size="xs"
              leftSection={<IconPlus size={14} />}
              onClick={() => setActions((old) => [...old, { title: '', owner: '', dueOn: '', done: false }])}
            >
              Add an action
            </Button>
          </Group>
        </Stack>
        {error !== null && <ErrorAlert error={error} title="Not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            {e ? 'Save' : 'Plan'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function CompleteForm({
  exercise: e,
  onClose,
  onSaved,
}: {
  exercise: Exercise;
  onClose: () => void;
  onSaved: (next: Exercise) => void;
}) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [results, setResults] = useState(
    e.systems.map((s) => ({
      systemId: s.systemId,
      name: s.name,
      rto: s.rtoHours,
      rpo: s.rpoHours,
      recovery: (s.recoveryHours ?? '') as number | string,
      loss: (s.dataLossHours ?? '') as number | string,
    })),
  );
  const [lessons, setLessons] = useState(e.lessons);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!outcome) {
      setErrors({ outcome: 'How did it go?' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = await continuityApi.complete(e.id, {
        outcome,
        lessons: lessons.trim(),
        systems: results.map((r) => ({
          systemId: r.systemId,
          recoveryHours: asNumber(r.recovery),
          dataLossHours: asNumber(r.loss),
        })),
      });
      notifications.show({
        color: 'teal',
        message: 'Recorded as complete; the report is stored as evidence of BCP-03.',
      });
      onSaved(next);
      onClose();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(ev) => void submit(ev)} noValidate>
      <Stack>
        <Select
          label="Outcome"
          required
          placeholder="Choose"
          data={OUTCOMES.map((o) => ({ value: o, label: OUTCOME_LABEL[o].label }))}
          value={outcome}
          onChange={(v) => setOutcome(v as Outcome | null)}
          error={errors.outcome}
          data-autofocus
        />
        {results.map((r, i) => (
          <SimpleGrid key={r.systemId} cols={2}>
            <NumberInput
              label={`${r.name}: recovered in (hours)`}
              description={`Objective ${hoursText(r.rto)}`}
              min={0}
              max={8760}
              decimalScale={2}
              value={r.recovery}
              onChange={(v) => setResults((old) => old.map((x, n) => (n === i ? { ...x, recovery: v } : x)))}
              error={i === 0 ? errors.systems : undefined}
            />
            <NumberInput
              label={`${r.name}: data lost (hours)`}
              description={`Objective ${hoursText(r.rpo)}`}
              min={0}
              max={8760}
              decimalScale={2}
              value={r.loss}
              onChange={(v) => setResults((old) => old.map((x, n) => (n === i ? { ...x, loss: v } : x)))}
            />
          </SimpleGrid>
        ))}
        <Textarea
          label="Lessons learned"
          description="Required unless it passed cleanly (or follow-up actions are listed)"
          autosize
          minRows={3}
          maxLength={10000}
          value={lessons}
          onChange={(ev) => setLessons(ev.currentTarget.value)}
          error={errors.lessons}
        />
        {error !== null && <ErrorAlert error={error} title="Not recorded" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Record as complete
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
