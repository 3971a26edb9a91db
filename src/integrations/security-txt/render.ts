/**
 * Writes a security.txt (RFC 9116) from an organisation's fields: one field per line, LF line
 * endings, a final line break, Contact first (its order is the order of preference) and
 * Expires last, as in the RFC's example. Refuses fields that would make an invalid file, and
 * any value with a line break, so a value can never add a field of its own.
 */
import { KNOWN_FIELDS, type KnownField, languageProblem, lineProblem, uriProblem } from './fields.js';
import type { SecurityTxtFields } from './index.js';

export class SecurityTxtFieldsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot write security.txt: ${problems.join(' ')}`);
    this.name = 'SecurityTxtFieldsError';
  }
}

const URI_ORDER: readonly [keyof SecurityTxtFields, KnownField][] = [
  ['contact', 'contact'],
  ['encryption', 'encryption'],
  ['policy', 'policy'],
  ['acknowledgments', 'acknowledgments'],
  ['hiring', 'hiring'],
];

export function renderSecurityTxt(fields: SecurityTxtFields): string {
  const problems: string[] = [];
  const lines: string[] = [];
  if (fields.contact.length === 0) problems.push('Give at least one Contact.');
  const add = (key: KnownField, value: string, problem: string | null) => {
    const name = KNOWN_FIELDS[key];
    const found = lineProblem(name, value) ?? problem;
    if (found) problems.push(found);
    else lines.push(`${name}: ${value}`);
  };
  for (const [property, key] of URI_ORDER) {
    for (const value of (fields[property] as string[] | undefined) ?? []) {
      add(key, value, uriProblem(KNOWN_FIELDS[key], value));
    }
  }
  const languages = fields.preferredLanguages ?? [];
  if (languages.length > 0) {
    const problem = languages.map(languageProblem).find((p) => p !== null) ?? null;
    add('preferred-languages', languages.join(', '), problem);
  }
  for (const value of fields.canonical ?? []) add('canonical', value, uriProblem('Canonical', value));
  const year = fields.expires.getUTCFullYear();
  if (Number.isNaN(year) || year < 1 || year > 9999)
    problems.push('Expires is not a valid date between years 1 and 9999.');
  else lines.push(`Expires: ${fields.expires.toISOString()}`);
  if (problems.length > 0) throw new SecurityTxtFieldsError(problems);
  return `${lines.join('\n')}\n`;
}
