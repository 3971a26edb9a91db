/**
 * Checks over PostgreSQL servers as the probe saw them: encrypted connections, modern password
 * hashing, connection and DDL logging, and a major version that still gets fixes. A server the
 * probe could not reach is not judged (the probe's own push reports the error).
 */
import type { DatabaseData } from '../../integrations/types.js';
import type { Check, CheckContext, CheckOutcome, RecordCheck } from '../types.js';
import { recordCheck } from '../types.js';
import { dateOf, fail, notApplicable, pass } from './shared.js';

const databaseLabel = (db: DatabaseData): string =>
  `PostgreSQL ${db.host.includes(':') ? `[${db.host}]` : db.host}:${db.port}`;

interface DatabaseCheckSpec extends Omit<RecordCheck<'database'>, 'scope' | 'resourceType' | 'applies' | 'evaluate'> {
  evaluate(db: DatabaseData, label: string, ctx: CheckContext): CheckOutcome;
}

function databaseCheck(spec: DatabaseCheckSpec): Check {
  const { evaluate, ...declaration } = spec;
  return recordCheck<'database'>({
    ...declaration,
    resourceType: 'database',
    applies: () => true,
    evaluate: (record, ctx) => {
      const label = databaseLabel(record.data);
      if (record.data.error) return notApplicable(`${label} could not be probed: ${record.data.error}`);
      return evaluate(record.data, label, ctx);
    },
  });
}

/** A setting that is on or off; null means the probe could not read it. */
function settingOutcome(
  value: boolean | null,
  label: string,
  setting: string,
  good: string,
  bad: string,
): CheckOutcome {
  if (value === null) return notApplicable(`The probe could not read ${setting} on ${label}.`);
  return value ? pass(`${label} ${good}.`) : fail(`${label} ${bad}.`);
}

export const databaseSsl = databaseCheck({
  id: 'database.ssl',
  title: 'Databases accept TLS connections',
  severity: 'high',
  controls: ['CRY-02'],
  remediation:
    'Set ssl = on with a certificate and key, and require TLS for remote clients with hostssl lines in pg_hba.conf.',
  evaluate: (db, label) => settingOutcome(db.ssl, label, 'ssl', 'has TLS enabled', 'has TLS turned off (ssl = off)'),
});

export const databaseConnectionEncrypted = databaseCheck({
  id: 'database.connection_encrypted',
  title: 'Database connections are encrypted',
  severity: 'high',
  controls: ['CRY-02'],
  remediation:
    'Enable TLS on the server and have clients connect with sslmode=verify-full; reject unencrypted connections with hostssl-only rules in pg_hba.conf.',
  evaluate: (db, label) =>
    settingOutcome(
      db.connectionEncrypted,
      label,
      'whether the connection was encrypted',
      'encrypted the probe connection',
      'accepted the probe connection without encryption',
    ),
});

export const databasePasswordScram = databaseCheck({
  id: 'database.password_encryption_scram',
  title: 'Database passwords are hashed with SCRAM',
  severity: 'medium',
  controls: ['ACC-10'],
  remediation:
    'Set password_encryption = scram-sha-256, then reset each role password so it is stored as a SCRAM hash, and change md5 to scram-sha-256 in pg_hba.conf.',
  evaluate: (db, label) => {
    const method = db.passwordEncryption;
    if (method === null) return notApplicable(`The probe could not read password_encryption on ${label}.`);
    return method.toLowerCase() === 'scram-sha-256'
      ? pass(`${label} hashes passwords with scram-sha-256.`)
      : fail(`${label} hashes passwords with ${method}, not scram-sha-256.`);
  },
});

export const databaseLogConnections = databaseCheck({
  id: 'database.log_connections',
  title: 'Database connections are logged',
  severity: 'medium',
  controls: ['LOG-02'],
  remediation: 'Set log_connections = on and log_disconnections = on, so who connected and for how long can be traced.',
  evaluate: (db, label) => {
    const off = [
      db.logConnections === false ? 'log_connections' : null,
      db.logDisconnections === false ? 'log_disconnections' : null,
    ].filter((name): name is string => name !== null);
    if (off.length > 0) return fail(`${label} has ${off.join(' and ')} turned off.`);
    if (db.logConnections === null) return notApplicable(`The probe could not read log_connections on ${label}.`);
    return pass(`${label} logs connections.`);
  },
});

/** log_statement values that record schema and permission changes (ddl and above). */
const LOGS_DDL: ReadonlySet<string> = new Set(['ddl', 'mod', 'all']);

export const databaseLogStatement = databaseCheck({
  id: 'database.log_statement',
  title: 'Database schema and permission changes are logged',
  severity: 'low',
  controls: ['LOG-02'],
  remediation:
    'Set log_statement = ddl (or mod) so that schema and permission changes, such as GRANT and ALTER ROLE, are logged.',
  evaluate: (db, label) => {
    const value = db.logStatement;
    if (value === null) return notApplicable(`The probe could not read log_statement on ${label}.`);
    return LOGS_DDL.has(value.toLowerCase())
      ? pass(`${label} logs statements at level ${value}.`)
      : fail(`${label} logs no schema or permission changes (log_statement = ${value}).`);
  },
});

/**
 * The PostgreSQL project's final release date for each major version (five years after its
 * first release). Majors older than the table are long unsupported; newer ones are assumed fine.
 */
const POSTGRES_END_OF_LIFE: ReadonlyMap<number, string> = new Map([
  [10, '2022-11-10'],
  [11, '2023-11-09'],
  [12, '2024-11-21'],
  [13, '2025-11-13'],
  [14, '2026-11-12'],
  [15, '2027-11-11'],
  [16, '2028-11-09'],
  [17, '2029-11-08'],
  [18, '2030-11-14'],
]);
const OLDEST_KNOWN = 10;
const NEWEST_KNOWN = 18;

/** "16.4", "PostgreSQL 16.4 on x86_64…", "9.6.24" → 16, 16, 9. */
function majorVersion(version: string): number | undefined {
  const match = /(\d+)(?:\.(\d+))?/.exec(version);
  return match ? Number(match[1]) : undefined;
}

export const databaseVersionSupported = databaseCheck({
  id: 'database.version_supported',
  title: 'Databases run a supported PostgreSQL version',
  severity: 'medium',
  controls: ['OPS-01'],
  remediation:
    'Plan an upgrade to a supported major version (pg_upgrade or a managed in-place upgrade), tested on a copy first. Unsupported versions get no security fixes.',
  evaluate: (db, label, ctx) => {
    if (db.version === null) return notApplicable(`The probe could not read the version of ${label}.`);
    const major = majorVersion(db.version);
    if (major === undefined) return notApplicable(`The version of ${label} (${db.version}) cannot be read.`);
    if (major < OLDEST_KNOWN)
      return fail(`${label} runs PostgreSQL ${db.version}, which no longer gets security fixes.`);
    const endOfLife = POSTGRES_END_OF_LIFE.get(major);
    if (major > NEWEST_KNOWN || endOfLife === undefined) return pass(`${label} runs PostgreSQL ${db.version}.`);
    const end = Date.parse(endOfLife);
    return ctx.now.getTime() < end
      ? pass(`${label} runs PostgreSQL ${major}, supported until ${dateOf(end)}.`)
      : fail(`${label} runs PostgreSQL ${major}, unsupported since ${dateOf(end)}.`);
  },
});

export const DATABASE_CHECKS: readonly Check[] = [
  databaseSsl,
  databaseConnectionEncrypted,
  databasePasswordScram,
  databaseLogConnections,
  databaseLogStatement,
  databaseVersionSupported,
];
