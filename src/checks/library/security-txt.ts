/**
 * Checks over the security.txt (RFC 9116) the TLS probe fetched from each HTTPS endpoint. They
 * judge only web servers: an endpoint the probe could not reach, or that gave no HTTP answer,
 * is not applicable (tls.endpoint.reachable speaks for the first). Expiry is judged at the
 * evaluation's time, not the probe's, so a file lapses between probes too.
 */
import type { EndpointData } from '../../integrations/types.js';
import type { Check, CheckContext, CheckOutcome, StoredRecord } from '../types.js';
import { recordCheck } from '../types.js';
import { DAY_MS, dateOf, fail, listOf, nDays, notApplicable, pass, timeOf } from './shared.js';
import { endpointLabel } from './tls.js';

type Observation = NonNullable<EndpointData['securityTxt']>;

/** A file expiring within this many days fails web.security_txt.expires_soon. */
export const SECURITY_TXT_RENEW_DAYS = 30;

/** The observation to judge, or the reason there is none to judge. */
function observed(endpoint: EndpointData, label: string): Observation | CheckOutcome {
  if (endpoint.error) return notApplicable(`${label} could not be probed: ${endpoint.error}`);
  if (endpoint.securityTxt === undefined) {
    return notApplicable(`${label} was probed before Attest looked for security.txt; the next probe will.`);
  }
  if (endpoint.securityTxt === null) {
    return notApplicable(`${label} gave no HTTP answer, so it is not a web server that needs a security.txt.`);
  }
  return endpoint.securityTxt;
}

const isOutcome = (value: Observation | CheckOutcome): value is CheckOutcome => 'outcome' in value;

const expiredAt = (file: Observation, ctx: CheckContext): number | undefined => {
  const expires = timeOf(file.expires);
  return expires !== undefined && (file.expired || expires <= ctx.now.getTime()) ? expires : undefined;
};

export const securityTxtPresentValid = recordCheck<'endpoint'>({
  id: 'web.security_txt.present_valid',
  title: 'Web endpoints publish a valid security.txt',
  severity: 'medium',
  resourceType: 'endpoint',
  controls: ['GOV-07'],
  remediation:
    'Publish /.well-known/security.txt on every HTTPS host as RFC 9116 describes: at least one Contact (mailto:, https: or tel:) and an Expires less than a year ahead, served as text/plain; charset=utf-8. Attest serves one for its trust center host; elsewhere, copy it or redirect to it on the same host.',
  applies: () => true,
  evaluate: (record: StoredRecord<'endpoint'>, ctx) => {
    const label = endpointLabel(record.data);
    const file = observed(record.data, label);
    if (isOutcome(file)) return file;
    if (!file.found)
      return fail(`No security.txt on ${label}: ${file.errors[0] ?? `the server answered ${file.status}.`}`);
    const expired = expiredAt(file, ctx);
    if (expired !== undefined) return fail(`The security.txt on ${label} expired on ${dateOf(expired)}.`);
    if (!file.valid) {
      const more = file.errors.length > 1 ? ` (and ${file.errors.length - 1} more)` : '';
      return fail(`The security.txt on ${label} is invalid: ${file.errors[0] ?? 'unknown reason.'}${more}`);
    }
    const expires = timeOf(file.expires);
    const until = expires === undefined ? '' : `, until ${dateOf(expires)}`;
    return pass(`${label} publishes a valid security.txt (contact ${listOf(file.contacts, 2)}${until}).`);
  },
});

export const securityTxtExpiresSoon = recordCheck<'endpoint'>({
  id: 'web.security_txt.expires_soon',
  title: 'security.txt is renewed before it expires',
  severity: 'low',
  resourceType: 'endpoint',
  controls: ['GOV-07'],
  remediation:
    'Set a new Expires date in security.txt (less than a year ahead) and re-sign it if it is signed. Automate it: Attest computes Expires when it serves the file, so pointing the host at it renews it for you.',
  applies: () => true,
  evaluate: (record: StoredRecord<'endpoint'>, ctx) => {
    const label = endpointLabel(record.data);
    const file = observed(record.data, label);
    if (isOutcome(file)) return file;
    const expires = timeOf(file.expires);
    if (!file.found || expires === undefined) {
      return notApplicable(
        `${label} has no security.txt with a readable Expires; web.security_txt.present_valid says why.`,
      );
    }
    const left = expires - ctx.now.getTime();
    if (expiredAt(file, ctx) !== undefined) return fail(`The security.txt on ${label} expired on ${dateOf(expires)}.`);
    const days = Math.floor(left / DAY_MS);
    const text = `The security.txt on ${label} expires on ${dateOf(expires)}, ${days === 0 ? 'within a day' : `in ${nDays(days)}`}`;
    return left <= SECURITY_TXT_RENEW_DAYS * DAY_MS ? fail(`${text}.`) : pass(`${text}.`);
  },
});

export const SECURITY_TXT_CHECKS: readonly Check[] = [securityTxtPresentValid, securityTxtExpiresSoon];
