/**
 * The demo's trust center: published, with the security contact, a hosting region beyond the
 * subprocessors' and two updates. The demo has failing controls, so some items show as not in
 * place, which is the point: the page says what the program shows, not what anyone wishes.
 */
import type { Actor, AppContext, RequestMeta } from '../../context.js';
import { newId } from '../../crypto/random.js';
import type { Role } from '../../db/schema.js';
import { withScope } from '../../db/tenancy.js';
import { defaultSettings, loadTrustCenter, publish, saveDraft } from './settings.js';

export async function seedDemoTrust(ctx: AppContext, orgId: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  await withScope(ctx.database, { orgId }, async (tx) => {
    const admin = await tx
      .selectFrom('users as u')
      .innerJoin('memberships as m', 'm.user_id', 'u.id')
      .select(['u.id', 'u.email', 'm.role'])
      .where('m.org_id', '=', orgId)
      .where('u.email', '=', 'priya.shah@northwind.demo')
      .executeTakeFirstOrThrow();
    const actor: Actor & { orgId: string } = {
      userId: admin.id,
      email: admin.email,
      orgId,
      role: admin.role as Role,
      stage: 'full',
      via: 'session',
    };
    const org = await tx.selectFrom('organizations').select('name').where('id', '=', orgId).executeTakeFirstOrThrow();
    const current = await loadTrustCenter(tx, orgId);
    await saveDraft(
      tx,
      actor,
      {
        hostName: current.hostName,
        settings: {
          ...defaultSettings(org.name),
          title: 'Northwind security and trust',
          overview:
            'Northwind runs a SOC 2 security program. This page is generated from that program as it runs: an item reads "In place" only while every control behind it passes its checks today.\n\nQuestions, or something to report? Write to our security team.',
          contactEmail: 'security@northwind.demo',
          regions: ['United States'],
          updates: [
            {
              id: newId(),
              date: day(-12),
              title: 'Annual penetration test completed',
              body: 'An outside firm tested the Northwind platform. Findings are being fixed within our deadlines; the date is listed under most recent assessments.',
            },
            {
              id: newId(),
              date: day(-40),
              title: 'Single sign-on for every business system',
              body: 'Team members now reach all of our business systems through one identity provider with multi-factor sign-in.',
            },
          ],
        },
      },
      meta,
      now,
    );
    await publish(tx, actor, meta, now);
  });
}
