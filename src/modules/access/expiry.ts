/**
 * Every grant is time-limited: the hourly `access.expire` job marks approved requests past
 * their expiry as expired, with an audit row and a ledger leaf each, and tells the requester
 * and the system's owner (or the owners and admins) that the access must now be removed.
 */
import { type AppContext, SYSTEM_META } from '../../context.js';
import type { Database } from '../../db/connect.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { recordAudit } from '../audit/service.js';
import { type Notice, notify } from '../notifications/service.js';
import { decidersOf, ledgerDecision, type Mail, sendMails } from './decisions.js';
import { refreshSystems } from './inventory.js';

export interface ExpiryRun {
  /** Grants marked expired in this run. */
  expired: number;
  /** Emails the mail server accepted. */
  emails: number;
}

const JOB_WHO = { userId: null, label: 'system' };

/** Expires every organisation's grants past their expiry (`now`), then sends the emails. */
export async function expireAccessGrants(ctx: AppContext, now: Date): Promise<ExpiryRun> {
  const run: ExpiryRun = { expired: 0, emails: 0 };
  for (const orgId of await organisationsWithDueGrants(ctx.database, now)) {
    const { expired, mails } = await withScope(ctx.database, { orgId }, (tx) => expireIn(tx, orgId, now));
    run.expired += expired;
    run.emails += await sendMails(ctx, mails);
  }
  return run;
}

/** Which organisations to visit is read as the connecting role; each visit runs under its RLS. */
async function organisationsWithDueGrants(database: Database, now: Date): Promise<string[]> {
  const { rows } = await database.query(
    `SELECT DISTINCT org_id FROM access_requests WHERE status = 'approved' AND expires_at <= $1 ORDER BY org_id`,
    [now],
  );
  return (rows as { org_id: string }[]).map((r) => r.org_id);
}

async function expireIn(tx: Tx, orgId: string, now: Date): Promise<{ expired: number; mails: Mail[] }> {
  const due = await tx
    .selectFrom('access_requests as a')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .innerJoin('users as q', 'q.id', 'a.requester_id')
    .select([
      'a.id',
      'a.system_id',
      'a.requester_id',
      'a.expires_at',
      'a.access_level',
      's.name as system_name',
      's.owner_user_id',
      'q.email as requester_email',
    ])
    .where('a.status', '=', 'approved')
    .where('a.expires_at', '<=', now)
    .orderBy('a.expires_at')
    .forUpdate('a')
    .skipLocked()
    .execute();
  const mails: Mail[] = [];
  for (const grant of due) {
    const expiresAt = grant.expires_at ? new Date(grant.expires_at) : now;
    const index = await ledgerDecision(
      tx,
      orgId,
      {
        requestId: grant.id,
        systemId: grant.system_id,
        requester: grant.requester_id,
        decision: 'expired',
        decidedBy: null,
        decidedAt: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
        comment: null,
      },
      now,
    );
    await tx
      .updateTable('access_requests')
      .set({ status: 'expired', ended_at: now, ledger_index: index, updated_at: now })
      .where('id', '=', grant.id)
      .execute();
    await recordAudit(tx, orgId, JOB_WHO, SYSTEM_META, now, {
      action: 'access.expired',
      targetType: 'access_request',
      targetId: grant.id,
      details: {
        systemId: grant.system_id,
        requesterId: grant.requester_id,
        expiresAt: expiresAt.toISOString(),
        ledgerIndex: index,
      },
    });
    const notice: Notice = {
      kind: 'access.expired',
      title: `Access expired: ${grant.system_name}`,
      body: `The access to ${grant.system_name} granted to ${grant.requester_email} ended on ${expiresAt.toISOString().slice(0, 10)}. Remove it from the system now; ask again if it is still needed.`,
      link: '/access-requests',
    };
    const people = [
      { id: grant.requester_id, email: grant.requester_email },
      ...(await decidersOf(tx, grant.owner_user_id, grant.requester_id)),
    ];
    await notify(
      tx,
      orgId,
      people.map((p) => p.id),
      notice,
      now,
    );
    mails.push({ to: people.map((p) => p.email), notice });
  }
  if (due.length > 0) await refreshSystems(tx, orgId, now);
  return { expired: due.length, mails };
}
