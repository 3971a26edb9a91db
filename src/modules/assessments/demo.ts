/**
 * The demo's assessments: last year's penetration test (completed, one finding fixed and one
 * open but not yet due), a vulnerability assessment with a code review, and a SOC 2 Type 2
 * audit with its observation window. Every assessment check passes.
 */
import type { AppContext, RequestMeta } from '../../context.js';
import type { Role } from '../../db/schema.js';
import { withScope } from '../../db/tenancy.js';
import { createFinding } from './findings.js';
import { addDays, dayOf, type OrgActor } from './model.js';
import { createAssessment } from './service.js';

const ADMIN = 'priya.shah@northwind.demo';
const ENGINEER = 'sam.lee@northwind.demo';

export async function seedDemoAssessments(ctx: AppContext, orgId: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  const day = (offset: number) => addDays(dayOf(now), offset);
  await withScope(ctx.database, { orgId }, async (tx) => {
    const users = new Map(
      (
        await tx
          .selectFrom('users as u')
          .innerJoin('memberships as m', 'm.user_id', 'u.id')
          .select(['u.id', 'u.email', 'm.role'])
          .where('m.org_id', '=', orgId)
          .execute()
      ).map((u) => [u.email, { id: u.id, role: u.role as Role }]),
    );
    const admin = users.get(ADMIN);
    const engineer = users.get(ENGINEER);
    if (!admin || !engineer) throw new Error('The demo has no security lead or engineer to own its assessments');
    const actor: OrgActor = { userId: admin.id, email: ADMIN, orgId, role: 'admin', stage: 'full', via: 'session' };

    const pentest = await createAssessment(
      tx,
      actor,
      {
        kind: 'pentest',
        title: 'Annual penetration test',
        assessor: 'Harbor Security Labs',
        scope:
          'The web application, the public API and the AWS production account: injection, cross-site scripting, access control, authentication and session handling.',
        status: 'completed',
        startDate: day(-160),
        endDate: day(-150),
        reportDate: day(-140),
      },
      meta,
      now,
    );
    await createFinding(
      tx,
      actor,
      pentest.id,
      {
        title: 'Stored cross-site scripting in report titles',
        severity: 'high',
        description: 'A report title was rendered without escaping on the sharing page.',
        ownerUserId: engineer.id,
        status: 'fixed',
        fixedOn: day(-125),
      },
      meta,
      now,
    );
    // Low severity: 180 days from the report date, so still 40 days to go.
    await createFinding(
      tx,
      actor,
      pentest.id,
      {
        title: 'Error pages reveal framework versions',
        severity: 'low',
        description: 'Unhandled errors return the web framework and its version in a header.',
        ownerUserId: engineer.id,
      },
      meta,
      now,
    );
    await createAssessment(
      tx,
      actor,
      {
        kind: 'vulnerability_assessment',
        title: 'Security assessment and code review',
        assessor: 'Northbeam Security',
        scope: 'Architecture review, source code analysis of the API and web app, and the deployment pipeline.',
        status: 'completed',
        startDate: day(-100),
        endDate: day(-90),
        reportDate: day(-80),
        codeAnalysis: true,
      },
      meta,
      now,
    );
    await createAssessment(
      tx,
      actor,
      {
        kind: 'soc2_type2',
        title: 'SOC 2 Type 2',
        assessor: 'Ledgerline Audit LLP',
        scope: 'Security and availability criteria for the Northwind Analytics platform.',
        status: 'completed',
        windowStart: day(-300),
        windowEnd: day(-120),
        startDate: day(-110),
        endDate: day(-60),
        reportDate: day(-55),
      },
      meta,
      now,
    );
  });
}
