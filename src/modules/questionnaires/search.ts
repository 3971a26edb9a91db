/**
 * Text retrieval for suggested answers: MiniSearch (BM25+) over short texts, with a light
 * English stemmer and stop words so that "Is stored data encrypted?" meets "encryption at
 * rest", and a confidence in 0–1 that a reviewer can read.
 *
 * Confidence of the best match (documented in ARCHITECTURE.md):
 *   coverage = min(1, s1 / self), where s1 is the best BM25 score for the question and self
 *              the score the same document gets when its own text is the query (a perfect
 *              match of that document);
 *   margin   = 1 when there is no runner-up, else (s1 − s2) / s1 with s2 the second score;
 *   confidence = coverage × (0.6 + 0.4 × min(1, margin / 0.25)), rounded to two decimals.
 * So an exact match alone scores 1; a match that barely beats the next one loses up to 40%.
 * A lower-ranked match gets the same formula against the one after it, capped at the best
 * match's confidence scaled by its score relative to the best (so confidence never rises down
 * the list).
 */
import MiniSearch, { type SearchResult } from 'minisearch';

const STOP_WORDS = new Set(
  `a an and are as at be been by can do does for from has have how i if in into is it its of on or our
   please provide describe explain the their there these this those to us was we what when where which who
   will with within you your yours company organisation organization any all such should must would could
   currently ensure ensured applicable`
    .split(/\s+/)
    .filter(Boolean),
);

/** Strips common English endings so that inflections of one word meet (encrypts, encrypted, encryption). */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  for (const [suffix, replacement] of [
    ['ations', 'ate'],
    ['ation', 'ate'],
    ['ions', ''],
    ['ion', ''],
    ['ing', ''],
    ['ed', ''],
    ['ly', ''],
    ['ment', ''],
  ] as const) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length) + replacement;
      break;
    }
  }
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

/** One search term, or nothing for a stop word. */
export function processTerm(term: string): string | null {
  const t = term.toLowerCase();
  if (t.length < 2 || STOP_WORDS.has(t)) return null;
  return stem(t);
}

/** Words, with hyphenated tags ("multi-factor") kept as their parts. */
export const tokenize = (text: string): string[] => text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);

export interface SearchDoc {
  id: string;
  /** Questions the document answers (best matched). */
  questions: string;
  /** Its main question: the query of its perfect self-match (not indexed on its own). */
  primary: string;
  /** The answer or description (matched with a lower boost). */
  body: string;
  tags: string;
}

export interface Match {
  id: string;
  score: number;
  confidence: number;
}

const BOOST = { questions: 3, tags: 1.5, body: 1 };

export function roundConfidence(value: number): number {
  return Math.round(Math.max(0, Math.min(1, value)) * 100) / 100;
}

/** The formula above, as a pure function: best score, its perfect self-match, runner-up. */
export function confidenceOf(best: number, selfScore: number, second: number | null): number {
  if (best <= 0 || selfScore <= 0) return 0;
  const coverage = Math.min(1, best / selfScore);
  const margin = second === null ? 1 : Math.max(0, best - second) / best;
  return roundConfidence(coverage * (0.6 + 0.4 * Math.min(1, margin / 0.25)));
}

/** An index of documents; `match` ranks them for a question with a confidence each. */
export class TextIndex {
  private readonly search: MiniSearch<SearchDoc>;
  private readonly docs = new Map<string, SearchDoc>();
  private readonly selfScores = new Map<string, number>();

  constructor(docs: SearchDoc[]) {
    this.search = new MiniSearch<SearchDoc>({
      fields: ['questions', 'body', 'tags'],
      idField: 'id',
      tokenize,
      processTerm,
      searchOptions: { boost: BOOST, combineWith: 'OR', prefix: false, fuzzy: false },
    });
    this.search.addAll(docs);
    for (const d of docs) this.docs.set(d.id, d);
  }

  get size(): number {
    return this.docs.size;
  }

  /** The score a document gets for its main question: what a perfect match scores. */
  private selfScore(id: string): number {
    const cached = this.selfScores.get(id);
    if (cached !== undefined) return cached;
    const doc = this.docs.get(id);
    const score = doc ? (this.search.search(doc.primary).find((r: SearchResult) => r.id === id)?.score ?? 0) : 0;
    this.selfScores.set(id, score);
    return score;
  }

  /** The best `limit` documents for a question, each with its confidence against the next one. */
  match(question: string, limit = 3): Match[] {
    const results = this.search.search(question).slice(0, limit + 1);
    const top = results[0];
    if (!top) return [];
    const best = this.confidenceAt(results, 0);
    return results.slice(0, limit).map((r, i) => ({
      id: String(r.id),
      score: r.score,
      confidence:
        i === 0 ? best : roundConfidence(Math.min(this.confidenceAt(results, i), (best * r.score) / top.score)),
    }));
  }

  private confidenceAt(results: SearchResult[], i: number): number {
    const r = results[i] as SearchResult;
    return confidenceOf(r.score, Math.max(this.selfScore(String(r.id)), r.score), results[i + 1]?.score ?? null);
  }
}
