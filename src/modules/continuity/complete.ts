/**
 * Recording an exercise as complete: its outcome and results become final, and its report
 * (Markdown and PDF) is stored as evidence of BCP-03 for the day it was held.
 */
import type { AppContext, RequestMeta } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import { addGeneratedEvidence } from '../evidence/generated.js';
import { auditWho } from '../tokens/service.js';
import { changeSet, getExercise } from './exercises.js';
import { refreshContinuity } from './inventory.js';
import {
  type CompleteExercise,
  dayOf,
  EXERCISE_CONTROL,
  type Exercise,
  invalid,
  KIND_LABEL,
  type OrgActor,
  OUTCOME_LABEL,
} from './model.js';
import { exerciseMarkdown, exercisePdf, reportName } from './report.js';

/** What a completed exercise must say, checked on the state it would be recorded with. */
function checkComplete(e: Exercise, today: string): void {
  if (e.exercisedOn > today) {
    throw invalid(
      'body.exercisedOn',
      'in the future',
      `The exercise is planned for ${e.exercisedOn}: record it as complete once it has taken place.`,
    );
  }
  if (e.kind !== 'tabletop') {
    if (e.systems.length === 0) {
      throw invalid(
        'body.systems',
        'at least one system',
        `A ${KIND_LABEL[e.kind].toLowerCase()} recovers real systems: list the systems it covered.`,
      );
    }
    const i = e.systems.findIndex((s) => s.recoveryHours === null);
    if (i >= 0) {
      throw invalid(
        `body.systems.${i}.recoveryHours`,
        'required',
        `Give the time ${e.systems[i]?.name} took to recover, in hours, to compare it with its objective.`,
      );
    }
  }
  if (e.outcome !== 'passed' && e.lessons.trim() === '' && e.actions.length === 0) {
    throw invalid(
      'body.lessons',
      'required unless it passed',
      'Say what went wrong: write the lessons learned, or add follow-up actions, for an exercise that did not pass cleanly.',
    );
  }
}

/**
 * Completes a planned exercise (owners and admins), then stores its report. In order:
 *  1. one transaction applies the fields sent, checks the result, marks it complete (audited);
 *  2. the Markdown and the PDF are stored as evidence, each in its own transactions, and their
 *     ids recorded on the exercise.
 * A failure in step 2 leaves a completed exercise without some of its report: completing it
 * again stores what is missing, and only that.
 */
export async function completeExercise(
  ctx: AppContext,
  actor: OrgActor,
  id: string,
  input: CompleteExercise,
  meta: RequestMeta,
): Promise<Exercise> {
  const scope = { orgId: actor.orgId, userId: actor.userId };
  const { exercise, organisation } = await withScope(ctx.database, scope, async (tx) => {
    const now = ctx.clock.now();
    const row = await tx
      .selectFrom('dr_exercises')
      .select('status')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('This exercise');
    const before = await getExercise(tx, id);
    if (before.status === 'completed' && before.reports.pdf && before.reports.markdown) {
      throw new AppError('conflict', 'This exercise is already recorded as complete; its report is stored.');
    }
    if (before.status === 'planned') {
      const { outcome, ...fields } = input;
      const { set, changed } = await changeSet(tx, before, fields);
      await tx
        .updateTable('dr_exercises')
        .set({ ...set, status: 'completed', outcome, completed_at: now, completed_by: actor.userId, updated_at: now })
        .where('id', '=', id)
        .execute();
      const after = await getExercise(tx, id);
      // Throwing here rolls the whole change back: nothing is written.
      checkComplete(after, dayOf(now));
      await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
        action: 'dr_exercise.completed',
        targetType: 'dr_exercise',
        targetId: id,
        details: { title: after.title, kind: after.kind, exercisedOn: after.exercisedOn, outcome, changed },
      });
      await refreshContinuity(tx, actor.orgId, now);
    }
    const org = await tx
      .selectFrom('organizations')
      .select('name')
      .where('id', '=', actor.orgId)
      .executeTakeFirstOrThrow();
    return { exercise: await getExercise(tx, id), organisation: org.name };
  });

  const by = { userId: actor.userId, email: actor.email };
  const held = new Date(`${exercise.exercisedOn}T00:00:00Z`);
  const note = `${KIND_LABEL[exercise.kind]} “${exercise.title}” held on ${exercise.exercisedOn}: ${OUTCOME_LABEL[exercise.outcome ?? 'passed'].toLowerCase()}.`;
  const markdown = exerciseMarkdown(exercise, organisation);
  const store = async (column: 'report_md_id' | 'report_pdf_id', name: string, contentType: string, bytes: Buffer) => {
    const evidence = await addGeneratedEvidence(
      ctx,
      actor.orgId,
      by,
      { name, contentType, bytes, controlKey: EXERCISE_CONTROL, note, effectiveFrom: held, effectiveTo: held },
      meta,
    );
    await withScope(ctx.database, scope, (tx) =>
      tx
        .updateTable('dr_exercises')
        .set({ [column]: evidence.id })
        .where('id', '=', id)
        .where(column, 'is', null)
        .execute(),
    );
  };
  if (!exercise.reports.markdown) {
    await store('report_md_id', reportName(exercise, 'md'), 'text/markdown', Buffer.from(markdown, 'utf8'));
  }
  if (!exercise.reports.pdf) {
    await store(
      'report_pdf_id',
      reportName(exercise, 'pdf'),
      'application/pdf',
      await exercisePdf(exercise, markdown, organisation),
    );
  }
  return withScope(ctx.database, scope, async (tx) => {
    // The report is there now: the record says so.
    await refreshContinuity(tx, actor.orgId, ctx.clock.now());
    return getExercise(tx, id);
  });
}
