import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type AccountData, ImportError, type InventoryRecord, type ParsedPush } from '../types.js';
import { parseAws } from './index.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/aws/${name}`, import.meta.url), 'utf8');
const now = new Date('2017-03-01T00:00:00Z');

function accounts(push: ParsedPush): Map<string, AccountData> {
  const records = push.scopes.flatMap((s) => s.records) as InventoryRecord<'account'>[];
  return new Map(records.map((r) => [r.data.username, r.data]));
}

describe('AWS IAM credential report', () => {
  // cloud-custodian's recording of a real 2016 account: 21 rows, christopher listed twice.
  const csv = fixture('credential_report.csv');

  it('reads the CSV: one account per user, the duplicated row skipped with a warning', () => {
    const push = parseAws(csv, { now });
    assert.equal(push.format, 'AWS IAM credential report (CSV)');
    assert.equal(push.scopes.length, 1);
    assert.equal(push.scopes[0]?.scope, 'aws.iam.users:644160558196');
    assert.equal(push.scopes[0]?.records.length, 20);
    assert.equal(push.warnings.length, 1);
    assert.match(push.warnings[0] ?? '', /christopher .* listed twice; the first row was kept/);
    const byUser = accounts(push);
    assert.equal([...byUser.values()].filter((a) => a.mfaEnabled).length, 10);
    assert.equal(
      [...byUser.values()].reduce((n, a) => n + a.accessKeys.length, 0),
      15,
    );
    // The first christopher row: never signed in ("no_information"), no keys.
    assert.equal(byUser.get('christopher')?.lastLoginAt, null);
    assert.deepEqual(byUser.get('christopher')?.accessKeys, []);
  });

  it('marks the root user and reads "not_supported" as unknown', () => {
    const record = parseAws(csv, { now }).scopes[0]?.records[0] as InventoryRecord<'account'>;
    assert.equal(record.externalId, 'arn:aws:iam::644160558196:root');
    assert.equal(record.name, 'root user of 644160558196');
    assert.deepEqual(record.data, {
      provider: 'aws',
      email: null,
      username: '<root_account>',
      displayName: null,
      isAdmin: false,
      isRoot: true,
      active: true,
      mfaEnabled: true,
      mfaEnforced: null,
      passwordEnabled: null,
      lastLoginAt: '2016-10-06T15:47:11.000Z',
      createdAt: '2016-05-16T18:13:11.000Z',
      accessKeys: [],
    });
  });

  it('keeps only the access keys that exist, with their dates', () => {
    const byUser = accounts(parseAws(csv, { now }));
    const andrew = byUser.get('andrew');
    assert.equal(andrew?.mfaEnabled, false);
    assert.equal(andrew?.passwordEnabled, true);
    assert.equal(andrew?.lastLoginAt, '2016-11-16T14:10:34.000Z');
    assert.deepEqual(andrew?.accessKeys, [
      { id: 'access_key_1', active: true, lastRotatedAt: '2016-10-11T15:27:35.000Z', lastUsedAt: null },
      {
        id: 'access_key_2',
        active: true,
        lastRotatedAt: '2016-08-30T19:05:50.000Z',
        lastUsedAt: '2016-10-20T20:27:00.000Z',
      },
    ]);
    // A service user: no password, one key never used.
    const bot = byUser.get('c7n-iam-test');
    assert.equal(bot?.passwordEnabled, false);
    assert.equal(bot?.lastLoginAt, null);
    assert.deepEqual(bot?.accessKeys, [
      { id: 'access_key_1', active: true, lastRotatedAt: '2016-11-15T21:04:17.000Z', lastUsedAt: null },
    ]);
    assert.deepEqual(byUser.get('c7n-test')?.accessKeys, []);
    // User names keep their case: the report is the source of truth for IAM names.
    assert.ok(byUser.has('Jennifer'));
  });

  it('reads the boto3 recording (plain CSV in Content) the same as the CSV', () => {
    const push = parseAws(fixture('iam.GetCredentialReport.placebo.json'), { now });
    assert.equal(push.format, 'AWS IAM credential report (boto3 recording)');
    assert.deepEqual(push.scopes, parseAws(csv, { now }).scopes);
  });

  it('reads the CLI output, whose Content is base64', () => {
    const output = JSON.stringify({
      Content: Buffer.from(csv).toString('base64'),
      ReportFormat: 'text/csv',
      GeneratedTime: '2017-02-22T23:07:48+00:00',
    });
    const push = parseAws(output, { now });
    assert.equal(push.format, 'AWS IAM credential report (AWS CLI JSON)');
    assert.deepEqual(push.scopes, parseAws(csv, { now }).scopes);
  });

  it('rejects the AWS CLI documentation example, which has no Content, saying why', () => {
    assert.throws(
      () => parseAws(fixture('iam.get-credential-report.json'), { now }),
      (e: unknown) => e instanceof ImportError && /Content: missing; generate the report first/.test(e.message),
    );
  });

  it('rejects the answer of generate-credential-report, pointing to get-credential-report', () => {
    assert.throws(
      () => parseAws(fixture('iam.generate-credential-report.json'), { now }),
      (e: unknown) => e instanceof ImportError && /aws iam get-credential-report/.test(e.message),
    );
  });

  it('names the columns a CSV lacks', () => {
    const cut = csv
      .split('\n')
      .map((line) => line.split(',').slice(0, 7).join(','))
      .join('\n');
    assert.throws(
      () => parseAws(cut, { now }),
      (e: unknown) => e instanceof ImportError && /lacks the columns mfa_active, access_key_1_active/.test(e.message),
    );
  });

  it('rejects a report with a header and no rows', () => {
    const header = csv.slice(0, csv.indexOf('\n'));
    assert.throws(
      () => parseAws(header, { now }),
      (e: unknown) => e instanceof ImportError && /has no rows, yet it always lists the root user/.test(e.message),
    );
  });

  it('rejects a truncated CSV row', () => {
    const truncated = csv.slice(0, csv.indexOf('\nanthony') + 30);
    assert.throws(
      () => parseAws(truncated, { now }),
      (e: unknown) => e instanceof ImportError && /CSV is malformed/.test(e.message),
    );
  });

  it('rejects a date it cannot read, naming the line and column', () => {
    const bad = csv.replace('2016-08-30T17:37:35+00:00', 'yesterday');
    assert.throws(
      () => parseAws(bad, { now }),
      (e: unknown) =>
        e instanceof ImportError && /line 3, user_creation_time: "yesterday" is not a date/.test(e.message),
    );
  });
});
