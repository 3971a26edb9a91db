/**
 * The incident register in the inventory: each incident is a record of the built-in source
 * "Incident register" (kind `incidents`) whose data (IncidentData) carries what the incident
 * checks judge: its first escalation, its review, and for a breach the delay-extended deadline
 * and every affected customer's notice. `refreshIncidents` rewrites records as a partial push
 * after every change that moves them, and the daily job rewrites them all.
 */
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import type { IncidentData, InventoryRecord } from '../../integrations/types.js';
import { applyPush, sourceFor } from '../monitoring/push.js';
import { missingFields, NOTICE_FIELDS, type NoticeField, noticeDeadline } from './model.js';

export const INCIDENTS_SOURCE_KIND = 'incidents';
const SOURCE_NAME = 'Incident register';

const isoOrNull = (d: Date | string | null) => (d ? iso(d) : null);

/** The records of the given incidents (every incident when `ids` is left out). */
export async function incidentRecords(tx: Tx, ids?: readonly string[]): Promise<InventoryRecord<'incident'>[]> {
  if (ids && ids.length === 0) return [];
  const some = ids ? [...ids] : [];
  const filtered = ids !== undefined;

  const incidents = await tx
    .selectFrom('incidents')
    .select(['id', 'number', 'title', 'severity', 'status', 'reported_at', 'resolved_at', 'closed_at'])
    .$if(filtered, (q) => q.where('id', 'in', some))
    .execute();
  if (incidents.length === 0) return [];

  const escalations = await tx
    .selectFrom('incident_escalations')
    .select(['incident_id', 'severity', 'triggered_at', 'target_minutes', 'sent_at'])
    .orderBy('triggered_at')
    .orderBy('id')
    .$if(filtered, (q) => q.where('incident_id', 'in', some))
    .execute();
  const reviews = await tx
    .selectFrom('incident_reviews')
    .select(['incident_id', 'completed_at'])
    .$if(filtered, (q) => q.where('incident_id', 'in', some))
    .execute();
  const breaches = await tx
    .selectFrom('incident_breaches')
    .select(['incident_id', 'discovered_at', 'deadline_hours', ...NOTICE_FIELDS])
    .$if(filtered, (q) => q.where('incident_id', 'in', some))
    .execute();
  const delays = await tx
    .selectFrom('incident_notice_delays')
    .select(['incident_id', 'hours', 'until_at'])
    .orderBy('recorded_at')
    .orderBy('id')
    .$if(filtered, (q) => q.where('incident_id', 'in', some))
    .execute();
  const customers = await tx
    .selectFrom('incident_customers as c')
    .leftJoin('incident_notices as n', 'n.customer_id', 'c.id')
    .select([
      'c.incident_id',
      'c.name',
      'n.id as notice_id',
      'n.status',
      'n.sent_at',
      'n.extent',
      'n.what_happened',
      'n.breach_date',
      'n.discovery_date',
      'n.scope',
      'n.response',
    ])
    .orderBy('c.name')
    .$if(filtered, (q) => q.where('c.incident_id', 'in', some))
    .execute();

  const firstEscalation = new Map<string, (typeof escalations)[number]>();
  for (const e of escalations) if (!firstEscalation.has(e.incident_id)) firstEscalation.set(e.incident_id, e);
  const reviewed = new Map(reviews.map((r) => [r.incident_id, r.completed_at]));
  const breachOf = new Map(breaches.map((b) => [b.incident_id, b]));

  return incidents.map((i) => {
    const first = firstEscalation.get(i.id);
    const b = breachOf.get(i.id);
    let breach: IncidentData['breach'] = null;
    if (b) {
      const mine = delays.filter((d) => d.incident_id === i.id);
      const deadline = noticeDeadline(
        new Date(b.discovered_at),
        b.deadline_hours,
        mine.map((d) => ({ hours: d.hours, untilAt: d.until_at ? new Date(d.until_at) : null })),
      );
      breach = {
        discoveredAt: iso(b.discovered_at),
        deadlineAt: deadline.toISOString(),
        delays: mine.length,
        customers: customers
          .filter((c) => c.incident_id === i.id)
          .map((c) => {
            const sent = c.status === 'sent';
            const frozen = Object.fromEntries(NOTICE_FIELDS.map((f) => [f, c[f]])) as Record<
              NoticeField,
              string | null
            >;
            return {
              name: c.name,
              hasNotice: c.notice_id !== null,
              sentAt: sent ? isoOrNull(c.sent_at) : null,
              missingFields: sent ? missingFields(frozen) : [],
            };
          }),
      };
    }
    const name = `#${i.number} ${i.title}`;
    const data: IncidentData = {
      name,
      number: i.number,
      severity: i.severity,
      status: i.status,
      reportedAt: iso(i.reported_at),
      resolvedAt: isoOrNull(i.resolved_at),
      closedAt: isoOrNull(i.closed_at),
      firstEscalation: first
        ? {
            severity: first.severity,
            triggeredAt: iso(first.triggered_at),
            targetMinutes: first.target_minutes,
            sentAt: isoOrNull(first.sent_at),
          }
        : null,
      reviewCompletedAt: isoOrNull(reviewed.get(i.id) ?? null),
      breach,
    };
    return { type: 'incident', externalId: i.id, name, data };
  });
}

/** Rewrites the records of the given incidents (all when left out) as a partial push. */
export async function refreshIncidents(tx: Tx, orgId: string, now: Date, ids?: readonly string[]): Promise<void> {
  const records = await incidentRecords(tx, ids);
  if (records.length === 0) return;
  const source = await sourceFor(tx, orgId, INCIDENTS_SOURCE_KIND, SOURCE_NAME, null, now);
  await applyPush(
    tx,
    orgId,
    source,
    { format: SOURCE_NAME, scopes: [{ scope: 'incidents', records }], warnings: [] },
    now,
    { removed: [] },
  );
}
