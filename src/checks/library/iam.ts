/**
 * Checks over cloud IAM identities from the AWS credential report: the root user is protected
 * and idle, and long-lived access keys are rotated.
 */
import { type Check, recordCheck } from '../types.js';
import {
  accountLabel,
  DAY_MS,
  dateOf,
  daysSince,
  fail,
  listOf,
  nDays,
  nDaysAgo,
  notApplicable,
  pass,
  timeOf,
} from './shared.js';

export const rootMfa = recordCheck<'account'>({
  id: 'cloud.iam.root_mfa',
  title: 'Cloud root user has MFA',
  severity: 'critical',
  resourceType: 'account',
  controls: ['ACC-03'],
  remediation:
    'Sign in as the root user and register a hardware security key as its MFA device, then keep the key in a safe place known to two people.',
  applies: (record) => record.data.isRoot,
  evaluate: (record) => {
    const label = accountLabel(record);
    if (record.data.mfaEnabled === null) return notApplicable(`The source does not report MFA for ${label}.`);
    return record.data.mfaEnabled ? pass(`MFA is on for ${label}.`) : fail(`MFA is off for ${label}.`);
  },
});

export const rootUnused = recordCheck<'account'>({
  id: 'cloud.iam.root_unused',
  title: 'Cloud root user has no keys and is not used',
  severity: 'high',
  resourceType: 'account',
  controls: ['ACC-03'],
  remediation:
    'Delete any root access keys and do daily work through named users or roles with MFA. If root was used, confirm who used it and why.',
  applies: (record) => record.data.isRoot,
  evaluate: (record, ctx) => {
    const label = accountLabel(record);
    const keys = record.data.accessKeys.filter((key) => key.active);
    if (keys.length > 0) return fail(`${label} has an active access key (${listOf(keys.map((key) => key.id))}).`);
    // Any root use inside the unused-credential window counts as recent: root should sit idle.
    const window = ctx.settings.unusedCredentialDays;
    const uses = [record.data.lastLoginAt, ...record.data.accessKeys.map((key) => key.lastUsedAt)]
      .map(timeOf)
      .filter((ms): ms is number => ms !== undefined);
    const last = uses.length > 0 ? Math.max(...uses) : undefined;
    if (last === undefined) return pass(`${label} has no active access keys and no recorded use.`);
    const days = Math.floor((ctx.now.getTime() - last) / DAY_MS);
    if (days <= window)
      return fail(`${label} was used on ${dateOf(last)}, ${nDaysAgo(days)} (within ${nDays(window)}).`);
    return pass(`${label} has no active access keys and was last used on ${dateOf(last)}, ${nDaysAgo(days)}.`);
  },
});

export const accessKeysRotated = recordCheck<'account'>({
  id: 'cloud.iam.access_keys_rotated',
  title: 'Cloud access keys are rotated',
  severity: 'medium',
  resourceType: 'account',
  controls: ['ACC-10'],
  remediation:
    'Create a new access key, move its users to it, then deactivate and delete the old one. Better still, replace long-lived keys with roles or short-lived credentials.',
  applies: (record) => record.data.accessKeys.some((key) => key.active),
  evaluate: (record, ctx) => {
    const label = accountLabel(record);
    const limit = ctx.settings.accessKeyMaxAgeDays;
    const old: string[] = [];
    let known = 0;
    for (const key of record.data.accessKeys) {
      if (!key.active) continue;
      const age = daysSince(key.lastRotatedAt, ctx.now);
      if (age === undefined) continue;
      known += 1;
      if (age > limit) old.push(`${key.id} (${nDays(age)} old)`);
    }
    if (old.length > 0) return fail(`${label} has access keys older than ${nDays(limit)}: ${listOf(old)}.`);
    if (known === 0) return notApplicable(`The source does not say when the access keys of ${label} were created.`);
    return pass(`The active access keys of ${label} are younger than ${nDays(limit)}.`);
  },
});

export const IAM_CHECKS: readonly Check[] = [rootMfa, rootUnused, accessKeysRotated];
