/**
 * Suggested answers for questionnaire questions, from two sources: the answer library (BM25+
 * over its questions and variants, then answers and tags with lower boosts) and the controls
 * (their titles and descriptions) with their health right now. A suggestion never says "yes"
 * over a control that is not passing: a library answer linked to a failing control is lowered
 * to "partial" (some linked controls fail) or "no" (all do), and one linked to a control not yet
 * marked implemented loses its "yes" (no short answer), each with a caution for the reviewer;
 * a control match says "yes" only when the control passes, and when the question best matches
 * a control that is not passing, every "yes" for it is lowered the same way.
 */
import type { AnswerShort, Suggestion } from '../../db/schema/questionnaires.js';
import type { Tx } from '../../db/tenancy.js';
import { type ControlHealth, controlHealths } from '../readiness/service.js';
import { allEntryRows, searchDoc } from './library.js';
import { fillPlaceholders, placeholderValues } from './placeholders.js';
import { TextIndex } from './search.js';

/** Below this confidence a match is noise, not a suggestion. */
export const MIN_CONFIDENCE = 0.2;
const MAX_SUGGESTIONS = 3;

const SHORT_LABEL: Record<AnswerShort, string> = {
  yes: 'Yes',
  no: 'No',
  partial: 'Partially',
  not_applicable: 'Not applicable',
};

/** What the file gets: the short answer as a word, then the text. */
export function composeAnswer(short: AnswerShort | null, text: string): string {
  return short ? `${SHORT_LABEL[short]}. ${text}` : text;
}

const NOT_PASSING = new Set(['failing', 'not_implemented']);

function controlSuggestion(control: ControlHealth, confidence: number): Suggestion {
  const reasons = control.reasons.length ? `: ${control.reasons.join('; ')}` : '';
  const source = {
    kind: 'control' as const,
    controlId: control.id,
    key: control.key,
    title: control.title,
    health: control.health,
  };
  const note = `Control ${control.key} is ${control.health.replace('_', ' ')} now${reasons}.`;
  switch (control.health) {
    case 'passing':
      return {
        source,
        short: 'yes',
        answer: `${control.title}: in place, and passing our continuous monitoring.`,
        confidence,
        note,
      };
    case 'attention':
      return {
        source,
        short: 'partial',
        answer: `${control.title}: in place; some of its evidence is being brought up to date.`,
        confidence,
        note,
      };
    case 'failing':
      return {
        source,
        short: 'no',
        answer: `${control.title}: not fully at present; we are fixing gaps our monitoring found.`,
        confidence,
        note: `${note} Do not claim it.`,
      };
    case 'not_implemented':
      return {
        source,
        short: 'no',
        answer: `${control.title}: not yet; this is being put in place.`,
        confidence,
        note: `${note} Do not claim it.`,
      };
    case 'not_applicable':
      return {
        source,
        short: 'not_applicable',
        answer: `${control.title}: does not apply to our service.`,
        confidence,
        note,
      };
  }
}

export interface Suggester {
  suggest(question: string): Suggestion[];
}

/** Builds the indexes once for a batch of questions: the library as it is, the controls as they are now. */
export async function loadSuggester(tx: Tx, orgId: string, now: Date): Promise<Suggester> {
  const [entries, controls, descriptions, values] = await Promise.all([
    allEntryRows(tx),
    controlHealths(tx, now),
    tx.selectFrom('controls').select(['id', 'description']).where('retired_at', 'is', null).execute(),
    placeholderValues(tx, orgId),
  ]);
  const description = new Map(descriptions.map((d) => [d.id, d.description]));
  const library = new TextIndex(entries.map(searchDoc));
  const entryById = new Map(entries.map((e) => [e.id, e]));
  const controlById = new Map(controls.map((c) => [c.id, c]));
  const controlIndex = new TextIndex(
    controls.map((c) => ({
      id: c.id,
      primary: c.title,
      questions: c.title,
      body: description.get(c.id) ?? '',
      tags: c.domain,
    })),
  );

  const fromLibrary = (id: string, confidence: number): Suggestion | null => {
    const entry = entryById.get(id);
    if (!entry) return null;
    const linked = entry.control_ids.flatMap((cid) => controlById.get(cid) ?? []);
    const failing = linked.filter((c) => c.health === 'failing');
    const unimplemented = linked.filter((c) => c.health === 'not_implemented');
    let short = entry.short;
    let note = `From the answer library: "${entry.question}".`;
    if (short === 'yes' && failing.length > 0) short = failing.length === linked.length ? 'no' : 'partial';
    else if (short === 'yes' && unimplemented.length > 0) short = null;
    for (const [controls, state] of [
      [failing, 'failing'],
      [unimplemented, 'not marked implemented'],
    ] as const) {
      if (controls.length === 0) continue;
      const keys = controls.map((c) => c.key).join(', ');
      note += ` Caution: ${keys} ${controls.length === 1 ? 'is' : 'are'} ${state} now; the text may claim more than is true. Edit before accepting.`;
    }
    return {
      source: { kind: 'library', entryId: entry.id, question: entry.question },
      short,
      answer: fillPlaceholders(entry.answer, values),
      confidence,
      note,
    };
  };

  return {
    suggest(question: string): Suggestion[] {
      const out: Suggestion[] = [];
      for (const m of library.match(question, 2)) {
        const s = m.confidence >= MIN_CONFIDENCE ? fromLibrary(m.id, m.confidence) : null;
        if (s) out.push(s);
      }
      const [best] = controlIndex.match(question, 1);
      const control = best && best.confidence >= MIN_CONFIDENCE ? controlById.get(best.id) : undefined;
      if (control && best) {
        out.push(controlSuggestion(control, best.confidence));
        // The question is about a control that is not passing: no suggestion may say yes.
        if (NOT_PASSING.has(control.health)) {
          for (const s of out) {
            if (s.short !== 'yes') continue;
            s.short = control.health === 'failing' ? 'partial' : null;
            s.note += ` Caution: the question matches ${control.key}, which is not passing now. Edit before accepting.`;
          }
        }
      }
      return out.sort((a, b) => b.confidence - a.confidence).slice(0, MAX_SUGGESTIONS);
    },
  };
}
