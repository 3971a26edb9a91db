/**
 * A visitor's request for a gated document, its approval (by an email-domain rule or an admin),
 * the grant it makes and the link emailed to the visitor. The link carries a secret of which
 * only the SHA-256 is stored (as vendor questionnaire links do); it works until it expires or
 * is revoked, and every download through it is watermarked and logged.
 */
import type { z } from 'zod';
import type { AppContext, RequestMeta } from '../../context.js';
import { hashSecret, newId, newSecret } from '../../crypto/random.js';
import type { TrustDocumentRequestStatus } from '../../db/schema/trust-documents.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { AppError, notFound } from '../../errors.js';
import type { Mail } from '../../mail.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import type { PublishedOrg } from '../trust/published.js';
import { documentRow } from './documents.js';
import {
  DAY_MS,
  type DenyBody,
  type DocumentActor,
  EMAIL_LIMIT,
  HOUR_MS,
  matchingRule,
  type RequestForm,
} from './model.js';
import { ensureNda, getSettings } from './nda.js';

export type GrantStatus = 'active' | 'expired' | 'revoked';

export interface DocumentRequest {
  id: string;
  document: { id: string; title: string };
  name: string;
  email: string;
  company: string;
  status: TrustDocumentRequestStatus;
  acceptedAt: string;
  ip: string | null;
  userAgent: string | null;
  nda: { version: number; sha256: string };
  decidedAt: string | null;
  decidedBy: string | null;
  note: string | null;
  grant: { id: string; expiresAt: string; status: GrantStatus } | null;
}

export interface DocumentGrant {
  id: string;
  requestId: string;
  document: { id: string; title: string };
  email: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  status: GrantStatus;
  downloads: number;
  lastDownloadAt: string | null;
}

export interface DocumentDownload {
  id: string;
  document: { id: string; title: string };
  grantId: string | null;
  email: string | null;
  at: string;
  ip: string | null;
  userAgent: string | null;
}

const TOKEN_PREFIX = 'atd_';
const target = (id: string) => ({ targetType: 'trust_document_request', targetId: id });
const grantStatus = (g: { revoked_at: Date | null; expires_at: Date }, now: Date): GrantStatus =>
  g.revoked_at ? 'revoked' : g.expires_at <= now ? 'expired' : 'active';

/** Where the emailed link points: the grant's page on the organisation's trust center. */
export const grantPath = (slug: string, token: string) =>
  `/trust/${encodeURIComponent(slug)}/documents/access/${token}`;

export async function listRequests(
  tx: Tx,
  now: Date,
  filter: { status?: TrustDocumentRequestStatus; id?: string } = {},
): Promise<DocumentRequest[]> {
  let query = tx
    .selectFrom('trust_document_requests as r')
    .innerJoin('trust_documents as d', 'd.id', 'r.document_id')
    .innerJoin('trust_ndas as n', 'n.id', 'r.nda_id')
    .leftJoin('users as u', 'u.id', 'r.decided_by')
    .leftJoin('trust_document_grants as g', 'g.request_id', 'r.id')
    .select([
      'r.id',
      'r.document_id',
      'd.title',
      'r.name',
      'r.email',
      'r.company',
      'r.status',
      'r.accepted_at',
      'r.ip',
      'r.user_agent',
      'n.version',
      'r.nda_sha256',
      'r.decided_at',
      'u.email as decider',
      'r.decided_by_rule',
      'r.decision_note',
      'g.id as grant_id',
      'g.expires_at',
      'g.revoked_at',
    ])
    .orderBy('r.accepted_at', 'desc')
    .limit(500);
  if (filter.status) query = query.where('r.status', '=', filter.status);
  if (filter.id) query = query.where('r.id', '=', filter.id);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    document: { id: r.document_id, title: r.title },
    name: r.name,
    email: r.email,
    company: r.company,
    status: r.status,
    acceptedAt: iso(r.accepted_at),
    ip: r.ip,
    userAgent: r.user_agent,
    nda: { version: r.version, sha256: r.nda_sha256 },
    decidedAt: r.decided_at ? iso(r.decided_at) : null,
    decidedBy: r.decider ?? (r.decided_by_rule ? `rule: ${r.decided_by_rule}` : null),
    note: r.decision_note,
    grant:
      r.grant_id && r.expires_at
        ? {
            id: r.grant_id,
            expiresAt: iso(r.expires_at),
            status: grantStatus({ revoked_at: r.revoked_at, expires_at: r.expires_at }, now),
          }
        : null,
  }));
}

async function oneRequest(tx: Tx, id: string, now: Date): Promise<DocumentRequest> {
  const [found] = await listRequests(tx, now, { id });
  if (!found) throw notFound('This request');
  return found;
}

export async function listGrants(tx: Tx, now: Date, id?: string): Promise<DocumentGrant[]> {
  let query = tx
    .selectFrom('trust_document_grants as g')
    .innerJoin('trust_documents as d', 'd.id', 'g.document_id')
    .select((eb) => [
      'g.id',
      'g.request_id',
      'g.document_id',
      'd.title',
      'g.email',
      'g.created_at',
      'g.expires_at',
      'g.revoked_at',
      eb
        .selectFrom('trust_document_downloads as w')
        .select((e) => e.fn.countAll<string>().as('n'))
        .whereRef('w.grant_id', '=', 'g.id')
        .as('downloads'),
      eb
        .selectFrom('trust_document_downloads as w')
        .select((e) => e.fn.max('w.at').as('last'))
        .whereRef('w.grant_id', '=', 'g.id')
        .as('last_download'),
    ])
    .orderBy('g.created_at', 'desc')
    .limit(500);
  if (id) query = query.where('g.id', '=', id);
  const rows = await query.execute();
  return rows.map((g) => ({
    id: g.id,
    requestId: g.request_id,
    document: { id: g.document_id, title: g.title },
    email: g.email,
    createdAt: iso(g.created_at),
    expiresAt: iso(g.expires_at),
    revokedAt: g.revoked_at ? iso(g.revoked_at) : null,
    status: grantStatus(g, now),
    downloads: Number(g.downloads ?? 0),
    lastDownloadAt: g.last_download ? iso(g.last_download as Date) : null,
  }));
}

export async function listDownloads(tx: Tx): Promise<DocumentDownload[]> {
  const rows = await tx
    .selectFrom('trust_document_downloads as w')
    .innerJoin('trust_documents as d', 'd.id', 'w.document_id')
    .leftJoin('trust_document_grants as g', 'g.id', 'w.grant_id')
    .select(['w.id', 'w.document_id', 'd.title', 'w.grant_id', 'g.email', 'w.at', 'w.ip', 'w.user_agent'])
    .orderBy('w.at', 'desc')
    .limit(500)
    .execute();
  return rows.map((w) => ({
    id: w.id,
    document: { id: w.document_id, title: w.title },
    grantId: w.grant_id,
    email: w.email,
    at: iso(w.at),
    ip: w.ip,
    userAgent: w.user_agent,
  }));
}

/** Makes the grant for an approved request and the email that carries its link. */
async function makeGrant(
  tx: Tx,
  org: { orgId: string; slug: string; name: string },
  request: { id: string; document_id: string; email: string; name: string; title: string },
  days: number,
  by: string | null,
  origin: string,
  now: Date,
): Promise<{ grantId: string; link: string; mail: Mail; expiresAt: Date }> {
  const token = `${TOKEN_PREFIX}${newSecret()}`;
  const grantId = newId();
  const expiresAt = new Date(now.getTime() + days * DAY_MS);
  await tx
    .insertInto('trust_document_grants')
    .values({
      id: grantId,
      org_id: org.orgId,
      request_id: request.id,
      document_id: request.document_id,
      email: request.email,
      token_hash: hashSecret(token),
      created_by: by,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  const link = `${origin}${grantPath(org.slug, token)}`;
  const until = expiresAt.toISOString().replace('T', ' ').slice(0, 16);
  const mail: Mail = {
    to: request.email,
    subject: `${org.name}: your link to "${request.title}"`,
    text:
      `Hello ${request.name},\n\n${org.name} approved your request for "${request.title}".\n\n` +
      `Download it here until ${until} UTC:\n\n${link}\n\n` +
      `The link is for you alone. Each copy is marked with your email address, and every download is recorded.\n`,
  };
  return { grantId, link, mail, expiresAt };
}

async function orgOf(tx: Tx, orgId: string) {
  const org = await tx
    .selectFrom('organizations')
    .select(['slug', 'name'])
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  return { orgId, slug: org.slug, name: org.name };
}

export type RequestOutcome =
  | { kind: 'nda_changed' }
  | { kind: 'recorded'; status: TrustDocumentRequestStatus; mail: Mail | null };

/**
 * Records a visitor's request with their NDA acceptance; approves it at once when their email's
 * domain matches a rule and mail can carry the link (without mail an admin approves and sends it).
 */
export async function recordRequest(
  tx: Tx,
  ctx: AppContext,
  org: PublishedOrg,
  documentId: string,
  form: z.infer<typeof RequestForm>,
  meta: RequestMeta,
  origin: string,
  now: Date,
): Promise<RequestOutcome> {
  const document = await documentRow(tx, documentId);
  if (document.access !== 'request') throw notFound('This document');
  const nda = await ensureNda(tx, org.orgId, now);
  // The visitor accepted the text they were shown; if it changed since, they read the new one first.
  if (form.nda && form.nda !== nda.sha256) return { kind: 'nda_changed' };
  const recent = await tx
    .selectFrom('trust_document_requests')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('email', '=', form.email)
    .where('accepted_at', '>', new Date(now.getTime() - HOUR_MS))
    .executeTakeFirstOrThrow();
  if (Number(recent.n) >= EMAIL_LIMIT) {
    throw new AppError(
      'rate_limited',
      `There have been ${EMAIL_LIMIT} requests from this email address in the last hour. Try again in an hour.`,
      { retryAfterSeconds: 3600 },
    );
  }
  const id = newId();
  await tx
    .insertInto('trust_document_requests')
    .values({
      id,
      org_id: org.orgId,
      document_id: documentId,
      name: form.name,
      email: form.email,
      company: form.company,
      nda_id: nda.id,
      nda_sha256: nda.sha256,
      accepted_at: now,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 512) ?? null,
    })
    .execute();
  const visitor = { userId: null, label: `visitor (${form.email})` };
  await recordAudit(tx, org.orgId, visitor, meta, now, {
    action: 'trust_document.requested',
    ...target(id),
    details: {
      documentId,
      title: document.title,
      name: form.name,
      email: form.email,
      company: form.company,
      ndaVersion: nda.version,
      ndaSha256: nda.sha256,
    },
  });
  const settings = await getSettings(tx);
  const rule = matchingRule(form.email, settings.autoApproveDomains);
  if (!rule || !ctx.mailer.enabled) return { kind: 'recorded', status: 'pending', mail: null };
  await tx
    .updateTable('trust_document_requests')
    .set({ status: 'approved', decided_at: now, decided_by_rule: rule })
    .where('id', '=', id)
    .execute();
  const request = { id, document_id: documentId, email: form.email, name: form.name, title: document.title };
  const grant = await makeGrant(tx, await orgOf(tx, org.orgId), request, settings.grantDays, null, origin, now);
  await recordAudit(tx, org.orgId, { userId: null, label: `rule (${rule})` }, meta, now, {
    action: 'trust_document.request_approved',
    ...target(id),
    details: { documentId, email: form.email, rule, grantId: grant.grantId, expiresAt: iso(grant.expiresAt) },
  });
  return { kind: 'recorded', status: 'approved', mail: grant.mail };
}

async function pendingRequest(tx: Tx, id: string) {
  const row = await tx
    .selectFrom('trust_document_requests as r')
    .innerJoin('trust_documents as d', 'd.id', 'r.document_id')
    .select(['r.id', 'r.document_id', 'r.email', 'r.name', 'r.status', 'd.title', 'd.access'])
    .where('r.id', '=', id)
    .forUpdate(['r'])
    .executeTakeFirst();
  if (!row) throw notFound('This request');
  if (row.status !== 'pending') throw new AppError('conflict', `This request was already ${row.status}.`);
  return row;
}

/** An admin approves: a grant, and its link by email (or in the answer when mail is off). */
export async function approveRequest(
  tx: Tx,
  ctx: AppContext,
  actor: DocumentActor,
  id: string,
  expiresInDays: number | undefined,
  meta: RequestMeta,
  origin: string,
  now: Date,
): Promise<{ request: DocumentRequest; link: string | null; mail: Mail | null }> {
  const row = await pendingRequest(tx, id);
  if (row.access === 'hidden') {
    throw new AppError('conflict', `"${row.title}" is hidden: share it again (public or on request) before approving.`);
  }
  const days = expiresInDays ?? (await getSettings(tx)).grantDays;
  await tx
    .updateTable('trust_document_requests')
    .set({ status: 'approved', decided_at: now, decided_by: actor.userId })
    .where('id', '=', id)
    .execute();
  const grant = await makeGrant(tx, await orgOf(tx, actor.orgId), row, days, actor.userId, origin, now);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'trust_document.request_approved',
    ...target(id),
    details: { documentId: row.document_id, email: row.email, grantId: grant.grantId, expiresAt: iso(grant.expiresAt) },
  });
  const mailed = ctx.mailer.enabled;
  return { request: await oneRequest(tx, id, now), link: mailed ? null : grant.link, mail: mailed ? grant.mail : null };
}

export async function denyRequest(
  tx: Tx,
  actor: DocumentActor,
  id: string,
  input: z.infer<typeof DenyBody>,
  meta: RequestMeta,
  now: Date,
): Promise<DocumentRequest> {
  const row = await pendingRequest(tx, id);
  await tx
    .updateTable('trust_document_requests')
    .set({ status: 'denied', decided_at: now, decided_by: actor.userId, decision_note: input.note || null })
    .where('id', '=', id)
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'trust_document.request_denied',
    ...target(id),
    details: { documentId: row.document_id, email: row.email, note: input.note ?? null },
  });
  return oneRequest(tx, id, now);
}

export async function revokeGrant(
  tx: Tx,
  actor: DocumentActor,
  id: string,
  meta: RequestMeta,
  now: Date,
): Promise<DocumentGrant> {
  const row = await tx
    .selectFrom('trust_document_grants')
    .select(['id', 'email', 'document_id', 'revoked_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('This grant');
  if (!row.revoked_at) {
    await tx
      .updateTable('trust_document_grants')
      .set({ revoked_at: now, revoked_by: actor.userId })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
      action: 'trust_document.grant_revoked',
      targetType: 'trust_document_grant',
      targetId: id,
      details: { documentId: row.document_id, email: row.email },
    });
  }
  const [grant] = await listGrants(tx, now, id);
  return grant as DocumentGrant;
}

/** The grant a link names, or 404 (unknown) / 410 (expired, revoked, no longer shared). */
export async function openGrant(tx: Tx, token: string, now: Date) {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) throw notFound('This link');
  const row = await tx
    .selectFrom('trust_document_grants as g')
    .innerJoin('trust_documents as d', 'd.id', 'g.document_id')
    .select(['g.id', 'g.document_id', 'g.email', 'g.expires_at', 'g.revoked_at', 'd.title', 'd.access', 'd.size'])
    .where('g.token_hash', '=', hashSecret(token))
    .executeTakeFirst();
  if (!row) throw notFound('This link');
  if (row.revoked_at) throw new AppError('gone', 'This link was revoked. Ask for the document again.');
  if (row.expires_at <= now) {
    throw new AppError('gone', `This link expired on ${iso(row.expires_at).slice(0, 10)}. Ask for the document again.`);
  }
  if (row.access === 'hidden') throw new AppError('gone', 'This document is no longer shared.');
  return row;
}

export async function logDownload(
  tx: Tx,
  orgId: string,
  documentId: string,
  grantId: string | null,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  await tx
    .insertInto('trust_document_downloads')
    .values({
      id: newId(),
      org_id: orgId,
      document_id: documentId,
      grant_id: grantId,
      at: now,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 512) ?? null,
    })
    .execute();
}

/** Sends approval emails after their transaction committed; a failure is logged, the grant stands. */
export async function sendGrantMail(ctx: AppContext, mail: Mail | null): Promise<boolean> {
  if (!mail || !ctx.mailer.enabled) return false;
  try {
    await ctx.mailer.send(mail);
    return true;
  } catch (error) {
    ctx.log.warn({ err: error }, 'trust document link email failed; the grant stands');
    return false;
  }
}
