/**
 * Checks over the code host's organisation settings (GitHub): whoever can push code must
 * sign in with a second factor.
 */
import type { Check } from '../types.js';
import { cloudCheck, cloudLabel, fail, listOf, notApplicable, pass, plural } from './shared.js';

export const orgTwoFactorRequired = cloudCheck('github_org', {
  id: 'code.org_2fa_required',
  title: 'Code host requires 2FA for members',
  severity: 'high',
  controls: ['ACC-02'],
  remediation:
    "Turn on the organisation setting that requires two-factor authentication. Members without it lose access until they enrol, so warn them first and check the list of those who haven't.",
  evaluate: (org, record) => {
    const required = org.attributes.twoFactorRequired;
    if (required === null) {
      return notApplicable(
        `GitHub does not say whether ${cloudLabel(record)} requires two-factor authentication: pull or push it with an owner's token.`,
      );
    }
    return required
      ? pass(`${cloudLabel(record)} requires two-factor authentication.`)
      : fail(`${cloudLabel(record)} does not require two-factor authentication.`);
  },
});

export const membersTwoFactor = cloudCheck('github_org', {
  id: 'code.members_2fa',
  title: 'Every code host member has 2FA',
  severity: 'high',
  controls: ['ACC-02'],
  remediation:
    'Ask each listed member to enable two-factor authentication, or remove them from the organisation. Requiring 2FA at the organisation level prevents new gaps.',
  evaluate: (org, record) => {
    const missing = org.attributes.membersWithoutTwoFactor;
    const label = cloudLabel(record);
    if (missing === null) return notApplicable(`The source does not list the members of ${label} without 2FA.`);
    if (missing.length === 0) return pass(`Every member of ${label} has two-factor authentication.`);
    const who = `${plural(missing.length, 'member')} of ${label} ${missing.length === 1 ? 'has' : 'have'}`;
    return fail(`${who} no two-factor authentication: ${listOf(missing, 5)}.`);
  },
});

export const CODE_CHECKS: readonly Check[] = [orgTwoFactorRequired, membersTwoFactor];
