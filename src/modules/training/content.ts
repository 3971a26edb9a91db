import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { TrainingQuestion } from '../../db/schema.js';

/**
 * Attest's built-in security awareness course: src/content/training/index.json (titles,
 * summaries, quizzes) and one Markdown lesson per module (`<slug>.md`), validated when loaded.
 * The files are read from the repository at run time, so `npm run build:server` output (dist/)
 * finds them at the same relative place as the sources do.
 */

export const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

const Question = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
    text: z.string().min(10).max(1000),
    choices: z.array(z.string().min(1).max(500)).min(2).max(8),
    answer: z.number().int().min(0),
  })
  .refine((q) => q.answer < q.choices.length, { message: 'answer is not the index of a choice' });

const Entry = z.object({
  slug: z.string().regex(SLUG),
  title: z.string().min(5).max(200),
  summary: z.string().min(20).max(400),
  passMark: z.number().int().min(1).max(100).optional(),
  questions: z.array(Question).min(4),
});

const IndexFile = z.object({
  _note: z.string().optional(),
  passMark: z.number().int().min(1).max(100),
  modules: z.array(Entry).min(1),
});

export interface BuiltinModule {
  slug: string;
  title: string;
  summary: string;
  body: string;
  questions: TrainingQuestion[];
  passMark: number;
  /** Order on the page (the index's order). */
  position: number;
}

/** What makes one module's revision differ from another: compared field by field on refresh. */
export function sameContent(
  a: Pick<BuiltinModule, 'title' | 'summary' | 'body' | 'questions' | 'passMark'>,
  b: Pick<BuiltinModule, 'title' | 'summary' | 'body' | 'questions' | 'passMark'>,
): boolean {
  // jsonb reorders object keys, so questions are compared by their fields, not as text.
  const q = (list: TrainingQuestion[]) => JSON.stringify(list.map((x) => [x.id, x.text, x.choices, x.answer]));
  return (
    a.title === b.title &&
    a.summary === b.summary &&
    a.body === b.body &&
    a.passMark === b.passMark &&
    q(a.questions) === q(b.questions)
  );
}

function readContent(file: string): string {
  return readFileSync(new URL(`../../../src/content/training/${file}`, import.meta.url), 'utf8');
}

let loaded: BuiltinModule[] | undefined;

/** The built-in course, in order; throws at first use when the files are inconsistent. */
export function loadBuiltinCourse(): BuiltinModule[] {
  if (!loaded) {
    const index = IndexFile.parse(JSON.parse(readContent('index.json')));
    const problems: string[] = [];
    const slugs = index.modules.map((m) => m.slug);
    if (new Set(slugs).size !== slugs.length) problems.push('a slug appears twice in index.json');
    for (const m of index.modules) {
      // Organisations' own modules are "own-…", so a later built-in can never take their slug.
      if (m.slug.startsWith('own-')) problems.push(`${m.slug}: built-in slugs may not start with "own-"`);
      const ids = m.questions.map((q) => q.id);
      if (new Set(ids).size !== ids.length) problems.push(`${m.slug}: a question id appears twice`);
    }
    if (problems.length > 0) throw new Error(`invalid training course:\n${problems.join('\n')}`);
    loaded = index.modules.map((m, position) => ({
      slug: m.slug,
      title: m.title,
      summary: m.summary,
      body: readContent(`${m.slug}.md`).trim(),
      questions: m.questions,
      passMark: m.passMark ?? index.passMark,
      position,
    }));
  }
  return loaded;
}
