// Disaster recovery exercises on the Continuity page: the table and one exercise in a drawer.
import {
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Drawer,
  EmptyState,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconLifebuoy } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { errorMessage } from '../api';
import { continuityApi, EXERCISE_KIND_LABEL, type Exercise, hoursText, OUTCOME_LABEL } from '../api/continuity';
import { formatDate } from '../format';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';
import { ConfirmModal } from './ConfirmModal';
import { CompleteForm, ExerciseModal } from './ContinuityExerciseForms';
import type { ListState } from './ContinuityObjectives';
import { Loaded } from './PageStatus';

export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

export function OutcomeBadge({ exercise: e }: { exercise: Exercise }) {
  if (e.status === 'planned' || !e.outcome) {
    return (
      <Badge color="gray" variant="light">
        Planned
      </Badge>
    );
  }
  return (
    <Badge color={OUTCOME_LABEL[e.outcome].color} variant="light">
      {OUTCOME_LABEL[e.outcome].label}
    </Badge>
  );
}

export function ContinuityExercises({
  state,
  manager,
  readsReports,
  onPlan,
  onChanged,
}: {
  state: ListState<Exercise>;
  manager: boolean;
  readsReports: boolean;
  onPlan: () => void;
  onChanged: () => void;
}) {
  const viewing = useModalTarget<string>();
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="sm">
        Disaster recovery exercises
      </Title>
      <Loaded state={state}>
        {({ items }) =>
          items.length === 0 ? (
            <EmptyState icon={<IconLifebuoy size={28} />} title="No exercise yet">
              <Text size="sm" c="dimmed">
                {manager
                  ? 'Plan a tabletop exercise: walk through losing your main region or a key vendor, and note what you learn.'
                  : 'Owners and admins plan and record exercises here.'}
              </Text>
              {manager && (
                <EmptyState.Actions>
                  <Button variant="light" onClick={onPlan}>
                    Plan an exercise
                  </Button>
                </EmptyState.Actions>
              )}
            </EmptyState>
          ) : (
            <Table.ScrollContainer minWidth={720}>
              <Table verticalSpacing="sm" highlightOnHover aria-label="Exercises">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Exercise</Table.Th>
                    <Table.Th>Held on</Table.Th>
                    <Table.Th>Outcome</Table.Th>
                    <Table.Th>Systems</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((e) => (
                    <Table.Tr key={e.id}>
                      <Table.Td>
                        <Anchor component="button" type="button" fw={500} onClick={() => viewing.open(e.id)}>
                          {e.title}
                        </Anchor>
                        <Text size="xs" c="dimmed">
                          {EXERCISE_KIND_LABEL[e.kind]}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatDate(e.exercisedOn)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <OutcomeBadge exercise={e} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{e.systems.map((s) => s.name).join(', ') || '—'}</Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </Loaded>
      <Drawer
        opened={viewing.opened}
        onClose={viewing.close}
        onExitTransitionEnd={viewing.onExited}
        position="right"
        size="xl"
        title="Exercise"
      >
        {viewing.target && (
          <ExerciseDetail
            exerciseId={viewing.target}
            manager={manager}
            readsReports={readsReports}
            onChanged={onChanged}
            onGone={viewing.close}
          />
        )}
      </Drawer>
    </Card>
  );
}

function ExerciseDetail({
  exerciseId,
  manager,
  readsReports,
  onChanged,
  onGone,
}: {
  exerciseId: string;
  manager: boolean;
  readsReports: boolean;
  onChanged: () => void;
  onGone: () => void;
}) {
  const exercise = useApi(() => continuityApi.get(exerciseId), exerciseId);
  const systems = useApi(async () => (manager ? (await continuityApi.systems()).items : []), String(manager));
  const [editing, setEditing] = useState(false);
  const [completing, setCompleting] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const changed = (next?: Exercise) => {
    if (next) exercise.setData(next);
    else void exercise.reload();
    onChanged();
  };

  const toggle = async (e: Exercise, actionId: string, done: boolean) => {
    try {
      const next = await continuityApi.update(e.id, {
        actions: e.actions.map((a) => ({ ...a, done: a.id === actionId ? done : a.done })),
      });
      changed(next);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Not saved', message: errorMessage(err) });
    }
  };

  return (
    <Loaded state={exercise}>
      {(e) => (
        <Stack>
          <div>
            <Title order={3}>{e.title}</Title>
            <Group gap="xs" mt={4}>
              <Text size="sm" c="dimmed">
                {EXERCISE_KIND_LABEL[e.kind]} · {formatDate(e.exercisedOn)}
              </Text>
              <OutcomeBadge exercise={e} />
            </Group>
          </div>
          {manager && e.status === 'planned' && (
            <Group>
              <Button onClick={() => setCompleting(true)}>Record as complete</Button>
              <Button variant="default" onClick={() => setEditing(true)}>
                Edit
              </Button>
              <Button variant="subtle" color="red" onClick={() => setDeleting(true)}>
                Delete
              </Button>
            </Group>
          )}
          {readsReports && e.reports.pdf && (
            <Group gap="xs">
              <Button
                component="a"
                href={continuityApi.reportUrl(e.id, 'pdf')}
                size="xs"
                variant="light"
                leftSection={<IconDownload size={14} />}
              >
                Report (PDF)
              </Button>
              {e.reports.markdown && (
                <Button
                  component="a"
                  href={continuityApi.reportUrl(e.id, 'md')}
                  size="xs"
                  variant="subtle"
                  leftSection={<IconDownload size={14} />}
                >
                  Markdown
                </Button>
              )}
            </Group>
          )}
          <Fact label="Scenario">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {e.scenario || '—'}
            </Text>
          </Fact>
          <Fact label="Participants">{e.participants.join(', ') || '—'}</Fact>
          {e.systems.length > 0 && (
            <Table aria-label="Systems covered">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>System</Table.Th>
                  <Table.Th>Recovered in / RTO</Table.Th>
                  <Table.Th>Data lost / RPO</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {e.systems.map((s) => (
                  <Table.Tr key={s.systemId}>
                    <Table.Td>{s.name}</Table.Td>
                    <Table.Td c={s.rtoMet === false ? 'red' : undefined}>
                      {hoursText(s.recoveryHours)} / {hoursText(s.rtoHours)}
                    </Table.Td>
                    <Table.Td c={s.rpoMet === false ? 'red' : undefined}>
                      {hoursText(s.dataLossHours)} / {hoursText(s.rpoHours)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Fact label="Lessons learned">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {e.lessons || '—'}
            </Text>
          </Fact>
          <Fact label="Follow-up actions">
            {e.actions.length === 0 ? (
              '—'
            ) : (
              <Stack gap={4} mt={4}>
                {e.actions.map((a) => (
                  <Checkbox
                    key={a.id}
                    label={`${a.title}${a.owner ? ` (${a.owner})` : ''}${a.dueOn ? `, due ${formatDate(a.dueOn)}` : ''}`}
                    checked={a.done}
                    disabled={!manager}
                    onChange={(ev) => void toggle(e, a.id, ev.currentTarget.checked)}
                  />
                ))}
              </Stack>
            )}
          </Fact>
          <ExerciseModal
            exercise={e}
            opened={editing}
            onClose={() => setEditing(false)}
            systems={systems.data ?? []}
            onSaved={(next) => changed(next)}
          />
          <Modal
            opened={completing}
            onClose={() => setCompleting(false)}
            title={`Record “${e.title}” as complete`}
            centered
            size="lg"
          >
            {completing && (
              <CompleteForm exercise={e} onClose={() => setCompleting(false)} onSaved={(next) => changed(next)} />
            )}
          </Modal>
          <ConfirmModal
            opened={deleting}
            onClose={() => setDeleting(false)}
            title="Delete this planned exercise?"
            confirmLabel="Delete"
            onConfirm={async () => {
              await continuityApi.remove(e.id);
              onChanged();
              onGone();
            }}
          >
            “{e.title}” is removed. Completed exercises stay on record.
          </ConfirmModal>
        </Stack>
      )}
    </Loaded>
  );
}
