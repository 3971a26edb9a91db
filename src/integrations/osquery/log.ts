import { z } from 'zod';
import { ImportError } from '../types.js';

/**
 * Reading osquery's results log: one JSON object per line as the filesystem logger writes it
 * (osqueryd.results.log), or those objects in a JSON array, or the body the TLS logger posts
 * ({"log_type":"result","data":[…]}). Three line shapes exist:
 * - snapshot: {"snapshot":[rows],"action":"snapshot","name",…} — the query's full result;
 * - event: {"columns":{row},"action":"added"|"removed","name",…} — one change (the default);
 * - batch: {"diffResults":{"added":[rows],"removed":[rows]},"name",…} — changes of one run
 *   (logger_event_type=false).
 * All carry name, hostIdentifier, calendarTime, unixTime and the configured decorations.
 */

export type Row = Record<string, string>;

export interface LogEntry {
  name: string;
  host: string;
  /** Seconds since the epoch; 0 when the line has no time. */
  time: number;
  decorations: Row;
  /** A snapshot replaces the query's rows; otherwise rows are added and removed. */
  snapshot: Row[] | null;
  added: Row[];
  removed: Row[];
}

// osquery writes every value as a string unless the numerics flag is on.
const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const row = z.record(z.string(), cell);

const line = z.object({
  name: z.string(),
  hostIdentifier: z.string(),
  calendarTime: z.string().optional(),
  unixTime: z.union([z.number(), z.string()]).optional(),
  decorations: row.optional(),
  action: z.string().optional(),
  snapshot: z.array(row).optional(),
  columns: row.optional(),
  diffResults: z.object({ added: z.array(row).optional(), removed: z.array(row).optional() }).optional(),
});

type Line = z.infer<typeof line>;

const HOW_TO =
  "Push osquery's results log (osqueryd.results.log, one JSON object per line) from hosts running Attest's query pack.";

/** The JSON values of the file: an array's items, a TLS logger body's data, or one per line. */
function jsonValues(input: string): { value: unknown; where: string }[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const trimmed = text.trim();
  if (trimmed === '') throw new ImportError(`The file is empty. ${HOW_TO}`);
  if (trimmed.startsWith('[')) {
    const value = parseJson(trimmed, 'The file');
    if (!Array.isArray(value)) throw new ImportError(`The file is not an array of osquery results. ${HOW_TO}`);
    return value.map((v, i) => ({ value: v, where: `item ${i + 1}` }));
  }
  const whole = tryJson(trimmed);
  if (whole !== undefined) {
    // One object: a single result line, a TLS logger body, or a pretty-printed file of another tool.
    return (tlsBody(whole) ?? [whole]).map((v, i) => ({ value: v, where: `item ${i + 1}` }));
  }
  const values: { value: unknown; where: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const source = lines[i]?.trim() ?? '';
    if (source === '') continue;
    const value = parseJson(source, `line ${i + 1}`);
    const batch = tlsBody(value);
    if (batch) values.push(...batch.map((v, j) => ({ value: v, where: `line ${i + 1}, item ${j + 1}` })));
    else values.push({ value, where: `line ${i + 1}` });
  }
  return values;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ImportError(
      `${where} is not complete JSON (${(error as Error).message}): the file may be cut short. ` +
        `Copy the whole log again. ${HOW_TO}`,
    );
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Several lines of JSON objects do not parse as one: read them line by line.
    return undefined;
  }
}

function tlsBody(value: unknown): unknown[] | null {
  if (typeof value !== 'object' || value === null || !('data' in value) || !('log_type' in value)) return null;
  const { data, log_type } = value as { data: unknown; log_type: unknown };
  if (log_type !== 'result') {
    throw new ImportError(`This is osquery's ${String(log_type)} log, not its results log. ${HOW_TO}`);
  }
  return Array.isArray(data) ? data : null;
}

/** Names the file when it is another tool's output, so the message can say where it belongs. */
function otherFormat(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  if ('SchemaVersion' in value && 'Results' in value) return 'This is a Trivy report: push it as trivy.';
  if ('runs' in value && 'version' in value) return 'This is a SARIF file: push it as sarif.';
  if ('severity' in value && 'filename' in value && 'message' in value) {
    return "This is osquery's status log (osqueryd.INFO), not its results log.";
  }
  return null;
}

export function readLog(input: string): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const { value, where } of jsonValues(input)) {
    const parsed = line.safeParse(value);
    if (!parsed.success) {
      const other = otherFormat(value);
      if (other) throw new ImportError(`${other} ${HOW_TO}`);
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'the object';
      throw new ImportError(
        `${where} is not an osquery result: ${field}: ${issue?.message ?? 'unexpected shape'}. ${HOW_TO}`,
      );
    }
    entries.push(entryOf(parsed.data, where));
  }
  return entries;
}

function entryOf(l: Line, where: string): LogEntry {
  const entry: LogEntry = {
    name: l.name,
    host: l.hostIdentifier,
    time: timeOf(l),
    decorations: l.decorations ? textRow(l.decorations) : {},
    snapshot: null,
    added: [],
    removed: [],
  };
  if (l.snapshot) entry.snapshot = l.snapshot.map(textRow);
  else if (l.diffResults) {
    entry.added = (l.diffResults.added ?? []).map(textRow);
    entry.removed = (l.diffResults.removed ?? []).map(textRow);
  } else if (l.columns && l.action === 'added') entry.added = [textRow(l.columns)];
  else if (l.columns && l.action === 'removed') entry.removed = [textRow(l.columns)];
  else {
    throw new ImportError(
      `${where} (${l.name}) has no results: expected "snapshot", "diffResults", or "columns" with "action" added or removed.`,
    );
  }
  return entry;
}

function timeOf(l: Line): number {
  const unix = typeof l.unixTime === 'string' ? Number(l.unixTime) : l.unixTime;
  if (unix !== undefined && Number.isFinite(unix) && unix > 0) return unix;
  // calendarTime reads "Mon Nov 23 09:00:00 2026 UTC", which Date.parse accepts.
  const calendar = l.calendarTime ? Date.parse(l.calendarTime) : Number.NaN;
  return Number.isNaN(calendar) ? 0 : Math.floor(calendar / 1000);
}

function textRow(r: Record<string, string | number | boolean | null>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(r)) {
    if (value !== null) out[key] = String(value);
  }
  return out;
}
