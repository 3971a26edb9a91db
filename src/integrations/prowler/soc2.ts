/**
 * SOC 2 criteria from Prowler's compliance tags. Prowler tags each finding with the requirements
 * of every framework its check maps to; the SOC 2 framework's key is "SOC2" (Prowler writes
 * "<Framework>-<Version>" when a version is set, so "SOC2-…" is accepted too), and its
 * requirement ids are snake-case spellings of the criteria: "cc_6_1" is CC6.1, "cc_a_1_2" is
 * A1.2 (the additional criteria sit under a "cc_" prefix), "pi_1_3" is PI1.3.
 */

/**
 * Ids whose spelling does not say the criterion they stand for. Prowler's soc2_aws.json files the
 * requirement for A1.2 under the id "cc_a_1_1" (its name says A1.2; there is no A1.1 requirement).
 */
const PROWLER_QUIRKS: ReadonlyMap<string, string> = new Map([['cc_a_1_1', 'A1.2']]);

/** The 2017 Trust Services Criteria are numbered CCn.m, A1.m, C1.m, PI1.m and Pn.m. */
const CRITERION = /^(?:CC[1-9]|A1|C1|PI1|P[1-8])\.[1-9]$/;
const TOKENS = /[a-z]+|\d+/g;
const LETTERS = /^[a-z]+$/;

/** "cc_6_1" → "CC6.1", "cc_a_1_2" → "A1.2", "pi_1_3" → "PI1.3", "CC6.1" → "CC6.1"; null if not a criterion. */
export function normaliseSoc2Id(id: string): string | null {
  const lower = id.trim().toLowerCase();
  const quirk = PROWLER_QUIRKS.get(lower);
  if (quirk) return quirk;
  const tokens = lower.match(TOKENS) ?? [];
  // "cc_a_1_2": the series letters follow a "cc" prefix that is not part of the criterion.
  if (tokens[0] === 'cc' && tokens[1] !== undefined && LETTERS.test(tokens[1])) tokens.shift();
  const [series, major, minor, ...rest] = tokens;
  if (!series || !major || !minor || rest.length > 0) return null;
  const criterion = `${series.toUpperCase()}${Number(major)}.${Number(minor)}`;
  return CRITERION.test(criterion) ? criterion : null;
}

/** Whether a compliance key names Prowler's SOC 2 framework. */
export function isSoc2Framework(key: string): boolean {
  const upper = key.toUpperCase();
  return upper === 'SOC2' || upper.startsWith('SOC2-');
}

/** The SOC 2 requirement ids among a finding's compliance tags ({"SOC2": ["cc_6_1"], "CIS-3.0": [...]}). */
export function soc2Ids(compliance: Readonly<Record<string, unknown>>): string[] {
  const ids: string[] = [];
  for (const framework in compliance) {
    if (!isSoc2Framework(framework)) continue;
    const listed = compliance[framework];
    if (Array.isArray(listed)) for (const id of listed) if (typeof id === 'string') ids.push(id);
  }
  return ids;
}

/**
 * SOC 2 criteria from Prowler's requirement ids, sorted and unique. Ids that are not criteria
 * are collected in `unknown` so the caller can warn once per file.
 */
export function soc2Criteria(ids: readonly string[], unknown: Set<string>): string[] {
  if (ids.length === 0) return [];
  const criteria = new Set<string>();
  for (const id of ids) {
    const criterion = normaliseSoc2Id(id);
    if (criterion) criteria.add(criterion);
    else unknown.add(id);
  }
  return [...criteria].sort();
}
