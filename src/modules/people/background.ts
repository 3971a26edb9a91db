/**
 * Background checks: one row per person (employees and contractors alike), its history in the
 * audit log. The provider's report is sensitive: it is kept as evidence of PEO-01 and read by
 * owners, admins and auditors only.
 */

import type { Actor, AppContext, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { AppError } from '../../errors.js';
import { recordAudit } from '../audit/service.js';
import type { EvidenceItem } from '../evidence/service.js';
import { addEvidence, type IncomingFile } from '../evidence/upload.js';
import { auditWho } from '../tokens/service.js';
import { refreshPeople } from './mirror.js';
import { getPerson, today } from './register.js';

export type BackgroundStatus = 'not_started' | 'in_progress' | 'passed' | 'failed';

export interface BackgroundCheck {
  status: BackgroundStatus;
  provider: string | null;
  requestedOn: string | null;
  completedOn: string | null;
  note: string;
  reportId: string | null;
  updatedBy: { id: string; email: string; name: string } | null;
  updatedAt: string;
}

export interface BackgroundInput {
  status: BackgroundStatus;
  provider?: string | null;
  requestedOn?: string | null;
  completedOn?: string | null;
  note?: string;
}

type OrgActor = Actor & { orgId: string };

function invalid(path: string, message: string, detail: string): AppError {
  return new AppError('validation_failed', detail, { errors: [{ path: `body.${path}`, message }] });
}

/** A person's background check, or null when none is recorded. */
export async function getBackgroundCheck(tx: Tx, personId: string): Promise<BackgroundCheck | null> {
  const row = await tx
    .selectFrom('background_checks as b')
    .leftJoin('users as u', 'u.id', 'b.updated_by')
    .select([
      'b.status',
      'b.provider',
      'b.requested_on',
      'b.completed_on',
      'b.note',
      'b.report_id',
      'b.updated_at',
      'u.id as user_id',
      'u.email as user_email',
      'u.name as user_name',
    ])
    .where('b.person_id', '=', personId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    status: row.status,
    provider: row.provider,
    requestedOn: row.requested_on,
    completedOn: row.completed_on,
    note: row.note,
    reportId: row.report_id,
    updatedBy: row.user_id ? { id: row.user_id, email: row.user_email ?? '', name: row.user_name ?? '' } : null,
    updatedAt: iso(row.updated_at),
  };
}

/** Checks the dates against the status and today: a finished check has a completion date, never in the future. */
export function checkBackgroundInput(input: BackgroundInput, now: Date): BackgroundInput {
  const day = today(now);
  const finished = input.status === 'passed' || input.status === 'failed';
  const completed = input.completedOn ?? null;
  const requested = input.requestedOn ?? null;
  if (finished && !completed) {
    throw invalid('completedOn', 'required', `A ${input.status} check needs the date it was completed (completedOn).`);
  }
  if (!finished && completed) {
    throw invalid(
      'completedOn',
      'only for a finished check',
      'Only a passed or failed check has a completion date: clear completedOn, or set the status.',
    );
  }
  if (completed && completed > day) {
    throw invalid('completedOn', 'in the future', `The completion date ${completed} is in the future.`);
  }
  if (requested && requested > day) {
    throw invalid('requestedOn', 'in the future', `The request date ${requested} is in the future.`);
  }
  if (requested && completed && completed < requested) {
    throw invalid(
      'completedOn',
      'before the request date',
      `The check cannot be completed (${completed}) before it was requested (${requested}).`,
    );
  }
  const provider = input.provider?.trim() || null;
  return { ...input, provider, requestedOn: requested, completedOn: completed, note: input.note?.trim() ?? '' };
}

/**
 * Records a person's background check (creates or replaces the one row), audits the status
 * change and refreshes the person's inventory record so the checks re-judge onboarding.
 */
export async function saveBackgroundCheck(
  tx: Tx,
  actor: OrgActor,
  personId: string,
  input: BackgroundInput,
  meta: RequestMeta,
  now: Date,
): Promise<BackgroundCheck> {
  const person = await getPerson(tx, personId, now);
  const checked = checkBackgroundInput(input, now);
  const before = await getBackgroundCheck(tx, personId);
  const values = {
    status: checked.status,
    provider: checked.provider ?? null,
    requested_on: checked.requestedOn ?? null,
    completed_on: checked.completedOn ?? null,
    note: checked.note ?? '',
    updated_by: actor.userId,
    updated_at: now,
  };
  await tx
    .insertInto('background_checks')
    .values({ id: newId(), org_id: actor.orgId, person_id: personId, created_at: now, ...values })
    .onConflict((oc) => oc.column('person_id').doUpdateSet(values))
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'background_check.updated',
    targetType: 'person',
    targetId: personId,
    details: {
      email: person.email,
      from: before?.status ?? null,
      to: checked.status,
      provider: values.provider,
      requestedOn: values.requested_on,
      completedOn: values.completed_on,
    },
  });
  await refreshPeople(tx, actor.orgId, [personId], now);
  return (await getBackgroundCheck(tx, personId)) as BackgroundCheck;
}

/**
 * Stores the provider's report as evidence of PEO-01 (streamed and encrypted like any upload)
 * and links it to the person's check; a person without a check gets one "in progress".
 */
export async function addBackgroundReport(
  ctx: AppContext,
  actor: OrgActor,
  personId: string,
  file: IncomingFile,
  meta: RequestMeta,
): Promise<{ reportId: string; evidence: EvidenceItem; backgroundCheck: BackgroundCheck }> {
  const scope = { orgId: actor.orgId, userId: actor.userId };
  let person: Awaited<ReturnType<typeof getPerson>>;
  try {
    person = await withScope(ctx.database, scope, (tx) => getPerson(tx, personId, ctx.clock.now()));
  } catch (error) {
    file.stream.resume();
    throw error;
  }
  const evidence = await addEvidence(
    ctx,
    actor,
    { controlId: 'PEO-01', note: `Background check report of ${person.name} (${person.email}).` },
    file,
    meta,
  );
  const now = ctx.clock.now();
  return withScope(ctx.database, scope, async (tx) => {
    const values = { report_id: evidence.id, updated_by: actor.userId, updated_at: now };
    await tx
      .insertInto('background_checks')
      .values({
        id: newId(),
        org_id: actor.orgId,
        person_id: personId,
        status: 'in_progress',
        created_at: now,
        ...values,
      })
      .onConflict((oc) => oc.column('person_id').doUpdateSet(values))
      .execute();
    await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
      action: 'background_check.report_added',
      targetType: 'person',
      targetId: personId,
      details: { email: person.email, reportId: evidence.id, sha256: evidence.sha256 },
    });
    await refreshPeople(tx, actor.orgId, [personId], now);
    return {
      reportId: evidence.id,
      evidence,
      backgroundCheck: (await getBackgroundCheck(tx, personId)) as BackgroundCheck,
    };
  });
}
