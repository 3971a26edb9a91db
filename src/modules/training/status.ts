import { csvText } from '../../csv.js';
import type { Role } from '../../db/schema.js';
import type { Tx } from '../../db/tenancy.js';
import { type PersonStatus, statusOf } from '../people/register.js';
import { loadPeopleSettings, type PeopleSettings } from '../people/settings.js';
import { type ModuleRow, moduleColumns, requiredModules, type TrainingModule, toModule } from './modules.js';

/**
 * Where each member stands with each module. A pass counts for `trainingValidityDays` (a year
 * by default), so yearly re-training follows from it. Someone who never passed owes a module
 * `trainingGraceDays` after they started (the register's start date, else when they joined the
 * organisation in Attest) or after the module was added, whichever is later: a module added
 * today gives everyone the same time. Auditors take no training.
 */

/** done; due_soon: the pass expires within 30 days; overdue; not_started: never passed, not yet due. */
export type TrainingState = 'done' | 'due_soon' | 'overdue' | 'not_started';
export const TRAINING_STATES: readonly TrainingState[] = ['done', 'due_soon', 'overdue', 'not_started'];

export const DUE_SOON_DAYS = 30;
const DAY_MS = 86_400_000;

export interface Trainee {
  userId: string;
  email: string;
  name: string;
  role: Role;
  memberSince: Date;
  person: { id: string; name: string; startDate: string | null; status: PersonStatus } | null;
}

interface LastPass {
  attemptId: string;
  score: number;
  completedAt: Date;
  certificateId: string | null;
}

export interface ModuleState {
  moduleId: string;
  state: TrainingState;
  /** When it is owed (or the current pass expires); null for an optional module. */
  dueAt: string | null;
  lastPassedAt: string | null;
  score: number | null;
  /** The latest passed attempt, whose certificate can be downloaded. */
  attemptId: string | null;
  certificateId: string | null;
}

/** The members who take training: every non-auditor whose membership and account are current. */
export async function loadTrainees(tx: Tx, orgId: string, now: Date, userIds?: string[]): Promise<Trainee[]> {
  if (userIds?.length === 0) return [];
  let q = tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name', 'm.role', 'm.created_at'])
    .where('m.org_id', '=', orgId)
    .where('m.role', '!=', 'auditor')
    .where('u.disabled_at', 'is', null)
    .where((eb) => eb.or([eb('m.expires_at', 'is', null), eb('m.expires_at', '>', now)]));
  if (userIds) q = q.where('u.id', 'in', userIds);
  const members = await q.orderBy('u.name').orderBy('u.email').execute();
  if (members.length === 0) return [];
  const people = await tx
    .selectFrom('people')
    .select(['id', 'email', 'name', 'start_date', 'end_date'])
    .where(
      'email',
      'in',
      members.map((m) => m.email.toLowerCase()),
    )
    .execute();
  const byEmail = new Map(people.map((p) => [p.email, p]));
  return members.map((m) => {
    const p = byEmail.get(m.email.toLowerCase());
    return {
      userId: m.id,
      email: m.email,
      name: m.name,
      role: m.role,
      memberSince: m.created_at,
      person: p ? { id: p.id, name: p.name, startDate: p.start_date, status: statusOf(p, now) } : null,
    };
  });
}

/** The latest passed attempt per (user, module). */
async function lastPasses(tx: Tx, userIds: string[]): Promise<Map<string, LastPass>> {
  if (userIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('training_attempts')
    .distinctOn(['user_id', 'module_id'])
    .select(['id', 'user_id', 'module_id', 'score', 'completed_at', 'certificate_id'])
    .where('passed', '=', true)
    .where('user_id', 'in', userIds)
    .orderBy('user_id')
    .orderBy('module_id')
    .orderBy('completed_at', 'desc')
    .execute();
  return new Map(
    rows.map((r) => [
      `${r.user_id}:${r.module_id}`,
      { attemptId: r.id, score: r.score, completedAt: r.completed_at, certificateId: r.certificate_id },
    ]),
  );
}

const addDays = (d: Date, days: number) => new Date(d.getTime() + days * DAY_MS);

/** One member's state for one module (a pure function of the facts). */
export function stateOf(
  module: { id: string; required: boolean; created_at: Date },
  trainee: Pick<Trainee, 'memberSince' | 'person'>,
  last: LastPass | undefined,
  settings: Pick<PeopleSettings, 'trainingGraceDays' | 'trainingValidityDays'>,
  now: Date,
): ModuleState {
  const passed = {
    lastPassedAt: last?.completedAt.toISOString() ?? null,
    score: last?.score ?? null,
    attemptId: last?.attemptId ?? null,
    certificateId: last?.certificateId ?? null,
  };
  const expires = last ? addDays(last.completedAt, settings.trainingValidityDays) : null;
  if (!module.required) {
    const done = expires !== null && now < expires;
    return { moduleId: module.id, state: done ? 'done' : 'not_started', dueAt: null, ...passed };
  }
  let dueAt: Date;
  if (expires) dueAt = expires;
  else {
    const start = trainee.person?.startDate ? new Date(`${trainee.person.startDate}T00:00:00Z`) : trainee.memberSince;
    const from = start > module.created_at ? start : module.created_at;
    dueAt = addDays(from, settings.trainingGraceDays);
  }
  let state: TrainingState;
  if (now >= dueAt) state = 'overdue';
  else if (!last) state = 'not_started';
  else state = now >= addDays(dueAt, -DUE_SOON_DAYS) ? 'due_soon' : 'done';
  return { moduleId: module.id, state, dueAt: dueAt.toISOString(), ...passed };
}

/** Every trainee's state for each of the modules. */
export async function statesFor(
  tx: Tx,
  trainees: Trainee[],
  modules: ModuleRow[],
  settings: PeopleSettings,
  now: Date,
): Promise<Map<string, ModuleState[]>> {
  const passes = await lastPasses(
    tx,
    trainees.map((t) => t.userId),
  );
  return new Map(
    trainees.map((t) => [
      t.userId,
      modules.map((m) => stateOf(m, t, passes.get(`${t.userId}:${m.id}`), settings, now)),
    ]),
  );
}

export interface MyTraining {
  /** False for auditors, who take no training. */
  applies: boolean;
  /** Whether the organisation requires training at all (people settings). */
  required: boolean;
  validityDays: number;
  graceDays: number;
  items: (ModuleState & { module: TrainingModule })[];
}

/** The signed-in member's modules (required first, then optional), with their states. */
export async function myTraining(tx: Tx, orgId: string, userId: string, now: Date): Promise<MyTraining> {
  const settings = await loadPeopleSettings(tx);
  const base = {
    required: settings.training,
    validityDays: settings.trainingValidityDays,
    graceDays: settings.trainingGraceDays,
  };
  const [me] = await loadTrainees(tx, orgId, now, [userId]);
  if (!me) return { applies: false, ...base, items: [] };
  const modules = (await tx
    .selectFrom('training_modules')
    .select(moduleColumns)
    .where('retired_at', 'is', null)
    .orderBy('required', 'desc')
    .orderBy('builtin', 'desc')
    .orderBy('position')
    .orderBy('title')
    .execute()) as ModuleRow[];
  const states = (await statesFor(tx, [me], modules, settings, now)).get(me.userId) ?? [];
  return {
    applies: true,
    ...base,
    items: modules.map((m, i) => ({ module: toModule(m), ...(states[i] as ModuleState) })),
  };
}

export interface TrainingReportRow {
  user: { id: string; email: string; name: string; role: Role };
  person: Trainee['person'];
  modules: ModuleState[];
}

export interface TrainingReport {
  modules: { id: string; title: string; version: number; passMark: number }[];
  items: TrainingReportRow[];
  total: number;
  /** Member × module cells in each state, across all members (not only this page). */
  counts: Record<TrainingState, number>;
}

/** Every member × every required module, for owners, admins and auditors. */
export async function trainingReport(
  tx: Tx,
  orgId: string,
  now: Date,
  page: { limit?: number; offset?: number; state?: TrainingState } = {},
): Promise<TrainingReport> {
  const settings = await loadPeopleSettings(tx);
  const modules = await requiredModules(tx);
  const trainees = await loadTrainees(tx, orgId, now);
  const states = await statesFor(tx, trainees, modules, settings, now);
  const counts: Record<TrainingState, number> = { done: 0, due_soon: 0, overdue: 0, not_started: 0 };
  let rows: TrainingReportRow[] = trainees.map((t) => ({
    user: { id: t.userId, email: t.email, name: t.name, role: t.role },
    person: t.person,
    modules: states.get(t.userId) ?? [],
  }));
  for (const row of rows) for (const s of row.modules) counts[s.state]++;
  if (page.state) rows = rows.filter((r) => r.modules.some((s) => s.state === page.state));
  const offset = page.offset ?? 0;
  return {
    modules: modules.map((m) => ({ id: m.id, title: m.title, version: m.version, passMark: m.pass_mark })),
    items: page.limit === undefined ? rows.slice(offset) : rows.slice(offset, offset + page.limit),
    total: rows.length,
    counts,
  };
}

const csvCell = (value: unknown): string => csvText(value === null || value === undefined ? '' : String(value));

const CSV_HEADER = [
  'email',
  'name',
  'role',
  'in_register',
  'start_date',
  'module',
  'module_version',
  'state',
  'due',
  'last_passed',
  'score',
  'attempt_id',
];

/** The report as CSV: one line per member and required module. */
export function reportCsv(report: TrainingReport): string {
  const lines = [CSV_HEADER.join(',')];
  for (const row of report.items) {
    row.modules.forEach((s, i) => {
      const m = report.modules[i];
      lines.push(
        [
          row.user.email,
          row.person?.name ?? row.user.name,
          row.user.role,
          row.person ? 'yes' : 'no',
          row.person?.startDate ?? '',
          m?.title,
          m?.version,
          s.state,
          s.dueAt?.slice(0, 10) ?? '',
          s.lastPassedAt?.slice(0, 10) ?? '',
          s.score ?? '',
          s.attemptId ?? '',
        ]
          .map(csvCell)
          .join(','),
      );
    });
  }
  return `${lines.join('\r\n')}\r\n`;
}
