import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { ALL_CHECKS } from '../../checks/library/index.js';
import { callApi, type RemoteOptions, remoteTarget } from '../../cli/remote.js';
import type { PushSummary } from './push.js';

export interface PushOptions extends RemoteOptions {
  name?: string;
  idempotencyKey?: string;
}

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.jsonl': 'application/x-ndjson',
};

/** `attest push KIND FILE`: sends the file as it is to the running server, with an API token. */
export async function pushRemote(kind: string, file: string, o: PushOptions): Promise<PushSummary> {
  remoteTarget(o);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new Error(`Cannot read ${file}: give the path of the tool's output file.`);
  }
  if (size === 0) throw new Error(`${file} is empty: push the tool's output file.`);
  const query = new URLSearchParams({ fileName: basename(file), ...(o.name ? { name: o.name } : {}) });
  return callApi<PushSummary>(
    o,
    'POST',
    `/api/v1/monitoring/push/${encodeURIComponent(kind)}?${query}`,
    { raw: readFileSync(file, 'utf8'), contentType: TYPES[extname(file).toLowerCase()] ?? 'text/plain' },
    o.idempotencyKey ? { 'idempotency-key': o.idempotencyKey } : {},
  );
}

export function describePush(s: PushSummary): string {
  const r = s.records;
  const lines = [
    `${s.replayed ? 'Already pushed (same Idempotency-Key): ' : ''}${s.format} for ${s.source.kind} "${s.source.name}"`,
    `  records: ${r.total} (${r.created} new, ${r.changed} changed, ${r.unchanged} unchanged, ${r.deleted} gone)`,
    `  results: ${s.results.changed} changed, ${s.results.failing} newly failing; controls changed: ${s.controlsChanged}`,
    ...s.warnings.map((w) => `  warning: ${w}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** `attest checks list`: one check a line. */
export function listChecksText(): string {
  const width = Math.max(...ALL_CHECKS.map((c) => c.id.length));
  return `${ALL_CHECKS.map((c) => `${c.id.padEnd(width)}  ${c.severity.padEnd(8)}  ${c.title}`).join('\n')}\n`;
}
