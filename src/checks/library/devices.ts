/**
 * Checks over company laptops as the MDM or osquery reports them: encrypted, locked, updated,
 * protected, with a password manager, an owner, and a recent report so the rest is current.
 */
import type { DeviceData } from '../../integrations/types.js';
import type { Check, CheckOutcome } from '../types.js';
import { recordCheck } from '../types.js';
import { daysSince, fail, nDays, nDaysAgo, notApplicable, pass, plural } from './shared.js';

const deviceLabel = (device: DeviceData): string =>
  device.ownerEmail ? `${device.hostname} (${device.ownerEmail})` : device.hostname;

/** A device setting that is on or off; null means the source does not report it. */
function settingOutcome(
  value: boolean | null,
  device: DeviceData,
  what: string,
  good: string,
  bad: string,
): CheckOutcome {
  const label = deviceLabel(device);
  if (value === null) return notApplicable(`The device source does not report ${what} for ${label}.`);
  return value ? pass(`${good} on ${label}.`) : fail(`${bad} on ${label}.`);
}

export const diskEncryption = recordCheck<'device'>({
  id: 'device.disk_encryption',
  title: 'Laptop disks are encrypted',
  severity: 'high',
  resourceType: 'device',
  controls: ['AST-02'],
  remediation: 'Turn on FileVault (macOS), BitLocker (Windows) or LUKS (Linux) and escrow the recovery key in the MDM.',
  applies: () => true,
  evaluate: (record) =>
    settingOutcome(
      record.data.diskEncrypted,
      record.data,
      'disk encryption',
      'The disk is encrypted',
      'The disk is not encrypted',
    ),
});

export const screenLock = recordCheck<'device'>({
  id: 'device.screen_lock',
  title: 'Laptops lock their screen',
  severity: 'medium',
  resourceType: 'device',
  controls: ['AST-02'],
  remediation:
    'Require a password when the screen saver starts or the laptop wakes, pushed as an MDM profile so users cannot turn it off.',
  applies: () => true,
  evaluate: (record) =>
    settingOutcome(record.data.screenLock, record.data, 'screen lock', 'The screen locks', 'The screen does not lock'),
});

/** The longest idle time before the screen locks that still counts as "a short idle period". */
const MAX_SCREEN_LOCK_SECONDS = 15 * 60;

export const screenLockDelay = recordCheck<'device'>({
  id: 'device.screen_lock_delay',
  title: 'Laptops lock within 15 minutes of idle',
  severity: 'low',
  resourceType: 'device',
  controls: ['AST-02'],
  remediation: 'Set the idle time before the screen locks to 15 minutes or less (5 is common) in the MDM profile.',
  // A screen that never locks is device.screen_lock's failure, not a question of delay.
  applies: (record) => record.data.screenLock !== false,
  evaluate: (record) => {
    const label = deviceLabel(record.data);
    const seconds = record.data.screenLockDelaySeconds;
    if (seconds === null) return notApplicable(`The device source does not report the screen lock delay of ${label}.`);
    const minutes = Math.round(seconds / 60);
    return seconds <= MAX_SCREEN_LOCK_SECONDS
      ? pass(`The screen of ${label} locks after ${plural(minutes, 'minute')} idle.`)
      : fail(`The screen of ${label} locks only after ${plural(minutes, 'minute')} idle (at most 15).`);
  },
});

const PLATFORM_NAMES: Record<DeviceData['platform'], string> = {
  macos: 'macOS',
  windows: 'Windows',
  linux: 'Linux',
  other: 'an operating system',
};

export const osUpdated = recordCheck<'device'>({
  id: 'device.os_updated',
  title: 'Laptops run an OS that still gets security updates',
  severity: 'high',
  resourceType: 'device',
  controls: ['AST-02', 'OPS-01'],
  remediation:
    'Upgrade the laptop to a supported operating system version and let the MDM install updates automatically within the patch window. Replace hardware that can no longer be upgraded.',
  applies: () => true,
  evaluate: (record) => {
    const device = record.data;
    const label = deviceLabel(device);
    const os = `${PLATFORM_NAMES[device.platform]}${device.osVersion ? ` ${device.osVersion}` : ''}`;
    if (device.osSupported === null)
      return notApplicable(`The device source does not say whether ${os} on ${label} is supported.`);
    return device.osSupported
      ? pass(`${label} runs ${os}, which still gets security updates.`)
      : fail(`${label} runs ${os}, which no longer gets security updates.`);
  },
});

export const passwordManager = recordCheck<'device'>({
  id: 'device.password_manager',
  title: 'Laptops have the password manager',
  severity: 'medium',
  resourceType: 'device',
  controls: ['AST-03'],
  remediation:
    "Install the company's password manager through the MDM and help the user move saved browser passwords into it.",
  applies: () => true,
  evaluate: (record) =>
    settingOutcome(
      record.data.passwordManager,
      record.data,
      'a password manager',
      'A password manager is installed',
      'No password manager is installed',
    ),
});

export const antimalware = recordCheck<'device'>({
  id: 'device.antimalware',
  title: 'Laptops run anti-malware protection',
  severity: 'high',
  resourceType: 'device',
  controls: ['AST-02'],
  remediation:
    'Install or re-enable the endpoint protection agent through the MDM and check that its definitions update.',
  applies: () => true,
  evaluate: (record) =>
    settingOutcome(
      record.data.antimalware,
      record.data,
      'anti-malware',
      'Anti-malware protection is running',
      'No anti-malware protection is running',
    ),
});

export const reportedRecently = recordCheck<'device'>({
  id: 'device.reported_recently',
  title: 'Laptops report to the MDM regularly',
  severity: 'low',
  resourceType: 'device',
  controls: ['AST-01'],
  remediation:
    'Contact the user: a laptop that stopped reporting may be lost, broken or unenrolled. Re-enrol it, or mark it returned or lost and remove it from the inventory.',
  applies: () => true,
  // A device's other results are only as current as its last report, so staleness is a finding.
  evaluate: (record, ctx) => {
    const label = deviceLabel(record.data);
    const days = daysSince(record.data.lastSeenAt, ctx.now);
    if (days === undefined) return notApplicable(`The device source does not say when ${label} last reported.`);
    const limit = ctx.settings.scanMaxAgeDays;
    return days > limit
      ? fail(`${label} last reported ${nDaysAgo(days)} (limit ${nDays(limit)}).`)
      : pass(`${label} last reported ${nDaysAgo(days)}.`);
  },
});

export const hasOwner = recordCheck<'device'>({
  id: 'device.has_owner',
  title: 'Every laptop has an owner',
  severity: 'low',
  resourceType: 'device',
  controls: ['AST-01'],
  remediation: 'Assign the laptop to the person who uses it in the MDM, or record it as spare stock if no one does.',
  applies: () => true,
  evaluate: (record) =>
    record.data.ownerEmail
      ? pass(`${record.data.hostname} is assigned to ${record.data.ownerEmail}.`)
      : fail(`${record.data.hostname} is assigned to no one.`),
});

export const DEVICE_CHECKS: readonly Check[] = [
  diskEncryption,
  screenLock,
  screenLockDelay,
  osUpdated,
  passwordManager,
  antimalware,
  reportedRecently,
  hasOwner,
];
