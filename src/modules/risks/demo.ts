/**
 * The demo's risk register: eight risks a small SaaS company lives with (ransomware, an insider
 * copying data, invoice fraud, a subprocessor breach, phishing, keeping data too long, losing a
 * key engineer, a cloud region outage), linked to the controls that reduce them, and last
 * year's assessment, completed with its fraud statement and its evidence. Everything passes the
 * risk checks except one risk whose review date has slipped (on purpose).
 */
import type { AppContext, RequestMeta } from '../../context.js';
import type { RiskCategory, RiskTreatment } from '../../db/schema/risks.js';
import type { Role } from '../../db/schema.js';
import { withScope } from '../../db/tenancy.js';
import { listItems, raiseRisk, reviewItem, startAssessment } from './assessments.js';
import { completeAssessment } from './complete.js';
import { refreshRisks } from './inventory.js';
import { createRisk } from './register.js';
import type { RiskActor } from './service.js';

const DAY = 86_400_000;
/** Last year's history is written at its own times; the inventory is refreshed once, today. */
const quiet = { refresh: false };

interface DemoRisk {
  title: string;
  description: string;
  category: RiskCategory;
  owner: string;
  inherent: [number, number];
  residual: [number, number];
  treatment: RiskTreatment;
  plan: string;
  controls: string[];
  /** Reviewed in last year's assessment with this comment (and, if given, a review day from today). */
  review: string;
  reviewOnFromToday?: number;
}

const PRIYA = 'priya.shah@northwind.demo';
const SAM = 'sam.lee@northwind.demo';
const ALEX = 'alex.morgan@northwind.demo';
const CHRIS = 'chris.obrien@northwind.demo';
const TAYLOR = 'taylor.nguyen@northwind.demo';

const RISKS: DemoRisk[] = [
  {
    title: 'Ransomware encrypts the production database and its backups',
    description:
      'An attacker who gets into the cloud account encrypts or deletes the database and the snapshots, and asks for money to give them back.',
    category: 'security',
    owner: PRIYA,
    inherent: [3, 5],
    residual: [2, 4],
    treatment: 'mitigate',
    plan: 'Backups copied to a separate account with object lock; restore tested every quarter; MFA on every cloud login.',
    controls: ['BCP-02', 'BCP-03', 'ACC-03'],
    review: 'Object lock is now on for the backup bucket; the last restore test took 40 minutes.',
  },
  {
    title: 'An engineer with production access copies customer data',
    description:
      'Someone with standing access to production exports customer records for their own use, or takes them when they leave.',
    category: 'security',
    owner: SAM,
    inherent: [3, 5],
    residual: [2, 4],
    treatment: 'mitigate',
    plan: 'Production access only on approved, time-limited requests; queries on customer tables logged and reviewed.',
    controls: ['ACC-08', 'ACC-09', 'LOG-02'],
    review: 'Standing production access was removed in March; everyone now asks for it through access requests.',
  },
  {
    title: 'A supplier’s bank details are changed by a fake email and an invoice is paid to a fraudster',
    description:
      'Someone posing as a supplier asks finance to pay to a new account; the next invoice goes to them and the money is gone.',
    category: 'fraud',
    owner: CHRIS,
    inherent: [3, 4],
    residual: [2, 3],
    treatment: 'mitigate',
    plan: 'Any change of bank details is confirmed by phone to a number already on file, and approved by a second person.',
    controls: ['VEN-02', 'GOV-02'],
    review: 'Raised during the assessment: two such emails reached finance last year, both caught by the call-back.',
  },
  {
    title: 'Our email delivery subprocessor suffers a breach',
    description:
      'The service that sends our notification emails is compromised and the names and addresses of our customers’ users leak.',
    category: 'vendor',
    owner: SAM,
    inherent: [2, 4],
    residual: [2, 3],
    treatment: 'transfer',
    plan: 'Contract with breach notice within 48 hours and liability terms; only names and addresses are shared; SOC 2 report read every year.',
    controls: ['VEN-03', 'VEN-05'],
    review: 'Their new SOC 2 Type 2 report has no exceptions; the contract was renewed with the 48-hour notice.',
  },
  {
    title: 'A phishing email takes over an employee’s account',
    description:
      'A convincing login page captures a password and a one-time code, and the attacker reads mail and documents.',
    category: 'security',
    owner: PRIYA,
    inherent: [4, 4],
    residual: [2, 3],
    treatment: 'mitigate',
    plan: 'Security keys for everyone with admin rights, single sign-on everywhere, yearly training with a phishing module.',
    controls: ['ACC-02', 'ACC-04', 'PEO-03'],
    review: 'Security keys are rolled out to every admin; the likelihood comes down from 3 to 2.',
  },
  {
    title: 'Customer data is kept longer than our contracts allow',
    description: 'Data of customers who left stays in the database and in old exports after the promised 90 days.',
    category: 'privacy',
    owner: TAYLOR,
    inherent: [3, 3],
    residual: [2, 3],
    treatment: 'mitigate',
    plan: 'A monthly job deletes the data of accounts closed for 90 days; exports expire after 30 days.',
    controls: ['PRV-02'],
    review: 'The deletion job ran every month this year; two old exports were found and removed.',
  },
  {
    title: 'Only one engineer knows how the billing system is deployed',
    description: 'If that person is away or leaves, a broken billing deploy could take days to fix.',
    category: 'operational',
    owner: ALEX,
    inherent: [3, 3],
    residual: [2, 3],
    treatment: 'accept',
    plan: 'Accepted for now: the runbook is written down and a second engineer shadows the next two deploys.',
    controls: [],
    review: 'Still one person, but the runbook exists; accepted again until the team grows.',
  },
  {
    title: 'A cloud region outage stops the service for a day',
    description: 'Our single AWS region goes down; customers cannot log in until it comes back.',
    category: 'availability',
    owner: SAM,
    inherent: [2, 4],
    residual: [2, 3],
    treatment: 'mitigate',
    plan: 'Database replicas in a second availability zone; a tested plan to restore into another region within a day.',
    controls: ['BCP-04', 'OPS-02'],
    review: 'The cross-region restore plan was written but not yet tried.',
    // Its next review was due last week and nobody has looked again: the check fails on purpose.
    reviewOnFromToday: -6,
  },
];

const FRAUD = RISKS[2] as DemoRisk;

export async function seedDemoRisks(ctx: AppContext, orgId: string, meta: RequestMeta): Promise<void> {
  const today = ctx.clock.now();
  const at = (days: number) => new Date(today.getTime() + days * DAY);
  const started = at(-130);
  const actors = await withScope(ctx.database, { orgId }, async (tx) => {
    const users = await tx
      .selectFrom('users as u')
      .innerJoin('memberships as m', 'm.user_id', 'u.id')
      .select(['u.id', 'u.email', 'm.role'])
      .where('m.org_id', '=', orgId)
      .execute();
    return new Map(
      users.map((u) => [
        u.email,
        { userId: u.id, email: u.email, orgId, role: u.role as Role, stage: 'full' as const, via: 'session' as const },
      ]),
    );
  });
  const as = (email: string): RiskActor => {
    const actor = actors.get(email);
    if (!actor) throw new Error(`The demo has no member ${email}`);
    return actor;
  };
  const admin = as(PRIYA);

  const assessmentId = await withScope(ctx.database, { orgId }, async (tx) => {
    const controls = new Map(
      (await tx.selectFrom('controls').select(['id', 'key']).execute()).map((c) => [c.key, c.id]),
    );
    const fields = (r: DemoRisk) => ({
      title: r.title,
      description: r.description,
      category: r.category,
      ownerUserId: as(r.owner).userId,
      inherentLikelihood: r.inherent[0],
      inherentImpact: r.inherent[1],
      residualLikelihood: r.residual[0],
      residualImpact: r.residual[1],
      treatment: r.treatment,
      treatmentPlan: r.plan,
      controlIds: r.controls.flatMap((key) => controls.get(key) ?? []),
    });
    // The register as it stood before last year's assessment (the fraud risk came up in it).
    for (const r of RISKS.filter((x) => x !== FRAUD)) {
      // Accepting is the risk owner's (here the organisation's owner).
      const by = r.treatment === 'accept' ? as(r.owner) : admin;
      await createRisk(tx, by, fields(r), meta, at(-420), quiet);
    }
    const assessment = await startAssessment(
      tx,
      admin,
      {
        name: `Risk assessment ${started.getUTCFullYear()}`,
        dueOn: at(-100).toISOString().slice(0, 10),
        fraudStatement:
          'Finance, engineering and support leads went through how someone inside or outside could misuse access, ' +
          'divert payments or alter records (billing, refunds, supplier bank details, production data). Supplier bank ' +
          'detail changes were the one gap; it is now a risk in the register with a call-back control.',
      },
      meta,
      started,
      quiet,
    );
    const { items } = await listItems(tx, admin, assessment.id, { page: 1, limit: 200 }, started);
    for (const [i, item] of items.entries()) {
      const r = RISKS.find((x) => x.title === item.risk.title);
      if (!r) continue;
      const reviewedAt = at(-125 + i);
      await reviewItem(
        tx,
        as(r.owner).role === 'reviewer' ? admin : as(r.owner),
        assessment.id,
        item.id,
        {
          inherentLikelihood: r.inherent[0],
          inherentImpact: r.inherent[1],
          residualLikelihood: r.residual[0],
          residualImpact: r.residual[1],
          treatment: r.treatment,
          reviewOn: r.reviewOnFromToday === undefined ? undefined : at(r.reviewOnFromToday).toISOString().slice(0, 10),
          comment: r.review,
        },
        meta,
        reviewedAt,
        quiet,
      );
    }
    await raiseRisk(tx, admin, assessment.id, { ...fields(FRAUD), comment: FRAUD.review }, meta, at(-118), quiet);
    return assessment.id;
  });

  await completeAssessment(ctx, admin, assessmentId, {}, meta, { at: at(-112) });
  await withScope(ctx.database, { orgId }, (tx) => refreshRisks(tx, orgId, today, { reevaluate: true }));
}
