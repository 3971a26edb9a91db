/**
 * The demo's audit: "SOC 2 Type 2 2026" in fieldwork, its window the last six months (all of
 * the demo's activity), the demo auditor Dana Fischer on it, one request still open and one
 * answered with the restore test from the vault.
 */
import type { AppContext, RequestMeta } from '../../context.js';
import type { Role } from '../../db/schema.js';
import { withScope } from '../../db/tenancy.js';
import { addAuditor } from './auditors.js';
import type { AuditActor } from './model.js';
import { answerRequest, raiseRequest } from './requests.js';
import { createAudit } from './write.js';

const DAY = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);

export async function seedDemoAudits(ctx: AppContext, orgId: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  await withScope(ctx.database, { orgId }, async (tx) => {
    const members = await tx
      .selectFrom('users as u')
      .innerJoin('memberships as m', 'm.user_id', 'u.id')
      .select(['u.id', 'u.email', 'm.role'])
      .where('m.org_id', '=', orgId)
      .execute();
    const as = (email: string): AuditActor => {
      const user = members.find((m) => m.email === email);
      if (!user) throw new Error(`The demo has no member ${email}`);
      return { userId: user.id, email, orgId, role: user.role as Role, stage: 'full', via: 'session' };
    };
    const admin = as('priya.shah@northwind.demo');
    const auditor = as('dana.fischer@ledgerline-audit.demo');

    const audit = await createAudit(
      tx,
      admin,
      {
        title: 'SOC 2 Type 2 2026',
        frameworkId: 'soc2-2017',
        kind: 'soc2_type2',
        firm: 'Ledgerline Audit LLP',
        windowStart: day(new Date(now.getTime() - 180 * DAY)),
        windowEnd: day(now),
        accessExpiresAt: new Date(now.getTime() + 90 * DAY).toISOString(),
        status: 'fieldwork',
      },
      meta,
      now,
    );
    await addAuditor(ctx, tx, admin, audit.id, auditor.email, meta, now);

    await raiseRequest(
      tx,
      auditor,
      audit,
      {
        title: 'Signed agreements of everyone who started in the window',
        details:
          'For each person in the "people who started" population, the signed confidentiality agreement and the date it was signed.',
        dueOn: day(new Date(now.getTime() + 10 * DAY)),
      },
      meta,
      now,
    );
    const restore = await raiseRequest(
      tx,
      auditor,
      audit,
      {
        title: 'The latest backup restore test',
        details: 'The record of the most recent restore from backup, with how long it took and what was checked.',
        dueOn: day(new Date(now.getTime() + 7 * DAY)),
      },
      meta,
      now,
    );
    const evidence = await tx
      .selectFrom('evidence')
      .select('id')
      .where('name', '=', 'restore-test.txt')
      .where('erased_at', 'is', null)
      .executeTakeFirst();
    await answerRequest(
      tx,
      admin,
      audit,
      restore.request.id,
      {
        message: 'The monthly restore test is attached: every row checked, restored in 41 minutes.',
        evidenceIds: evidence ? [evidence.id] : [],
      },
      meta,
      new Date(now.getTime() + 1000),
    );
  });
}
