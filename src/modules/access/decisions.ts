/**
 * What access decisions share: who decides a system's requests, who hears of them, and the
 * ledger leaf every decision (approve, reject, revoke, expire) leaves behind.
 */
import { createHash } from 'node:crypto';
import { type SqlBool, sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { appendToLedger } from '../../ledger/service.js';
import { canonicalJson } from '../monitoring/push.js';
import { mailNotice, type Notice } from '../notifications/service.js';

export const DECISION_LEDGER_KIND = 'access.decision';

/** What a decision's ledger leaf commits to; ids and times only, never names or emails. */
export interface DecisionRecord {
  requestId: string;
  systemId: string;
  /** The requester's user id. */
  requester: string;
  decision: 'approved' | 'rejected' | 'revoked' | 'expired';
  /** Null when the expiry job ended the grant. */
  decidedBy: string | null;
  decidedAt: string;
  expiresAt: string | null;
  comment: string | null;
}

/** SHA-256 (hex) of the record's canonical JSON (keys sorted): anyone holding the record can recompute it. */
export function decisionHash(record: DecisionRecord): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}

/** Appends the decision to the organisation's ledger, in the caller's transaction; returns its index. */
export async function ledgerDecision(tx: Tx, orgId: string, record: DecisionRecord, now: Date): Promise<number> {
  const { index } = await appendToLedger(
    tx,
    orgId,
    { kind: DECISION_LEDGER_KIND, refId: record.requestId, contentHash: decisionHash(record) },
    now,
  );
  return index;
}

/**
 * Memberships are also visible for the signed-in user's other organisations (to switch
 * between them), so every membership lookup names the transaction's organisation.
 */
export const inCurrentOrg = sql<SqlBool>`m.org_id = app_current_org()`;

export interface Person {
  id: string;
  email: string;
}

/**
 * Who decides a system's requests and hears about its grants: its owner while they are a
 * member who may write, otherwise every owner and admin. `except` (the requester) is left out;
 * when that leaves nobody, the owners and admins are asked instead.
 */
export async function decidersOf(tx: Tx, ownerUserId: string | null, except?: string): Promise<Person[]> {
  if (ownerUserId && ownerUserId !== except) {
    const owner = await tx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.email'])
      .where(inCurrentOrg)
      .where('m.user_id', '=', ownerUserId)
      .where('m.role', '<>', 'auditor')
      .where('u.disabled_at', 'is', null)
      .executeTakeFirst();
    if (owner) return [owner];
  }
  const managers = await tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email'])
    .where(inCurrentOrg)
    .where('m.role', 'in', ['owner', 'admin'])
    .where('u.disabled_at', 'is', null)
    .orderBy('u.email')
    .execute();
  return managers.filter((m) => m.id !== except);
}

/** An email copy of an in-app notice, sent once the transaction that wrote the notice committed. */
export interface Mail {
  to: string[];
  notice: Notice;
}

export async function sendMails(ctx: AppContext, mails: Mail[]): Promise<number> {
  let sent = 0;
  for (const mail of mails) if (mail.to.length > 0) sent += await mailNotice(ctx, mail.to, mail.notice);
  return sent;
}

export const DAY_MS = 86_400_000;
