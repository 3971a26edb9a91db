/**
 * Escalation: when an incident is reported, and whenever its severity is raised, the rule of
 * its (new) severity fires. In the transaction of the change: an escalation row, in-app notices
 * to the people the rule names, a timeline event. After the commit: the emails (when SMTP is
 * configured) and the signed webhook, whose failures are recorded and retried by the
 * `incidents.escalations` job with backoff; nothing here ever fails the report itself.
 */
import type { AppContext } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Database } from '../../db/connect.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { inCurrentOrg } from '../access/decisions.js';
import { mailNotice, type Notice, notify } from '../notifications/service.js';
import { refreshIncidents } from './inventory.js';
import { type IncidentSeverity, SEVERITY_LABEL } from './model.js';
import { secretContext } from './rules.js';
import { addEvent } from './timeline.js';
import { postWebhook } from './webhook.js';

/** Minutes to wait after the n-th failed attempt; after the last, the webhook is given up. */
export const RETRY_MINUTES = [1, 5, 15, 60, 180] as const;
const MINUTE_MS = 60_000;
/** How long one delivery attempt holds an escalation, so the job and a request never both send it. */
const LEASE_MS = 2 * MINUTE_MS;

export interface EscalatedIncident {
  id: string;
  number: number;
  title: string;
  severity: IncidentSeverity;
}

/** What is left to do once the transaction that fired the escalation has committed. */
export interface Delivery {
  orgId: string;
  incidentId: string;
  escalationId: string;
  mail: { to: string[]; notice: Notice } | null;
  webhook: boolean;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Fires the rule of the incident's severity, if there is one; returns what to deliver after commit. */
export async function fireEscalation(
  tx: Tx,
  orgId: string,
  incident: EscalatedIncident,
  reason: 'reported' | 'severity_raised',
  actorId: string | null,
  now: Date,
): Promise<Delivery | null> {
  const rule = await tx
    .selectFrom('incident_escalation_rules')
    .select(['id', 'notify_roles', 'notify_user_ids', 'emails', 'webhook_url', 'target_minutes'])
    .where('severity', '=', incident.severity)
    .executeTakeFirst();
  if (!rule) return null;

  let people: { id: string; email: string }[] = [];
  if (rule.notify_roles.length > 0 || rule.notify_user_ids.length > 0) {
    people = await tx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.email'])
      .where(inCurrentOrg)
      .where('u.disabled_at', 'is', null)
      .where((eb) =>
        eb.or([
          ...(rule.notify_roles.length > 0 ? [eb('m.role', 'in', rule.notify_roles as never[])] : []),
          ...(rule.notify_user_ids.length > 0 ? [eb('m.user_id', 'in', rule.notify_user_ids)] : []),
        ]),
      )
      .orderBy('u.email')
      .execute();
  }
  const emails = [...new Set([...people.map((p) => p.email.toLowerCase()), ...rule.emails])];
  const id = newId();
  await tx
    .insertInto('incident_escalations')
    .values({
      id,
      org_id: orgId,
      incident_id: incident.id,
      rule_id: rule.id,
      severity: incident.severity,
      reason,
      triggered_at: now,
      target_minutes: rule.target_minutes,
      notified_user_ids: people.map((p) => p.id),
      emails: rule.emails,
      // In-app notices are written in this transaction: the escalation has reached them now.
      sent_at: people.length > 0 ? now : null,
      webhook_url: rule.webhook_url,
      webhook_status: rule.webhook_url ? 'pending' : 'none',
      webhook_next_at: rule.webhook_url ? now : null,
    })
    .execute();
  const label = SEVERITY_LABEL[incident.severity];
  const notice: Notice = {
    kind: 'incident.escalated',
    title: `${label} incident #${incident.number}: ${incident.title}`,
    body:
      reason === 'reported'
        ? `A ${label} incident was reported: ${incident.title}. Open it to respond.`
        : `Incident #${incident.number} (${incident.title}) was raised to ${label}. Open it to respond.`,
    link: `/incidents/${incident.id}`,
  };
  await notify(
    tx,
    orgId,
    people.map((p) => p.id),
    notice,
    now,
  );
  const channels = [
    people.length > 0 ? `in-app notice to ${plural(people.length, 'person', 'people')}` : null,
    emails.length > 0 ? `email to ${plural(emails.length, 'address', 'addresses')}` : null,
    rule.webhook_url ? 'webhook' : null,
  ].filter(Boolean);
  await addEvent(
    tx,
    orgId,
    incident.id,
    {
      kind: 'escalation',
      actorId,
      body: `Escalated under the ${label} rule (${reason === 'reported' ? 'on report' : 'severity raised'}): ${channels.join(', ') || 'nobody'}.`,
      details: {
        escalationId: id,
        severity: incident.severity,
        people: people.length,
        emails: emails.length,
        webhook: rule.webhook_url !== null,
      },
    },
    now,
  );
  return {
    orgId,
    incidentId: incident.id,
    escalationId: id,
    mail: emails.length > 0 ? { to: emails, notice } : null,
    webhook: rule.webhook_url !== null,
  };
}

/** Sends what the committed escalations still owe: emails, then webhooks. Never throws. */
export async function deliverEscalations(ctx: AppContext, deliveries: readonly (Delivery | null)[]): Promise<void> {
  for (const d of deliveries) {
    if (!d) continue;
    try {
      if (d.mail && ctx.mailer.enabled) {
        const sent = await mailNotice(ctx, d.mail.to, d.mail.notice);
        if (sent > 0) {
          await withScope(ctx.database, { orgId: d.orgId }, async (tx) => {
            const now = ctx.clock.now();
            await tx
              .updateTable('incident_escalations')
              .set((eb) => ({ emails_sent: sent, sent_at: eb.fn.coalesce('sent_at', eb.val(now)) }))
              .where('id', '=', d.escalationId)
              .execute();
            await refreshIncidents(tx, d.orgId, now, [d.incidentId]);
          });
        }
      }
      if (d.webhook) await deliverWebhook(ctx, d.orgId, d.escalationId);
    } catch (error) {
      ctx.log.warn({ err: error, escalation: d.escalationId }, 'incident escalation delivery failed; the job retries');
    }
  }
}

/**
 * One delivery attempt of an escalation's webhook, if it is pending and due: claimed with a
 * lease in one transaction, POSTed outside any transaction, and its outcome recorded in another.
 */
export async function deliverWebhook(ctx: AppContext, orgId: string, escalationId: string): Promise<boolean> {
  const scope = { orgId };
  const claimed = await withScope(ctx.database, scope, async (tx) => {
    const now = ctx.clock.now();
    const row = await tx
      .updateTable('incident_escalations')
      .set({ webhook_next_at: new Date(now.getTime() + LEASE_MS) })
      .where('id', '=', escalationId)
      .where('webhook_status', '=', 'pending')
      .where('webhook_next_at', '<=', now)
      .returning([
        'id',
        'incident_id',
        'rule_id',
        'severity',
        'reason',
        'triggered_at',
        'target_minutes',
        'webhook_url',
      ])
      .executeTakeFirst();
    if (!row) return null;
    const rule = row.rule_id
      ? await tx
          .selectFrom('incident_escalation_rules')
          .select(['webhook_secret_enc'])
          .where('id', '=', row.rule_id)
          .executeTakeFirst()
      : undefined;
    const incident = await tx
      .selectFrom('incidents')
      .select(['id', 'number', 'title', 'severity', 'status', 'reported_at', 'detected_at'])
      .where('id', '=', row.incident_id)
      .executeTakeFirstOrThrow();
    return { row, secretEnc: rule?.webhook_secret_enc ?? null, incident };
  });
  if (!claimed) return false;
  const { row, secretEnc, incident } = claimed;

  let result: { ok: boolean; error: string | null };
  if (!secretEnc || !row.webhook_url) {
    result = { ok: false, error: 'The rule was deleted or lost its webhook; nothing can be signed.' };
  } else {
    const base = ctx.config.publicUrl?.replace(/\/$/, '');
    const body = JSON.stringify({
      event: 'incident.escalated',
      deliveryId: row.id,
      sentAt: ctx.clock.now().toISOString(),
      organisationId: orgId,
      incident: {
        id: incident.id,
        number: incident.number,
        title: incident.title,
        severity: incident.severity,
        status: incident.status,
        detectedAt: new Date(incident.detected_at).toISOString(),
        reportedAt: new Date(incident.reported_at).toISOString(),
        url: base ? `${base}/incidents/${incident.id}` : null,
      },
      escalation: {
        id: row.id,
        severity: row.severity,
        reason: row.reason,
        triggeredAt: new Date(row.triggered_at).toISOString(),
        targetMinutes: row.target_minutes,
      },
    });
    const secret = ctx.keys.open(secretEnc, secretContext(orgId, row.rule_id as string));
    result = await postWebhook(row.webhook_url, secret, body, {
      'x-attest-event': 'incident.escalated',
      'x-attest-delivery': row.id,
    });
  }

  await withScope(ctx.database, scope, async (tx) => {
    const now = ctx.clock.now();
    const current = await tx
      .selectFrom('incident_escalations')
      .select(['webhook_attempts'])
      .where('id', '=', row.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const attempts = current.webhook_attempts + 1;
    if (result.ok) {
      await tx
        .updateTable('incident_escalations')
        .set((eb) => ({
          webhook_status: 'delivered',
          webhook_attempts: attempts,
          webhook_next_at: null,
          webhook_last_error: null,
          webhook_delivered_at: now,
          sent_at: eb.fn.coalesce('sent_at', eb.val(now)),
        }))
        .where('id', '=', row.id)
        .execute();
      await addEvent(
        tx,
        orgId,
        row.incident_id,
        {
          kind: 'escalation',
          actorId: null,
          body: `The escalation webhook was delivered${attempts > 1 ? ` on attempt ${attempts}` : ''}.`,
          details: { escalationId: row.id, attempts },
        },
        now,
      );
    } else {
      const wait = RETRY_MINUTES[attempts - 1];
      const giveUp = wait === undefined || !secretEnc;
      await tx
        .updateTable('incident_escalations')
        .set({
          webhook_status: giveUp ? 'failed' : 'pending',
          webhook_attempts: attempts,
          webhook_next_at: giveUp ? null : new Date(now.getTime() + (wait ?? 0) * MINUTE_MS),
          webhook_last_error: result.error,
        })
        .where('id', '=', row.id)
        .execute();
      await addEvent(
        tx,
        orgId,
        row.incident_id,
        {
          kind: 'escalation_failed',
          actorId: null,
          body: giveUp
            ? `The escalation webhook failed (attempt ${attempts}): ${result.error} Attest gave up; check the rule.`
            : `The escalation webhook failed (attempt ${attempts}): ${result.error} Attest tries again in ${wait} minute${wait === 1 ? '' : 's'}.`,
          details: { escalationId: row.id, attempts, error: result.error },
        },
        now,
      );
    }
    await refreshIncidents(tx, orgId, now, [row.incident_id]);
  });
  return result.ok;
}

/** Every organisation's webhooks that are due again: read as the connecting role, each sent under its RLS. */
export async function retryDueWebhooks(ctx: AppContext, now: Date): Promise<{ attempted: number; delivered: number }> {
  const due = await dueWebhooks(ctx.database, now);
  let delivered = 0;
  for (const d of due) if (await deliverWebhook(ctx, d.org_id, d.id)) delivered++;
  return { attempted: due.length, delivered };
}

async function dueWebhooks(database: Database, now: Date): Promise<{ org_id: string; id: string }[]> {
  const { rows } = await database.query(
    `SELECT org_id, id FROM incident_escalations
      WHERE webhook_status = 'pending' AND webhook_next_at <= $1
      ORDER BY webhook_next_at LIMIT 500`,
    [now],
  );
  return rows as { org_id: string; id: string }[];
}
