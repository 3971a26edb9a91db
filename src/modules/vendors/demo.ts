/**
 * The demo's vendors: AWS (approved, high tier, a subprocessor hosting in us-east-1, with a
 * current SOC 2 Type 2 report), Google Workspace (approved, medium tier), a new analytics
 * vendor in review with a questionnaire link nobody has answered yet, and an email vendor whose
 * SOC 2 report is more than a year old, so its check fails on purpose.
 */
import { Readable } from 'node:stream';
import type { AppContext, RequestMeta } from '../../context.js';
import type { Role } from '../../db/schema.js';
import { withScope } from '../../db/tenancy.js';
import type { VendorActor } from './access.js';
import { addVendorDocument } from './documents.js';
import { createLink } from './questionnaires.js';
import { recordReview } from './reviews.js';
import { changeStatus } from './status.js';
import { createVendor } from './write.js';

const placeholder = (title: string) =>
  Buffer.from(
    `${title}\n\nA stand-in for the vendor's real report in the Attest demo. Upload the report the vendor gives you in its place.\n`,
    'utf8',
  );

export async function seedDemoVendors(ctx: AppContext, orgId: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  const members = await withScope(ctx.database, { orgId }, (tx) =>
    tx
      .selectFrom('users as u')
      .innerJoin('memberships as m', 'm.user_id', 'u.id')
      .select(['u.id', 'u.email', 'm.role'])
      .where('m.org_id', '=', orgId)
      .execute(),
  );
  const as = (email: string): VendorActor => {
    const user = members.find((m) => m.email === email);
    if (!user) throw new Error(`The demo has no member ${email}`);
    return { userId: user.id, email, orgId, role: user.role as Role, stage: 'full', via: 'session' };
  };
  const admin = as('priya.shah@northwind.demo');
  const sam = as('sam.lee@northwind.demo');

  const vendors = await withScope(ctx.database, { orgId }, async (tx) => {
    const aws = await createVendor(
      tx,
      admin,
      {
        name: 'Amazon Web Services',
        website: 'https://aws.amazon.com',
        purpose: 'Hosts the Northwind platform: compute, databases, backups and file storage.',
        dataClassification: 'restricted',
        regions: ['us-east-1'],
        subprocessor: true,
        ownerUserId: admin.userId,
        criticality: 'high',
      },
      meta,
      now,
    );
    const workspace = await createVendor(
      tx,
      admin,
      {
        name: 'Google Workspace',
        website: 'https://workspace.google.com',
        purpose: 'Company email, calendars and documents, and single sign-on for staff.',
        dataClassification: 'internal',
        regions: ['United States'],
        ownerUserId: as('alex.morgan@northwind.demo').userId,
        criticality: 'medium',
      },
      meta,
      now,
    );
    const analytics = await createVendor(
      tx,
      sam,
      {
        name: 'Trailmark Analytics',
        website: 'https://trailmark.example',
        purpose: 'Product analytics: which features customers use, to plan the roadmap.',
        dataClassification: 'confidential',
        regions: ['eu-west-1'],
        subprocessor: true,
        criticality: 'low',
      },
      meta,
      now,
    );
    const email = await createVendor(
      tx,
      admin,
      {
        name: 'Quillsend',
        website: 'https://quillsend.example',
        purpose: 'Sends account and billing emails to customers.',
        dataClassification: 'confidential',
        regions: ['us-west-2'],
        subprocessor: true,
        ownerUserId: sam.userId,
        criticality: 'high',
      },
      meta,
      now,
    );
    await changeStatus(tx, sam, analytics.id, { status: 'in_review' }, meta, now);
    await createLink(tx, sam, analytics.id, { expiresInDays: 14 }, meta, now);
    return { aws, workspace, email };
  });

  const report = async (vendorId: string, name: string, start: number, end: number) =>
    addVendorDocument(
      ctx,
      admin,
      vendorId,
      { kind: 'soc2_type2', periodStart: day(start), periodEnd: day(end), note: 'No exceptions noted.' },
      { name, contentType: 'text/plain', stream: Readable.from([placeholder(name)]) },
      meta,
    );
  const awsReport = await report(vendors.aws.id, 'aws-soc2-type2.txt', -440, -75);
  // A year and a third old: vendor.soc_report_current fails for Quillsend until a new one comes.
  const emailReport = await report(vendors.email.id, 'quillsend-soc2-type2.txt', -845, -480);

  await withScope(ctx.database, { orgId }, async (tx) => {
    const review = (actor: VendorActor, vendorId: string, documentId: string | null, examined: string, ago: number) =>
      recordReview(
        tx,
        actor,
        vendorId,
        {
          documentId,
          examined,
          outcome: 'approved',
          notes: 'Controls match what we rely on; nothing to follow up.',
          completedOn: day(ago),
        },
        meta,
        now,
      );
    await review(
      admin,
      vendors.aws.id,
      awsReport.id,
      'The SOC 2 Type 2 report and its complementary user controls.',
      -60,
    );
    await review(
      admin,
      vendors.workspace.id,
      null,
      "Google's security and privacy pages, and the data processing terms.",
      -200,
    );
    await review(admin, vendors.email.id, emailReport.id, 'The SOC 2 Type 2 report we had on file.', -120);
    for (const vendor of [vendors.aws, vendors.workspace, vendors.email]) {
      await changeStatus(tx, admin, vendor.id, { status: 'approved', comment: 'Reviewed; fit for use.' }, meta, now);
    }
  });
}
