import { z } from 'zod';
import { ImportError } from '../types.js';
import { given, type ProwlerResult } from './finding.js';
import { soc2Ids } from './soc2.js';

/**
 * Prowler's OCSF JSON (`prowler <provider> --output-formats json-ocsf`): an array of OCSF
 * Detection Findings. The check id is metadata.event_code, the result status_code, the
 * resource resources[0]. Kubernetes findings carry no cloud object: their resource has a
 * namespace, which Prowler's other outputs give as the region "namespace: <name>".
 */

const Finding = z.object({
  metadata: z.object({ event_code: z.string().min(1), profiles: z.array(z.string()).optional() }),
  status_code: z.string(),
  severity: z.string().optional(),
  severity_id: z.number().optional(),
  finding_info: z.object({ title: z.string() }),
  resources: z
    .array(
      z.object({
        uid: z.string().optional(),
        name: z.string().optional(),
        region: z.string().optional(),
        namespace: z.string().optional(),
      }),
    )
    .min(1),
  cloud: z
    .object({
      provider: z.string(),
      region: z.string().optional(),
      account: z.object({ uid: z.string().optional() }).optional(),
    })
    .optional(),
  unmapped: z
    .object({
      // Only the SOC 2 entries are read (see soc2Ids): checking every framework's list costs time.
      compliance: z.custom<Record<string, unknown>>(isRecord, 'expected an object').nullish(),
      related_url: z.string().nullish(),
    })
    .optional(),
  remediation: z.object({ references: z.array(z.unknown()).optional() }).optional(),
});

const Findings = z.array(Finding);
type Finding = z.infer<typeof Finding>;

/** OCSF severity_id, for files that give only the number. */
const SEVERITY_IDS = ['unknown', 'informational', 'low', 'medium', 'high', 'critical'];

/** True when the first element looks like an OCSF detection finding. */
export function looksLikeOcsf(first: unknown): boolean {
  if (typeof first !== 'object' || first === null) return false;
  const { metadata, class_uid } = first as { metadata?: { event_code?: unknown }; class_uid?: unknown };
  return class_uid === 2004 || typeof metadata?.event_code === 'string';
}

/** The product an OCSF finding names, when it is not Prowler (other tools write OCSF too). */
export function otherProduct(first: unknown): string | null {
  const name = (first as { metadata?: { product?: { name?: unknown } } }).metadata?.product?.name;
  return typeof name === 'string' && name.toLowerCase() !== 'prowler' ? name : null;
}

export function readOcsf(findings: unknown[]): ProwlerResult[] {
  const parsed = Findings.safeParse(findings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [index, ...path] = issue?.path ?? [];
    const where = typeof index === 'number' ? `finding ${index + 1}` : 'the file';
    throw new ImportError(
      `${where}: ${path.map(String).join('.') || 'finding'}: ${issue?.message ?? 'unexpected shape'}. ` +
        'This is not Prowler OCSF output as Prowler writes it; export the scan again with --output-formats json-ocsf.',
    );
  }
  return parsed.data.map(toResult);
}

function toResult(finding: Finding, index: number): ProwlerResult {
  const resource = finding.resources[0] as Finding['resources'][number];
  const kubernetes = !finding.cloud && finding.metadata.profiles?.includes('container');
  const namespace = given(resource.namespace);
  return {
    where: `finding ${index + 1}`,
    provider: finding.cloud?.provider || (kubernetes ? 'kubernetes' : 'unknown'),
    account: given(finding.cloud?.account?.uid),
    region: given(resource.region) ?? given(finding.cloud?.region) ?? (namespace ? `namespace: ${namespace}` : null),
    checkId: finding.metadata.event_code,
    title: finding.finding_info.title,
    severity: finding.severity ?? SEVERITY_IDS[finding.severity_id ?? 0] ?? 'unknown',
    status: finding.status_code,
    resourceUid: resource.uid || resource.name || '',
    resourceName: resource.name ?? '',
    soc2Ids: finding.unmapped?.compliance ? soc2Ids(finding.unmapped.compliance) : [],
    url: given(finding.unmapped?.related_url) ?? finding.remediation?.references?.find(isUrl) ?? null,
  };
}

function isUrl(reference: unknown): reference is string {
  return typeof reference === 'string' && (reference.startsWith('https://') || reference.startsWith('http://'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
