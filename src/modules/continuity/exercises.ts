/**
 * Disaster recovery exercises: planned with a day, kind, scenario, participants and the systems
 * they cover, then recorded as complete (complete.ts) with the outcome, what recovery achieved
 * against each system's objectives, lessons learned and follow-up actions. A completed exercise
 * is on record: only its follow-up actions change afterwards. Owners and admins manage them;
 * everyone reads them; every change is audited and moves the exercise's inventory record.
 */
import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { ExerciseAction, ExerciseSystem } from '../../db/schema/assessments.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { refreshContinuity } from './inventory.js';
import { type Exercise, type ExerciseChange, invalid, met, type NewExercise, type OrgActor } from './model.js';

export function exercisesQuery(tx: Tx) {
  return tx
    .selectFrom('dr_exercises as e')
    .leftJoin('users as u', 'u.id', 'e.completed_by')
    .select([
      'e.id',
      'e.title',
      'e.kind',
      'e.exercised_on',
      'e.scenario',
      'e.participants',
      'e.systems',
      'e.status',
      'e.outcome',
      'e.lessons',
      'e.actions',
      'e.completed_at',
      'e.completed_by',
      'u.email as completed_by_email',
      'u.name as completed_by_name',
      'e.report_pdf_id',
      'e.report_md_id',
      'e.created_at',
      'e.updated_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof exercisesQuery>['executeTakeFirstOrThrow']>>;

export function toExercise(r: Row): Exercise {
  return {
    id: r.id,
    title: r.title,
    kind: r.kind,
    exercisedOn: r.exercised_on,
    scenario: r.scenario,
    participants: r.participants,
    systems: r.systems.map((s) => ({
      ...s,
      rtoMet: met(s.recoveryHours, s.rtoHours),
      rpoMet: met(s.dataLossHours, s.rpoHours),
    })),
    status: r.status,
    outcome: r.outcome,
    lessons: r.lessons,
    actions: r.actions,
    completedAt: r.completed_at ? iso(r.completed_at) : null,
    completedBy: r.completed_by
      ? { id: r.completed_by, email: r.completed_by_email ?? '', name: r.completed_by_name ?? '' }
      : null,
    reports: { pdf: r.report_pdf_id, markdown: r.report_md_id },
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export async function getExercise(tx: Tx, id: string): Promise<Exercise> {
  const row = await exercisesQuery(tx).where('e.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This exercise');
  return toExercise(row);
}

/** Exercises, latest first. */
export async function listExercises(
  tx: Tx,
  filter: { status?: 'planned' | 'completed'; limit: number; offset: number },
): Promise<{ items: Exercise[]; total: number }> {
  let query = exercisesQuery(tx);
  if (filter.status) query = query.where('e.status', '=', filter.status);
  const total = Number(
    (
      await query
        .clearSelect()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const rows = await query
    .orderBy('e.exercised_on', 'desc')
    .orderBy('e.created_at', 'desc')
    .orderBy('e.id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return { items: rows.map(toExercise), total };
}

/**
 * The systems an exercise covers, with each one's objectives as they are now (what the exercise
 * is measured against) and what it achieved. Every system must be in the catalogue.
 */
export async function snapshotSystems(
  tx: Tx,
  input: { systemId: string; recoveryHours?: number | null; dataLossHours?: number | null }[],
): Promise<ExerciseSystem[]> {
  if (input.length === 0) return [];
  const ids = [...new Set(input.map((s) => s.systemId))];
  if (ids.length !== input.length) {
    const i = input.findIndex((s, n) => input.findIndex((t) => t.systemId === s.systemId) !== n);
    throw invalid(`body.systems.${i}.systemId`, 'listed twice', 'Each system can be listed once per exercise.');
  }
  const rows = await tx
    .selectFrom('systems')
    .select(['id', 'name', 'rto_hours', 'rpo_hours'])
    .where('id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return input.map((s, i) => {
    const system = byId.get(s.systemId);
    if (!system) {
      throw invalid(
        `body.systems.${i}.systemId`,
        'no such system',
        'That system is not in the catalogue. Add it under Systems first, or choose another.',
      );
    }
    return {
      systemId: system.id,
      name: system.name,
      rtoHours: system.rto_hours,
      rpoHours: system.rpo_hours,
      recoveryHours: s.recoveryHours ?? null,
      dataLossHours: s.dataLossHours ?? null,
    };
  });
}

/** Follow-up actions keep their ids; new ones get one. */
export function withIds(
  input: NonNullable<ExerciseChange['actions']>,
  before: ExerciseAction[] = [],
): ExerciseAction[] {
  const known = new Set(before.map((a) => a.id));
  return input.map((a) => ({
    id: a.id && known.has(a.id) ? a.id : newId(),
    title: a.title,
    owner: a.owner ?? null,
    dueOn: a.dueOn ?? null,
    done: a.done,
  }));
}

export async function createExercise(
  tx: Tx,
  actor: OrgActor,
  input: NewExercise,
  meta: RequestMeta,
  now: Date,
): Promise<Exercise> {
  const systems = await snapshotSystems(tx, input.systems ?? []);
  const id = newId();
  await tx
    .insertInto('dr_exercises')
    .values({
      id,
      org_id: actor.orgId,
      title: input.title,
      kind: input.kind,
      exercised_on: input.exercisedOn,
      scenario: input.scenario ?? '',
      participants: input.participants ?? [],
      systems: JSON.stringify(systems),
      status: 'planned',
      lessons: input.lessons ?? '',
      actions: JSON.stringify(withIds(input.actions ?? [])),
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'dr_exercise.created',
    targetType: 'dr_exercise',
    targetId: id,
    details: { title: input.title, kind: input.kind, exercisedOn: input.exercisedOn, systems: systems.length },
  });
  await refreshContinuity(tx, actor.orgId, now);
  return getExercise(tx, id);
}

/** The columns a change sets, and what the audit row says of it. */
export async function changeSet(tx: Tx, before: Exercise, input: ExerciseChange) {
  const set: Record<string, unknown> = {};
  const changed: Record<string, unknown> = {};
  const put = (column: string, field: string, value: unknown, shown: unknown = value) => {
    set[column] = value;
    changed[field] = shown;
  };
  if (input.title !== undefined && input.title !== before.title) put('title', 'title', input.title);
  if (input.kind !== undefined && input.kind !== before.kind) put('kind', 'kind', input.kind);
  if (input.exercisedOn !== undefined && input.exercisedOn !== before.exercisedOn)
    put('exercised_on', 'exercisedOn', input.exercisedOn);
  if (input.scenario !== undefined && input.scenario !== before.scenario)
    put('scenario', 'scenario', input.scenario, '(changed)');
  if (input.lessons !== undefined && input.lessons !== before.lessons)
    put('lessons', 'lessons', input.lessons, '(changed)');
  if (input.participants !== undefined && JSON.stringify(input.participants) !== JSON.stringify(before.participants))
    put('participants', 'participants', input.participants, input.participants.length);
  if (input.systems !== undefined) {
    const systems = await snapshotSystems(tx, input.systems);
    const { systems: old } = before;
    const same = JSON.stringify(systems) === JSON.stringify(old.map(({ rtoMet: _r, rpoMet: _p, ...s }) => s));
    if (!same)
      put(
        'systems',
        'systems',
        JSON.stringify(systems),
        systems.map((s) => s.name),
      );
  }
  if (input.actions !== undefined) {
    const actions = withIds(input.actions, before.actions);
    if (JSON.stringify(actions) !== JSON.stringify(before.actions)) {
      put('actions', 'actions', JSON.stringify(actions), {
        total: actions.length,
        done: actions.filter((a) => a.done).length,
      });
    }
  }
  return { set, changed };
}

export async function updateExercise(
  tx: Tx,
  actor: OrgActor,
  id: string,
  input: ExerciseChange,
  meta: RequestMeta,
  now: Date,
): Promise<Exercise> {
  const before = await getExercise(tx, id);
  if (before.status === 'completed') {
    const other = Object.keys(input).find((key) => key !== 'actions');
    if (other) {
      throw new AppError(
        'conflict',
        'This exercise is recorded as complete and its report is evidence: only its follow-up actions can change.',
      );
    }
  }
  const { set, changed } = await changeSet(tx, before, input);
  if (Object.keys(set).length === 0) return before;
  await tx
    .updateTable('dr_exercises')
    .set({ ...set, updated_at: now })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'dr_exercise.updated',
    targetType: 'dr_exercise',
    targetId: id,
    details: { title: (set.title as string | undefined) ?? before.title, changed },
  });
  await refreshContinuity(tx, actor.orgId, now);
  return getExercise(tx, id);
}

/** Only a planned exercise can be deleted: a completed one is on record. */
export async function deleteExercise(tx: Tx, actor: OrgActor, id: string, meta: RequestMeta, now: Date) {
  const before = await getExercise(tx, id);
  if (before.status === 'completed') {
    throw new AppError('conflict', 'This exercise is recorded as complete and its report is evidence: it stays.');
  }
  await tx.deleteFrom('dr_exercises').where('id', '=', id).execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'dr_exercise.deleted',
    targetType: 'dr_exercise',
    targetId: id,
    details: { title: before.title, kind: before.kind, exercisedOn: before.exercisedOn },
  });
  await refreshContinuity(tx, actor.orgId, now);
}
