/**
 * A person's onboarding checklist, derived (never stored) from the organisation's settings and
 * what the person has done: background check, confidentiality agreement, security training,
 * policy acceptance and MFA on every account. It is computed for a whole page of the register at
 * once (a handful of queries whatever the number of people), so the list stays fast.
 */

import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import type { PersonRegisterFacts } from '../../integrations/types.js';
import { pendingFor } from '../policies/acceptance.js';
import { ACCEPTORS } from '../policies/access.js';
import { personFacts } from './mirror.js';
import { type Person, today } from './register.js';

export type OnboardingKey = 'background_check' | 'agreement' | 'training' | 'policies' | 'mfa';
export type OnboardingState = 'done' | 'pending' | 'overdue' | 'not_required';

export interface OnboardingItem {
  key: OnboardingKey;
  title: string;
  required: boolean;
  state: OnboardingState;
  /** One sentence: what is done, or what is missing and by when. */
  detail: string;
  /** ISO time (or YYYY-MM-DD for a background check) when it was done; null otherwise. */
  doneAt: string | null;
  /** Done, but after it was due (a background check or agreement after the start date). */
  late: boolean;
  /** YYYY-MM-DD by which it is due, when that is known. */
  dueOn: string | null;
}

export interface Onboarding {
  items: OnboardingItem[];
  /** Required items done, out of required items. */
  done: number;
  required: number;
  overdue: number;
}

/** What policy acceptance looks like for a person, as far as Attest knows. */
export type PolicyFacts =
  | { kind: 'no_user' }
  | { kind: 'not_acceptor'; role: string }
  | { kind: 'user'; published: number; pending: number; pendingTitles: string[]; currentSince: string | null };

/** The person's accounts in the inventory (active ones), and how many prove MFA. */
export interface MfaFacts {
  accounts: number;
  withMfa: number;
  withoutMfa: string[];
  unknown: string[];
  /** When a source last reported these accounts. */
  seenAt: string | null;
}

const DAY_MS = 86_400_000;
const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const dayOf = (iso: string) => iso.slice(0, 10);
const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
const list = (names: string[]) =>
  names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;

const TYPE_LABEL: Record<Person['employmentType'], string> = {
  employee: 'employees',
  contractor: 'contractors',
  other: 'this kind of worker',
};

function item(
  key: OnboardingKey,
  title: string,
  required: boolean,
  fields: Partial<OnboardingItem> & { state: OnboardingState; detail: string },
): OnboardingItem {
  return { key, title, required, doneAt: null, late: false, dueOn: null, ...fields };
}

/**
 * Something due by the start date: done (late when after it), overdue once the start date has
 * passed without it, pending before. `doneDay` is the calendar day it was done.
 */
function dueByStart(
  start: string | null,
  day: string,
  done: { at: string; day: string } | null,
  texts: { done: string; late: (start: string) => string; missing: string; overdue: (start: string) => string },
): Pick<OnboardingItem, 'state' | 'detail' | 'doneAt' | 'late' | 'dueOn'> {
  if (done) {
    const late = start !== null && done.day > start;
    return { state: 'done', detail: late ? texts.late(start) : texts.done, doneAt: done.at, late, dueOn: start };
  }
  if (start !== null && day > start)
    return { state: 'overdue', detail: texts.overdue(start), doneAt: null, late: false, dueOn: start };
  return {
    state: 'pending',
    detail: start
      ? `${texts.missing} Due by the start date, ${start}.`
      : `${texts.missing} No start date is recorded yet.`,
    doneAt: null,
    late: false,
    dueOn: start,
  };
}

/** The checklist of one person from their facts: a pure function of its inputs. */
export function checklistOf(
  person: Pick<Person, 'startDate' | 'employmentType'>,
  facts: PersonRegisterFacts | undefined,
  policies: PolicyFacts,
  mfa: MfaFacts,
  now: Date,
): Onboarding {
  const day = today(now);
  const start = person.startDate;
  const requires = facts?.requires ?? { backgroundCheck: true, agreement: true, training: true };
  const items: OnboardingItem[] = [];

  // Background check
  const check = facts?.backgroundCheck ?? null;
  const checkTitle = 'Background check';
  if (!requires.backgroundCheck) {
    items.push(
      item('background_check', checkTitle, false, {
        state: check?.status === 'passed' ? 'done' : 'not_required',
        detail:
          check?.status === 'passed'
            ? `Passed on ${check.completedOn}, although not required for ${TYPE_LABEL[person.employmentType]}.`
            : `Not required for ${TYPE_LABEL[person.employmentType]}.`,
        doneAt: check?.status === 'passed' ? check.completedOn : null,
      }),
    );
  } else if (check?.status === 'failed') {
    items.push(
      item('background_check', checkTitle, true, {
        state: 'overdue',
        detail: `The background check failed on ${check.completedOn}: decide whether this person may work here, and record a new check if one is run.`,
        dueOn: start,
      }),
    );
  } else {
    const passed = check?.status === 'passed' && check.completedOn ? check.completedOn : null;
    const waiting =
      check?.status === 'in_progress' ? 'The background check is in progress.' : 'No background check is recorded.';
    items.push(
      item(
        'background_check',
        checkTitle,
        true,
        dueByStart(start, day, passed ? { at: passed, day: passed } : null, {
          done: `Passed on ${passed}, before the start date.`,
          late: (s) =>
            `Passed on ${passed}, after the start date (${s}): the person started before the check finished.`,
          missing: waiting,
          overdue: (s) => `${waiting} The person started on ${s} without a completed check.`,
        }),
      ),
    );
  }

  // Confidentiality agreement
  const signed = facts?.agreementSignedAt ?? null;
  const agreementTitle = 'Confidentiality agreement';
  if (!requires.agreement) {
    items.push(
      item('agreement', agreementTitle, false, {
        state: signed ? 'done' : 'not_required',
        detail: signed ? `Signed on ${dayOf(signed)}, although not required.` : 'Not required by your settings.',
        doneAt: signed,
      }),
    );
  } else {
    items.push(
      item(
        'agreement',
        agreementTitle,
        true,
        dueByStart(start, day, signed ? { at: signed, day: dayOf(signed) } : null, {
          done: `Signed on ${signed ? dayOf(signed) : ''}, before the start date.`,
          late: (s) => `Signed on ${signed ? dayOf(signed) : ''}, after the start date (${s}).`,
          missing: 'The agreement is not signed yet.',
          overdue: (s) => `Not signed, although the person started on ${s}.`,
        }),
      ),
    );
  }

  // Security awareness training
  const trained = facts?.trainingCompletedAt ?? null;
  const grace = facts?.trainingGraceDays ?? 30;
  const validity = facts?.trainingValidityDays ?? 365;
  const trainingTitle = 'Security awareness training';
  if (!requires.training) {
    items.push(
      item('training', trainingTitle, false, {
        state: trained ? 'done' : 'not_required',
        detail: trained ? `Completed on ${dayOf(trained)}, although not required.` : 'Not required by your settings.',
        doneAt: trained,
      }),
    );
  } else {
    const due = start ? addDays(start, grace) : null;
    if (trained) {
      const expires = addDays(dayOf(trained), validity);
      const late = due !== null && dayOf(trained) > due;
      items.push(
        item(
          'training',
          trainingTitle,
          true,
          expires < day
            ? {
                state: 'overdue',
                detail: `Completed on ${dayOf(trained)}, but that expired on ${expires}: the training must be taken again.`,
                dueOn: expires,
              }
            : {
                state: 'done',
                detail: `Completed on ${dayOf(trained)}${late ? `, after the ${grace} days allowed from the start date (due ${due})` : ''}; valid until ${expires}.`,
                doneAt: trained,
                late,
                dueOn: due,
              },
        ),
      );
    } else if (due !== null && day > due) {
      items.push(
        item('training', trainingTitle, true, {
          state: 'overdue',
          detail: `Not completed, although it was due on ${due} (${grace} days after the start date).`,
          dueOn: due,
        }),
      );
    } else {
      items.push(
        item('training', trainingTitle, true, {
          state: 'pending',
          detail: due
            ? `Not completed yet; due by ${due} (${grace} days after the start date).`
            : `Not completed yet; due ${grace} days after the start date, which is not recorded.`,
          dueOn: due,
        }),
      );
    }
  }

  // Policies
  const policiesTitle = 'Policies accepted';
  if (policies.kind === 'not_acceptor') {
    items.push(
      item('policies', policiesTitle, false, {
        state: 'not_required',
        detail: `As ${policies.role === 'auditor' ? 'an auditor' : `a ${policies.role}`} in Attest, this person does not accept policies.`,
      }),
    );
  } else if (policies.kind === 'no_user') {
    items.push(
      item('policies', policiesTitle, true, {
        state: 'pending',
        detail:
          'This person has no Attest account in your organisation yet: invite them so they can read and accept the policies.',
      }),
    );
  } else if (policies.pending > 0) {
    items.push(
      item('policies', policiesTitle, true, {
        state: 'pending',
        detail:
          policies.pendingTitles.length > 0
            ? `Still to accept: ${list(policies.pendingTitles)}.`
            : `${plural(policies.pending, 'published policy', 'published policies')} still to accept.`,
      }),
    );
  } else {
    items.push(
      item('policies', policiesTitle, true, {
        state: 'done',
        detail:
          policies.published === 0
            ? 'No policy is published yet, so there is nothing to accept.'
            : `Every published policy is accepted (${plural(policies.published, 'policy', 'policies')}).`,
        doneAt: policies.currentSince,
      }),
    );
  }

  // MFA
  const mfaTitle = 'MFA on every account';
  if (mfa.accounts === 0) {
    items.push(
      item('mfa', mfaTitle, true, {
        state: 'pending',
        detail: 'No account of this person is known yet, so MFA cannot be proven: push your identity sources.',
      }),
    );
  } else if (mfa.withMfa === mfa.accounts) {
    items.push(
      item('mfa', mfaTitle, true, {
        state: 'done',
        detail: `MFA is on for all ${plural(mfa.accounts, 'account')}.`,
        doneAt: mfa.seenAt,
      }),
    );
  } else {
    const parts = [
      mfa.withoutMfa.length > 0 ? `no MFA on ${list(mfa.withoutMfa)}` : null,
      mfa.unknown.length > 0 ? `not reported for ${list(mfa.unknown)}` : null,
    ].filter(Boolean);
    items.push(
      item('mfa', mfaTitle, true, {
        state: 'pending',
        detail: `MFA is proven on ${mfa.withMfa} of ${plural(mfa.accounts, 'account')}: ${parts.join('; ')}.`,
      }),
    );
  }

  const required = items.filter((i) => i.required);
  return {
    items,
    required: required.length,
    done: required.filter((i) => i.state === 'done').length,
    overdue: required.filter((i) => i.state === 'overdue').length,
  };
}

const NO_MFA: MfaFacts = { accounts: 0, withMfa: 0, withoutMfa: [], unknown: [], seenAt: null };

/**
 * The organisation's users behind these emails (current members, not disabled) and their role.
 * Memberships are filtered by organisation: the signed-in user may see their own other ones.
 */
async function usersByEmail(tx: Tx, orgId: string, emails: string[], now: Date) {
  if (emails.length === 0) return new Map<string, { id: string; role: string }>();
  const rows = await tx
    .selectFrom('users as u')
    .innerJoin('memberships as m', 'm.user_id', 'u.id')
    .select(['u.id', 'u.email', 'm.role'])
    .where('m.org_id', '=', orgId)
    .where('u.email', 'in', emails)
    .where('u.disabled_at', 'is', null)
    .where((eb) => eb.or([eb('m.expires_at', 'is', null), eb('m.expires_at', '>', now)]))
    .execute();
  return new Map(rows.map((r) => [r.email, { id: r.id, role: r.role }]));
}

/**
 * Policy acceptance of many users at once, by the rule of `pendingFor` (acceptance.ts): a user
 * is pending on a published policy while they have accepted no version at or after its latest
 * material version. Two queries for the whole page.
 */
async function policyCounts(tx: Tx, userIds: string[]) {
  const out = new Map<string, { published: number; pending: number; currentSince: string | null }>();
  if (userIds.length === 0) return out;
  const published = await tx
    .selectFrom('policies')
    .select(['id', 'material_version'])
    .where('published_version', 'is not', null)
    .execute();
  const accepted = published.length
    ? await tx
        .selectFrom('policy_acceptances')
        .select(['user_id', 'policy_id', 'version', 'accepted_at'])
        .where('user_id', 'in', userIds)
        .where(
          'policy_id',
          'in',
          published.map((p) => p.id),
        )
        .execute()
    : [];
  const material = new Map(published.map((p) => [p.id, p.material_version ?? 1]));
  // Per user and policy: when they first accepted a version that counts.
  const since = new Map<string, Map<string, string>>();
  for (const a of accepted) {
    if (a.version < (material.get(a.policy_id) ?? 1)) continue;
    const byPolicy = since.get(a.user_id) ?? new Map<string, string>();
    const at = iso(a.accepted_at);
    const before = byPolicy.get(a.policy_id);
    if (!before || at < before) byPolicy.set(a.policy_id, at);
    since.set(a.user_id, byPolicy);
  }
  for (const userId of userIds) {
    const byPolicy = since.get(userId) ?? new Map<string, string>();
    const times = [...byPolicy.values()].sort();
    out.set(userId, {
      published: published.length,
      pending: published.length - byPolicy.size,
      currentSince: byPolicy.size === published.length ? (times.at(-1) ?? null) : null,
    });
  }
  return out;
}

/**
 * Active accounts in the inventory of people with these emails: by the account's email, or
 * through the person record it was linked to by hand. Disabled and removed accounts need no MFA.
 */
async function mfaByEmail(tx: Tx, emails: string[]) {
  const out = new Map<string, MfaFacts>();
  if (emails.length === 0) return out;
  const rows = await tx
    .selectFrom('inventory_records as r')
    .innerJoin('monitoring_sources as s', 's.id', 'r.source_id')
    .leftJoin('inventory_records as p', (j) =>
      j.onRef('p.id', '=', 'r.person_record_id').on('p.deleted_at', 'is', null),
    )
    .select(['r.name', 'r.email', 'r.data', 'r.last_seen_at', 's.name as source', 'p.email as linked'])
    .where('r.type', '=', 'account')
    .where('r.deleted_at', 'is', null)
    .where((eb) => eb.or([eb('r.email', 'in', emails), eb('p.email', 'in', emails)]))
    .execute();
  const wanted = new Set(emails);
  for (const row of rows) {
    const email = (row.linked ?? row.email ?? '').toLowerCase();
    if (!wanted.has(email)) continue;
    const data = row.data as { active?: boolean; mfaEnabled?: boolean | null };
    if (data.active === false) continue;
    const facts = out.get(email) ?? { ...NO_MFA, withoutMfa: [], unknown: [] };
    const label = `${row.name} (${row.source})`;
    facts.accounts++;
    if (data.mfaEnabled === true) facts.withMfa++;
    else if (data.mfaEnabled === false) facts.withoutMfa.push(label);
    else facts.unknown.push(label);
    const seen = iso(row.last_seen_at);
    if (!facts.seenAt || seen > facts.seenAt) facts.seenAt = seen;
    out.set(email, facts);
  }
  return out;
}

/**
 * The onboarding checklists of several people (a page of the register), in a fixed number of
 * queries. `facts` may be passed when the caller already read them with personFacts.
 */
export async function onboardingChecklists(
  tx: Tx,
  orgId: string,
  people: Person[],
  now: Date,
  facts?: Map<string, PersonRegisterFacts>,
): Promise<Map<string, Onboarding>> {
  const out = new Map<string, Onboarding>();
  if (people.length === 0) return out;
  const known =
    facts ??
    (await personFacts(
      tx,
      people.map((p) => p.id),
      now,
    ));
  const emails = people.map((p) => p.email);
  const users = await usersByEmail(tx, orgId, emails, now);
  const acceptors = [...users.values()].filter((u) => (ACCEPTORS as readonly string[]).includes(u.role));
  const counts = await policyCounts(
    tx,
    acceptors.map((u) => u.id),
  );
  const mfa = await mfaByEmail(tx, emails);
  for (const p of people) {
    const user = users.get(p.email);
    let policies: PolicyFacts;
    if (!user) policies = { kind: 'no_user' };
    else if (!(ACCEPTORS as readonly string[]).includes(user.role))
      policies = { kind: 'not_acceptor', role: user.role };
    else {
      const c = counts.get(user.id) ?? { published: 0, pending: 0, currentSince: null };
      policies = { kind: 'user', ...c, pendingTitles: [] };
    }
    out.set(p.id, checklistOf(p, known.get(p.id), policies, mfa.get(p.email) ?? NO_MFA, now));
  }
  return out;
}

/**
 * One person's checklist, with the titles of the policies they still have to accept (from
 * `pendingFor`, the rule the "My policies" page uses).
 */
export async function onboardingChecklist(
  tx: Tx,
  orgId: string,
  person: Person,
  now: Date,
  facts?: Map<string, PersonRegisterFacts>,
): Promise<Onboarding> {
  const known = facts ?? (await personFacts(tx, [person.id], now));
  const user = (await usersByEmail(tx, orgId, [person.email], now)).get(person.email);
  let policies: PolicyFacts;
  if (!user) policies = { kind: 'no_user' };
  else if (!(ACCEPTORS as readonly string[]).includes(user.role)) policies = { kind: 'not_acceptor', role: user.role };
  else {
    const pending = await pendingFor(tx, user.id);
    const c = (await policyCounts(tx, [user.id])).get(user.id) ?? { published: 0, pending: 0, currentSince: null };
    policies = { kind: 'user', ...c, pending: pending.length, pendingTitles: pending.map((p) => p.title) };
  }
  const mfa = (await mfaByEmail(tx, [person.email])).get(person.email) ?? NO_MFA;
  return checklistOf(person, known.get(person.id), policies, mfa, now);
}
