/**
 * Placeholders a library answer may hold, filled from live state when the answer is suggested,
 * so a suggestion never repeats a date that has since changed. An unknown placeholder is left
 * as written, for the reviewer to see.
 */
import type { Tx } from '../../db/tenancy.js';
import { type LatestAssessment, latestAssessments } from '../assessments/latest.js';

export type PlaceholderValues = Record<string, string>;

const longDay = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

function assessmentSentence(latest: LatestAssessment | undefined, what: string): string {
  if (!latest) return `[No ${what} is recorded yet: add the date before sending.]`;
  const by = latest.assessor ? ` by ${latest.assessor}` : '';
  return `The most recent ${what} was completed${by} on ${longDay(latest.date)}.`;
}

function soc2Sentence(latest: LatestAssessment | undefined): string {
  if (!latest) return '[No SOC 2 audit is recorded yet: add its date or remove this sentence before sending.]';
  if (latest.type === 'type2' && latest.windowStart && latest.windowEnd) {
    return `Our most recent SOC 2 Type 2 report covers ${longDay(latest.windowStart)} to ${longDay(latest.windowEnd)}.`;
  }
  return `Our most recent SOC 2 ${latest.type === 'type1' ? 'Type 1 ' : ''}report is dated ${longDay(latest.reportDate ?? latest.date)}.`;
}

/** The values for this organisation now. */
export async function placeholderValues(tx: Tx, orgId: string): Promise<PlaceholderValues> {
  const [org, latest] = await Promise.all([
    tx.selectFrom('organizations').select('name').where('id', '=', orgId).executeTakeFirst(),
    latestAssessments(tx),
  ]);
  const of = (kind: LatestAssessment['kind']) => latest.find((l) => l.kind === kind);
  return {
    organisation: org?.name ?? 'We',
    last_pentest: assessmentSentence(of('pentest'), 'penetration test'),
    last_vulnerability_assessment: assessmentSentence(of('vulnerability_assessment'), 'vulnerability assessment'),
    last_soc2_audit: soc2Sentence(of('soc2')),
  };
}

export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(/\{\{\s*([a-z0-9_]+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}
