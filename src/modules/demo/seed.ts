import type { AppContext, RequestMeta } from '../../context.js';
import { hashSecret, newId, newSecret } from '../../crypto/random.js';
import type { Role } from '../../db/schema.js';
import { setScope, withScope } from '../../db/tenancy.js';
import { seedDemoAssessments } from '../assessments/demo.js';
import { recordAudit } from '../audit/service.js';
import { seedDemoAudits } from '../audits/demo.js';
import { hashPassword } from '../auth/password.js';
import { newTotpSecret } from '../auth/totp.js';
import { seedDemoContinuity } from '../continuity/demo.js';
import { seedDemoEvidence } from '../evidence/demo.js';
import { seedDemoIncidents } from '../incidents/demo.js';
import { seedDemoMonitoring } from '../monitoring/demo.js';
import { createOrganisationIn, type OrgSummary } from '../orgs/service.js';
import { seedDemoPeople } from '../people/demo.js';
import { seedDemoPolicies } from '../policies/demo.js';
import { seedDemoQuestionnaires } from '../questionnaires/demo.js';
import { seedDemoRisks } from '../risks/demo.js';
import { seedDemoTasks } from '../tasks/demo.js';
import { seedDemoTrust } from '../trust/demo.js';
import { seedDemoTrustDocuments } from '../trust-documents/demo.js';
import { seedDemoVendors } from '../vendors/demo.js';
import { seedDemoProgram } from './program.js';

export const DEMO_SLUG = 'demo';

interface DemoPerson {
  email: string;
  name: string;
  role: Role;
  mfa: boolean;
}

/** A small software company, as the seed policies describe one. */
const PEOPLE: DemoPerson[] = [
  { email: 'alex.morgan@northwind.demo', name: 'Alex Morgan', role: 'owner', mfa: false },
  { email: 'priya.shah@northwind.demo', name: 'Priya Shah', role: 'admin', mfa: true },
  { email: 'sam.lee@northwind.demo', name: 'Sam Lee', role: 'member', mfa: true },
  { email: 'jordan.kim@northwind.demo', name: 'Jordan Kim', role: 'member', mfa: false },
  { email: 'taylor.nguyen@northwind.demo', name: 'Taylor Nguyen', role: 'member', mfa: true },
  { email: 'chris.obrien@northwind.demo', name: "Chris O'Brien", role: 'reviewer', mfa: true },
  { email: 'dana.fischer@ledgerline-audit.demo', name: 'Dana Fischer', role: 'auditor', mfa: true },
];

const DEMO_META: RequestMeta = { ip: '203.0.113.24', userAgent: 'Mozilla/5.0 (Macintosh) demo', requestId: null };

export interface DemoResult {
  organisation: OrgSummary;
  owner: { email: string; password: string };
  people: number;
}

/**
 * `attest demo`: creates the demo organisation with people, roles, an invitation, an API
 * token and a few weeks of activity; run again, it only gives the owner a new password.
 */
export async function seedDemo(ctx: AppContext): Promise<DemoResult> {
  const password = `demo-${newSecret(12)}`;
  const passwordHash = await hashPassword(password);
  const others = await Promise.all(PEOPLE.slice(1).map(() => hashPassword(newSecret(18))));
  const owner = PEOPLE[0]!;
  const now = ctx.clock.now();

  const existing = await ctx.database.query('SELECT id, slug, name FROM organizations WHERE slug = $1', [DEMO_SLUG]);
  if (existing.rows[0]) {
    await withScope(ctx.database, {}, (tx) =>
      tx.updateTable('users').set({ password_hash: passwordHash }).where('email', '=', owner.email).execute(),
    );
    return {
      organisation: existing.rows[0] as unknown as OrgSummary,
      owner: { email: owner.email, password },
      people: PEOPLE.length,
    };
  }

  const organisation = await withScope(ctx.database, {}, async (tx) => {
    const ids = new Map<string, string>();
    const daysAgo = (d: number, h = 10) => new Date(now.getTime() - d * 86_400_000 + h * 3_600_000 - 12 * 3_600_000);
    for (const [i, p] of PEOPLE.entries()) {
      const id = newId();
      ids.set(p.email, id);
      await tx
        .insertInto('users')
        .values({
          id,
          email: p.email,
          name: p.name,
          password_hash: i === 0 ? passwordHash : others[i - 1]!,
          created_at: daysAgo(40 - i),
        })
        .onConflict((oc) => oc.column('email').doNothing())
        .execute();
      if (p.mfa) {
        await tx
          .insertInto('user_totp')
          .values({
            user_id: id,
            secret_enc: ctx.keys.seal(newTotpSecret(), `totp:${id}`),
            confirmed_at: daysAgo(39 - i),
            last_used_step: null,
          })
          .onConflict((oc) => oc.column('user_id').doNothing())
          .execute();
      }
    }
    const ownerId = ids.get(owner.email)!;
    const org = await createOrganisationIn(
      tx,
      { name: 'Northwind Analytics', slug: DEMO_SLUG },
      { userId: ownerId, label: owner.email },
      DEMO_META,
      daysAgo(40),
    );
    await setScope(tx, { orgId: org.id, userId: ownerId });
    const who = { userId: ownerId, label: owner.email };
    for (const [i, p] of PEOPLE.slice(1).entries()) {
      const at = daysAgo(38 - i * 3);
      const userId = ids.get(p.email)!;
      await tx
        .insertInto('memberships')
        .values({
          org_id: org.id,
          user_id: userId,
          role: p.role,
          created_at: at,
          updated_at: at,
          expires_at: p.role === 'auditor' ? new Date(now.getTime() + 90 * 86_400_000) : null,
        })
        .execute();
      await recordAudit(tx, org.id, who, DEMO_META, at, {
        action: 'member.invited',
        targetType: 'user',
        targetId: userId,
        details: { email: p.email, role: p.role },
      });
      await recordAudit(
        tx,
        org.id,
        { userId, label: p.email },
        { ...DEMO_META, ip: `198.51.100.${10 + i}` },
        new Date(at.getTime() + 3_600_000),
        {
          action: 'member.joined',
          targetType: 'user',
          targetId: userId,
          details: { role: p.role },
        },
      );
      if (p.mfa) {
        await recordAudit(tx, org.id, { userId, label: p.email }, DEMO_META, new Date(at.getTime() + 3_700_000), {
          action: 'auth.mfa_enrolled',
          targetType: 'user',
          targetId: userId,
          details: { method: 'totp' },
        });
      }
    }
    for (let d = 14; d >= 1; d--) {
      const p = PEOPLE[1 + (d % (PEOPLE.length - 1))]!;
      await recordAudit(tx, org.id, { userId: ids.get(p.email)!, label: p.email }, DEMO_META, daysAgo(d, 9), {
        action: 'auth.login',
        targetType: 'user',
        targetId: ids.get(p.email)!,
        details: { mfa: p.mfa, method: p.mfa ? 'totp' : null },
      });
    }
    await recordAudit(
      tx,
      org.id,
      { userId: null, label: 'jordan.kim@northwind.demo' },
      { ...DEMO_META, ip: '192.0.2.77' },
      daysAgo(3, 23),
      {
        action: 'auth.login_failed',
        targetType: 'user',
        targetId: ids.get('jordan.kim@northwind.demo')!,
        details: { reason: 'password', step: 'password' },
      },
    );
    await recordAudit(tx, org.id, who, DEMO_META, daysAgo(20), {
      action: 'member.role_changed',
      targetType: 'user',
      targetId: ids.get('chris.obrien@northwind.demo')!,
      details: { from: 'member', to: 'reviewer' },
    });
    const invitationId = newId();
    await tx
      .insertInto('invitations')
      .values({
        id: invitationId,
        org_id: org.id,
        email: 'morgan.reyes@northwind.demo',
        role: 'member',
        token_hash: hashSecret(newSecret()),
        invited_by: ownerId,
        created_at: daysAgo(1),
        expires_at: new Date(daysAgo(1).getTime() + 7 * 86_400_000),
      })
      .execute();
    await recordAudit(tx, org.id, who, DEMO_META, daysAgo(1), {
      action: 'member.invited',
      targetType: 'invitation',
      targetId: invitationId,
      details: { email: 'morgan.reyes@northwind.demo', role: 'member' },
    });
    const adminId = ids.get('priya.shah@northwind.demo')!;
    const tokenId = newId();
    await tx
      .insertInto('api_tokens')
      .values({
        id: tokenId,
        org_id: org.id,
        user_id: adminId,
        name: 'ci-pipeline',
        scopes: ['org:read'],
        token_hash: hashSecret(newSecret()),
        created_at: daysAgo(10),
        expires_at: new Date(daysAgo(10).getTime() + 90 * 86_400_000),
      })
      .execute();
    await recordAudit(tx, org.id, { userId: adminId, label: 'priya.shah@northwind.demo' }, DEMO_META, daysAgo(10), {
      action: 'token.created',
      targetType: 'api_token',
      targetId: tokenId,
      details: { name: 'ci-pipeline', scopes: ['org:read'] },
    });
    // --- Evidence tasks (src/modules/tasks/demo.ts): some completed, some overdue, assigned to people ---
    const person = (email: string) => {
      const p = PEOPLE.find((x) => x.email === email)!;
      return { id: ids.get(email)!, email, role: p.role };
    };
    await seedDemoTasks(
      tx,
      org.id,
      ctx,
      person('priya.shah@northwind.demo'),
      [
        'sam.lee@northwind.demo',
        'taylor.nguyen@northwind.demo',
        'jordan.kim@northwind.demo',
        'chris.obrien@northwind.demo',
      ].map(person),
      DEMO_META,
      now,
    );
    // --- end of evidence tasks ---
    // --- Policies (src/modules/policies/demo.ts): four published, some members accepted, one draft in review ---
    await seedDemoPolicies(
      tx,
      org.id,
      {
        admin: person('priya.shah@northwind.demo'),
        reviewer: person('chris.obrien@northwind.demo'),
        acceptors: [
          { ...person('priya.shah@northwind.demo'), accepts: 4 },
          { ...person('sam.lee@northwind.demo'), accepts: 4 },
          { ...person('chris.obrien@northwind.demo'), accepts: 4 },
          { ...person('jordan.kim@northwind.demo'), accepts: 2 },
        ],
      },
      now,
    );
    // --- end of policies ---
    // The program's rollout last: each day's readiness is recorded with the policies in place.
    await seedDemoProgram(
      tx,
      org.id,
      {
        admin: adminId,
        engineer: ids.get('sam.lee@northwind.demo')!,
        reviewer: ids.get('chris.obrien@northwind.demo')!,
      },
      now,
    );
    return org;
  });
  // --- Evidence (src/modules/evidence/demo.ts): a few files on controls and a signed checkpoint ---
  // After the organisation's transaction: each file's blob is stored before its own transaction.
  const priya = await ctx.database.query('SELECT id FROM users WHERE email = $1', ['priya.shah@northwind.demo']);
  await seedDemoEvidence(
    ctx,
    organisation.id,
    { id: String(priya.rows[0]?.id), email: 'priya.shah@northwind.demo' },
    DEMO_META,
  );
  // --- end of evidence ---
  // --- Monitoring (src/modules/monitoring/demo.ts): a sample push of every source kind ---
  await seedDemoMonitoring(ctx, organisation.id, DEMO_META);
  // --- end of monitoring ---
  // --- People and access (src/modules/people/demo.ts): the team, agreement, training, systems, reviews ---
  await seedDemoPeople(ctx, organisation.id, DEMO_META);
  // --- Vendors, risks, incidents, assessments, continuity (each module's demo.ts) ---
  await seedDemoVendors(ctx, organisation.id, DEMO_META);
  await seedDemoRisks(ctx, organisation.id, DEMO_META);
  await seedDemoIncidents(ctx, organisation.id, DEMO_META);
  await seedDemoAssessments(ctx, organisation.id, DEMO_META);
  await seedDemoContinuity(ctx, organisation.id, DEMO_META);
  // --- Publish and prove (issue 9): documents, questionnaires, an audit; the trust center last, published ---
  await seedDemoTrustDocuments(ctx, organisation.id, DEMO_META);
  await seedDemoQuestionnaires(ctx, organisation.id, DEMO_META);
  await seedDemoAudits(ctx, organisation.id, DEMO_META);
  await seedDemoTrust(ctx, organisation.id, DEMO_META);
  await ctx.database.query(
    `INSERT INTO instance_settings (key, value) VALUES ('default_org', $1::jsonb)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [JSON.stringify(DEMO_SLUG)],
  );
  return { organisation, owner: { email: owner.email, password }, people: PEOPLE.length };
}
