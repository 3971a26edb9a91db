import type { Readable } from 'node:stream';
import type { Actor, AppContext, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { TrainingQuestion } from '../../db/schema.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { type ErrorLog, openEvidenceBlob } from '../evidence/erase.js';
import { addGeneratedEvidence } from '../evidence/generated.js';
import { refreshPeople } from '../people/mirror.js';
import { personForUser } from '../people/register.js';
import { loadPeopleSettings } from '../people/settings.js';
import { auditWho } from '../tokens/service.js';
import { certificatePdf } from './certificate.js';
import { type ModuleRow, moduleRow } from './modules.js';
import { loadTrainees, type ModuleState, statesFor } from './status.js';

export type OrgActor = Actor & { orgId: string };

/** The control a certificate is evidence for. */
export const CERTIFICATE_CONTROL = 'PEO-03';

/** Owners, admins and auditors see everyone's attempts and certificates; others their own. */
const SEES_ALL = new Set(['owner', 'admin', 'auditor']);
export const seesAllTraining = (actor: Actor) => actor.role !== null && SEES_ALL.has(actor.role);

export interface AnswerInput {
  questionId: string;
  /** Index of the chosen choice (0 for the first). */
  choice: number;
}

export interface Attempt {
  id: string;
  moduleId: string;
  moduleTitle: string;
  moduleVersion: number;
  userId: string;
  score: number;
  passed: boolean;
  completedAt: string;
  certificateId: string | null;
}

export interface AttemptResult {
  attempt: Attempt;
  passMark: number;
  /** Ids of the questions answered wrongly (never the right answers). */
  wrong: string[];
  /** The member's state for this module after the attempt. */
  status: ModuleState | null;
}

export interface Graded {
  score: number;
  wrong: string[];
  answers: Record<string, number>;
}

/**
 * Scores answers against a module's questions: exactly one answer per question, each the index
 * of one of its choices. Every problem is reported at once, with the answer's path.
 */
export function grade(questions: TrainingQuestion[], answers: AnswerInput[]): Graded {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const errors: { path: string; message: string }[] = [];
  const chosen: Record<string, number> = {};
  answers.forEach((a, i) => {
    const q = byId.get(a.questionId);
    if (!q)
      errors.push({ path: `answers.${i}.questionId`, message: `"${a.questionId}" is not a question of this module` });
    else if (a.questionId in chosen) errors.push({ path: `answers.${i}.questionId`, message: 'answered twice' });
    else if (!Number.isInteger(a.choice) || a.choice < 0 || a.choice >= q.choices.length) {
      errors.push({
        path: `answers.${i}.choice`,
        message: `must be between 0 and ${q.choices.length - 1} (the question has ${q.choices.length} choices)`,
      });
    } else chosen[a.questionId] = a.choice;
  });
  const missing = questions.filter((q) => !(q.id in chosen) && !answers.some((a) => a.questionId === q.id));
  if (missing.length > 0) {
    errors.push({ path: 'answers', message: `unanswered: ${missing.map((q) => q.id).join(', ')}` });
  }
  if (errors.length > 0) {
    const detail =
      missing.length > 0 && errors.length === 1
        ? `Answer every question: ${missing.length} of ${questions.length} have no answer.`
        : 'Give exactly one answer to each question, choosing one of its choices.';
    throw new AppError('validation_failed', detail, { errors });
  }
  const wrong = questions.filter((q) => chosen[q.id] !== q.answer).map((q) => q.id);
  const score = Math.round(((questions.length - wrong.length) * 100) / questions.length);
  return { score, wrong, answers: chosen };
}

interface Prepared {
  module: ModuleRow;
  graded: Graded;
  organisation: string;
  personId: string | null;
  personName: string;
}

async function prepare(
  tx: Tx,
  actor: OrgActor,
  moduleId: string,
  input: { answers: AnswerInput[]; version?: number },
  now: Date,
): Promise<Prepared> {
  const module = await moduleRow(tx, moduleId);
  if (module.retired_at) throw new AppError('conflict', 'This module is retired, so it can no longer be taken.');
  if (input.version !== undefined && input.version !== module.version) {
    throw new AppError(
      'conflict',
      `This module was updated to version ${module.version} since you opened it. Reload it and answer again.`,
    );
  }
  const graded = grade(module.questions, input.answers);
  const person = await personForUser(tx, actor.email, now);
  const org = await tx
    .selectFrom('organizations')
    .select('name')
    .where('id', '=', actor.orgId)
    .executeTakeFirstOrThrow();
  const user = await tx.selectFrom('users').select('name').where('id', '=', actor.userId).executeTakeFirst();
  return {
    module,
    graded,
    organisation: org.name,
    personId: person?.id ?? null,
    personName: person?.name || user?.name || actor.email,
  };
}

/**
 * Takes a module's quiz: grades it, and on a pass writes a completion certificate (PDF) into the
 * evidence vault and ledger for PEO-03 before recording the attempt, its audit entry and the
 * person's refreshed record in one transaction. Evidence is written in its own transactions, so
 * it comes first; a pass whose certificate cannot be stored (the control is retired) is still
 * recorded, without a certificate.
 */
export async function takeQuiz(
  ctx: AppContext,
  actor: OrgActor,
  moduleId: string,
  input: { answers: AnswerInput[]; version?: number },
  meta: RequestMeta,
): Promise<AttemptResult> {
  if (actor.role === 'auditor') throw new AppError('forbidden', 'Auditors review training; they do not take it.');
  const now = ctx.clock.now();
  const scope = { orgId: actor.orgId, userId: actor.userId };
  const p = await withScope(ctx.database, scope, (tx) => prepare(tx, actor, moduleId, input, now));
  const attemptId = newId();
  const passed = p.graded.score >= p.module.pass_mark;
  let certificateId: string | null = null;
  if (passed) {
    const bytes = await certificatePdf({
      organisation: p.organisation,
      personName: p.personName,
      email: actor.email,
      moduleTitle: p.module.title,
      moduleVersion: p.module.version,
      score: p.graded.score,
      passMark: p.module.pass_mark,
      completedAt: now,
      attemptId,
    });
    try {
      const item = await addGeneratedEvidence(
        ctx,
        actor.orgId,
        { userId: actor.userId, email: actor.email },
        {
          name: `training-certificate-${p.module.slug}-${now.toISOString().slice(0, 10)}-${attemptId.slice(0, 8)}.pdf`,
          contentType: 'application/pdf',
          bytes,
          controlKey: CERTIFICATE_CONTROL,
          note: `${p.personName} <${actor.email}> passed "${p.module.title}" (version ${p.module.version}) with ${p.graded.score}%. Attempt ${attemptId}.`,
          effectiveFrom: now,
        },
        meta,
      );
      certificateId = item.id;
    } catch (error) {
      if (!(error instanceof AppError) || (error.code !== 'conflict' && error.code !== 'not_found')) throw error;
      ctx.log.warn({ err: error, attemptId }, 'training certificate not stored as evidence; the pass is recorded');
    }
  }
  return withScope(ctx.database, scope, async (tx) => {
    await tx
      .insertInto('training_attempts')
      .values({
        id: attemptId,
        org_id: actor.orgId,
        module_id: p.module.id,
        module_version: p.module.version,
        user_id: actor.userId,
        person_id: p.personId,
        answers: JSON.stringify(p.graded.answers),
        score: p.graded.score,
        passed,
        completed_at: now,
        certificate_id: certificateId,
      })
      .execute();
    await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
      action: passed ? 'training.passed' : 'training.failed',
      targetType: 'training_module',
      targetId: p.module.id,
      details: {
        attemptId,
        slug: p.module.slug,
        version: p.module.version,
        score: p.graded.score,
        passMark: p.module.pass_mark,
        ...(certificateId ? { certificateId } : {}),
      },
    });
    if (p.personId && passed) await refreshPeople(tx, actor.orgId, [p.personId], now);
    const trainees = await loadTrainees(tx, actor.orgId, now, [actor.userId]);
    const states = await statesFor(tx, trainees, [p.module], await loadPeopleSettings(tx), now);
    return {
      attempt: {
        id: attemptId,
        moduleId: p.module.id,
        moduleTitle: p.module.title,
        moduleVersion: p.module.version,
        userId: actor.userId,
        score: p.graded.score,
        passed,
        completedAt: now.toISOString(),
        certificateId,
      },
      passMark: p.module.pass_mark,
      wrong: p.graded.wrong,
      status: states.get(actor.userId)?.[0] ?? null,
    };
  });
}

/** Attempts, newest first: a member's own; owners, admins and auditors anyone's. */
export async function listAttempts(
  tx: Tx,
  actor: OrgActor,
  filter: { userId?: string; moduleId?: string; limit: number },
): Promise<Attempt[]> {
  const userId = filter.userId ?? actor.userId;
  if (userId !== actor.userId && !seesAllTraining(actor)) {
    throw new AppError('forbidden', 'You can see your own attempts only.');
  }
  let q = tx
    .selectFrom('training_attempts as a')
    .innerJoin('training_modules as m', 'm.id', 'a.module_id')
    .select([
      'a.id',
      'a.module_id',
      'm.title',
      'a.module_version',
      'a.user_id',
      'a.score',
      'a.passed',
      'a.completed_at',
      'a.certificate_id',
    ])
    .where('a.user_id', '=', userId);
  if (filter.moduleId) q = q.where('a.module_id', '=', filter.moduleId);
  const rows = await q.orderBy('a.completed_at', 'desc').orderBy('a.id').limit(filter.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    moduleId: r.module_id,
    moduleTitle: r.title,
    moduleVersion: r.module_version,
    userId: r.user_id,
    score: r.score,
    passed: r.passed,
    completedAt: r.completed_at.toISOString(),
    certificateId: r.certificate_id,
  }));
}

/**
 * An attempt's certificate, decrypted as a stream (opened after the lookup's transaction has
 * ended). Someone else's attempt is not found unless the actor sees all training.
 */
export async function certificateFile(
  ctx: AppContext,
  actor: OrgActor,
  attemptId: string,
  log: ErrorLog,
): Promise<{ name: string; size: number; stream: Readable }> {
  const row = await withScope(ctx.database, { orgId: actor.orgId, userId: actor.userId }, async (tx) => {
    const attempt = await tx
      .selectFrom('training_attempts')
      .select(['user_id', 'certificate_id'])
      .where('id', '=', attemptId)
      .executeTakeFirst();
    if (!attempt || (attempt.user_id !== actor.userId && !seesAllTraining(actor)) || !attempt.certificate_id) {
      throw notFound('This certificate');
    }
    const evidence = await tx
      .selectFrom('evidence')
      .select(['id', 'name', 'size', 'blob_key', 'erased_at'])
      .where('id', '=', attempt.certificate_id)
      .executeTakeFirst();
    if (!evidence) throw notFound('This certificate');
    if (evidence.erased_at) {
      throw new AppError(
        'gone',
        `This certificate was erased from the evidence vault on ${evidence.erased_at.toISOString().slice(0, 10)}; the attempt and its ledger entry remain.`,
      );
    }
    return evidence;
  });
  return { name: row.name, size: Number(row.size), stream: await openEvidenceBlob(ctx, actor.orgId, row, log) };
}
