import { Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { continuityApi, type Exercise, hoursText, OUTCOME_LABEL, PLAN_STATUS_LABEL } from '../api/continuity';
import { ExerciseModal } from '../components/ContinuityExerciseForms';
import { ContinuityExercises, Fact } from '../components/ContinuityExercises';
import { ContinuityObjectives } from '../components/ContinuityObjectives';
import { Loaded } from '../components/PageStatus';
import { formatDate } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';

/**
 * `/continuity`: the BC/DR plan (a policy) and its state, recovery objectives per system, and
 * disaster recovery exercises with their reports. Everyone reads; owners and admins change.
 */
export function ContinuityPage() {
  const { me } = useSession();
  const manager = isManager(me);
  const readsReports = manager || me.role === 'auditor';
  const overview = useApi(() => continuityApi.overview());
  const systems = useApi(() => continuityApi.systems());
  const exercises = useApi(() => continuityApi.exercises());
  const planning = useModalTarget<Exercise | null>();
  const reload = () => {
    void overview.reload();
    void systems.reload();
    void exercises.reload();
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Business continuity
        </Title>
        {manager && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => planning.open(null)}>
            Plan an exercise
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        The continuity and recovery plan is a policy. Each system gets its recovery objectives, and exercises check that
        the plan works: a tabletop at least once a year, restore and failover tests where you can. A completed
        exercise’s report is kept as evidence.
      </Text>
      <Loaded state={overview}>{(o) => <PlanCard overview={o} />}</Loaded>
      <ContinuityObjectives state={systems} manager={manager} onChanged={reload} />
      <ContinuityExercises
        state={exercises}
        manager={manager}
        readsReports={readsReports}
        onPlan={() => planning.open(null)}
        onChanged={reload}
      />
      <ExerciseModal
        exercise={planning.target ?? null}
        opened={planning.opened}
        onClose={planning.close}
        onExited={planning.onExited}
        systems={systems.data?.items ?? []}
        onSaved={reload}
      />
    </Stack>
  );
}

function PlanCard({ overview: o }: { overview: Awaited<ReturnType<typeof continuityApi.overview>> }) {
  const plan = o.plan;
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="sm">
        The plan
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
        <Fact label="BC/DR plan">
          {plan ? (
            <Stack gap={2}>
              <Anchor component={Link} to={`/policies/${plan.policyId}`}>
                {plan.title}
              </Anchor>
              <Group gap={6}>
                <Badge color={PLAN_STATUS_LABEL[plan.status]?.color ?? 'gray'} variant="light">
                  {PLAN_STATUS_LABEL[plan.status]?.label ?? plan.status}
                </Badge>
                {plan.publishedVersion !== null && (
                  <Text size="xs" c="dimmed">
                    v{plan.publishedVersion} published {formatDate(plan.publishedAt)}
                  </Text>
                )}
              </Group>
            </Stack>
          ) : (
            'No business continuity policy'
          )}
        </Fact>
        <Fact label="Plan objectives">
          {plan ? `RTO ${hoursText(plan.rtoHours)} · RPO ${hoursText(plan.rpoHours)}` : '—'}
        </Fact>
        <Fact label="Systems with objectives">
          {o.systems.withObjectives} of {o.systems.total}
        </Fact>
        <Fact label="Last exercise">
          {o.lastExercise ? (
            <Stack gap={2}>
              <span>
                {o.lastExercise.title}, {formatDate(o.lastExercise.exercisedOn)}
              </span>
              <Group gap={6}>
                <Badge color={OUTCOME_LABEL[o.lastExercise.outcome].color} variant="light">
                  {OUTCOME_LABEL[o.lastExercise.outcome].label}
                </Badge>
                {o.nextExerciseDue && (
                  <Text size="xs" c="dimmed">
                    next by {formatDate(o.nextExerciseDue)}
                  </Text>
                )}
              </Group>
              {o.openActions > 0 && (
                <Text size="xs" c="orange">
                  {o.openActions} follow-up action{o.openActions === 1 ? '' : 's'} open
                </Text>
              )}
            </Stack>
          ) : (
            'None recorded yet'
          )}
        </Fact>
      </SimpleGrid>
    </Card>
  );
}
