/**
 * The demo's people and access: the demo's own team in the register (onboarding nearly done,
 * one late background check, one person starting soon), the confidentiality agreement and the
 * training course ready to take, three systems tied to the sample sources, an approved and a
 * pending access request, and an access review in progress. Runs after the monitoring demo,
 * whose sample pushes put the HRIS list and the accounts in place.
 */
import type { AppContext, RequestMeta } from '../../context.js';
import type { Role } from '../../db/schema.js';
import { withScope } from '../../db/tenancy.js';
import { createRequest, decideRequest } from '../access/requests.js';
import { createSystem } from '../access/systems.js';
import { agreementTemplate } from '../agreements/service.js';
import { publishWritten } from '../agreements/versions.js';
import { startCampaign } from '../reviews/start.js';
import { ensureBuiltinModules } from '../training/builtin.js';
import { saveBackgroundCheck } from './background.js';
import { createPerson } from './register.js';

interface TeamMember {
  email: string;
  name: string;
  department: string;
  title: string;
  /** Days from today (negative: in the past). */
  start: number;
  check: { status: 'passed' | 'in_progress'; completed?: number };
}

const TEAM: TeamMember[] = [
  {
    email: 'alex.morgan@northwind.demo',
    name: 'Alex Morgan',
    department: 'Leadership',
    title: 'CEO',
    start: -2400,
    check: { status: 'passed', completed: -2410 },
  },
  {
    email: 'priya.shah@northwind.demo',
    name: 'Priya Shah',
    department: 'Security',
    title: 'Security lead',
    start: -1800,
    check: { status: 'passed', completed: -1815 },
  },
  {
    email: 'sam.lee@northwind.demo',
    name: 'Sam Lee',
    department: 'Engineering',
    title: 'Platform engineer',
    start: -900,
    check: { status: 'passed', completed: -910 },
  },
  // Started before the background check came back: the check fails on purpose.
  {
    email: 'jordan.kim@northwind.demo',
    name: 'Jordan Kim',
    department: 'Engineering',
    title: 'Engineer',
    start: -60,
    check: { status: 'passed', completed: -52 },
  },
  {
    email: 'taylor.nguyen@northwind.demo',
    name: 'Taylor Nguyen',
    department: 'Customer success',
    title: 'Support engineer',
    start: 10,
    check: { status: 'in_progress' },
  },
  {
    email: 'chris.obrien@northwind.demo',
    name: "Chris O'Brien",
    department: 'Finance',
    title: 'Controller',
    start: -1200,
    check: { status: 'passed', completed: -1230 },
  },
];

export async function seedDemoPeople(ctx: AppContext, orgId: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
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
    const as = (email: string) => {
      const user = users.get(email);
      if (!user) throw new Error(`The demo has no member ${email}`);
      return { userId: user.id, email, orgId, role: user.role, stage: 'full' as const, via: 'session' as const };
    };
    const admin = as('priya.shah@northwind.demo');
    const who = { userId: admin.userId, label: admin.email };

    for (const member of TEAM) {
      const person = await createPerson(
        tx,
        orgId,
        {
          email: member.email,
          name: member.name,
          department: member.department,
          title: member.title,
          startDate: day(member.start),
          managerEmail: member.email === 'alex.morgan@northwind.demo' ? member.email : 'alex.morgan@northwind.demo',
        },
        'manual',
        who,
        meta,
        now,
      );
      await saveBackgroundCheck(
        tx,
        admin,
        person.id,
        {
          status: member.check.status,
          provider: 'Checkr',
          requestedOn: day(member.start - 30),
          completedOn: member.check.completed === undefined ? null : day(member.check.completed),
        },
        meta,
        now,
      );
    }

    const template = agreementTemplate('Northwind Analytics');
    await publishWritten(tx, admin, template, meta, now);
    await ensureBuiltinModules(tx, orgId, now);

    const sources = new Map(
      (await tx.selectFrom('monitoring_sources').select(['id', 'kind']).execute()).map((s) => [s.kind, s.id]),
    );
    const aws = await createSystem(
      tx,
      admin,
      {
        name: 'AWS production',
        description: 'The production account: the platform, its databases and backups.',
        ownerUserId: admin.userId,
        production: true,
        classification: 'restricted',
        sourceId: sources.get('aws') ?? null,
        maxAccessDays: 30,
      },
      meta,
      now,
    );
    const workspace = await createSystem(
      tx,
      admin,
      {
        name: 'Google Workspace',
        description: 'Email, documents and single sign-on for everyone.',
        ownerUserId: as('alex.morgan@northwind.demo').userId,
        classification: 'confidential',
        sourceId: sources.get('google-workspace') ?? null,
      },
      meta,
      now,
    );
    const github = await createSystem(
      tx,
      admin,
      {
        name: 'GitHub',
        description: 'Source code and deployments.',
        ownerUserId: as('sam.lee@northwind.demo').userId,
        classification: 'confidential',
        sourceId: sources.get('github') ?? null,
      },
      meta,
      now,
    );

    const sam = as('sam.lee@northwind.demo');
    const granted = await createRequest(
      tx,
      sam,
      {
        systemId: aws.id,
        accessLevel: 'read-only',
        justification: 'Investigating the slow queries in the reporting database this week.',
        durationDays: 7,
      },
      meta,
      now,
    );
    await decideRequest(tx, admin, granted.request.id, 'approve', 'Read-only for a week is fine.', meta, now);
    await createRequest(
      tx,
      as('jordan.kim@northwind.demo'),
      {
        systemId: aws.id,
        accessLevel: 'administrator',
        justification: 'Setting up the new staging environment next to production.',
        durationDays: 14,
      },
      meta,
      now,
    );
    await startCampaign(
      tx,
      orgId,
      { name: 'Quarterly access review', systemIds: [workspace.id, github.id], dueDays: 14 },
      { userId: admin.userId, who, scheduled: false },
      meta,
      now,
    );
  });
}
