/**
 * Checks over sign-in accounts from every identity source (Google Workspace, Okta, GitHub, AWS
 * IAM, CSV): MFA, accounts that outlive their owner's employment, accounts nobody owns, shared
 * logins, unused credentials and how many administrators there are.
 */
import type { AccountData } from '../../integrations/types.js';
import {
  type Check,
  type CheckContext,
  type CheckOutcome,
  organisationCheck,
  recordCheck,
  type StoredRecord,
} from '../types.js';
import {
  accountLabel,
  DAY_MS,
  daysSince,
  fail,
  HOUR_MS,
  listOf,
  nDays,
  nDaysAgo,
  notApplicable,
  pass,
  providerName,
  timeOf,
} from './shared.js';

/** MFA for one account; AWS users without a console password have no sign-in for MFA to guard. */
function mfaOutcome(record: StoredRecord<'account'>, who: string): CheckOutcome {
  const account = record.data;
  const label = accountLabel(record);
  if (account.mfaEnabled === true) return pass(`MFA is on for ${who}${label}.`);
  if (account.provider === 'aws' && account.passwordEnabled === false) {
    return notApplicable(`${label} has no console password, so there is no sign-in for MFA to protect.`);
  }
  if (account.mfaEnabled === false) return fail(`MFA is off for ${who}${label}.`);
  return notApplicable(`The source does not report MFA for ${label}.`);
}

export const mfaAllAccounts = recordCheck<'account'>({
  id: 'identity.mfa.all_accounts',
  title: 'Every active account uses MFA',
  severity: 'high',
  resourceType: 'account',
  controls: ['ACC-02'],
  remediation:
    'Ask the account holder to enrol a second factor (a security key or an authenticator app), then enforce MFA for everyone in the identity provider so it cannot be skipped.',
  applies: (record) => record.data.active && !record.data.isRoot,
  evaluate: (record) => mfaOutcome(record, ''),
});

export const mfaAdmins = recordCheck<'account'>({
  id: 'identity.mfa.admins',
  title: 'Administrators use MFA',
  severity: 'critical',
  resourceType: 'account',
  controls: ['ACC-03'],
  remediation:
    'Remove the administrator role until the person has enrolled MFA, preferably a phishing-resistant security key. Administrators should never be exempt from the MFA policy.',
  applies: (record) => record.data.active && record.data.isAdmin && !record.data.isRoot,
  evaluate: (record) => mfaOutcome(record, 'administrator '),
});

/** Providers that can report whether MFA is enforced by policy, not merely switched on. */
const ENFORCING_PROVIDERS: ReadonlySet<AccountData['provider']> = new Set(['google_workspace', 'okta']);

export const mfaEnforced = recordCheck<'account'>({
  id: 'identity.mfa.enforced',
  title: 'MFA is enforced by policy',
  severity: 'medium',
  resourceType: 'account',
  controls: ['ACC-02'],
  remediation:
    'Turn on enforcement of 2-step verification (Google Workspace) or an MFA sign-on policy (Okta) for the organisational unit or group this user belongs to, so MFA cannot be switched off by the user.',
  applies: (record) => record.data.active && !record.data.isRoot && ENFORCING_PROVIDERS.has(record.data.provider),
  evaluate: (record) => {
    const label = accountLabel(record);
    if (record.data.mfaEnforced === null)
      return notApplicable(`The source does not say whether MFA is enforced for ${label}.`);
    return record.data.mfaEnforced
      ? pass(`MFA is enforced by policy for ${label}.`)
      : fail(`MFA is not enforced by policy for ${label}, so it can be left off or switched off.`);
  },
});

export const unusedCredentials = recordCheck<'account'>({
  id: 'identity.unused_credentials',
  title: 'No unused passwords or access keys',
  severity: 'medium',
  resourceType: 'account',
  controls: ['ACC-07', 'ACC-10'],
  remediation:
    'Disable or delete credentials nobody uses: remove the console password or deactivate the access key, or suspend the account. Unused credentials are easy to steal without anyone noticing.',
  applies: (record) => record.data.active && !record.data.isRoot,
  evaluate: (record, ctx) => {
    const account = record.data;
    const limit = ctx.settings.unusedCredentialDays;
    const stale: string[] = [];
    let known = false;
    if (account.passwordEnabled !== false) {
      const lastLogin = daysSince(account.lastLoginAt, ctx.now);
      // A missing last sign-in means "never" only where the source says a password exists (AWS).
      const created = account.passwordEnabled === true ? daysSince(account.createdAt, ctx.now) : undefined;
      if (lastLogin !== undefined) {
        known = true;
        if (lastLogin > limit) stale.push(`last sign-in ${nDaysAgo(lastLogin)}`);
      } else if (created !== undefined) {
        known = true;
        if (created > limit) stale.push(`a password never used in the ${nDays(created)} since the account was created`);
      }
    }
    for (const key of account.accessKeys) {
      if (!key.active) continue;
      const used = daysSince(key.lastUsedAt, ctx.now);
      const age = daysSince(key.lastRotatedAt, ctx.now);
      if (used !== undefined) {
        known = true;
        if (used > limit) stale.push(`access key ${key.id} last used ${nDaysAgo(used)}`);
      } else if (age !== undefined) {
        known = true;
        if (age > limit) stale.push(`access key ${key.id} never used in ${nDays(age)}`);
      }
    }
    const label = accountLabel(record);
    if (stale.length > 0) return fail(`${label} has unused credentials: ${listOf(stale)} (limit ${nDays(limit)}).`);
    if (!known) return notApplicable(`The source does not report when ${label} last signed in or used a key.`);
    return pass(`${label} has used its credentials within the last ${nDays(limit)}.`);
  },
});

/** "2026-03-02 00:00 UTC": deadlines are counted in hours, so the hour matters. */
const timeText = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export const noActiveAccountsForDeparted = recordCheck<'account'>({
  id: 'identity.no_active_accounts_for_departed',
  title: 'Accounts of people who left are disabled',
  severity: 'high',
  resourceType: 'account',
  controls: ['PEO-04'],
  remediation:
    'Suspend or delete the account now, revoke its sessions, keys and tokens, and check the other systems this person could reach. Then find out why offboarding missed it.',
  applies: (record) => record.data.email !== null && !record.data.isRoot,
  dependsOn: ['person'],
  evaluate: (record, ctx) => {
    const label = accountLabel(record);
    if (!record.data.active) return pass(`${label} is disabled.`);
    const person = ctx.personByEmail((record.data.email ?? '').toLowerCase());
    if (!person) return notApplicable(`No one in the people register has the email of ${label}.`);
    if (!person.endDate) return pass(`${label} belongs to ${person.name}, who has not left.`);
    // An end date is a calendar day; counting from its start means a 24-hour limit ends with that day.
    const left = timeOf(person.endDate);
    if (left === undefined) return notApplicable(`The end date of ${person.name} (${person.endDate}) cannot be read.`);
    const hours = ctx.settings.departedAccountHours;
    const deadline = left + hours * HOUR_MS;
    const now = ctx.now.getTime();
    if (now < left)
      return pass(`${person.name} leaves on ${person.endDate}; disable ${label} by ${timeText(deadline)}.`);
    if (now <= deadline) {
      return pass(
        `${person.name} left on ${person.endDate}; ${label} is still active, within the limit (${timeText(deadline)}).`,
      );
    }
    const late = Math.floor((now - deadline) / DAY_MS);
    return fail(
      `${label} is still active although ${person.name} left on ${person.endDate} (limit ${hours} hours, ` +
        `${late === 0 ? 'missed today' : `missed by ${nDays(late)}`}).`,
    );
  },
});

/** Whether any person has been imported, looking at one record only. */
function hasPeople(ctx: CheckContext): boolean {
  return ctx.records('person')[Symbol.iterator]().next().done !== true;
}

export const accountsLinkedToPeople = recordCheck<'account'>({
  id: 'identity.accounts_linked_to_people',
  title: 'Every account belongs to a known person',
  severity: 'medium',
  resourceType: 'account',
  controls: ['ACC-01'],
  remediation:
    'Find out who uses the account. Add the person to the HRIS if they are missing, or suspend the account if it belongs to no one; a system account needs a named owner and no interactive sign-in.',
  applies: (record) => record.data.active && record.data.email !== null && !record.data.isRoot,
  dependsOn: ['person'],
  evaluate: (record, ctx) => {
    const label = accountLabel(record);
    // Without an HRIS import every account would look orphaned, which says nothing.
    if (!hasPeople(ctx)) return notApplicable(`No people register has been imported to match ${label} against.`);
    const person = ctx.personByEmail((record.data.email ?? '').toLowerCase());
    return person
      ? pass(`${label} belongs to ${person.name}.`)
      : fail(`${label} matches no one in the people register.`);
  },
});

/** Names a mailbox or login gets when several people share it, not when one person owns it. */
const GENERIC_NAMES: ReadonlySet<string> = new Set(
  (
    'admin administrator root info support team shared office hello contact sales billing accounts finance ' +
    'dev devs devops ops engineering it test testing demo guest user staff security marketing hr jobs ' +
    'service training temp tmp helpdesk it-support'
  ).split(' '),
);

/** "dev-team", "admin2" and "info" look shared; "alice.admin" is one person's admin account. */
function looksShared(name: string): boolean {
  const tokens = name
    .toLowerCase()
    .split(/[._+-]/)
    .map((token) => token.replace(/\d+$/, ''))
    .filter((token) => token !== '');
  return tokens.length > 0 && tokens.every((token) => GENERIC_NAMES.has(token));
}

export const noSharedAccounts = recordCheck<'account'>({
  id: 'identity.accounts.no_shared',
  title: 'No shared logins',
  severity: 'medium',
  resourceType: 'account',
  controls: ['ACC-01'],
  remediation:
    'Give each person who uses the shared login an account of their own and suspend the shared one. If it must stay as a system account, give it a named owner and remove its password so nobody can sign in with it.',
  applies: (record) => record.data.active && !record.data.isRoot,
  evaluate: (record) => {
    const account = record.data;
    const label = accountLabel(record);
    const name = account.email ? (account.email.split('@')[0] ?? '') : account.username;
    if (!looksShared(name)) return pass(`${label} is not named like a shared login.`);
    // A system account without a password cannot be signed in to by people, which the control allows.
    if (account.passwordEnabled === false) return pass(`${label} has a generic name but no password to share.`);
    return fail(`${label} looks like a shared login ("${name}") and can be signed in to.`);
  },
});

/** At most this share of a provider's active accounts may be administrators … */
const MAX_ADMIN_SHARE = 0.1;
/** … though a small team may always keep a few, so one absence does not lock everyone out. */
const ADMINS_ALWAYS_ALLOWED = 3;

export const adminsLimited = organisationCheck({
  id: 'identity.admins.limited',
  title: 'Few people hold administrator rights',
  severity: 'medium',
  controls: ['ACC-07'],
  remediation:
    'Review who holds administrator rights in each system and move those who do not need them daily to a narrower role. Keep two or three administrators for cover, not more.',
  reads: ['account'],
  // It walks every account once: accounts are few compared with findings, and this is the only way to count.
  evaluate: (ctx) => {
    const counts = new Map<AccountData['provider'], { admins: number; total: number }>();
    for (const record of ctx.records('account')) {
      if (!record.data.active || record.data.isRoot) continue;
      const count = counts.get(record.data.provider) ?? { admins: 0, total: 0 };
      count.total += 1;
      if (record.data.isAdmin) count.admins += 1;
      counts.set(record.data.provider, count);
    }
    if (counts.size === 0) return notApplicable('No active accounts have been imported.');
    const over: string[] = [];
    const summary: string[] = [];
    for (const [provider, { admins, total }] of counts) {
      const allowed = Math.max(ADMINS_ALWAYS_ALLOWED, Math.floor(total * MAX_ADMIN_SHARE));
      const text = `${admins} of ${total} ${providerName(provider)} accounts`;
      summary.push(text);
      if (admins > allowed) over.push(`${text} (at most ${allowed})`);
    }
    if (over.length > 0) return fail(`Too many administrators: ${listOf(over)}.`);
    return pass(`Administrators: ${listOf(summary, counts.size)}.`);
  },
});

export const IDENTITY_CHECKS: readonly Check[] = [
  mfaAllAccounts,
  mfaAdmins,
  mfaEnforced,
  unusedCredentials,
  noActiveAccountsForDeparted,
  accountsLinkedToPeople,
  noSharedAccounts,
  adminsLimited,
];
