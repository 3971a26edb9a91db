import { createWriteStream, openAsBlob, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { callApi, remoteTarget } from '../../cli/remote.js';
import { CLI_META } from '../../context.js';
import type { Runtime } from '../../runtime.js';
import type { OrgSummary } from '../orgs/service.js';
import { exportBundle } from './bundle.js';

/**
 * `attest evidence export` as an administrative command (on the data directory, or inside the
 * running server through its admin socket): the zip is streamed straight into `out`, written
 * under a temporary name and renamed when complete, mode 0600.
 */
export async function evidenceExportCommand(
  rt: Runtime,
  org: OrgSummary,
  args: { from?: string; to?: string; out: string },
): Promise<string> {
  if (!args.out || !isAbsolute(args.out)) throw new Error('Give the output file with --out FILE.');
  const bundle = await exportBundle(rt, org.id, { userId: null, label: 'attest-cli' }, CLI_META, {
    from: args.from,
    to: args.to,
  });
  const temp = join(dirname(args.out), `.${basename(args.out)}.${process.pid}.partial`);
  try {
    await pipeline(bundle.stream, createWriteStream(temp, { mode: 0o600 }));
    renameSync(temp, args.out);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  const items = bundle.manifest.items.filter((i) => i.kind === 'evidence');
  const erased = items.filter((i) => i.erased).length;
  return `Exported ${items.length} evidence item(s)${erased ? ` (${erased} erased)` : ''} of ${org.name} (${org.slug}) to ${args.out}, with a fresh signed checkpoint. Check it with: attest verify ${args.out}`;
}

export interface AddOptions {
  control?: string;
  task?: string;
  note?: string;
  effectiveFrom?: string;
  effectiveTo?: string;
  url?: string;
  token?: string;
}

/**
 * `attest evidence add FILE`: sends the file as multipart/form-data with an API token. The body
 * is a Blob backed by the file (fs.openAsBlob), so fetch streams it from disk in constant memory.
 */
export async function addEvidenceRemote(
  file: string,
  o: AddOptions,
): Promise<{ id: string; ledgerIndex: number; name: string; sha256: string }> {
  remoteTarget(o);
  if (!o.control && !o.task) throw new Error('Say where the evidence goes: --control KEY_OR_ID and/or --task ID.');
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw new Error(`Cannot read the file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  if (size === 0) throw new Error(`The file ${file} is empty.`);
  const form = new FormData();
  // Fields first: the server checks them before it reads the file.
  if (o.control) form.set('controlId', o.control);
  if (o.task) form.set('taskId', o.task);
  if (o.effectiveFrom) form.set('effectiveFrom', o.effectiveFrom);
  if (o.effectiveTo) form.set('effectiveTo', o.effectiveTo);
  if (o.note) form.set('note', o.note);
  form.set('file', await openAsBlob(file), basename(file));
  return callApi(o, 'POST', '/api/v1/evidence', form);
}

/** Reads `--key`: a verifier key string, or a file holding one (key.pub of a trusted bundle, or the trust center's). */
export function readTrustedKey(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (/^[^+\s]+\+[0-9a-f]{8}\+/.test(value.trim())) return value.trim();
  try {
    return readFileSync(value, 'utf8').trim();
  } catch (error) {
    throw new Error(`Cannot read the key file ${value} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}
