/**
 * The words of the incident register: severities, statuses, the facts every breach notice
 * must state, who may do what. Pure data and small functions, shared by the services, the
 * routes, the notice writers and the inventory mirror.
 */
import type { Actor } from '../../context.js';
import type { IncidentSeverity, IncidentStatus } from '../../db/schema/incidents.js';

export type { IncidentSeverity, IncidentStatus };

/** sev1 is the worst; a lower number is a raise. */
export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'] as const satisfies readonly IncidentSeverity[];
export const SEVERITY_LABEL: Record<IncidentSeverity, string> = {
  sev1: 'SEV1 critical',
  sev2: 'SEV2 high',
  sev3: 'SEV3 medium',
  sev4: 'SEV4 low',
};
export const rank = (severity: IncidentSeverity): number => SEVERITIES.indexOf(severity);
/** True when `to` is more severe than `from`. */
export const isRaise = (from: IncidentSeverity, to: IncidentSeverity): boolean => rank(to) < rank(from);
/** sev1 and sev2 need a completed post-incident review before they close. */
export const needsReview = (severity: IncidentSeverity): boolean => severity === 'sev1' || severity === 'sev2';

export const STATUSES = [
  'reported',
  'triaged',
  'contained',
  'resolved',
  'closed',
] as const satisfies readonly IncidentStatus[];
export const isOpen = (status: IncidentStatus): boolean => status !== 'resolved' && status !== 'closed';

/** The facts every breach notice states (the seed's list, in our own labels). */
export const NOTICE_FIELDS = ['extent', 'what_happened', 'breach_date', 'discovery_date', 'scope', 'response'] as const;
export type NoticeField = (typeof NOTICE_FIELDS)[number];
export type NoticeText = Record<NoticeField, string>;

/** Labels, and the camelCase keys the API uses. */
export const NOTICE_FIELD_INFO: Record<NoticeField, { key: string; label: string }> = {
  extent: { key: 'extent', label: 'How far your data was used, accessed, taken or disclosed' },
  what_happened: { key: 'whatHappened', label: 'What happened' },
  breach_date: { key: 'breachDate', label: 'Date of the breach' },
  discovery_date: { key: 'discoveryDate', label: 'Date we discovered it' },
  scope: { key: 'scope', label: 'Scope of the breach' },
  response: { key: 'response', label: 'What we did in response, and the steps taken to limit the harm' },
};

/** The required fields that are empty (blank counts as empty). */
export function missingFields(text: Partial<Record<NoticeField, string | null>>): NoticeField[] {
  return NOTICE_FIELDS.filter((f) => !text[f]?.trim());
}

export const NOTICE_VIA = ['email', 'letter', 'portal'] as const;
export const DELAY_BASIS = ['law_enforcement', 'legal'] as const;
export const DELAY_LABEL: Record<(typeof DELAY_BASIS)[number], string> = {
  law_enforcement: 'Requested by law enforcement',
  legal: 'Required by law',
};

export const DEFAULT_NOTICE_HOURS = 72;
const HOUR_MS = 3_600_000;

/**
 * The notice deadline: discovery plus the breach's hours, then each delay in the order it was
 * recorded: some hours more, or until a time (never earlier than the deadline already was).
 */
export function noticeDeadline(
  discoveredAt: Date,
  hours: number,
  delays: readonly { hours: number | null; untilAt: Date | null }[],
): Date {
  let deadline = discoveredAt.getTime() + hours * HOUR_MS;
  for (const d of delays) {
    if (d.hours !== null) deadline += d.hours * HOUR_MS;
    else if (d.untilAt) deadline = Math.max(deadline, d.untilAt.getTime());
  }
  return new Date(deadline);
}

export type OrgActor = Actor & { orgId: string };

export const isManager = (actor: Actor): boolean => actor.role === 'owner' || actor.role === 'admin';

/** What the register needs to know of an incident to decide who may see and change it. */
export interface Holders {
  reported_by: string | null;
  owner_user_id: string | null;
}

/** Managers and auditors see every incident; others those they reported or own. */
export const maySee = (actor: Actor, i: Holders): boolean =>
  isManager(actor) || actor.role === 'auditor' || i.reported_by === actor.userId || i.owner_user_id === actor.userId;

/** Status, severity, systems, breach workflow, review: managers and the incident's owner. */
export const mayManage = (actor: Actor, i: Holders): boolean =>
  actor.role !== 'auditor' && (isManager(actor) || i.owner_user_id === actor.userId);

/** Notes: whoever may manage it, and its reporter. */
export const mayNote = (actor: Actor, i: Holders): boolean =>
  actor.role !== 'auditor' && (mayManage(actor, i) || i.reported_by === actor.userId);

/** The breach's customers and notices: whoever manages the incident, and auditors (read only). */
export const maySeeBreach = (actor: Actor, i: Holders): boolean => actor.role === 'auditor' || mayManage(actor, i);
