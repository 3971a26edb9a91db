/**
 * Reads a security.txt (RFC 9116) and says whether it is valid and, if not, what to fix.
 * An OpenPGP cleartext-signed file is read through its signed text; the signature itself is
 * not verified (that needs the organisation's key, which the file only points to).
 */
import {
  CONTACT_SCHEMES,
  KNOWN_FIELDS,
  type KnownField,
  languageProblem,
  parseDateTime,
  schemeOf,
  URI_FIELDS,
  uriProblem,
} from './fields.js';
import type { SecurityTxtReport } from './index.js';

export interface ParseOptions {
  /** Where the file was fetched from: when it has Canonical fields, one should name this URL. */
  url?: string;
}

interface Line {
  number: number;
  text: string;
}

interface Field {
  line: number;
  name: string;
  value: string;
}

const SIGNED_BEGIN = '-----BEGIN PGP SIGNED MESSAGE-----';
const SIGNATURE_BEGIN = '-----BEGIN PGP SIGNATURE-----';
const SIGNATURE_END = '-----END PGP SIGNATURE-----';
/** RFC 5322 field-name: printable ASCII except the colon. */
const FIELD = /^([\x21-\x39\x3b-\x7e]+):[ \t]*(.*)$/;

export function parseSecurityTxt(text: string, now: Date, options: ParseOptions = {}): SecurityTxtReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  let source = text;
  if (source.startsWith('\uFEFF')) {
    warnings.push('The file starts with a byte order mark: save it as UTF-8 without one.');
    source = source.slice(1);
  }
  const all = splitLines(source);
  const firstContent = all.find((line) => line.text.trim() !== '');
  const signed = firstContent?.text.trim() === SIGNED_BEGIN;
  const body = signed ? signedBody(all, errors) : all;
  if (!signed && all.some((line) => line.text.trim() === SIGNED_BEGIN)) {
    errors.push('The OpenPGP signed message does not start at the top of the file: remove what comes before it.');
  }

  const fields = readFields(body, errors);
  const byName: Partial<Record<string, string[]>> = {};
  for (const field of fields) {
    const key = field.name.toLowerCase();
    const values = byName[key] ?? [];
    values.push(field.value);
    byName[key] = values;
  }

  checkContacts(fields, errors, warnings);
  const expires = checkExpires(fields, now, errors, warnings);
  checkLanguages(fields, errors);
  for (const field of fields) {
    const key = field.name.toLowerCase() as KnownField;
    if (key === 'contact' || !URI_FIELDS.includes(key)) continue;
    const problem = uriProblem(KNOWN_FIELDS[key], field.value);
    if (problem) errors.push(`Line ${field.line}: ${problem}`);
  }
  const canonical = byName.canonical ?? [];
  if (options.url && canonical.length > 0 && !canonical.includes(options.url)) {
    warnings.push(
      `The file was fetched from ${options.url}, which none of its Canonical fields names: list every address it is served from.`,
    );
  }

  return {
    valid: errors.length === 0,
    errors,
    warnings,
    fields: byName,
    expires: expires.iso,
    expired: expires.expired,
    signed,
  };
}

/** Lines with their numbers; CRLF or LF, a final line break or not. */
function splitLines(text: string): Line[] {
  const lines = text.split(/\r?\n/).map((line, i) => ({ number: i + 1, text: line }));
  if (lines.at(-1)?.text === '') lines.pop();
  return lines;
}

/**
 * The signed text of an OpenPGP cleartext signature (RFC 4880 §7): after the armour headers
 * and a blank line, up to the signature block, with dash-escaping ("- ") undone.
 */
function signedBody(lines: readonly Line[], errors: string[]): Line[] {
  const begin = lines.findIndex((line) => line.text.trim() === SIGNED_BEGIN);
  let i = begin + 1;
  while (i < lines.length && lines[i]?.text.trim() !== '') i++;
  const bodyStart = i + 1;
  const signatureAt = lines.findIndex((line, index) => index >= bodyStart && line.text.trim() === SIGNATURE_BEGIN);
  if (signatureAt < 0) {
    errors.push(
      'The file starts an OpenPGP signed message but has no signature block: sign it again or remove the header.',
    );
    return [];
  }
  const endAt = lines.findIndex((line, index) => index > signatureAt && line.text.trim() === SIGNATURE_END);
  if (endAt < 0) {
    errors.push('The OpenPGP signature block is not closed: sign the file again.');
  } else if (lines.slice(endAt + 1).some((line) => line.text.trim() !== '')) {
    errors.push('The file has text after the OpenPGP signature: move it inside the signed message or remove it.');
  }
  return lines
    .slice(bodyStart, signatureAt)
    .map((line) => (line.text.startsWith('- ') ? { ...line, text: line.text.slice(2) } : line));
}

function readFields(lines: readonly Line[], errors: string[]): Field[] {
  const fields: Field[] = [];
  for (const line of lines) {
    const text = line.text.trim();
    if (text === '' || text.startsWith('#')) continue;
    const match = FIELD.exec(text);
    if (!match) {
      errors.push(
        `Line ${line.number} is neither a field ("Name: value") nor a comment ("# …"): correct or remove it.`,
      );
      continue;
    }
    const [, name = '', value = ''] = match;
    if (value === '') {
      errors.push(`Line ${line.number}: ${name} has no value: give it one or remove the line.`);
      continue;
    }
    fields.push({ line: line.number, name, value });
  }
  return fields;
}

const named = (fields: readonly Field[], key: KnownField) => fields.filter((f) => f.name.toLowerCase() === key);

function checkContacts(fields: readonly Field[], errors: string[], warnings: string[]): void {
  const contacts = named(fields, 'contact');
  if (contacts.length === 0) {
    errors.push('There is no Contact field: add at least one, e.g. "Contact: mailto:security@example.com".');
  }
  for (const contact of contacts) {
    const problem = uriProblem('Contact', contact.value);
    if (problem) {
      errors.push(`Line ${contact.line}: ${problem}`);
      continue;
    }
    const scheme = schemeOf(contact.value);
    if (scheme && !CONTACT_SCHEMES.has(scheme)) {
      warnings.push(
        `Line ${contact.line}: Contact "${contact.value}" uses ${scheme}:, which researchers may not know how to use: prefer mailto:, https: or tel:.`,
      );
    }
  }
}

function checkExpires(
  fields: readonly Field[],
  now: Date,
  errors: string[],
  warnings: string[],
): { iso: string | null; expired: boolean } {
  const all = named(fields, 'expires');
  if (all.length === 0) {
    errors.push(
      'There is no Expires field: add one with a date less than a year ahead, e.g. "Expires: 2030-01-31T12:00:00Z".',
    );
    return { iso: null, expired: false };
  }
  if (all.length > 1) {
    errors.push(`Expires appears ${all.length} times (lines ${all.map((f) => f.line).join(', ')}): keep exactly one.`);
  }
  const first = all[0] as Field;
  const ms = parseDateTime(first.value);
  if (ms === null) {
    errors.push(
      `Line ${first.line}: Expires "${first.value}" is not an RFC 3339 date-time: write it like 2030-01-31T12:00:00Z.`,
    );
    return { iso: null, expired: false };
  }
  const iso = new Date(ms).toISOString();
  if (ms <= now.getTime()) {
    errors.push(`The file expired on ${iso}: set Expires to a new date less than a year ahead.`);
    return { iso, expired: true };
  }
  const yearAhead = new Date(now);
  yearAhead.setUTCFullYear(yearAhead.getUTCFullYear() + 1);
  if (ms > yearAhead.getTime()) {
    warnings.push(
      `Expires (${iso}) is more than a year ahead: RFC 9116 recommends less than a year, so the file is reviewed at least yearly.`,
    );
  }
  return { iso, expired: false };
}

function checkLanguages(fields: readonly Field[], errors: string[]): void {
  const all = named(fields, 'preferred-languages');
  if (all.length > 1) {
    errors.push(
      `Preferred-Languages appears ${all.length} times (lines ${all.map((f) => f.line).join(', ')}): keep one, listing every language separated by commas.`,
    );
  }
  for (const field of all) {
    for (const tag of field.value.split(',').map((t) => t.trim())) {
      const problem = languageProblem(tag);
      if (problem) errors.push(`Line ${field.line}: ${problem}`);
    }
  }
}
