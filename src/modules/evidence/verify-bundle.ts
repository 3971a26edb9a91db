import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { type Checkpoint, parseCheckpointBody } from '../../ledger/checkpoint.js';
import { type LedgerEntry, parseLeafData } from '../../ledger/entry.js';
import { type LedgerVerdict, verifyBundleLedger } from '../../ledger/verify.js';
import {
  BUNDLE_FORMAT,
  type BundleItem,
  canonicalFacts,
  descriptorHash,
  factsOf,
  type Manifest,
} from './bundle-format.js';

/**
 * `attest verify bundle.zip`: checks an evidence bundle offline (no database, no network).
 * Every file's SHA-256 against its ledger leaf and the manifest, every leaf's inclusion proof
 * against the signed checkpoint, the checkpoint's signature against the organisation's key,
 * the export leaf's list of items against the manifest (so a missing or extra item shows), the
 * order of entries, and the consistency proof from the previous checkpoint.
 */

export interface ItemVerdict {
  index: number;
  label: string;
  problems: string[];
}

export interface BundleReport {
  ok: boolean;
  items: ItemVerdict[];
  /** Problems of the bundle as a whole (signature, key, order, missing items). */
  problems: string[];
  checkpoint: Checkpoint | null;
  lines: string[];
}

interface ZipContent {
  texts: Map<string, Buffer>;
  files: Map<string, { sha256: string; size: number }>;
  duplicates: string[];
}

const TEXT_ENTRIES = new Set(['manifest.json', 'checkpoint.txt', 'key.pub']);
const MAX_TEXT_BYTES = 1024 * 1024 * 1024;

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: true, strictFileNames: true }, (err, zip) =>
      err || !zip ? reject(err ?? new Error('cannot open')) : resolve(zip),
    ),
  );
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (err, stream) =>
      err || !stream ? reject(err ?? new Error('no stream')) : resolve(stream),
    ),
  );
}

/** Reads the zip once: the small text entries into memory, every other entry hashed as it streams. */
async function readZip(path: string): Promise<ZipContent> {
  const zip = await openZip(path);
  const content: ZipContent = { texts: new Map(), files: new Map(), duplicates: [] };
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      void (async () => {
        const name = entry.fileName;
        if (name.endsWith('/')) return zip.readEntry();
        if (content.texts.has(name) || content.files.has(name)) content.duplicates.push(name);
        const stream = await entryStream(zip, entry);
        if (TEXT_ENTRIES.has(name)) {
          const chunks: Buffer[] = [];
          let size = 0;
          for await (const chunk of stream) {
            size += (chunk as Buffer).length;
            if (size > MAX_TEXT_BYTES) throw new Error(`${name} is larger than 1 GiB`);
            chunks.push(chunk as Buffer);
          }
          content.texts.set(name, Buffer.concat(chunks));
        } else {
          const hash = createHash('sha256');
          let size = 0;
          for await (const chunk of stream) {
            hash.update(chunk as Buffer);
            size += (chunk as Buffer).length;
          }
          content.files.set(name, { sha256: hash.digest('hex'), size });
        }
        zip.readEntry();
      })().catch(reject);
    });
    zip.readEntry();
  });
  return content;
}

const isHex64 = (s: unknown): s is string => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);

function labelOf(item: Partial<BundleItem>, i: number): string {
  const index = typeof item.index === 'number' ? `#${item.index}` : `entry ${i + 1}`;
  if (item.kind === 'export') return `${index} export ${item.id ?? ''}`.trimEnd();
  return `${index} ${item.name ?? item.id ?? '(unnamed)'}`;
}

function leafOf(item: BundleItem): { orgId: string; index: number; entry: LedgerEntry } | string {
  try {
    return parseLeafData(Buffer.from(String(item.leafData), 'base64'));
  } catch (error) {
    return `its ledger entry is not valid (${(error as Error).message})`;
  }
}

/** Checks one item against its leaf, its file and the checkpoint; returns what is wrong. */
function checkItem(item: BundleItem, manifest: Manifest, zip: ZipContent, used: Set<string>): string[] {
  const problems: string[] = [];
  const leaf = leafOf(item);
  if (typeof leaf === 'string') return [leaf];
  const { entry } = leaf;
  if (entry.kind !== item.kind) problems.push(`its ledger entry is a "${entry.kind}" entry, not "${item.kind}"`);
  if (entry.refId !== item.id) problems.push('its ledger entry names another record');
  if (item.kind === 'evidence') {
    if (item.erased) {
      if (item.path && zip.files.has(item.path))
        problems.push('it is listed as erased but the bundle holds a file for it');
    } else if (!item.path || !zip.files.has(item.path)) {
      problems.push(`its file ${item.path ?? ''} is missing from the bundle`.replace('  ', ' '));
    } else {
      used.add(item.path);
      if (zip.files.get(item.path)?.sha256 !== entry.contentHash) {
        problems.push('file content does not match its ledger entry');
      }
    }
  } else if (item.kind === 'export') {
    if (manifest.export?.index !== item.index) problems.push('the manifest names another export entry');
    else if (descriptorHash(manifest.export.descriptor) !== entry.contentHash) {
      problems.push("the export's list of items does not match its ledger entry");
    }
  } else {
    problems.push(`unknown kind "${String(item.kind)}"`);
  }
  return problems;
}

/**
 * The export leaf commits to every item with all the manifest says of it: the manifest must
 * list exactly those items, with exactly those facts (name, dates, size, hash, file, erasure).
 */
function checkCoverage(manifest: Manifest, ofItem: Map<number, string[]>): string[] {
  const descriptor = manifest.export?.descriptor;
  if (!descriptor || !Array.isArray(descriptor.items)) {
    return ['the manifest has no export list (it is not an Attest evidence bundle)'];
  }
  const problems: string[] = [];
  const note = (index: number, message: string) => ofItem.set(index, [...(ofItem.get(index) ?? []), message]);
  if (descriptor.exportedAt !== manifest.exportedAt)
    problems.push('the export time differs from what the export committed to');
  if (descriptor.from !== manifest.window?.from || descriptor.to !== manifest.window?.to) {
    problems.push('the window differs from what the export committed to');
  }
  const listed = new Map(descriptor.items.map((f) => [f.index, JSON.stringify(canonicalFacts(f))]));
  const items = manifest.items.filter((i) => i.kind === 'evidence');
  const present = new Set(items.map((i) => i.index));
  for (const index of listed.keys()) {
    if (!present.has(index))
      problems.push(`item #${index} is missing: the export committed to it but the manifest does not list it`);
  }
  for (const item of items) {
    const want = listed.get(item.index);
    if (want === undefined) note(item.index, 'it is not one the export committed to');
    else if (want !== JSON.stringify(factsOf(item))) {
      note(item.index, 'the manifest changed it after the export (its name, dates, size, hash or file)');
    }
  }
  return problems;
}

function checkOrder(manifest: Manifest): string[] {
  for (let i = 1; i < manifest.items.length; i++) {
    const prev = manifest.items[i - 1] as BundleItem;
    const cur = manifest.items[i] as BundleItem;
    if (!(cur.index > prev.index)) {
      return [`entries are out of order: #${cur.index} comes after #${prev.index} (the ledger order is ascending)`];
    }
  }
  return [];
}

/** key.pub and checkpoint.txt are the manifest's, and the key is the one the caller trusts (if any). */
function checkCopies(manifest: Manifest, zip: ZipContent, trustedKey?: string): string[] {
  const problems: string[] = [];
  const keyFile = zip.texts.get('key.pub')?.toString('utf8').trim();
  const cpFile = zip.texts.get('checkpoint.txt')?.toString('utf8');
  if (keyFile === undefined) problems.push('key.pub is missing');
  else if (keyFile !== manifest.verifierKey) problems.push('key.pub is not the verifier key the manifest names');
  if (cpFile === undefined) problems.push('checkpoint.txt is missing');
  else if (cpFile !== manifest.checkpoint) problems.push("checkpoint.txt differs from the manifest's checkpoint");
  if (trustedKey && trustedKey.trim() !== manifest.verifierKey) {
    problems.push('the bundle is signed with a different key from the one you trust (--key)');
  }
  return problems;
}

/** The checkpoint the (verified) note carries, for the summary line. */
function checkpointOf(note: string): Checkpoint | null {
  try {
    return parseCheckpointBody(note.slice(0, note.lastIndexOf('\n\n') + 1));
  } catch {
    return null;
  }
}

/** The ledger's words for an item, without its own "item N (path):" prefix (the line names the item). */
const ledgerProblem = (problem: string) => problem.replace(/^item \d+( \([^)]*\))?: /, '');

function parseManifest(zip: ZipContent): Manifest | string {
  const raw = zip.texts.get('manifest.json');
  if (!raw) return 'manifest.json is missing: this is not an Attest evidence bundle';
  let manifest: Manifest;
  try {
    manifest = JSON.parse(raw.toString('utf8')) as Manifest;
  } catch {
    return 'manifest.json is not valid JSON (the file was changed or damaged)';
  }
  if (manifest?.format !== BUNDLE_FORMAT) return `manifest.json is not an "${BUNDLE_FORMAT}" manifest`;
  if (!Array.isArray(manifest.items) || typeof manifest.orgId !== 'string' || typeof manifest.checkpoint !== 'string') {
    return 'manifest.json lacks its items, organisation or checkpoint';
  }
  for (const [i, item] of manifest.items.entries()) {
    if (!Number.isSafeInteger(item?.index) || typeof item.leafData !== 'string' || !Array.isArray(item.proof)) {
      return `manifest.json: entry ${i + 1} lacks its ledger index, leaf data or proof`;
    }
    if (item.kind === 'evidence' && !isHex64(item.sha256)) return `manifest.json: entry ${i + 1} lacks its SHA-256`;
  }
  return manifest;
}

export async function verifyBundle(path: string, options: { trustedKey?: string } = {}): Promise<BundleReport> {
  let zip: ZipContent;
  try {
    zip = await readZip(path);
  } catch (error) {
    const message = `the zip cannot be read (${(error as Error).message}): it is damaged or not a bundle`;
    return { ok: false, items: [], problems: [message], checkpoint: null, lines: [`FAIL bundle: ${message}`] };
  }
  const manifest = parseManifest(zip);
  if (typeof manifest === 'string') {
    return { ok: false, items: [], problems: [manifest], checkpoint: null, lines: [`FAIL bundle: ${manifest}`] };
  }
  const problems: string[] = zip.duplicates.map((d) => `the zip holds ${d} twice`);
  const ledger: LedgerVerdict = verifyBundleLedger(manifest);
  if (!ledger.checkpoint.ok) problems.push(ledger.checkpoint.problem ?? 'the checkpoint does not verify');
  const ofItem = new Map<number, string[]>();
  problems.push(
    ...checkCopies(manifest, zip, options.trustedKey),
    ...checkOrder(manifest),
    ...checkCoverage(manifest, ofItem),
  );
  if (!manifest.items.some((i) => i.kind === 'export')) problems.push('the export entry is missing from the manifest');
  const used = new Set<string>();
  const items = manifest.items.map((item, i) => {
    const fromLedger = ledger.items[i];
    return {
      index: item.index,
      label: labelOf(item, i),
      problems: [
        ...(fromLedger && !fromLedger.ok ? [ledgerProblem(fromLedger.problem ?? 'not in the log')] : []),
        ...checkItem(item, manifest, zip, used),
        ...(item.kind === 'evidence' ? (ofItem.get(item.index) ?? []) : []),
      ],
    };
  });
  for (const name of zip.files.keys()) {
    if (!used.has(name)) problems.push(`${name} is in the zip but not in the manifest`);
  }
  const failed = items.filter((i) => i.problems.length > 0);
  const ok = failed.length === 0 && problems.length === 0;
  const lines = items.map((i) =>
    i.problems.length === 0 ? `ok  ${i.label}` : `FAIL ${i.label}: ${i.problems.join('; ')}`,
  );
  lines.push(...problems.map((p) => `FAIL bundle: ${p}`));
  const cp = ledger.checkpoint.ok ? checkpointOf(manifest.checkpoint) : null;
  const evidence = manifest.items.filter((i) => i.kind === 'evidence').length;
  lines.push(
    ok
      ? `Verified: ${evidence} evidence item(s) and the export are in the log ${cp?.origin} (size ${cp?.size}), signed by ${manifest.verifierKey.split('+').slice(0, 2).join('+')}.`
      : `FAILED: ${failed.length} of ${items.length} entries and ${problems.length} bundle check(s) failed. Do not rely on this bundle.`,
  );
  return { ok, items, problems, checkpoint: cp, lines };
}
