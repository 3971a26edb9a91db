/**
 * The organisation's incident settings (hours to notify customers of a breach) and its
 * escalation rules, one per severity: who hears of it (members by role or by name, plus email
 * addresses), an optional signed webhook, and the minutes the escalation may take. Owners and
 * admins change them; auditors read them. Every change is audit-logged.
 */
import { z } from 'zod';
import type { RequestMeta } from '../../context.js';
import type { MasterKey } from '../../crypto/master-key.js';
import { newId, newSecret } from '../../crypto/random.js';
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { AppError, notFound } from '../../errors.js';
import { inCurrentOrg } from '../access/decisions.js';
import { recordAudit } from '../audit/service.js';
import { auditWho } from '../tokens/service.js';
import { DEFAULT_NOTICE_HOURS, type IncidentSeverity, type OrgActor } from './model.js';
import type { UserRef } from './timeline.js';
import { webhookUrlProblem } from './webhook.js';

export const SettingsInput = z.object({
  noticeDeadlineHours: z.number().int().min(1, 'At least 1 hour.').max(8760, 'At most 8760 hours (a year).'),
});

export const RuleInput = z.object({
  notifyRoles: z
    .array(z.enum(['owner', 'admin', 'member', 'reviewer', 'auditor']))
    .max(5)
    .default([]),
  notifyUserIds: z.array(z.uuid()).max(50).default([]),
  emails: z.array(z.email().max(320)).max(20).default([]),
  webhookUrl: z.string().trim().max(2000).nullable().default(null),
  /** The shared secret; left out, the current one stays (or a new one is made for a new webhook). */
  webhookSecret: z.string().min(16, 'Use a secret of at least 16 characters.').max(200).optional(),
  targetMinutes: z.number().int().min(1, 'At least 1 minute.').max(10080, 'At most 10080 minutes (a week).'),
});
export type RuleInput = z.infer<typeof RuleInput>;

export interface EscalationRule {
  id: string;
  severity: IncidentSeverity;
  notifyRoles: string[];
  notifyUsers: UserRef[];
  emails: string[];
  webhookUrl: string | null;
  hasWebhookSecret: boolean;
  targetMinutes: number;
  updatedAt: string;
}

export interface IncidentSettings {
  noticeDeadlineHours: number;
  rules: EscalationRule[];
}

export const secretContext = (orgId: string, ruleId: string) => `incident-webhook:${orgId}:${ruleId}`;

export async function noticeHours(tx: Tx): Promise<number> {
  const row = await tx.selectFrom('incident_settings').select('notice_deadline_hours').executeTakeFirst();
  return row?.notice_deadline_hours ?? DEFAULT_NOTICE_HOURS;
}

export async function listRules(tx: Tx): Promise<EscalationRule[]> {
  const rows = await tx
    .selectFrom('incident_escalation_rules')
    .select([
      'id',
      'severity',
      'notify_roles',
      'notify_user_ids',
      'emails',
      'webhook_url',
      'webhook_secret_enc',
      'target_minutes',
      'updated_at',
    ])
    .orderBy('severity')
    .execute();
  const ids = [...new Set(rows.flatMap((r) => r.notify_user_ids))];
  const users = ids.length
    ? await tx.selectFrom('users').select(['id', 'email', 'name']).where('id', 'in', ids).execute()
    : [];
  const byId = new Map(users.map((u) => [u.id, { id: u.id, email: u.email, name: u.name ?? '' }]));
  return rows.map((r) => ({
    id: r.id,
    severity: r.severity,
    notifyRoles: r.notify_roles,
    notifyUsers: r.notify_user_ids.flatMap((id) => byId.get(id) ?? []),
    emails: r.emails,
    webhookUrl: r.webhook_url,
    hasWebhookSecret: r.webhook_secret_enc !== null,
    targetMinutes: r.target_minutes,
    updatedAt: iso(r.updated_at),
  }));
}

export async function getSettings(tx: Tx): Promise<IncidentSettings> {
  return { noticeDeadlineHours: await noticeHours(tx), rules: await listRules(tx) };
}

export async function saveSettings(
  tx: Tx,
  actor: OrgActor,
  input: z.infer<typeof SettingsInput>,
  meta: RequestMeta,
  now: Date,
): Promise<IncidentSettings> {
  const before = await noticeHours(tx);
  await tx
    .insertInto('incident_settings')
    .values({
      org_id: actor.orgId,
      notice_deadline_hours: input.noticeDeadlineHours,
      updated_by: actor.userId,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .column('org_id')
        .doUpdateSet({ notice_deadline_hours: input.noticeDeadlineHours, updated_by: actor.userId, updated_at: now }),
    )
    .execute();
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'incident.settings_updated',
    targetType: 'incident_settings',
    details: { noticeDeadlineHours: { from: before, to: input.noticeDeadlineHours } },
  });
  return getSettings(tx);
}

function invalid(path: string, message: string, detail: string): AppError {
  return new AppError('validation_failed', detail, { errors: [{ path, message }] });
}

/**
 * Creates or replaces the rule of a severity. Returns the rule and, when Attest made a new
 * secret for it, that secret (shown once: only its sealed form is kept).
 */
export async function saveRule(
  tx: Tx,
  keys: MasterKey,
  actor: OrgActor,
  severity: IncidentSeverity,
  input: RuleInput,
  meta: RequestMeta,
  now: Date,
): Promise<{ rule: EscalationRule; webhookSecret: string | null }> {
  const url = input.webhookUrl?.trim() ? input.webhookUrl.trim() : null;
  if (url) {
    const problem = webhookUrlProblem(url);
    if (problem) throw invalid('body.webhookUrl', 'not allowed', problem);
  }
  const emails = [...new Set(input.emails.map((e) => e.toLowerCase()))];
  const userIds = [...new Set(input.notifyUserIds)];
  if (input.notifyRoles.length === 0 && userIds.length === 0 && emails.length === 0 && !url) {
    throw invalid(
      'body.notifyRoles',
      'nobody to notify',
      'Name at least one role, person, email address or webhook for this severity, or delete the rule.',
    );
  }
  if (userIds.length > 0) {
    const members = await tx
      .selectFrom('memberships as m')
      .select('m.user_id')
      .where(inCurrentOrg)
      .where('m.user_id', 'in', userIds)
      .execute();
    const known = new Set(members.map((m) => m.user_id));
    const strangers = userIds.filter((id) => !known.has(id));
    if (strangers.length > 0) {
      throw invalid(
        'body.notifyUserIds',
        'not a member',
        `${strangers.length === 1 ? 'One person named is' : `${strangers.length} people named are`} not members of this organisation.`,
      );
    }
  }
  const current = await tx
    .selectFrom('incident_escalation_rules')
    .select(['id', 'webhook_url', 'webhook_secret_enc'])
    .where('severity', '=', severity)
    .forUpdate()
    .executeTakeFirst();
  const id = current?.id ?? newId();
  let made: string | null = null;
  let sealed: string | null = null;
  if (url) {
    if (input.webhookSecret) sealed = keys.seal(input.webhookSecret, secretContext(actor.orgId, id));
    else if (current?.webhook_secret_enc) sealed = current.webhook_secret_enc;
    else {
      made = newSecret();
      sealed = keys.seal(made, secretContext(actor.orgId, id));
    }
  }
  const values = {
    notify_roles: input.notifyRoles,
    notify_user_ids: userIds,
    emails,
    webhook_url: url,
    webhook_secret_enc: sealed,
    target_minutes: input.targetMinutes,
    updated_by: actor.userId,
    updated_at: now,
  };
  if (current) {
    await tx.updateTable('incident_escalation_rules').set(values).where('id', '=', id).execute();
  } else {
    await tx
      .insertInto('incident_escalation_rules')
      .values({ id, org_id: actor.orgId, severity, created_at: now, ...values })
      .execute();
  }
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'incident.escalation_rule_saved',
    targetType: 'incident_escalation_rule',
    targetId: id,
    details: {
      severity,
      notifyRoles: input.notifyRoles,
      notifyUserIds: userIds,
      emails: emails.length,
      webhook: url !== null,
      secretChanged: input.webhookSecret !== undefined || made !== null,
      targetMinutes: input.targetMinutes,
    },
  });
  const rule = (await listRules(tx)).find((r) => r.id === id);
  if (!rule) throw notFound('This rule');
  return { rule, webhookSecret: made };
}

export async function deleteRule(
  tx: Tx,
  actor: OrgActor,
  severity: IncidentSeverity,
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  const gone = await tx
    .deleteFrom('incident_escalation_rules')
    .where('severity', '=', severity)
    .returning('id')
    .executeTakeFirst();
  if (!gone) throw notFound(`The escalation rule for ${severity}`);
  await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
    action: 'incident.escalation_rule_deleted',
    targetType: 'incident_escalation_rule',
    targetId: gone.id,
    details: { severity },
  });
}
