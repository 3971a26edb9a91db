import { isEmail } from '../csv/index.js';
import { type DeviceData, ImportError, type InventoryRecord, type Parser } from '../types.js';
import { type LogEntry, type Row, readLog } from './log.js';
import { osSupported } from './os-support.js';

/**
 * Devices from osquery's results log, as written by hosts running Attest's query pack
 * (src/content/samples/osquery-pack.conf). Each host becomes one device in the scope
 * 'osquery'; whatever the pack did not report for a host (no screen lock query on Windows,
 * no results yet) stays null.
 *
 * The owner is the decoration attest_owner_email when the osquery config sets one (a decorator
 * written per device by whatever deploys osquery), else the signed-in user from attest_owner
 * when that user name is an email address (SSO-bound accounts), else null.
 */

type Query = 'system' | 'os' | 'encryption' | 'screenlock' | 'passwordManager' | 'antimalware' | 'owner';
type Platform = DeviceData['platform'];

/**
 * The pack's query names. In the log they carry the pack's prefix ("pack_attest_attest_os_version")
 * unless scheduled directly, so a name is matched by its end. Platform-only queries also say which
 * platform a host is when os_version has not reported yet.
 */
const QUERIES: readonly { name: string; query: Query; platform: Platform | null }[] = [
  { name: 'attest_system_info', query: 'system', platform: null },
  { name: 'attest_os_version', query: 'os', platform: null },
  { name: 'attest_disk_encryption_macos', query: 'encryption', platform: 'macos' },
  { name: 'attest_disk_encryption_windows', query: 'encryption', platform: 'windows' },
  { name: 'attest_disk_encryption_linux', query: 'encryption', platform: 'linux' },
  { name: 'attest_screenlock', query: 'screenlock', platform: 'macos' },
  { name: 'attest_password_manager_macos', query: 'passwordManager', platform: 'macos' },
  { name: 'attest_password_manager_windows', query: 'passwordManager', platform: 'windows' },
  { name: 'attest_password_manager_linux', query: 'passwordManager', platform: 'linux' },
  { name: 'attest_antimalware_windows', query: 'antimalware', platform: 'windows' },
  { name: 'attest_owner', query: 'owner', platform: null },
];

function queryOf(name: string): (typeof QUERIES)[number] | undefined {
  return QUERIES.find(
    (q) => name === q.name || (name.endsWith(q.name) && !/[a-z0-9]/i.test(name.at(-q.name.length - 1) ?? '')),
  );
}

interface Host {
  id: string;
  lastSeen: number;
  decorations: Row;
  platformHint: Platform | null;
  /** Per query, its current rows keyed by their JSON, so a "removed" finds its "added". */
  rows: Map<Query, Map<string, Row>>;
}

export const parseOsquery: Parser = (input) => {
  const entries = readLog(input);
  // Lines of several log files may be interleaved: apply each host's changes in time order.
  entries.sort((a, b) => a.time - b.time);

  const hosts = new Map<string, Host>();
  let skipped = 0;
  for (const entry of entries) {
    const known = queryOf(entry.name);
    if (!known) {
      skipped++;
      continue;
    }
    apply(hostOf(hosts, entry), entry, known);
  }
  if (hosts.size === 0) {
    throw new ImportError(
      `None of the ${entries.length} results come from Attest's query pack (queries named attest_…). ` +
        "Add src/content/samples/osquery-pack.conf to the hosts' osquery packs, then push the results log.",
    );
  }

  const warnings: string[] = [];
  if (skipped > 0) {
    warnings.push(`Skipped ${skipped} ${skipped === 1 ? 'result' : 'results'} of queries outside Attest's pack.`);
  }
  const records = new Map<string, { record: InventoryRecord<'device'>; lastSeen: number; host: string }>();
  for (const host of hosts.values()) {
    const record = deviceOf(host);
    const earlier = records.get(record.externalId);
    if (earlier) {
      // A re-enrolled machine reports the same serial under a new host identifier: keep the newer.
      const [keep, drop] = earlier.lastSeen >= host.lastSeen ? [earlier.host, host.id] : [host.id, earlier.host];
      warnings.push(`Hosts ${keep} and ${drop} report the same serial ${record.externalId}: kept ${keep}, seen last.`);
      if (keep === earlier.host) continue;
    }
    records.set(record.externalId, { record, lastSeen: host.lastSeen, host: host.id });
  }

  return {
    format: 'osquery results log',
    scopes: [{ scope: 'osquery', records: [...records.values()].map((r) => r.record) }],
    warnings,
  };
};

function hostOf(hosts: Map<string, Host>, entry: LogEntry): Host {
  let host = hosts.get(entry.host);
  if (!host) {
    host = { id: entry.host, lastSeen: 0, decorations: {}, platformHint: null, rows: new Map() };
    hosts.set(entry.host, host);
  }
  return host;
}

function apply(host: Host, entry: LogEntry, known: (typeof QUERIES)[number]): void {
  host.lastSeen = Math.max(host.lastSeen, entry.time);
  Object.assign(host.decorations, entry.decorations);
  if (known.platform) host.platformHint = known.platform;
  let rows = host.rows.get(known.query);
  if (!rows || entry.snapshot) {
    rows = new Map();
    host.rows.set(known.query, rows);
  }
  for (const row of entry.snapshot ?? []) rows.set(JSON.stringify(row), row);
  for (const row of entry.removed) rows.delete(JSON.stringify(row));
  for (const row of entry.added) rows.set(JSON.stringify(row), row);
}

function deviceOf(host: Host): InventoryRecord<'device'> {
  const rows = (query: Query): Row[] | null => {
    const found = host.rows.get(query);
    return found ? [...found.values()] : null;
  };
  const system = rows('system')?.[0];
  const os = rows('os')?.[0];
  const platform = platformOf(os) ?? host.platformHint ?? 'other';
  const screenlock = rows('screenlock')?.[0];
  const serial = serialOf(system?.hardware_serial);
  const hostname = system?.hostname || system?.computer_name || host.id;

  const data: DeviceData = {
    hostname,
    serial,
    ownerEmail: ownerOf(host.decorations, rows('owner')),
    platform,
    osVersion: os?.version || null,
    diskEncrypted: encryptedOf(rows('encryption')),
    screenLock: flag(screenlock?.enabled),
    screenLockDelaySeconds: screenlock && flag(screenlock.enabled) ? seconds(screenlock.grace_period) : null,
    passwordManager: passwordManagerOf(rows('passwordManager')),
    osSupported: os
      ? osSupported({
          platform,
          name: os.name ?? null,
          version: os.version ?? null,
          build: os.build,
          distro: distroOf(os),
        })
      : null,
    antimalware: antimalwareOf(rows('antimalware')?.[0]),
    lastSeenAt: host.lastSeen > 0 ? new Date(host.lastSeen * 1000).toISOString() : null,
  };
  return { type: 'device', externalId: serial ?? host.id, name: system?.computer_name || hostname, data };
}

function platformOf(os: Row | undefined): Platform | null {
  const platform = os?.platform?.toLowerCase();
  if (!platform) return null;
  if (platform === 'darwin') return 'macos';
  if (platform === 'windows') return 'windows';
  // osquery names Linux hosts by distribution (ubuntu, rhel, amzn, arch…) and BSDs by their own.
  if (platform.includes('bsd')) return 'other';
  return 'linux';
}

function distroOf(os: Row): string {
  return `${os.platform ?? ''} ${os.platform_like ?? ''}`;
}

/** Serials that firmware of virtual or white-box machines reports instead of a real one. */
const PLACEHOLDER_SERIALS = new Set([
  '0',
  'none',
  'n/a',
  'unknown',
  'not specified',
  'not available',
  'default string',
  'system serial number',
  'to be filled by o.e.m.',
  '0123456789',
  '123456789',
]);

function serialOf(value: string | undefined): string | null {
  const serial = value?.trim() ?? '';
  return serial === '' || PLACEHOLDER_SERIALS.has(serial.toLowerCase()) ? null : serial;
}

function ownerOf(decorations: Row, owner: Row[] | null): string | null {
  const decorated = decorations.attest_owner_email?.trim();
  if (decorated && isEmail(decorated)) return decorated.toLowerCase();
  const user = owner?.[0]?.email?.trim() || owner?.[0]?.user?.trim();
  return user && isEmail(user) ? user.toLowerCase() : null;
}

/** osquery booleans are "1" and "0"; "-1" and anything else mean it could not tell. */
function flag(value: string | undefined): boolean | null {
  if (value === '1') return true;
  if (value === '0') return false;
  return null;
}

function seconds(value: string | undefined): number | null {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isInteger(n) && n >= 0 ? n : null;
}

function encryptedOf(rows: Row[] | null): boolean | null {
  const row = rows?.[0];
  if (!row) return null;
  // bitlocker_info: protection_status 1 = on, 0 = off, 2 = unknown.
  if ('protection_status' in row) return row.protection_status === '2' ? null : row.protection_status === '1';
  return flag(row.encrypted);
}

function passwordManagerOf(rows: Row[] | null): boolean | null {
  if (!rows) return null;
  const counted = rows[0]?.installed;
  if (counted !== undefined) return Number(counted) > 0;
  // A pack of one's own may list the apps instead of counting them.
  return rows.length > 0;
}

/** windows_security_center reports Good, Poor, Snoozed, Not Monitored or Error. */
function antimalwareOf(row: Row | undefined): boolean | null {
  const state = row?.antivirus?.toLowerCase();
  if (state === 'good') return true;
  if (state === 'poor' || state === 'snoozed') return false;
  return null;
}
