/**
 * How a risk is scored: likelihood × impact, each rated 1 (rare, negligible) to 5 (almost
 * certain, severe), so a score from 1 to 25; the level comes from the score alone. This file is
 * the one place the bands are written (the heat map, the list, the checks and the exports all
 * read them from here); scoring.test.ts holds the whole table.
 */
import type { RiskScore } from '../../integrations/operations.js';

export const LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof LEVELS)[number];

export const CATEGORIES = [
  'security',
  'availability',
  'privacy',
  'compliance',
  'operational',
  'vendor',
  'fraud',
  'other',
] as const;
export const TREATMENTS = ['mitigate', 'accept', 'transfer', 'avoid'] as const;

/**
 * The bands, by score: 1–4 low, 5–9 medium, 10–16 high, 20–25 critical. A product of two
 * numbers from 1 to 5 is never 17–19 or 21–24, so these cover every score there is.
 */
export const BANDS: readonly { level: RiskLevel; from: number; to: number }[] = [
  { level: 'low', from: 1, to: 4 },
  { level: 'medium', from: 5, to: 9 },
  { level: 'high', from: 10, to: 16 },
  { level: 'critical', from: 20, to: 25 },
];

export function levelOf(score: number): RiskLevel {
  if (!Number.isInteger(score) || score < 1 || score > 25)
    throw new RangeError(`A risk score is 1 to 25, not ${score}.`);
  if (score <= 4) return 'low';
  if (score <= 9) return 'medium';
  if (score <= 16) return 'high';
  return 'critical';
}

export function scoreOf(likelihood: number, impact: number): RiskScore {
  const score = likelihood * impact;
  return { likelihood, impact, score, level: levelOf(score) };
}

/** High and critical risks: accepting one takes an owner or admin, and the checks watch them. */
export const isSevere = (level: RiskLevel): boolean => level === 'high' || level === 'critical';

/** Days to the next review when none is given: the higher the residual level, the sooner. */
export const REVIEW_DAYS: Record<RiskLevel, number> = { low: 365, medium: 180, high: 90, critical: 30 };

/** The default next review day (YYYY-MM-DD) for a residual level, from `now`. */
export function defaultReviewOn(level: RiskLevel, now: Date): string {
  return new Date(now.getTime() + REVIEW_DAYS[level] * 86_400_000).toISOString().slice(0, 10);
}
