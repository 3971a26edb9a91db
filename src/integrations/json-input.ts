import { z } from 'zod';
import { ImportError } from './types.js';

/**
 * Reading a JSON file a person pushed: what the JSON importers share. Each says, in `how`, what
 * to push instead, so every message ends with a way out.
 */

/** The parsed file (a leading BOM allowed); an empty or cut-short file is an ImportError. */
export function readJsonInput(input: string, how: string): unknown {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.trim() === '') throw new ImportError(`The file is empty. ${how}`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ImportError(`The file is not valid JSON (${(error as Error).message}); was it cut short? ${how}`);
  }
}

/** An API time as ISO 8601 (null when absent or empty); anything else fails validation. */
export const isoTime = z
  .string()
  .nullish()
  .transform((value, ctx) => {
    if (value == null || value === '') return null;
    const time = Date.parse(value);
    if (Number.isNaN(time)) {
      ctx.issues.push({ code: 'custom', message: `"${value.slice(0, 40)}" is not a date`, input: value });
      return z.NEVER;
    }
    return new Date(time).toISOString();
  });

/** `users[3].primaryEmail`, as a person reads a path into the file. */
export function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || 'the top level';
}

/** The first three validation problems, each with its path (under `prefix`). */
export function issuesText(error: z.ZodError, prefix: readonly PropertyKey[] = []): string {
  const shown = error.issues.slice(0, 3).map((issue) => `${pathText([...prefix, ...issue.path])}: ${issue.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more problems)` : '';
  return `${shown.join('; ')}${more}`;
}
