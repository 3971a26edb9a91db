/**
 * Continuous monitoring at scale: a generated organisation (100,000 cloud resources, 50,000
 * accounts, 5,000 people, 2,000 devices, 20,000 findings) evaluated in full by every check, as a
 * ratio to JSON.parse of the same inputs measured in the same run; the time to re-evaluate after
 * one record changes; and the Prowler OCSF import rate through the real push path.
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { InventoryEvaluation } from '../src/checks/evaluator.js';
import { DEFAULT_MONITORING_SETTINGS, type StoredRecord } from '../src/checks/types.js';
import { loadConfig } from '../src/config.js';
import { CLI_META } from '../src/context.js';
import { MasterKey } from '../src/crypto/master-key.js';
import type {
  AccountData,
  CloudResourceData,
  DeviceData,
  FindingData,
  PersonData,
  RecordType,
  Severity,
} from '../src/integrations/types.js';
import { CHECKS } from '../src/modules/monitoring/push.js';
import { pushFile } from '../src/modules/monitoring/service.js';
import { openRuntime } from '../src/runtime.js';
import { createTestDatabase, type Engine } from '../test/helpers/db.js';
import { makeOwner } from './setup.js';

export const SIZES = { cloud: 100_000, accounts: 50_000, people: 5_000, devices: 2_000, findings: 20_000 };
const DAY = 86_400_000;
const NOW = new Date('2026-11-23T12:00:00.000Z');
const iso = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY).toISOString();
const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** A small deterministic generator, so every run evaluates the same organisation. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function record<T extends RecordType>(type: T, i: number, name: string, data: unknown, source: string): StoredRecord {
  return {
    id: `${type}-${i}`,
    type,
    externalId: `${type}-${i}`,
    name,
    data: data as never,
    source,
    firstSeenAt: iso(i % 60),
  };
}

/** The generated organisation's records, as the sources' parsers would produce them. */
export function generateInventory(sizes = SIZES): StoredRecord[] {
  const r = rng(42);
  const out: StoredRecord[] = [];
  const email = (i: number) => `person${i}@bench.example`;
  for (let i = 0; i < sizes.people; i++) {
    const person: PersonData = {
      email: email(i),
      name: `Person ${i}`,
      employmentType: i % 10 === 0 ? 'contractor' : 'employee',
      startDate: iso(400 + (i % 300)).slice(0, 10),
      endDate: i % 25 === 0 ? iso(10).slice(0, 10) : null,
      managerEmail: i === 0 ? null : email(Math.floor(i / 8)),
    };
    out.push(record('person', i, person.name, person, 'hris-csv'));
  }
  const providers: AccountData['provider'][] = ['google_workspace', 'okta', 'github', 'aws', 'csv'];
  for (let i = 0; i < sizes.accounts; i++) {
    const provider = providers[i % providers.length] as AccountData['provider'];
    const account: AccountData = {
      provider,
      email: provider === 'github' || provider === 'aws' ? null : email(i % (sizes.people + 200)),
      username: `user${i}`,
      displayName: null,
      isAdmin: i % 40 === 0,
      isRoot: provider === 'aws' && i % 5000 === 3,
      active: r() > 0.05,
      mfaEnabled: r() > 0.1,
      mfaEnforced: provider === 'google_workspace' ? r() > 0.2 : null,
      passwordEnabled: provider === 'aws' ? r() > 0.5 : null,
      lastLoginAt: r() > 0.1 ? iso(Math.floor(r() * 200)) : null,
      createdAt: iso(500),
      accessKeys:
        provider === 'aws'
          ? [{ id: `AKIA${i}`, active: true, lastRotatedAt: iso(Math.floor(r() * 200)), lastUsedAt: iso(3) }]
          : [],
    };
    out.push(
      record('account', i, account.email ?? account.username, account, provider === 'csv' ? 'accounts-csv' : provider),
    );
  }
  for (let i = 0; i < sizes.cloud; i++) {
    const region = ['eu-west-1', 'us-east-1', 'ap-south-1'][i % 3] as string;
    const base = { provider: 'aws' as const, account: `1234567890${i % 10}`, region };
    let data: CloudResourceData;
    switch (i % 5) {
      case 0:
        data = {
          ...base,
          kind: 'rds_instance',
          attributes: {
            engine: 'postgres',
            encrypted: r() > 0.05,
            publiclyAccessible: r() < 0.02,
            backupRetentionDays: r() > 0.1 ? 7 : 0,
            deletionProtection: r() > 0.3,
            multiAz: r() > 0.5,
          },
        };
        break;
      case 1:
        data = {
          ...base,
          kind: 's3_bucket',
          attributes: { encryption: r() > 0.05 ? 'aws:kms' : null, bucketKeyEnabled: r() > 0.5 },
        };
        break;
      case 2:
        data = {
          ...base,
          kind: 'security_group',
          attributes: {
            vpcId: 'vpc-1',
            ingress: [
              { protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['0.0.0.0/0'] },
              { protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: [r() < 0.03 ? '0.0.0.0/0' : '10.0.0.0/8'] },
            ],
          },
        };
        break;
      case 3:
        data = { ...base, kind: 'kms_key', attributes: { rotationEnabled: r() > 0.1, customerManaged: true } };
        break;
      default:
        data =
          i % 1000 === 4
            ? {
                ...base,
                kind: 'cloudtrail_trail',
                attributes: { multiRegion: true, logFileValidation: r() > 0.2, kmsKeyId: 'k', logging: true },
              }
            : { ...base, kind: 's3_bucket', attributes: { encryption: 'AES256', bucketKeyEnabled: false } };
    }
    out.push(record('cloud_resource', i, `arn:aws:${data.kind}:${region}:${base.account}:res-${i}`, data, 'aws'));
  }
  for (let i = 0; i < sizes.devices; i++) {
    const device: DeviceData = {
      hostname: `laptop-${i}`,
      serial: `C02X${i}`,
      ownerEmail: email(i % sizes.people),
      platform: i % 3 === 0 ? 'windows' : 'macos',
      osVersion: i % 3 === 0 ? '10.0.22631' : '14.5',
      diskEncrypted: r() > 0.03,
      screenLock: r() > 0.05,
      screenLockDelaySeconds: r() > 0.5 ? 300 : 1800,
      passwordManager: r() > 0.1,
      osSupported: r() > 0.05,
      antimalware: r() > 0.1,
      lastSeenAt: iso(1),
    };
    out.push(record('device', i, device.hostname, device, 'osquery'));
  }
  for (let i = 0; i < sizes.findings; i++) {
    const category = (['vulnerability', 'misconfiguration', 'secret', 'compliance'] as const)[i % 4]!;
    const finding: FindingData = {
      tool: category === 'compliance' ? 'prowler' : 'trivy',
      category,
      ruleId: category === 'vulnerability' ? `CVE-2026-${10000 + (i % 5000)}` : `RULE-${i % 300}`,
      title: `Finding ${i}`,
      severity: SEVERITIES[i % SEVERITIES.length] as Severity,
      status: r() > 0.2 ? 'fail' : 'pass',
      resource: `image-${i % 200}`,
      account: null,
      region: null,
      package: category === 'vulnerability' ? `pkg-${i % 700}` : null,
      installedVersion: category === 'vulnerability' ? '1.0.0' : null,
      fixedVersion: category === 'vulnerability' ? '1.0.1' : null,
      advisory: category === 'vulnerability' ? `CVE-2026-${10000 + (i % 5000)}` : null,
      soc2: category === 'compliance' ? ['CC6.1'] : [],
      url: null,
    };
    out.push(record('finding', i, finding.title, finding, finding.tool));
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? 0;
const round = (x: number) => Math.round(x * 100) / 100;

/** Full evaluation against JSON.parse of the inputs, then one-record changes. */
export function benchEvaluation() {
  const records = generateInventory();
  // The inputs as the sources deliver them: one JSON document per record type.
  const byType = new Map<RecordType, StoredRecord[]>();
  for (const rec of records) {
    const list = byType.get(rec.type);
    if (list) list.push(rec);
    else byType.set(rec.type, [rec]);
  }
  const texts = [...byType.values()].map((list) => JSON.stringify(list));
  const bytes = texts.reduce((n, t) => n + t.length, 0);

  const parseRuns: number[] = [];
  let parsed: StoredRecord[] = [];
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    parsed = texts.flatMap((t) => JSON.parse(t) as StoredRecord[]);
    parseRuns.push(performance.now() - start);
  }
  const pushes: [string, string][] = ['trivy', 'prowler', 'aws', 'hris-csv'].map((s) => [s, iso(2)]);
  const evalRuns: number[] = [];
  let evaluation = new InventoryEvaluation(CHECKS, DEFAULT_MONITORING_SETTINGS, NOW);
  for (let run = 0; run < 3; run++) {
    evaluation = new InventoryEvaluation(CHECKS, DEFAULT_MONITORING_SETTINGS, NOW);
    const start = performance.now();
    evaluation.load(parsed, pushes);
    evalRuns.push(performance.now() - start);
  }
  const results = evaluation.resultCount;
  let failing = 0;
  for (const r of evaluation.results()) if (r.outcome === 'fail') failing++;

  // One record changes at a time: a person (accounts depending on them re-run), an account, a
  // cloud resource, a device, a finding; each re-evaluated incrementally.
  const changeMs: Record<string, number[]> = {};
  const types: RecordType[] = ['person', 'account', 'cloud_resource', 'device', 'finding'];
  for (let i = 0; i < 200; i++) {
    const type = types[i % types.length] as RecordType;
    const pool = byType.get(type) ?? [];
    const original = evaluation.records.get((pool[(i * 7919) % pool.length] as StoredRecord).id) as StoredRecord;
    const changed = mutate(original, i);
    const start = performance.now();
    evaluation.apply({ upserts: [changed] });
    const elapsed = performance.now() - start;
    changeMs[type] = [...(changeMs[type] ?? []), elapsed];
  }
  const allChanges = Object.values(changeMs).flat();
  const parseMs = Math.min(...parseRuns);
  const evaluateMs = Math.min(...evalRuns);
  return {
    records: records.length,
    sizes: SIZES,
    checks: CHECKS.checks.length,
    input_mib: round(bytes / 2 ** 20),
    json_parse_ms: round(parseMs),
    full_evaluation_ms: round(evaluateMs),
    ratio_to_json_parse: round(evaluateMs / parseMs),
    results,
    failing,
    one_change: {
      median_ms: round(median(allChanges)),
      p95_ms: round(p95(allChanges)),
      max_ms: round(Math.max(...allChanges)),
      by_type_p95_ms: Object.fromEntries(Object.entries(changeMs).map(([k, v]) => [k, round(p95(v))])),
    },
    targets: { ratio_to_json_parse: 3, one_change_ms: 20 },
    valid: results > 0 && failing > 0,
  };
}

function mutate(record: StoredRecord, i: number): StoredRecord {
  const data = structuredClone(record.data) as unknown as Record<string, unknown>;
  switch (record.type) {
    case 'person':
      data.endDate = data.endDate ? null : iso(5).slice(0, 10);
      break;
    case 'account':
      data.mfaEnabled = !data.mfaEnabled;
      break;
    case 'device':
      data.diskEncrypted = !data.diskEncrypted;
      break;
    case 'finding':
      data.status = data.status === 'fail' ? 'pass' : 'fail';
      break;
    default:
      data.region = `changed-${i}`;
  }
  return { ...record, data: data as never };
}

/** A Prowler OCSF file of `n` findings, in the shape Prowler writes (see test/fixtures/prowler). */
export function prowlerOcsf(n: number): string {
  const statuses = ['FAIL', 'PASS', 'MANUAL'];
  const findings = Array.from({ length: n }, (_, i) => ({
    message: `Check ${i % 400} on resource ${i}`,
    metadata: {
      event_code: `check_${i % 400}`,
      product: { name: 'Prowler', uid: 'prowler', vendor_name: 'Prowler', version: '5.0.0' },
      profiles: ['cloud', 'datetime'],
      tenant_uid: '',
      version: '1.4.0',
    },
    severity_id: 3,
    severity: ['Critical', 'High', 'Medium', 'Low', 'Informational'][i % 5],
    status: 'New',
    status_code: statuses[i % 3],
    status_detail: `Resource ${i} detail`,
    status_id: 1,
    unmapped: { compliance: { SOC2: ['cc_6_1', 'cc_7_2'] } },
    activity_name: 'Create',
    activity_id: 1,
    finding_info: { created_time: 1739539623, desc: 'A description', title: `Check ${i % 400}`, uid: `finding-${i}` },
    resources: [
      {
        cloud_partition: 'aws',
        region: ['eu-west-1', 'us-east-1'][i % 2],
        data: { details: '' },
        group: { name: 'iam' },
        labels: [],
        name: `res-${i}`,
        type: 'AwsIamUser',
        uid: `arn:aws:iam::123456789012:user/res-${i}`,
      },
    ],
    category_name: 'Findings',
    category_uid: 2,
    class_name: 'Detection Finding',
    class_uid: 2004,
    cloud: {
      account: { name: 'bench', type: 'AWS Account', type_id: 10, uid: '123456789012', labels: [] },
      org: { name: '', uid: '' },
      provider: 'aws',
      region: ['eu-west-1', 'us-east-1'][i % 2],
    },
    event_time: 1739539623,
    remediation: { desc: 'Fix it.', references: [] },
    risk_details: 'Risky.',
    time: 1739539623,
    time_dt: '2025-02-14T14:27:03.913874',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
  }));
  return JSON.stringify(findings);
}

/** Pushes a 20,000-finding Prowler OCSF file through the real push path (parse, diff, evaluate, write). */
export async function benchProwlerImport(engine: Engine, findings = SIZES.findings) {
  const { database, drop } = await createTestDatabase(engine);
  try {
    const config = loadConfig({ dataDir: '/nonexistent-attest-bench', logLevel: 'silent', jobs: false }, {});
    const rt = await openRuntime(config, { database, keys: MasterKey.generate(), log: pino({ level: 'silent' }) });
    const { orgId } = await makeOwner(rt);
    const body = prowlerOcsf(findings);
    let start = performance.now();
    const first = await pushFile(rt, null, orgId, { kind: 'prowler', body }, CLI_META);
    const firstSeconds = (performance.now() - start) / 1000;
    // The same scan again: every finding unchanged, nothing re-evaluated.
    start = performance.now();
    const again = await pushFile(rt, null, orgId, { kind: 'prowler', body }, CLI_META);
    const againSeconds = (performance.now() - start) / 1000;
    return {
      engine,
      findings,
      file_mib: round(body.length / 2 ** 20),
      first_import_seconds: round(firstSeconds),
      findings_per_second: Math.round(findings / firstSeconds),
      unchanged_reimport_seconds: round(againSeconds),
      unchanged_findings_per_second: Math.round(findings / againSeconds),
      results_written: first.results.changed,
      valid: first.records.created === findings && again.records.unchanged === findings && again.results.changed === 0,
    };
  } finally {
    await drop();
  }
}
