import { parseAccountsCsv } from '../../integrations/accounts-csv/index.js';
import { parseAws } from '../../integrations/aws/index.js';
import { parseGithub } from '../../integrations/github/index.js';
import { parseGoogleWorkspace } from '../../integrations/google-workspace/index.js';
import { parseHrisCsv } from '../../integrations/hris-csv/index.js';
import { parseMdmCsv } from '../../integrations/mdm-csv/index.js';
import { parseOkta } from '../../integrations/okta/index.js';
import { parseOsquery } from '../../integrations/osquery/index.js';
import { parseProwler } from '../../integrations/prowler/index.js';
import { parseSarif } from '../../integrations/sarif/index.js';
import { parseTrivy } from '../../integrations/trivy/index.js';
import type { Parser } from '../../integrations/types.js';

export interface SourceKind {
  kind: string;
  title: string;
  /** What to push: the file a person produces with the tool. */
  accepts: string;
  /** The demo's sample file (src/content/samples/). */
  sample: string;
  parse: Parser;
}

/** Every kind of source a file can be pushed for (`attest push KIND FILE`). Probes are separate. */
export const SOURCE_KINDS: readonly SourceKind[] = [
  {
    kind: 'aws',
    title: 'AWS',
    accepts:
      'AWS CLI JSON (credential report, RDS, S3 encryption, security groups, CloudTrail, KMS) or an Attest AWS bundle',
    sample: 'aws.json',
    parse: parseAws,
  },
  {
    kind: 'prowler',
    title: 'Prowler',
    accepts: 'Prowler OCSF JSON or CSV output, any provider',
    sample: 'prowler.ocsf.json',
    parse: parseProwler,
  },
  { kind: 'trivy', title: 'Trivy', accepts: 'Trivy JSON report', sample: 'trivy.json', parse: parseTrivy },
  { kind: 'sarif', title: 'SARIF', accepts: 'SARIF 2.1.0 from any scanner', sample: 'sarif.json', parse: parseSarif },
  {
    kind: 'google-workspace',
    title: 'Google Workspace',
    accepts: 'Directory API users.list pages',
    sample: 'google-workspace.json',
    parse: parseGoogleWorkspace,
  },
  {
    kind: 'okta',
    title: 'Okta',
    accepts: 'Okta users (or an Attest Okta bundle with factors)',
    sample: 'okta.json',
    parse: parseOkta,
  },
  {
    kind: 'github',
    title: 'GitHub',
    accepts: 'GitHub organisation (or an Attest GitHub bundle with members)',
    sample: 'github.json',
    parse: parseGithub,
  },
  {
    kind: 'accounts-csv',
    title: 'Accounts (CSV)',
    accepts: 'CSV of accounts from any system',
    sample: 'accounts.csv',
    parse: parseAccountsCsv,
  },
  {
    kind: 'hris-csv',
    title: 'People (HRIS CSV)',
    accepts: 'CSV of people: name, email, employment type, start and end dates, manager',
    sample: 'people.csv',
    parse: parseHrisCsv,
  },
  {
    kind: 'osquery',
    title: 'osquery',
    accepts: "osquery results (the Attest query pack's log lines)",
    sample: 'osquery.jsonl',
    parse: parseOsquery,
  },
  {
    kind: 'mdm-csv',
    title: 'Devices (MDM CSV)',
    accepts: 'CSV export of managed devices',
    sample: 'mdm.csv',
    parse: parseMdmCsv,
  },
];

export const PROBE_KINDS = ['tls', 'postgres'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

export function sourceKind(kind: string): SourceKind | undefined {
  return SOURCE_KINDS.find((k) => k.kind === kind);
}

export const ALL_KINDS = [...SOURCE_KINDS.map((k) => k.kind), ...PROBE_KINDS];
