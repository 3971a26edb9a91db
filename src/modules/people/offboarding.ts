/**
 * Offboarding: once a person has an end date, every account linked to them in every source must
 * be disabled by the deadline (the end date, 00:00 UTC, plus the organisation's departed-account
 * hours). The state of each account comes from the inventory (when a sync first showed it
 * disabled or gone). Closing an offboarding writes a departure report, kept as evidence of PEO-04.
 */
import type { Actor, AppContext, RequestMeta } from '../../context.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { AppError } from '../../errors.js';
import type { PersonRegisterFacts } from '../../integrations/types.js';
import { recordAudit } from '../audit/service.js';
import { addGeneratedEvidence } from '../evidence/generated.js';
import { loadSettings } from '../monitoring/settings.js';
import { auditWho } from '../tokens/service.js';
import { personFacts, refreshPeople } from './mirror.js';
import { getPerson, type Person, type PersonStatus, statusOf } from './register.js';

const HOUR_MS = 3_600_000;

/**
 * disabled: by the deadline; disabled_late: after it; active: still active, before the
 * deadline; overdue: still active after it.
 */
export type AccountState = 'disabled' | 'disabled_late' | 'active' | 'overdue';

export interface OffboardingAccount {
  id: string;
  name: string;
  source: string;
  disabledAt: string | null;
  state: AccountState;
}

export interface OffboardingCounts {
  total: number;
  disabled: number;
  disabledLate: number;
  active: number;
  overdue: number;
}

export interface Offboarding {
  endDate: string;
  /** ISO time by which every account must be disabled. */
  deadline: string;
  departedAccountHours: number;
  /** Not closed yet. */
  open: boolean;
  closedAt: string | null;
  closedBy: { id: string; email: string; name: string } | null;
  reportId: string | null;
  accounts: OffboardingAccount[];
  counts: OffboardingCounts;
  /** Every account is disabled (on time or not): closing needs no reason. */
  allDisabled: boolean;
}

export const deadlineOf = (endDate: string, hours: number) =>
  new Date(Date.parse(`${endDate}T00:00:00Z`) + hours * HOUR_MS);

export function accountState(disabledAt: string | null, deadline: Date, now: Date): AccountState {
  if (disabledAt !== null) return new Date(disabledAt) <= deadline ? 'disabled' : 'disabled_late';
  return now > deadline ? 'overdue' : 'active';
}

export function countsOf(accounts: { state: AccountState }[]): OffboardingCounts {
  const n = (state: AccountState) => accounts.filter((a) => a.state === state).length;
  return {
    total: accounts.length,
    disabled: n('disabled'),
    disabledLate: n('disabled_late'),
    active: n('active'),
    overdue: n('overdue'),
  };
}

/** A person's offboarding from their facts; null without an end date. */
export function offboardingOf(
  person: Pick<Person, 'endDate' | 'offboardingClosedAt' | 'offboardingReportId'>,
  facts: PersonRegisterFacts | undefined,
  hours: number,
  now: Date,
  closedBy: Offboarding['closedBy'] = null,
): Offboarding | null {
  if (!person.endDate) return null;
  const deadline = deadlineOf(person.endDate, hours);
  const accounts = (facts?.accounts ?? []).map((a) => ({
    id: a.id,
    name: a.name,
    source: a.source,
    disabledAt: a.disabledAt,
    state: accountState(a.disabledAt, deadline, now),
  }));
  const counts = countsOf(accounts);
  return {
    endDate: person.endDate,
    deadline: deadline.toISOString(),
    departedAccountHours: hours,
    open: person.offboardingClosedAt === null,
    closedAt: person.offboardingClosedAt,
    closedBy,
    reportId: person.offboardingReportId,
    accounts,
    counts,
    allDisabled: counts.active + counts.overdue === 0,
  };
}

/** Who closed a person's offboarding, when it is closed. */
async function closedByOf(tx: Tx, personId: string): Promise<Offboarding['closedBy']> {
  const row = await tx
    .selectFrom('people as p')
    .innerJoin('users as u', 'u.id', 'p.offboarding_closed_by')
    .select(['u.id', 'u.email', 'u.name'])
    .where('p.id', '=', personId)
    .executeTakeFirst();
  return row ?? null;
}

/** One person's offboarding (null without an end date). */
export async function personOffboarding(
  tx: Tx,
  person: Person,
  now: Date,
  facts?: Map<string, PersonRegisterFacts>,
): Promise<Offboarding | null> {
  if (!person.endDate) return null;
  const known = facts ?? (await personFacts(tx, [person.id], now));
  const { departedAccountHours } = await loadSettings(tx);
  const by = person.offboardingClosedAt ? await closedByOf(tx, person.id) : null;
  return offboardingOf(person, known.get(person.id), departedAccountHours, now, by);
}

export interface OpenOffboarding {
  person: { id: string; name: string; email: string; endDate: string; status: PersonStatus };
  deadline: string;
  counts: OffboardingCounts;
  allDisabled: boolean;
}

/** Offboardings not closed yet (an end date is set), soonest end date first, paged. */
export async function listOpenOffboardings(
  tx: Tx,
  now: Date,
  page: { limit: number; offset: number },
): Promise<{ items: OpenOffboarding[]; total: number }> {
  const base = tx.selectFrom('people').where('end_date', 'is not', null).where('offboarding_closed_at', 'is', null);
  const total = Number((await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await base
    .select(['id', 'name', 'email', 'start_date', 'end_date'])
    .orderBy('end_date')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const facts = await personFacts(
    tx,
    rows.map((r) => r.id),
    now,
  );
  const { departedAccountHours } = await loadSettings(tx);
  const items = rows.map((r) => {
    const off = offboardingOf(
      { endDate: r.end_date, offboardingClosedAt: null, offboardingReportId: null },
      facts.get(r.id),
      departedAccountHours,
      now,
    ) as Offboarding;
    return {
      person: { id: r.id, name: r.name, email: r.email, endDate: r.end_date as string, status: statusOf(r, now) },
      deadline: off.deadline,
      counts: off.counts,
      allDisabled: off.allDisabled,
    };
  });
  return { items, total };
}

type OrgActor = Actor & { orgId: string };

/**
 * Closes a person's offboarding: allowed when every account is disabled, or with a reason (at
 * least 10 characters) when some are not. Draws the departure report (PDF), stores it as
 * evidence of PEO-04 (its own transactions, before ours), then records the closing, audits it
 * and refreshes the person's inventory record, in one transaction.
 */
export async function closeOffboarding(
  ctx: AppContext,
  actor: OrgActor,
  personId: string,
  reason: string | undefined,
  meta: RequestMeta,
): Promise<{ person: Person; offboarding: Offboarding }> {
  const now = ctx.clock.now();
  const scope = { orgId: actor.orgId, userId: actor.userId };
  const snapshot = await withScope(ctx.database, scope, async (tx) => {
    const person = await getPerson(tx, personId, now);
    if (!person.endDate) {
      throw new AppError(
        'conflict',
        `${person.name} has no end date, so there is no offboarding to close. Record the departure first.`,
      );
    }
    if (person.offboardingClosedAt) {
      throw new AppError('conflict', `The offboarding of ${person.name} was already closed.`);
    }
    const off = (await personOffboarding(tx, person, now)) as Offboarding;
    const org = await tx
      .selectFrom('organizations')
      .select('name')
      .where('id', '=', actor.orgId)
      .executeTakeFirstOrThrow();
    const closer = await tx
      .selectFrom('users')
      .select(['name', 'email'])
      .where('id', '=', actor.userId)
      .executeTakeFirst();
    return { person, off, organisation: org.name, closer: closer ?? { name: actor.email, email: actor.email } };
  });
  const { person, off } = snapshot;
  const stillActive = off.accounts.filter((a) => a.state === 'active' || a.state === 'overdue');
  const why = reason?.trim() || null;
  if (stillActive.length > 0 && !why) {
    throw new AppError(
      'validation_failed',
      `${stillActive.length} of ${person.name}'s accounts ${stillActive.length === 1 ? 'is' : 'are'} still active (${stillActive
        .map((a) => a.name)
        .join(
          ', ',
        )}): disable ${stillActive.length === 1 ? 'it' : 'them'} and sync the source, or give a reason of at least 10 characters for closing anyway.`,
      { errors: [{ path: 'body.reason', message: 'required while accounts are still active' }] },
    );
  }

  const { departurePdf } = await import('./departure-pdf.js');
  const bytes = await departurePdf({
    organisation: snapshot.organisation,
    person: {
      name: person.name,
      email: person.email,
      employmentType: person.employmentType,
      department: person.department,
      title: person.title,
    },
    endDate: off.endDate,
    deadline: off.deadline,
    departedAccountHours: off.departedAccountHours,
    accounts: off.accounts,
    closedBy: snapshot.closer,
    closedAt: now,
    reason: why,
  });
  const endsAt = new Date(`${off.endDate}T00:00:00Z`);
  const evidence = await addGeneratedEvidence(
    ctx,
    actor.orgId,
    { userId: actor.userId, email: actor.email },
    {
      name: `departure-report-${person.email.replace(/[^a-z0-9.-]+/g, '-')}-${off.endDate}.pdf`,
      contentType: 'application/pdf',
      bytes,
      controlKey: 'PEO-04',
      note: `Departure report of ${person.name} (${person.email}), who left on ${off.endDate}: ${off.counts.total} account(s), ${off.counts.disabled} disabled in time.`,
      effectiveFrom: endsAt < now ? endsAt : now,
    },
    meta,
  );

  return withScope(ctx.database, scope, async (tx) => {
    // A second close that raced this one finds it closed (the row is locked until we commit).
    const current = await tx
      .selectFrom('people')
      .select('offboarding_closed_at')
      .where('id', '=', personId)
      .forUpdate()
      .executeTakeFirst();
    if (current?.offboarding_closed_at) {
      throw new AppError('conflict', `The offboarding of ${person.name} was already closed.`);
    }
    await tx
      .updateTable('people')
      .set({ offboarding_closed_at: now, offboarding_closed_by: actor.userId, offboarding_report_id: evidence.id })
      .where('id', '=', personId)
      .execute();
    await recordAudit(tx, actor.orgId, auditWho(actor), meta, now, {
      action: 'person.offboarding_closed',
      targetType: 'person',
      targetId: personId,
      details: {
        email: person.email,
        endDate: off.endDate,
        reportId: evidence.id,
        accounts: off.counts,
        ...(why ? { reason: why } : {}),
      },
    });
    await refreshPeople(tx, actor.orgId, [personId], now);
    const closed = await getPerson(tx, personId, now);
    return { person: closed, offboarding: (await personOffboarding(tx, closed, now)) as Offboarding };
  });
}
