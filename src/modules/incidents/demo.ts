/**
 * The demo's incidents, every check passing: escalation rules for SEV1–SEV3; a lost laptop
 * (SEV3, closed, reviewed); a phishing email (SEV2, resolved, reviewed); and a storage bucket
 * left open (SEV1 breach, closed) whose two affected customers were both sent complete notices
 * well before the deadline. Runs after the people demo (its team and systems).
 */
import type { AppContext, RequestMeta } from '../../context.js';
import type { Role } from '../../db/schema.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import { addCustomers, markBreach, updateBreach } from './breach.js';
import { addNote, assignOwner, setStatus } from './changes.js';
import type { OrgActor } from './model.js';
import { reportIncident } from './report.js';
import { saveReview } from './review.js';
import { saveRule } from './rules.js';
import { sendNotice } from './send.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export async function seedDemoIncidents(ctx: AppContext, orgId: string, meta: RequestMeta): Promise<void> {
  const start = ctx.clock.now();
  const at = (days: number, hours = 0) => new Date(start.getTime() - days * DAY + hours * HOUR);
  const day = (d: Date) => d.toISOString().slice(0, 10);

  const { admin, breach, noticeIds } = await withScope(ctx.database, { orgId }, async (tx) => {
    const people = await team(tx, orgId);
    const admin = people.as('priya.shah@northwind.demo');
    const owner = people.as('alex.morgan@northwind.demo');
    const sam = people.as('sam.lee@northwind.demo');
    const systems = new Map(
      (await tx.selectFrom('systems').select(['id', 'name']).execute()).map((s) => [s.name, s.id]),
    );
    const system = (name: string) => (systems.has(name) ? [systems.get(name) as string] : []);

    for (const [severity, roles, minutes] of [
      ['sev1', ['owner', 'admin'], 15],
      ['sev2', ['owner', 'admin'], 30],
      ['sev3', ['admin'], 240],
    ] as const) {
      await saveRule(
        tx,
        ctx.keys,
        admin,
        severity,
        { notifyRoles: [...roles], notifyUserIds: [], emails: [], webhookUrl: null, targetMinutes: minutes },
        meta,
        at(90),
      );
    }

    // A lost laptop: encrypted, wiped remotely, closed after a short review.
    const laptop = await reportIncident(
      tx,
      sam,
      {
        title: 'Laptop left in a taxi',
        description: 'A work laptop was left in a taxi after a customer visit. The disk is encrypted.',
        severity: 'sev3',
        detectedAt: at(40, -2).toISOString(),
        systemIds: system('Google Workspace'),
      },
      meta,
      at(40),
    );
    await assignOwner(tx, admin, laptop.id, admin.userId, meta, at(40, 0.2));
    await setStatus(tx, admin, laptop.id, 'triaged', undefined, meta, at(40, 0.3));
    await addNote(
      tx,
      admin,
      laptop.id,
      { body: 'Remote wipe sent through the device management tool; sessions revoked.' },
      meta,
      at(40, 1),
    );
    await setStatus(tx, admin, laptop.id, 'contained', 'Device wiped, sessions revoked.', meta, at(40, 1.5));
    await setStatus(tx, admin, laptop.id, 'resolved', 'The taxi company returned the laptop.', meta, at(38));
    await saveReview(
      tx,
      admin,
      laptop.id,
      {
        rootCause: 'The laptop was carried loose instead of in its bag after a late meeting.',
        wentWell: 'Full-disk encryption and remote wipe worked within the hour.',
        toImprove: 'Remind people in training to report a lost device at once, even at night.',
        actionItems: [
          {
            title: 'Add a lost-device story to the training',
            ownerUserId: admin.userId,
            dueOn: day(at(10)),
            done: true,
          },
        ],
        complete: true,
      },
      meta,
      at(37),
    );
    await setStatus(tx, admin, laptop.id, 'closed', undefined, meta, at(36));

    // A phishing email: nobody entered credentials; resolved and reviewed.
    const phishing = await reportIncident(
      tx,
      owner,
      {
        title: 'Phishing email reached the sales team',
        description: 'An email posing as our payroll provider asked five people to sign in on a look-alike site.',
        severity: 'sev2',
        detectedAt: at(12, -1).toISOString(),
        systemIds: system('Google Workspace'),
      },
      meta,
      at(12),
    );
    await assignOwner(tx, admin, phishing.id, admin.userId, meta, at(12, 0.1));
    await setStatus(
      tx,
      admin,
      phishing.id,
      'contained',
      'Messages pulled from every inbox; the domain blocked.',
      meta,
      at(12, 2),
    );
    await setStatus(tx, admin, phishing.id, 'resolved', 'Sign-in logs show nobody used the site.', meta, at(10));
    await saveReview(
      tx,
      admin,
      phishing.id,
      {
        rootCause: 'The look-alike domain was registered the day before and passed the mail filter.',
        wentWell: 'Two people reported it within minutes; MFA would have stopped a stolen password.',
        toImprove: 'Quarantine mail from newly registered domains.',
        actionItems: [
          { title: 'Turn on new-domain quarantine', ownerUserId: admin.userId, dueOn: day(at(-14)), done: false },
        ],
        complete: true,
      },
      meta,
      at(8),
    );

    // A storage bucket of customer exports left public: a breach, notified the next day.
    const bucket = await reportIncident(
      tx,
      admin,
      {
        title: 'Customer export bucket was public',
        description:
          'A storage bucket holding weekly CSV exports for two customers was readable without sign-in for nine days after a configuration change.',
        severity: 'sev1',
        detectedAt: at(70, -1).toISOString(),
        systemIds: system('AWS production'),
      },
      meta,
      at(70),
    );
    await assignOwner(tx, admin, bucket.id, admin.userId, meta, at(70, 0.1));
    await setStatus(
      tx,
      admin,
      bucket.id,
      'contained',
      'Public access blocked; the bucket policy restored.',
      meta,
      at(70, 0.5),
    );
    await markBreach(
      tx,
      admin,
      bucket.id,
      { occurredOn: day(at(79)), discoveredAt: at(70, -1).toISOString() },
      meta,
      at(70, 1),
    );
    await updateBreach(
      tx,
      admin,
      bucket.id,
      {
        extent:
          'Access logs show two downloads of your latest export file from an unknown address. The file holds names, email addresses and usage totals of your users; no passwords or payment data.',
        whatHappened:
          'A change to our storage configuration made a bucket of customer exports readable without sign-in. Our monitoring found it and we closed it within the hour.',
        scope: 'Two customers’ weekly export files; no other data or systems were involved.',
        response:
          'We blocked public access, rotated the keys that write exports, added a check that fails any public bucket, and reviewed every other bucket. We recommend telling your users to watch for unexpected email.',
      },
      meta,
      at(70, 2),
    );
    await addCustomers(
      tx,
      admin,
      bucket.id,
      [
        { name: 'Contoso Retail', contactName: 'Dana White', contactEmail: 'security@contoso.demo' },
        { name: 'Fabrikam Health', contactName: 'Lee Park', contactEmail: 'privacy@fabrikam.demo' },
      ],
      meta,
      at(70, 3),
    );
    const notices = await tx.selectFrom('incident_notices').select('id').where('incident_id', '=', bucket.id).execute();
    return { admin, breach: bucket.id, noticeIds: notices.map((n) => n.id) };
  });

  // Sent the day after discovery, well inside the 72 hours (evidence is stored as of then).
  const then = { ...ctx, clock: { now: () => at(69) } };
  for (const [i, noticeId] of noticeIds.entries()) {
    await sendNotice(then, admin, breach, noticeId, i === 0 ? 'letter' : 'portal', meta);
  }

  await withScope(ctx.database, { orgId }, async (tx) => {
    await setStatus(tx, admin, breach, 'resolved', 'Every affected customer notified; keys rotated.', meta, at(66));
    await saveReview(
      tx,
      admin,
      breach,
      {
        rootCause: 'An infrastructure change removed the bucket’s public-access block, and no check watched for it.',
        wentWell: 'Detection within the hour, and both customers told the next day with the facts they needed.',
        toImprove: 'Fail the deployment of any bucket that allows public access.',
        actionItems: [
          {
            title: 'Add a public-bucket check to the deploy pipeline',
            ownerUserId: admin.userId,
            dueOn: day(at(50)),
            done: true,
          },
        ],
        complete: true,
      },
      meta,
      at(60),
    );
    await setStatus(tx, admin, breach, 'closed', undefined, meta, at(59));
  });
}

async function team(tx: Tx, orgId: string) {
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
  return {
    as(email: string): OrgActor {
      const user = users.get(email);
      if (!user) throw new Error(`The demo has no member ${email}`);
      return { userId: user.id, email, orgId, role: user.role, stage: 'full', via: 'session' };
    },
  };
}
