import { CsvError, parse } from 'csv-parse/sync';
import { ImportError } from '../types.js';

/**
 * The shared reader for the CSV importers (people, accounts, devices). Spreadsheets exported by
 * hand vary: a BOM from Excel, ';' from a European locale, "Start Date" or "start_date". This
 * module absorbs those differences once, so each importer only maps named cells to a record,
 * and every error it raises names the line and the column a person has to fix.
 */

/** The columns an importer reads: key → header names it accepts, the first one used in messages. */
export type CsvColumns<K extends string> = Record<K, readonly string[]>;

export interface CsvSpec<K extends string> {
  columns: CsvColumns<K>;
  /** Keys whose column must be in the header (cells may still be empty). */
  required: readonly K[];
  /** What the file should be, for messages: "a people list". */
  what: string;
}

export interface CsvRow<K extends string> {
  /** The line of the file the row ends on (1 = the header), for messages. */
  line: number;
  /** Trimmed cell text per key; '' when the cell is empty or the column is absent. */
  values: Record<K, string>;
}

export interface CsvTable<K extends string> {
  rows: CsvRow<K>[];
  /** The keys whose column is in the header. */
  present: ReadonlySet<K>;
  /** The header as the file wrote it. */
  headers: string[];
}

/** "Start Date", "start_date", "START-date" → "startdate". */
export function normalizeHeader(header: string): string {
  return header.toLowerCase().replace(/[\s_-]+/g, '');
}

/** ';' when the header line holds more of them than commas (outside quotes), else ','. */
export function detectDelimiter(text: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** Reads a CSV file into rows keyed by the importer's column names. Throws ImportError. */
export function readCsv<K extends string>(input: string, spec: CsvSpec<K>): CsvTable<K> {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.trim() === '') {
    throw new ImportError(`The file is empty: export ${spec.what} as CSV with a header row and one row per line.`);
  }
  if (/^\s*[[{]/.test(text)) {
    throw new ImportError(`This file is JSON, not CSV: export ${spec.what} as CSV with a header row.`);
  }

  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      delimiter: detectDelimiter(text),
      info: true,
      skip_empty_lines: true,
      trim: true,
      // Hand-edited files often drop trailing empty cells; a row with too many cells is checked below.
      relax_column_count: true,
    }) as unknown as typeof parsed; // with info: true, each record comes as { record, info }
  } catch (error) {
    const line = error instanceof CsvError ? (error as CsvError & { lines?: number }).lines : undefined;
    throw new ImportError(
      `${line ? `line ${line}: ` : ''}the file is not valid CSV (${(error as Error).message}). ` +
        'Check the quotes on that line, or export the file again as CSV.',
    );
  }

  const [header, ...body] = parsed;
  if (!header) throw new ImportError(`The file is empty: export ${spec.what} as CSV with a header row.`);
  const headers = header.record;
  const index = columnIndex(headers, spec);

  const rows: CsvRow<K>[] = [];
  for (const { record, info } of body) {
    if (record.every((cell) => cell === '')) continue;
    if (record.length > headers.length && record.slice(headers.length).some((cell) => cell !== '')) {
      throw new ImportError(
        `line ${info.lines}: the row has ${record.length} cells but the header has ${headers.length}. ` +
          'Put quotes around values that contain the delimiter.',
      );
    }
    const values = {} as Record<K, string>;
    for (const key of Object.keys(spec.columns) as K[]) {
      const at = index.get(key);
      values[key] = at === undefined ? '' : (record[at] ?? '');
    }
    rows.push({ line: info.lines, values });
  }
  if (rows.length === 0) {
    throw new ImportError(`The file has a header row but no data rows: export ${spec.what} with at least one row.`);
  }
  return { rows, present: new Set(index.keys()), headers };
}

/** Which header cell each key reads; throws when required columns are missing. */
function columnIndex<K extends string>(headers: string[], spec: CsvSpec<K>): Map<K, number> {
  const byName = new Map<string, number>();
  headers.forEach((h, i) => {
    const name = normalizeHeader(h);
    if (name !== '' && !byName.has(name)) byName.set(name, i);
  });
  const index = new Map<K, number>();
  for (const key of Object.keys(spec.columns) as K[]) {
    for (const alias of spec.columns[key]) {
      const at = byName.get(normalizeHeader(alias));
      if (at !== undefined) {
        index.set(key, at);
        break;
      }
    }
  }
  const missing = spec.required.filter((key) => !index.has(key));
  if (missing.length > 0) {
    const names = missing.map((key) => `'${label(spec.columns, key)}'`).join(', ');
    const found = headers.filter((h) => h !== '').map((h) => `'${h}'`);
    throw new ImportError(
      `This is not ${spec.what}: the ${missing.length === 1 ? 'column' : 'columns'} ${names} ` +
        `${missing.length === 1 ? 'is' : 'are'} missing (the header has ${found.length > 0 ? found.join(', ') : 'no names'}). ` +
        `Add ${missing.length === 1 ? 'it' : 'them'} to the first row: ${missing.map((key) => describeAliases(spec.columns, key)).join('; ')}.`,
    );
  }
  return index;
}

/** The name a message uses for a column. */
export function label<K extends string>(columns: CsvColumns<K>, key: K): string {
  return columns[key][0] ?? key;
}

function describeAliases<K extends string>(columns: CsvColumns<K>, key: K): string {
  const [first, ...others] = columns[key];
  return others.length > 0 ? `'${first}' (or ${others.map((a) => `'${a}'`).join(', ')})` : `'${first}'`;
}

const TRUE_WORDS = new Set(['yes', 'y', 'true', 't', '1', 'enabled', 'on']);
const FALSE_WORDS = new Set(['no', 'n', 'false', 'f', '0', 'disabled', 'off']);

/** yes/no, true/false, 1/0, y/n, enabled/disabled, on/off → boolean; empty → null. */
export function parseBool(value: string, line: number, column: string): boolean | null {
  const word = value.trim().toLowerCase();
  if (word === '') return null;
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new ImportError(`line ${line}: '${column}' is '${value}', not yes or no (use yes/no, true/false or 1/0).`);
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day written YYYY-MM-DD (nothing else: 03/04/2025 is ambiguous); empty → null. */
export function parseDay(value: string, line: number, column: string): string | null {
  const text = value.trim();
  if (text === '') return null;
  if (!isDay(text)) throw new ImportError(`line ${line}: '${column}' is not a date (use YYYY-MM-DD): '${value}'.`);
  return text;
}

function isDay(text: string): boolean {
  const m = DAY.exec(text);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  // Date.UTC rolls 2025-02-30 over to March; a real day survives the round trip.
  return date.toISOString().slice(0, 10) === text;
}

const TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A moment written as ISO 8601 (2025-03-04T10:20:00Z, 2025-03-04 10:20, or a bare day) → ISO
 * string; empty → null. A time without a zone is read as UTC, so the result does not depend on
 * the machine that imports it.
 */
export function parseTime(value: string, line: number, column: string): string | null {
  const text = value.trim();
  if (text === '') return null;
  const m = TIME.exec(text);
  if (!m || !isDay(m[1] ?? '')) {
    throw new ImportError(
      `line ${line}: '${column}' is not a date and time (use ISO 8601, e.g. 2025-03-04T10:20:00Z): '${value}'.`,
    );
  }
  const zone = m[3] ? m[3].toUpperCase() : 'Z';
  const time = m[2] ?? '00:00';
  const date = new Date(`${m[1]}T${time}${zone === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')}`);
  if (Number.isNaN(date.getTime())) {
    throw new ImportError(`line ${line}: '${column}' is not a valid date and time: '${value}'.`);
  }
  return date.toISOString();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether the text looks like one email address (a sanity check, not RFC 5322). */
export function isEmail(text: string): boolean {
  return EMAIL.test(text);
}

/** An email cell, lower-cased; empty → null; anything else → ImportError. */
export function parseEmail(value: string, line: number, column: string): string | null {
  const text = value.trim();
  if (text === '') return null;
  if (!isEmail(text))
    throw new ImportError(
      `line ${line}: '${column}' is not an email address: '${value}' (write one address, e.g. ana@example.com).`,
    );
  return text.toLowerCase();
}
