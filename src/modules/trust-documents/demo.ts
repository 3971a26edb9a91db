/**
 * The demo's trust center documents: a one-page security overview anyone may download, a
 * penetration test summary shared on request, the default NDA, a rule approving example.com
 * addresses, and one request from a prospect waiting for an admin.
 */
import PDFDocument from 'pdfkit';
import type { AppContext, RequestMeta } from '../../context.js';
import type { Role } from '../../db/schema.js';
import { withScope } from '../../db/tenancy.js';
import { FONT, pdfBytes, writeMarkdown } from '../policies/markdown-pdf.js';
import { checkUpload, createDocument } from './documents.js';
import type { DocumentActor } from './model.js';
import { setSettings } from './nda.js';
import { recordRequest } from './requests.js';

const OVERVIEW = `# Security overview

Northwind runs a written information security program, reviewed every year, and publishes its live state on this trust center.

## What we do
- Customer data is encrypted in transit (TLS 1.2 or later) and at rest (AES-256).
- Every account uses single sign-on and two-factor authentication; access is granted by role and reviewed each quarter.
- Production runs in a cloud provider's US regions, with daily backups and a restore tested every quarter.
- An independent firm tests our application once a year; we scan for vulnerabilities every month.
- Employees and contractors pass a background check, sign a confidentiality agreement and complete security training.

## Talk to us
Write to security@northwind.demo with any question, or to report a vulnerability.`;

const PENTEST = `# Penetration test summary

This summary describes the most recent independent penetration test of the Northwind platform. It is shared under NDA.

## Scope
The web application, its public API and the sign-in flow, tested from the internet with two customer accounts of different roles.

## Findings
- No critical or high findings.
- Two medium findings (a missing rate limit on one export and verbose error messages), both fixed and verified by the testers.
- Three low findings, accepted or scheduled with owners and dates.

## Method
Manual testing guided by the OWASP testing guide, with automated scanning in support, over ten working days.`;

async function pdf(title: string, markdown: string, date: Date): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: title, Author: 'Northwind', CreationDate: date },
  });
  const done = pdfBytes(doc);
  doc.fillColor('#111');
  writeMarkdown(doc, markdown, 56, { h1: 18, h2: 12.5, h3: 11 });
  doc.moveDown(1);
  doc.font(FONT.regular).fontSize(8).fillColor('#666').text('Sample document of the Attest demo.', 56);
  doc.end();
  return done;
}

export async function seedDemoTrustDocuments(ctx: AppContext, orgId: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  const admin = await withScope(ctx.database, { orgId }, (tx) =>
    tx
      .selectFrom('users as u')
      .innerJoin('memberships as m', 'm.user_id', 'u.id')
      .select(['u.id', 'u.email', 'm.role'])
      .where('m.org_id', '=', orgId)
      .where('u.email', '=', 'priya.shah@northwind.demo')
      .executeTakeFirstOrThrow(),
  );
  const actor: DocumentActor = {
    userId: admin.id,
    email: admin.email,
    orgId,
    role: admin.role as Role,
    stage: 'full',
    via: 'session',
  };
  const files = [
    {
      fields: {
        title: 'Security overview',
        description: 'One page on how Northwind protects customer data.',
        access: 'public',
        position: '0',
      },
      name: 'northwind-security-overview.pdf',
      bytes: await pdf('Security overview', OVERVIEW, now),
    },
    {
      fields: {
        title: 'Penetration test summary',
        description: 'The findings of our latest independent penetration test and how we fixed them.',
        access: 'request',
        position: '1',
      },
      name: 'northwind-pentest-summary.pdf',
      bytes: await pdf('Penetration test summary', PENTEST, now),
    },
  ];
  const uploads: Awaited<ReturnType<typeof checkUpload>>[] = [];
  for (const file of files) uploads.push(await checkUpload(file.fields, file.name, 'application/pdf', file.bytes));
  await withScope(ctx.database, { orgId, userId: admin.id }, async (tx) => {
    const made = [];
    for (const [i, upload] of uploads.entries()) {
      made.push(await createDocument(tx, ctx, actor, upload, (files[i] as { bytes: Buffer }).bytes, meta, now));
    }
    await setSettings(tx, actor, { autoApproveDomains: ['example.com'], grantDays: 7 }, meta, now);
    const org = await tx
      .selectFrom('organizations')
      .select(['slug', 'name'])
      .where('id', '=', orgId)
      .executeTakeFirstOrThrow();
    const gated = made.find((d) => d.access === 'request');
    if (!gated) return;
    await recordRequest(
      tx,
      ctx,
      { orgId, slug: org.slug, name: org.name },
      gated.id,
      {
        name: 'Dana Reyes',
        email: 'dana.reyes@fabrikam.test',
        company: 'Fabrikam',
        accept: 'yes',
        nda: '',
        website: '',
      },
      { ip: '198.51.100.7', userAgent: 'Mozilla/5.0 (Windows NT 10.0) demo', requestId: null },
      '',
      now,
    );
  });
}
