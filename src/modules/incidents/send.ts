/**
 * Marking a breach notice sent. Attest refuses while any required fact is empty (422 naming
 * the fields). With SMTP configured and "email" chosen, Attest emails the notice to the
 * customer's contact first (a refused email marks nothing sent); otherwise the person says how
 * they sent it (email, letter, portal). Then, in one transaction, the notice is frozen as sent,
 * its hash appended to the ledger, the timeline and audit log written. Last, its Markdown and
 * PDF are stored as evidence of INC-05 (each in its own transactions, like every generated
 * document); if that fails, sending again stores what is missing and nothing else.
 */
import { z } from 'zod';
import type { AppContext, RequestMeta } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import { appendToLedger } from '../../ledger/service.js';
import { recordAudit } from '../audit/service.js';
import { addGeneratedEvidence } from '../evidence/generated.js';
import { auditWho } from '../tokens/service.js';
import { breachIncident } from './breach.js';
import { apiKeys } from './breach-read.js';
import { refreshIncidents } from './inventory.js';
import { missingFields, NOTICE_FIELD_INFO, NOTICE_VIA, type OrgActor } from './model.js';
import { NOTICE_LEDGER_KIND, noticeDocument, noticeFileName, noticeHash, noticeMarkdown } from './notice-doc.js';
import { addEvent } from './timeline.js';

export const NOTICE_CONTROL = 'INC-05';

export const SendInput = z.object({ via: z.enum(NOTICE_VIA) });

export interface SendResult {
  /** True when Attest emailed the notice itself. */
  emailed: boolean;
  /** True when the Markdown and PDF copies are stored as evidence. */
  evidenceStored: boolean;
}

export async function sendNotice(
  ctx: AppContext,
  actor: OrgActor,
  incidentId: string,
  noticeId: string,
  via: (typeof NOTICE_VIA)[number],
  meta: RequestMeta,
): Promise<SendResult> {
  const scope = { orgId: actor.orgId, userId: actor.userId };
  const doc = await withScope(ctx.database, scope, async (tx) => {
    await breachIncident(tx, actor, incidentId);
    return noticeDocument(tx, incidentId, noticeId, ctx.clock.now());
  });
  if (doc.status === 'sent') {
    if (await storeNoticeEvidence(ctx, actor, incidentId, noticeId, meta)) {
      return { emailed: false, evidenceStored: true };
    }
    throw new AppError('conflict', 'This notice was already sent; a sent notice cannot be sent again or changed.');
  }
  const missing = missingFields(doc.text);
  if (missing.length > 0) {
    throw new AppError(
      'notice_incomplete',
      `This notice cannot be marked sent while a required fact is empty. Fill in: ${missing.map((f) => NOTICE_FIELD_INFO[f].label).join('; ')}.`,
      { errors: apiKeys(missing).map((key) => ({ path: key, message: 'required before sending' })) },
    );
  }

  let emailed = false;
  if (via === 'email' && ctx.mailer.enabled) {
    try {
      await ctx.mailer.send({
        to: doc.customer.contactEmail,
        subject: `Notice of a security incident at ${doc.organisation} (incident #${doc.incidentNumber})`,
        text: noticeMarkdown({ ...doc, status: 'sent', date: ctx.clock.now() }),
      });
      emailed = true;
    } catch (error) {
      ctx.log.warn({ err: error, notice: noticeId }, 'breach notice email refused');
      throw new AppError(
        'unavailable',
        'The mail server did not accept the notice, so nothing was marked sent. Try again, or send it another way and mark it sent as a letter or through your portal.',
      );
    }
  }

  await withScope(ctx.database, scope, async (tx) => {
    const now = ctx.clock.now();
    await breachIncident(tx, actor, incidentId);
    const current = await tx
      .selectFrom('incident_notices')
      .select('status')
      .where('id', '=', noticeId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (current.status === 'sent') throw new AppError('conflict', 'This notice was sent meanwhile by someone else.');
    const { index } = await appendToLedger(
      tx,
      actor.orgId,
      { kind: NOTICE_LEDGER_KIND, refId: noticeId, contentHash: noticeHash(doc, now, via) },
      now,
    );
    // Frozen as sent: exactly the text that was checked (and emailed).
    await tx
      .updateTable('incident_notices')
      .set({
        ...doc.text,
        status: 'sent',
        sent_at: now,
        sent_by: actor.userId,
        sent_via: via,
        sent_to: via === 'email' ? doc.customer.contactEmail : null,
        emailed,
        ledger_index: index,
        updated_at: now,
      })
      .where('id', '=', noticeId)
      .execute();
    const how = emailed
      ? `emailed by Attest to ${doc.customer.contactEmail}`
      : `sent by ${via}${via === 'email' ? ` to ${doc.customer.contactEmail}` : ''} (recorded by hand)`;
    await addEvent(
      tx,
      actor.orgId,
      incidentId,
      {
        kind: 'notice_sent',
        actorId: actor.userId,
        body: `Breach notice to ${doc.customer.name} ${how}.`,
        details: { noticeId, via, emailed, ledgerIndex: index },
      },
      now,
    );
    await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
      action: 'incident.notice_sent',
      targetType: 'incident_notice',
      targetId: noticeId,
      details: { incidentId, via, emailed, ledgerIndex: index },
    });
    await refreshIncidents(tx, actor.orgId, now, [incidentId]);
  });

  const evidenceStored = await storeNoticeEvidence(ctx, actor, incidentId, noticeId, meta).catch((error) => {
    ctx.log.error({ err: error, notice: noticeId }, 'breach notice evidence not stored; sending again stores it');
    return false;
  });
  return { emailed, evidenceStored };
}

/**
 * Stores a sent notice's Markdown and PDF as evidence of INC-05 where they are missing.
 * Returns true when it stored something.
 */
export async function storeNoticeEvidence(
  ctx: AppContext,
  actor: OrgActor,
  incidentId: string,
  noticeId: string,
  meta: RequestMeta,
): Promise<boolean> {
  const scope = { orgId: actor.orgId, userId: actor.userId };
  const { doc, stored } = await withScope(ctx.database, scope, async (tx) => ({
    doc: await noticeDocument(tx, incidentId, noticeId, ctx.clock.now()),
    stored: await tx
      .selectFrom('incident_notices')
      .select(['markdown_evidence_id', 'pdf_evidence_id'])
      .where('id', '=', noticeId)
      .executeTakeFirstOrThrow(),
  }));
  if (doc.status !== 'sent' || (stored.markdown_evidence_id && stored.pdf_evidence_id)) return false;
  const by = { userId: actor.userId, email: actor.email };
  const note = `Breach notice to ${doc.customer.name} for incident #${doc.incidentNumber}, sent by ${doc.sentVia}.`;
  const when = { effectiveFrom: doc.sentAt ?? undefined, effectiveTo: doc.sentAt ?? undefined };
  if (!stored.markdown_evidence_id) {
    const md = await addGeneratedEvidence(
      ctx,
      actor.orgId,
      by,
      {
        name: noticeFileName(doc, 'md'),
        contentType: 'text/markdown',
        bytes: Buffer.from(noticeMarkdown(doc), 'utf8'),
        controlKey: NOTICE_CONTROL,
        note,
        ...when,
      },
      meta,
    );
    await withScope(ctx.database, scope, (tx) =>
      tx
        .updateTable('incident_notices')
        .set({ markdown_evidence_id: md.id })
        .where('id', '=', noticeId)
        .where('markdown_evidence_id', 'is', null)
        .execute(),
    );
  }
  if (!stored.pdf_evidence_id) {
    const { noticePdf } = await import('./notice-pdf.js');
    const pdf = await addGeneratedEvidence(
      ctx,
      actor.orgId,
      by,
      {
        name: noticeFileName(doc, 'pdf'),
        contentType: 'application/pdf',
        bytes: await noticePdf(doc),
        controlKey: NOTICE_CONTROL,
        note,
        ...when,
      },
      meta,
    );
    await withScope(ctx.database, scope, (tx) =>
      tx
        .updateTable('incident_notices')
        .set({ pdf_evidence_id: pdf.id })
        .where('id', '=', noticeId)
        .where('pdf_evidence_id', 'is', null)
        .execute(),
    );
  }
  return true;
}
