import type { RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { TrainingQuestion } from '../../db/schema.js';
import type { Tx } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { type AuditWho, recordAudit } from '../audit/service.js';
import { sameContent } from './content.js';

/**
 * Training modules of an organisation: the built-in course (builtin.ts copies it in) and the
 * organisation's own modules, which owners and admins add, edit (a new version) and retire.
 */

export const DEFAULT_PASS_MARK = 80;

export interface TrainingModule {
  id: string;
  slug: string;
  title: string;
  summary: string;
  builtin: boolean;
  required: boolean;
  passMark: number;
  version: number;
  questionCount: number;
  position: number;
  retiredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A question as a person taking the quiz sees it: never the answer. */
export interface QuizQuestion {
  id: string;
  text: string;
  choices: string[];
}

export interface TrainingModuleView extends TrainingModule {
  body: string;
  questions: QuizQuestion[];
}

/** The whole module with its answers: for owners, admins and auditors (the editor). */
export interface TrainingModuleSource extends TrainingModule {
  body: string;
  questions: TrainingQuestion[];
}

export interface ModuleInput {
  title?: string;
  summary?: string;
  body?: string;
  /** A question without an id gets one (q1, q2, …, by position). */
  questions?: { id?: string; text: string; choices: string[]; answer: number }[];
  passMark?: number;
  required?: boolean;
}

export const moduleColumns = [
  'id',
  'slug',
  'title',
  'summary',
  'body',
  'questions',
  'pass_mark',
  'builtin',
  'required',
  'position',
  'version',
  'retired_at',
  'created_at',
  'updated_at',
] as const;

export interface ModuleRow {
  id: string;
  slug: string;
  title: string;
  summary: string;
  body: string;
  questions: TrainingQuestion[];
  pass_mark: number;
  builtin: boolean;
  required: boolean;
  position: number;
  version: number;
  retired_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function toModule(row: ModuleRow): TrainingModule {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    summary: row.summary,
    builtin: row.builtin,
    required: row.required,
    passMark: row.pass_mark,
    version: row.version,
    questionCount: row.questions.length,
    position: row.position,
    retiredAt: row.retired_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export const toView = (row: ModuleRow): TrainingModuleView => ({
  ...toModule(row),
  body: row.body,
  questions: row.questions.map(({ id, text, choices }) => ({ id, text, choices })),
});

export const toSource = (row: ModuleRow): TrainingModuleSource => ({
  ...toModule(row),
  body: row.body,
  questions: row.questions.map(({ id, text, choices, answer }) => ({ id, text, choices, answer })),
});

/** Modules in page order; retired ones only when asked. */
export async function listModules(tx: Tx, options: { includeRetired?: boolean } = {}): Promise<TrainingModule[]> {
  let q = tx.selectFrom('training_modules').select(moduleColumns);
  if (!options.includeRetired) q = q.where('retired_at', 'is', null);
  const rows = (await q.orderBy('builtin', 'desc').orderBy('position').orderBy('title').execute()) as ModuleRow[];
  return rows.map(toModule);
}

export async function moduleRow(tx: Tx, id: string): Promise<ModuleRow> {
  const row = await tx.selectFrom('training_modules').select(moduleColumns).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This training module');
  return row as ModuleRow;
}

function invalid(path: string, message: string, detail: string): AppError {
  return new AppError('validation_failed', detail, { errors: [{ path, message }] });
}

/** Checks what zod cannot see alone: each answer names one of its choices, ids are unique. */
export function checkQuestions(questions: NonNullable<ModuleInput['questions']>): TrainingQuestion[] {
  const out = questions.map((q, i) => ({
    id: q.id?.trim() || `q${i + 1}`,
    text: q.text.trim(),
    choices: q.choices.map((c) => c.trim()),
    answer: q.answer,
  }));
  out.forEach((q, i) => {
    if (q.text === '') throw invalid(`questions.${i}.text`, 'required', `Question ${i + 1} has no text.`);
    q.choices.forEach((c, j) => {
      if (c === '') {
        throw invalid(`questions.${i}.choices.${j}`, 'required', `Choice ${j + 1} of question ${i + 1} is empty.`);
      }
    });
    if (new Set(q.choices).size !== q.choices.length) {
      throw invalid(`questions.${i}.choices`, 'duplicate', `Question ${i + 1} offers the same choice twice.`);
    }
    if (!Number.isInteger(q.answer) || q.answer < 0 || q.answer >= q.choices.length) {
      throw invalid(
        `questions.${i}.answer`,
        'not a choice',
        `The answer to question ${i + 1} must be the number of one of its ${q.choices.length} choices (0 to ${q.choices.length - 1}).`,
      );
    }
  });
  const ids = out.map((q) => q.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw invalid('questions', 'duplicate id', `Two questions have the id "${twice}"; give each its own.`);
  return out;
}

/** `own-<title as a slug>`, with -2, -3… when the organisation already has it. */
async function freeSlug(tx: Tx, title: string): Promise<string> {
  const base = `own-${
    title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50)
      .replace(/-+$/, '') || 'module'
  }`;
  const taken = new Set(
    (await tx.selectFrom('training_modules').select('slug').where('slug', 'like', `${base}%`).execute()).map(
      (r) => r.slug,
    ),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Adds one of the organisation's own modules (owners and admins). */
export async function createModule(
  tx: Tx,
  orgId: string,
  who: AuditWho,
  input: ModuleInput & { title: string; body: string; questions: NonNullable<ModuleInput['questions']> },
  meta: RequestMeta,
  now: Date,
): Promise<TrainingModuleSource> {
  const questions = checkQuestions(input.questions);
  const id = newId();
  const slug = await freeSlug(tx, input.title);
  const { max } = await tx
    .selectFrom('training_modules')
    .select((eb) => eb.fn.max('position').as('max'))
    .where('builtin', '=', false)
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('training_modules')
    .values({
      id,
      org_id: orgId,
      slug,
      title: input.title.trim(),
      summary: (input.summary ?? '').trim(),
      body: input.body.trim(),
      questions: JSON.stringify(questions),
      pass_mark: input.passMark ?? DEFAULT_PASS_MARK,
      builtin: false,
      required: input.required ?? true,
      position: Number(max ?? -1) + 1,
      created_by: who.userId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await recordAudit(tx, orgId, who, meta, now, {
    action: 'training.module_created',
    targetType: 'training_module',
    targetId: id,
    details: { slug, title: input.title.trim(), questions: questions.length, required: input.required ?? true },
  });
  return toSource(await moduleRow(tx, id));
}

/**
 * Changes a module. Its content (title, summary, lesson, questions, pass mark) makes a new
 * version, which later attempts and certificates name; whether it is required does not. The
 * built-in course's content follows the repository, so only `required` changes there.
 */
export async function updateModule(
  tx: Tx,
  orgId: string,
  who: AuditWho,
  id: string,
  input: ModuleInput & { expectedVersion?: number },
  meta: RequestMeta,
  now: Date,
): Promise<TrainingModuleSource> {
  const row = await moduleRow(tx, id);
  if (input.expectedVersion !== undefined && input.expectedVersion !== row.version) {
    throw new AppError(
      'conflict',
      `This module changed since you opened it (it is at version ${row.version}). Reload it and make your change again.`,
    );
  }
  const next = {
    title: input.title?.trim() ?? row.title,
    summary: input.summary?.trim() ?? row.summary,
    body: input.body?.trim() ?? row.body,
    questions: input.questions ? checkQuestions(input.questions) : row.questions,
    passMark: input.passMark ?? row.pass_mark,
  };
  const contentChanged = !sameContent(next, { ...row, passMark: row.pass_mark });
  if (contentChanged && row.builtin) {
    throw new AppError(
      'conflict',
      "The built-in course follows Attest's text, so its content cannot be edited. Retire this module and add your own instead, or only change whether it is required.",
    );
  }
  const requiredChanged = input.required !== undefined && input.required !== row.required;
  if (!contentChanged && !requiredChanged) return toSource(row);
  const version = contentChanged ? row.version + 1 : row.version;
  const updated = await tx
    .updateTable('training_modules')
    .set({
      title: next.title,
      summary: next.summary,
      body: next.body,
      questions: JSON.stringify(next.questions),
      pass_mark: next.passMark,
      required: input.required ?? row.required,
      version,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('version', '=', row.version)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) {
    throw new AppError('conflict', 'Someone changed this module at the same moment. Reload it and try again.');
  }
  const changed = [
    ...(['title', 'summary', 'body', 'questions'] as const).filter(
      (k) => JSON.stringify(next[k]) !== JSON.stringify(row[k]),
    ),
    ...(next.passMark !== row.pass_mark ? ['passMark'] : []),
    ...(requiredChanged ? ['required'] : []),
  ];
  await recordAudit(tx, orgId, who, meta, now, {
    action: 'training.module_updated',
    targetType: 'training_module',
    targetId: id,
    details: { slug: row.slug, version, changed },
  });
  return toSource(await moduleRow(tx, id));
}

/** Retires a module (nobody owes it any more; completions stay) or brings it back. */
export async function setRetired(
  tx: Tx,
  orgId: string,
  who: AuditWho,
  id: string,
  retire: boolean,
  meta: RequestMeta,
  now: Date,
): Promise<TrainingModuleSource> {
  const row = await moduleRow(tx, id);
  if ((row.retired_at !== null) === retire) {
    throw new AppError('conflict', retire ? 'This module is already retired.' : 'This module is not retired.');
  }
  await tx
    .updateTable('training_modules')
    .set({ retired_at: retire ? now : null, updated_at: now })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, orgId, who, meta, now, {
    action: retire ? 'training.module_retired' : 'training.module_restored',
    targetType: 'training_module',
    targetId: id,
    details: { slug: row.slug, title: row.title },
  });
  return toSource(await moduleRow(tx, id));
}

/** Modules that count: required and not retired, in page order. */
export async function requiredModules(tx: Tx): Promise<ModuleRow[]> {
  return (await tx
    .selectFrom('training_modules')
    .select(moduleColumns)
    .where('required', '=', true)
    .where('retired_at', 'is', null)
    .orderBy('builtin', 'desc')
    .orderBy('position')
    .orderBy('title')
    .execute()) as ModuleRow[];
}
