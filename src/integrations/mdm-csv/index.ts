import { type CsvColumns, isEmail, label, parseBool, parseTime, readCsv } from '../csv/index.js';
import { osSupported } from '../osquery/os-support.js';
import { type DeviceData, ImportError, type InventoryRecord, type Parser } from '../types.js';

/**
 * A device list exported from an MDM (Jamf, Intune, Kandji, Google endpoint management…) or kept
 * by hand: one row per laptop or workstation. The whole fleet is one scope, 'mdm'.
 */

const COLUMNS = {
  hostname: ['device name', 'hostname', 'computer name', 'device', 'name', 'host name'],
  serial: ['serial', 'serial number', 'serial no', 'hardware serial'],
  owner: ['owner', 'owner email', 'user email', 'assigned user', 'primary user', 'user', 'email'],
  platform: ['platform', 'os', 'operating system', 'os name', 'os type'],
  osVersion: ['os version', 'operating system version', 'version', 'os build'],
  encrypted: ['encrypted', 'disk encryption', 'encryption', 'filevault', 'bitlocker', 'storage encrypted'],
  screenLock: ['screen lock', 'screenlock', 'passcode', 'screen lock enabled', 'passcode present', 'auto lock'],
  screenLockDelay: ['screen lock delay', 'screen lock seconds', 'lock after seconds', 'auto lock seconds'],
  passwordManager: ['password manager', 'password manager installed'],
  antivirus: ['antivirus', 'antimalware', 'anti-malware', 'av', 'endpoint protection', 'edr'],
  lastSeen: ['last seen', 'last check in', 'last checkin', 'last sync', 'last contact', 'last seen at'],
} satisfies CsvColumns<string>;

type Column = keyof typeof COLUMNS;

/** Words MDM exports put in status columns that are not plain yes/no. */
const STATUS_WORDS: ReadonlyMap<string, boolean> = new Map([
  ['encrypted', true],
  ['not encrypted', false],
  ['unencrypted', false],
  ['installed', true],
  ['not installed', false],
  ['missing', false],
  ['protected', true],
  ['unprotected', false],
  ['compliant', true],
  ['noncompliant', false],
  ['non-compliant', false],
]);

export const parseMdmCsv: Parser = (input) => {
  const table = readCsv<Column>(input, {
    columns: COLUMNS,
    required: ['hostname'],
    what: 'a device list (device name, serial, owner, platform, os version, encrypted, screen lock, …)',
  });
  const warnings: string[] = [];
  const byId = new Map<string, { record: InventoryRecord<'device'>; line: number }>();

  for (const { line, values } of table.rows) {
    const record = deviceOf(values, line, warnings);
    const earlier = byId.get(record.externalId);
    if (earlier) {
      // Re-enrolled machines appear twice in most MDM exports: the row seen last is the device now.
      const keepNew = (record.data.lastSeenAt ?? '') > (earlier.record.data.lastSeenAt ?? '');
      const [kept, dropped] = keepNew ? [line, earlier.line] : [earlier.line, line];
      warnings.push(
        `lines ${earlier.line} and ${line} are the same device (${record.externalId}): kept line ${kept}, skipped line ${dropped}.`,
      );
      if (!keepNew) continue;
    }
    byId.set(record.externalId, { record, line });
  }

  const records = [...byId.values()].map((r) => r.record);
  return { format: 'Device list (CSV)', scopes: [{ scope: 'mdm', records }], warnings };
};

function deviceOf(values: Record<Column, string>, line: number, warnings: string[]): InventoryRecord<'device'> {
  const hostname = values.hostname;
  if (hostname === '')
    throw new ImportError(`line ${line}: '${label(COLUMNS, 'hostname')}' is empty: name every device.`);
  const serial = values.serial || null;
  const platform = platformOf(`${values.platform} ${values.osVersion}`);
  const osVersion = values.osVersion || null;
  const screenLock = status(values.screenLock, line, 'screenLock');

  let ownerEmail: string | null = null;
  if (values.owner !== '') {
    if (isEmail(values.owner)) ownerEmail = values.owner.toLowerCase();
    else
      warnings.push(`line ${line}: the owner '${values.owner}' is not an email address, so ${hostname} has no owner.`);
  }

  const data: DeviceData = {
    hostname,
    serial,
    ownerEmail,
    platform,
    osVersion,
    diskEncrypted: status(values.encrypted, line, 'encrypted'),
    screenLock,
    screenLockDelaySeconds: delay(values.screenLockDelay, line),
    passwordManager: status(values.passwordManager, line, 'passwordManager'),
    osSupported: osSupported({ platform, name: values.platform || null, version: osVersion }),
    antimalware: status(values.antivirus, line, 'antivirus'),
    lastSeenAt: parseTime(values.lastSeen, line, label(COLUMNS, 'lastSeen')),
  };
  // Serials are unique per manufacturer and survive renames; names are the fallback.
  return { type: 'device', externalId: serial ?? hostname.toLowerCase(), name: hostname, data };
}

const LINUX_WORDS = ['linux', 'ubuntu', 'debian', 'fedora', 'red hat', 'rhel', 'centos', 'rocky', 'alma', 'suse'];

/** "macOS 15.1", "Windows 11 Enterprise", "Ubuntu 24.04" … → our platform. */
export function platformOf(text: string): DeviceData['platform'] {
  const t = text.toLowerCase();
  if (t.includes('windows')) return 'windows';
  if (LINUX_WORDS.some((word) => t.includes(word))) return 'linux';
  if (/\bmac|darwin|os x/.test(t)) return 'macos';
  return 'other';
}

function status(value: string, line: number, key: Column): boolean | null {
  const word = STATUS_WORDS.get(value.trim().toLowerCase());
  return word ?? parseBool(value, line, label(COLUMNS, key));
}

function delay(value: string, line: number): number | null {
  if (value.trim() === '') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new ImportError(
      `line ${line}: '${label(COLUMNS, 'screenLockDelay')}' is '${value}', not a number of seconds.`,
    );
  }
  return n;
}
