/**
 * Checks over scanner output (Trivy, SARIF tools, Prowler): that scans keep arriving, that
 * each vulnerability is fixed within the deadline its severity sets, and that leaked secrets
 * and serious misconfigurations do not stay.
 */
import type { FindingData, Severity } from '../../integrations/types.js';
import { type Check, organisationCheck, recordCheck, type StoredRecord } from '../types.js';
import { DAY_MS, dateOf, fail, nDays, nDaysAgo, notApplicable, pass, timeOf } from './shared.js';

/** Source kinds whose pushes count as a vulnerability scan. */
const SCANNERS: readonly string[] = ['trivy', 'sarif', 'prowler'];

export const scanMonthly = organisationCheck({
  id: 'vuln.scan.monthly',
  title: 'A vulnerability scan arrives every month',
  severity: 'high',
  controls: ['VUL-01'],
  remediation:
    'Run the scanners on a schedule (in CI or a monthly job) and push their results to Attest with the CLI, so a missed month is noticed.',
  // It depends on push times only, so it reads no records and re-runs after every push.
  reads: [],
  evaluate: (ctx) => {
    let latest: { source: string; at: number } | undefined;
    for (const source of SCANNERS) {
      const at = timeOf(ctx.lastPushAt(source));
      if (at !== undefined && (latest === undefined || at > latest.at)) latest = { source, at };
    }
    if (!latest) return fail('No vulnerability scan has been pushed (Trivy, SARIF or Prowler).');
    const age = Math.floor((ctx.now.getTime() - latest.at) / DAY_MS);
    const limit = ctx.settings.scanMaxAgeDays;
    const text = `The last vulnerability scan (${latest.source}) was pushed on ${dateOf(latest.at)}, ${nDaysAgo(age)}`;
    return age > limit ? fail(`${text} (limit ${nDays(limit)}).`) : pass(`${text}.`);
  },
});

/** "CVE-2024-1234 in openssl 3.0.1 on alpine:3.19", or the rule and resource for other findings. */
export function findingLabel(finding: FindingData): string {
  const subject = finding.advisory ?? finding.ruleId;
  const pkg = finding.package
    ? ` in ${finding.package}${finding.installedVersion ? ` ${finding.installedVersion}` : ''}`
    : '';
  return `${subject}${pkg} on ${finding.resource}`;
}

/** The severities that get a remediation deadline check of their own; info findings do not. */
const SLA_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
type SlaSeverity = (typeof SLA_SEVERITIES)[number];

const SLA_CONTROLS: Record<SlaSeverity, string[]> = {
  critical: ['OPS-01', 'VUL-02'],
  high: ['OPS-01', 'VUL-02'],
  medium: ['VUL-02'],
  low: ['VUL-02'],
};

/** A failing vulnerability of `severity` passes until its deadline (first seen + SLA days), then fails. */
function slaCheck(severity: SlaSeverity): Check {
  return recordCheck<'finding'>({
    id: `vuln.sla.${severity}`,
    title: `${severity[0]?.toUpperCase()}${severity.slice(1)} vulnerabilities are fixed on time`,
    severity,
    resourceType: 'finding',
    controls: SLA_CONTROLS[severity],
    remediation:
      'Upgrade the package to the fixed version (or rebuild the image on a patched base) and push a new scan. If it cannot be fixed in time, record an exception with a reason and a new date.',
    applies: (record) =>
      record.data.category === 'vulnerability' && record.data.status === 'fail' && record.data.severity === severity,
    evaluate: (record: StoredRecord<'finding'>, ctx) => {
      const label = findingLabel(record.data);
      const first = timeOf(record.firstSeenAt);
      if (first === undefined) return notApplicable(`When ${label} was first seen is not known.`);
      const days = ctx.settings.slaDays[severity];
      const due = first + days * DAY_MS;
      const now = ctx.now.getTime();
      const fix = record.data.fixedVersion ? `; fixed in ${record.data.fixedVersion}` : '; no fixed version yet';
      if (now - first > days * DAY_MS) {
        const open = Math.floor((now - first) / DAY_MS);
        return fail(`${label} has been open ${nDays(open)}, past its ${days}-day deadline of ${dateOf(due)}${fix}.`);
      }
      const left = Math.ceil((due - now) / DAY_MS);
      return pass(`${label} was first seen ${dateOf(first)} and is due in ${nDays(left)} (${dateOf(due)})${fix}.`);
    },
  });
}

export const [slaCritical, slaHigh, slaMedium, slaLow] = SLA_SEVERITIES.map(slaCheck) as [Check, Check, Check, Check];

/** A finding that passes reads "passes", one that fails names its severity and title. */
function findingOutcome(finding: FindingData, what: string) {
  return finding.status === 'fail'
    ? fail(`${what} ${finding.ruleId} (${finding.severity}) fails on ${finding.resource}: ${finding.title}.`)
    : pass(`${what} ${finding.ruleId} passes on ${finding.resource}.`);
}

export const noSecrets = recordCheck<'finding'>({
  id: 'vuln.secrets.none',
  title: 'No secrets in code or images',
  severity: 'critical',
  resourceType: 'finding',
  controls: ['ACC-10', 'VUL-03'],
  remediation:
    'Revoke and replace the secret first (assume it is compromised), then remove it from the code or image and move it to the secrets store. Rewriting history alone does not help once it was pushed.',
  applies: (record) => record.data.category === 'secret' && record.data.status !== 'manual',
  evaluate: (record) =>
    record.data.status === 'fail'
      ? fail(`A secret (${record.data.title}) was found in ${record.data.resource}.`)
      : pass(`No secret matching ${record.data.ruleId} remains in ${record.data.resource}.`),
});

const SERIOUS: ReadonlySet<Severity> = new Set(['critical', 'high']);

export const misconfigHigh = recordCheck<'finding'>({
  id: 'vuln.misconfig.high',
  title: 'No serious misconfigurations',
  severity: 'high',
  resourceType: 'finding',
  controls: ['VUL-03'],
  remediation:
    "Fix the configuration the scanner points to (the infrastructure code, Dockerfile or manifest) following the rule's guidance, and push a new scan to confirm.",
  // Prowler results have their own check, findings.prowler.failed.
  applies: (record) =>
    record.data.category === 'misconfiguration' &&
    SERIOUS.has(record.data.severity) &&
    record.data.tool !== 'prowler' &&
    record.data.status !== 'manual',
  evaluate: (record) => findingOutcome(record.data, `${record.data.tool} rule`),
});

export const prowlerFailed = recordCheck<'finding'>({
  id: 'findings.prowler.failed',
  title: 'Prowler cloud checks pass',
  severity: 'medium',
  resourceType: 'finding',
  controls: ['GOV-05'],
  remediation:
    'Follow the remediation Prowler gives for the rule on the named resource, then run Prowler again and push the result. Where the finding does not apply, record why.',
  applies: (record) => record.data.tool === 'prowler' && record.data.status !== 'manual',
  evaluate: (record) => findingOutcome(record.data, 'Prowler'),
});

export const VULNERABILITY_CHECKS: readonly Check[] = [
  scanMonthly,
  slaCritical,
  slaHigh,
  slaMedium,
  slaLow,
  noSecrets,
  misconfigHigh,
  prowlerFailed,
];
