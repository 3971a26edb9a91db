import { Readable } from 'node:stream';
import type { AppContext, RequestMeta } from '../../context.js';
import { withScope } from '../../db/tenancy.js';
import { makeCheckpoint } from '../../ledger/service.js';
import { addEvidence } from './upload.js';

const DAY = 86_400_000;

interface DemoFile {
  control: string;
  name: string;
  contentType: string;
  note: string;
  /** Days before now the period it proves starts and ends. */
  from: number;
  to?: number;
  body: (now: Date) => string;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

const FILES: DemoFile[] = [
  {
    control: 'ACC-09',
    name: 'access-review-q1.csv',
    contentType: 'text/csv',
    note: 'Quarterly review of production and admin access; two stale accounts removed.',
    from: 35,
    to: 5,
    body: () =>
      [
        'system,account,role,reviewer,decision',
        'aws-prod,priya.shah,admin,alex.morgan,keep',
        'aws-prod,sam.lee,developer,priya.shah,keep',
        'aws-prod,ci-deployer,deploy,priya.shah,keep',
        'github,jordan.kim,maintainer,priya.shah,keep',
        'github,former-contractor,write,priya.shah,remove',
        'postgres-prod,analytics-ro,read,priya.shah,remove',
        '',
      ].join('\n'),
  },
  {
    control: 'BCP-03',
    name: 'restore-test.txt',
    contentType: 'text/plain',
    note: 'Monthly restore of last night’s backup into a scratch environment.',
    from: 12,
    body: (now) =>
      [
        `Restore test, ${iso(new Date(now.getTime() - 12 * DAY))}`,
        'Source: nightly encrypted snapshot (eu-west-1)',
        'Target: restore-test account, isolated VPC',
        'Rows checked: 1,204,511 of 1,204,511',
        'Time to restore: 41 minutes (objective: 4 hours)',
        'Result: passed',
        '',
      ].join('\n'),
  },
  {
    control: 'VUL-01',
    name: 'vulnerability-scan-summary.csv',
    contentType: 'text/csv',
    note: 'Monthly external scan: no critical findings; two medium findings have tickets.',
    from: 9,
    body: () =>
      [
        'severity,count,open,fixed_within_deadline',
        'critical,0,0,yes',
        'high,1,0,yes',
        'medium,2,2,yes',
        'low,7,3,yes',
        '',
      ].join('\n'),
  },
  {
    control: 'PEO-03',
    name: 'security-training-completion.csv',
    contentType: 'text/csv',
    note: 'Annual awareness training, completion per person.',
    from: 60,
    to: 30,
    body: () =>
      [
        'person,completed_on,score',
        'priya.shah@northwind.demo,2026-01-12,95',
        'sam.lee@northwind.demo,2026-01-14,90',
        'jordan.kim@northwind.demo,2026-01-20,85',
        'taylor.nguyen@northwind.demo,2026-01-21,100',
        '',
      ].join('\n'),
  },
];

/**
 * Demo evidence: small generated files attached to controls, uploaded through the same path as
 * real uploads (blob first, then row, ledger leaf and audit row in one transaction), then a
 * signed checkpoint, so a new user can export a bundle and verify it at once. Runs after the
 * demo organisation's transaction has committed: blobs are never written inside a transaction.
 */
export async function seedDemoEvidence(
  ctx: AppContext,
  orgId: string,
  uploader: { id: string; email: string },
  meta: RequestMeta,
): Promise<number> {
  const now = ctx.clock.now();
  const actor = {
    userId: uploader.id,
    email: uploader.email,
    orgId,
    role: 'admin' as const,
    stage: 'full' as const,
    via: 'session' as const,
  };
  for (const f of FILES) {
    await addEvidence(
      ctx,
      actor,
      {
        controlId: f.control,
        effectiveFrom: new Date(now.getTime() - f.from * DAY).toISOString(),
        effectiveTo: f.to === undefined ? undefined : new Date(now.getTime() - f.to * DAY).toISOString(),
        note: f.note,
      },
      { name: f.name, contentType: f.contentType, stream: Readable.from([Buffer.from(f.body(now))]) },
      meta,
    );
  }
  await withScope(ctx.database, { orgId }, (tx) => makeCheckpoint(tx, orgId, now, { keyring: ctx.keyring }));
  return FILES.length;
}
