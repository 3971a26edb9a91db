import { createHash } from 'node:crypto';
import type { Severity } from '../types.js';

/** Helpers the scanner importers (Trivy, SARIF) share. */

export interface Keyed {
  /** What usually identifies the finding. */
  base: string;
  /** What tells apart findings that share a base (a package, a location's text). */
  extra: string;
}

/**
 * Stable, unique ids for findings. An id must not depend on the order of the file, so a base
 * that several findings share is extended with their extra part for all of them, not numbered.
 * Findings still equal after that are the same finding reported twice: null, to be skipped.
 */
export function uniqueIds(items: readonly Keyed[]): (string | null)[] {
  const count = new Map<string, number>();
  for (const { base } of items) count.set(base, (count.get(base) ?? 0) + 1);
  const seen = new Set<string>();
  return items.map(({ base, extra }) => {
    const id = (count.get(base) ?? 0) > 1 ? `${base}|${extra}` : base;
    if (seen.has(id)) return null;
    seen.add(id);
    return id;
  });
}

const SCOPE_MAX = 200;

/** A scope name within the 200 characters allowed; a longer one keeps its start and a hash of the whole. */
export function boundedScope(scope: string): string {
  if (scope.length <= SCOPE_MAX) return scope;
  const hash = createHash('sha256').update(scope).digest('hex').slice(0, 12);
  return `${scope.slice(0, SCOPE_MAX - hash.length - 1)}~${hash}`;
}

const SEVERITY_WORDS: ReadonlyMap<string, Severity> = new Map([
  ['critical', 'critical'],
  ['high', 'high'],
  ['medium', 'medium'],
  ['low', 'low'],
  ['info', 'info'],
  ['unknown', 'info'],
]);

/** Trivy's CRITICAL…UNKNOWN → ours; anything else (or nothing) is treated as UNKNOWN. */
export function severityOf(word: string | undefined): Severity {
  return SEVERITY_WORDS.get((word ?? '').toLowerCase()) ?? 'info';
}
