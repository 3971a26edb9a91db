/**
 * Security questionnaires a vendor answers through a link, without an account. The link reads
 * `avq_<organisation id>_<secret>` (as API tokens carry theirs), so the public lookup runs
 * under that organisation's row-level security; only the SHA-256 of the whole token is stored.
 * The questions are copied into the link when it is made. A link answers once: then it is
 * used up; expired, revoked and used links answer 410, unknown ones 404.
 */
import { z } from 'zod';
import type { AppContext, RequestMeta } from '../../context.js';
import { hashSecret, newId, newSecret } from '../../crypto/random.js';
import type { VendorAnswer, VendorQuestion } from '../../db/schema/vendors.js';
import { setScope, type Tx, withScope } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { AppError, notFound } from '../../errors.js';
import { type Mail, sendMails } from '../access/decisions.js';
import { recordAudit } from '../audit/service.js';
import { notify } from '../notifications/service.js';
import { auditWho } from '../tokens/service.js';
import { assertMayEdit, type VendorActor, vendorContacts } from './access.js';
import { checkAnswers, QUESTIONS } from './questions.js';
import { vendorRow } from './read.js';
import { vendorTarget } from './write.js';

const PREFIX = 'avq_';
const DAY_MS = 86_400_000;

export const NewLink = z.object({
  expiresInDays: z.number().int().min(1, 'At least 1 day.').max(90, 'At most 90 days.').default(14),
});

export const Answers = z.object({
  respondentName: z.string().trim().min(1, 'Give your name.').max(200),
  respondentEmail: z.email('an email address').max(320),
  answers: z.record(
    z.string().max(100),
    z.object({ answer: z.string().max(5000), comment: z.string().max(5000).optional() }),
  ),
});

export type QuestionnaireStatus = 'open' | 'answered' | 'expired' | 'revoked';

export interface Questionnaire {
  id: string;
  status: QuestionnaireStatus;
  createdAt: string;
  createdBy: string | null;
  expiresAt: string;
  revokedAt: string | null;
  answeredAt: string | null;
  respondent: { name: string; email: string } | null;
  questions: VendorQuestion[];
  answers: Record<string, VendorAnswer> | null;
}

/** Parses a link's token; null when it is not one of ours. */
export function parseQuestionnaireToken(value: string): { orgId: string; token: string } | null {
  const m = /^avq_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/.exec(value.trim());
  if (!m?.[1]) return null;
  const h = m[1];
  return {
    orgId: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`,
    token: value.trim(),
  };
}

export async function listQuestionnaires(tx: Tx, vendorId: string, now: Date): Promise<Questionnaire[]> {
  const rows = await tx
    .selectFrom('vendor_questionnaires as q')
    .leftJoin('users as u', 'u.id', 'q.created_by')
    .select([
      'q.id',
      'q.created_at',
      'u.email',
      'q.expires_at',
      'q.revoked_at',
      'q.answered_at',
      'q.respondent_name',
      'q.respondent_email',
      'q.questions',
      'q.answers',
    ])
    .where('q.vendor_id', '=', vendorId)
    .orderBy('q.created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.answered_at ? 'answered' : r.revoked_at ? 'revoked' : r.expires_at <= now ? 'expired' : 'open',
    createdAt: iso(r.created_at),
    createdBy: r.email,
    expiresAt: iso(r.expires_at),
    revokedAt: r.revoked_at ? iso(r.revoked_at) : null,
    answeredAt: r.answered_at ? iso(r.answered_at) : null,
    respondent: r.respondent_name ? { name: r.respondent_name, email: r.respondent_email ?? '' } : null,
    questions: r.questions,
    answers: r.answers,
  }));
}

/** Makes a link for the vendor (its owner, an owner or an admin); the token is shown once. */
export async function createLink(
  tx: Tx,
  actor: VendorActor,
  vendorId: string,
  input: z.infer<typeof NewLink>,
  meta: RequestMeta,
  now: Date,
): Promise<{ questionnaire: Questionnaire; token: string; path: string }> {
  const vendor = await vendorRow(tx, vendorId);
  assertMayEdit(actor, { name: vendor.name, ownerUserId: vendor.owner_user_id }, 'send it a questionnaire');
  if (vendor.status === 'offboarded' || vendor.status === 'rejected') {
    throw new AppError(
      'conflict',
      `${vendor.name} is ${vendor.status}: send it back to review before asking it questions.`,
    );
  }
  const id = newId();
  const token = `${PREFIX}${actor.orgId.replace(/-/g, '')}_${newSecret()}`;
  const expiresAt = new Date(now.getTime() + input.expiresInDays * DAY_MS);
  await tx
    .insertInto('vendor_questionnaires')
    .values({
      id,
      org_id: actor.orgId,
      vendor_id: vendorId,
      token_hash: hashSecret(token),
      questions: JSON.stringify(QUESTIONS),
      created_by: actor.userId,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'vendor.questionnaire_created',
    ...vendorTarget(vendorId),
    details: { name: vendor.name, questionnaireId: id, expiresAt: expiresAt.toISOString() },
  });
  const [questionnaire] = (await listQuestionnaires(tx, vendorId, now)).filter((q) => q.id === id);
  return { questionnaire: questionnaire as Questionnaire, token, path: `/vendor-questionnaire/${token}` };
}

export async function revokeLink(
  tx: Tx,
  actor: VendorActor,
  vendorId: string,
  questionnaireId: string,
  meta: RequestMeta,
  now: Date,
): Promise<Questionnaire> {
  const vendor = await vendorRow(tx, vendorId);
  assertMayEdit(actor, { name: vendor.name, ownerUserId: vendor.owner_user_id }, 'revoke its questionnaires');
  const row = await tx
    .selectFrom('vendor_questionnaires')
    .select(['answered_at', 'revoked_at'])
    .where('id', '=', questionnaireId)
    .where('vendor_id', '=', vendorId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('This questionnaire');
  if (row.answered_at)
    throw new AppError('conflict', 'This questionnaire was already answered: its answers stay on record.');
  if (!row.revoked_at) {
    await tx
      .updateTable('vendor_questionnaires')
      .set({ revoked_at: now, revoked_by: actor.userId })
      .where('id', '=', questionnaireId)
      .execute();
    await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
      action: 'vendor.questionnaire_revoked',
      ...vendorTarget(vendorId),
      details: { name: vendor.name, questionnaireId },
    });
  }
  const [questionnaire] = (await listQuestionnaires(tx, vendorId, now)).filter((q) => q.id === questionnaireId);
  return questionnaire as Questionnaire;
}

const UNKNOWN = 'This questionnaire link does not exist. Check that you copied the whole link.';

/** Finds the link's row under its organisation (locked for a submission), or answers 404 / 410. */
async function openLink(tx: Tx, raw: string, now: Date, lock: boolean) {
  const parsed = parseQuestionnaireToken(raw);
  if (!parsed) throw new AppError('not_found', UNKNOWN);
  await setScope(tx, { orgId: parsed.orgId });
  let query = tx
    .selectFrom('vendor_questionnaires as q')
    .innerJoin('vendors as v', 'v.id', 'q.vendor_id')
    .innerJoin('organizations as o', 'o.id', 'q.org_id')
    .select([
      'q.id',
      'q.org_id',
      'q.vendor_id',
      'q.questions',
      'q.expires_at',
      'q.revoked_at',
      'q.answered_at',
      'v.name as vendor_name',
      'v.owner_user_id',
      'o.name as org_name',
    ])
    .where('q.token_hash', '=', hashSecret(parsed.token));
  if (lock) query = query.forUpdate(['q']);
  const row = await query.executeTakeFirst();
  if (!row) throw new AppError('not_found', UNKNOWN);
  const ask = `Ask ${row.org_name} for a new link.`;
  if (row.answered_at) {
    throw new AppError(
      'gone',
      `This questionnaire was already answered on ${iso(row.answered_at).slice(0, 10)}. ${ask}`,
    );
  }
  if (row.revoked_at) throw new AppError('gone', `${row.org_name} withdrew this questionnaire link. ${ask}`);
  if (row.expires_at <= now) {
    throw new AppError('gone', `This questionnaire link expired on ${iso(row.expires_at).slice(0, 10)}. ${ask}`);
  }
  return row;
}

/** What the vendor sees: the organisation's and the vendor's names, and the questions. Nothing else. */
export async function lookupQuestionnaire(ctx: AppContext, token: string) {
  return withScope(ctx.database, {}, async (tx) => {
    const row = await openLink(tx, token, ctx.clock.now(), false);
    return {
      organisation: { name: row.org_name },
      vendor: { name: row.vendor_name },
      expiresAt: iso(row.expires_at),
      questions: row.questions,
    };
  });
}

/** Stores the vendor's answers once, tells the vendor's owner, and uses the link up. */
export async function submitQuestionnaire(
  ctx: AppContext,
  token: string,
  input: z.infer<typeof Answers>,
  meta: RequestMeta,
): Promise<{ answeredAt: string }> {
  const now = ctx.clock.now();
  const { mails } = await withScope(ctx.database, {}, async (tx) => {
    const row = await openLink(tx, token, now, true);
    const answers = checkAnswers(row.questions, input.answers);
    const email = input.respondentEmail.trim().toLowerCase();
    await tx
      .updateTable('vendor_questionnaires')
      .set({
        answered_at: now,
        answers: JSON.stringify(answers),
        respondent_name: input.respondentName,
        respondent_email: email,
      })
      .where('id', '=', row.id)
      .where('answered_at', 'is', null)
      .execute();
    await recordAudit(tx, row.org_id, { userId: null, label: `vendor questionnaire (${email})` }, meta, now, {
      action: 'vendor.questionnaire_answered',
      ...vendorTarget(row.vendor_id),
      details: {
        name: row.vendor_name,
        questionnaireId: row.id,
        respondentName: input.respondentName,
        respondentEmail: email,
      },
    });
    const told = await vendorContacts(tx, row.owner_user_id);
    const notice = {
      kind: 'vendor.questionnaire_answered',
      title: `${row.vendor_name} answered its security questionnaire`,
      body: `${input.respondentName} (${email}) answered for ${row.vendor_name}. Read the answers and record a review.`,
      link: `/vendors/${row.vendor_id}`,
    };
    await notify(
      tx,
      row.org_id,
      told.map((p) => p.id),
      notice,
      now,
    );
    const out: Mail[] = [{ to: told.map((p) => p.email), notice }];
    return { mails: out };
  });
  await sendMails(ctx, mails);
  return { answeredAt: now.toISOString() };
}
