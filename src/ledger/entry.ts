/**
 * What one ledger leaf commits to, and its canonical bytes. Leaves hold ids and hashes only,
 * never personal data, so an erased record leaves a commitment that still verifies.
 *
 * The bytes are UTF-8 text, one `name value` line each, in this order, each ending in "\n":
 *
 *   attest-ledger-leaf v1
 *   org <organisation uuid>
 *   index <decimal, no leading zeros>
 *   kind <kind>
 *   ref <id of the record>
 *   sha256 <64 lowercase hex digits>
 *   at <YYYY-MM-DDTHH:MM:SS.sssZ>
 *
 * One entry has exactly one encoding: parsing re-encodes and refuses anything that differs.
 */
export interface LedgerEntry {
  /** 'evidence', 'evidence.erased', 'export'; later 'check_result', 'review'. */
  kind: string;
  /** The id of the record the leaf commits to (never a name or an email). */
  refId: string;
  /** Hex SHA-256 of the content (the evidence file, the export manifest, …). */
  contentHash: string;
  /** When the entry was appended, ISO 8601 in UTC with milliseconds. */
  at: string;
}

const MAGIC = 'attest-ledger-leaf v1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KIND = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const REF = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const INDEX = /^(0|[1-9][0-9]*)$/;

/** Throws with the field and the reason when an entry cannot go into a leaf. */
export function checkEntry(orgId: string, index: number, entry: LedgerEntry): void {
  if (!UUID.test(orgId)) throw new Error(`ledger leaf: the organisation id must be a lowercase UUID, not "${orgId}"`);
  if (!Number.isSafeInteger(index) || index < 0) throw new Error(`ledger leaf: bad index ${index}`);
  if (entry.kind.length > 64 || !KIND.test(entry.kind)) {
    throw new Error(`ledger leaf: the kind must be dotted lowercase words, not "${entry.kind}"`);
  }
  // No spaces or "@": a reference is an id, so an email or a name cannot slip into the log.
  if (entry.refId.length > 200 || !REF.test(entry.refId)) {
    throw new Error(`ledger leaf: the reference must be an id (letters, digits, . _ : / -), not "${entry.refId}"`);
  }
  if (!SHA256_HEX.test(entry.contentHash)) {
    throw new Error('ledger leaf: the content hash must be 64 lowercase hex digits (SHA-256)');
  }
  if (!ISO.test(entry.at) || Number.isNaN(Date.parse(entry.at)) || new Date(entry.at).toISOString() !== entry.at) {
    throw new Error(`ledger leaf: the time must be an ISO 8601 UTC instant with milliseconds, not "${entry.at}"`);
  }
}

export function leafData(orgId: string, index: number, entry: LedgerEntry): Buffer {
  checkEntry(orgId, index, entry);
  const lines = [
    MAGIC,
    `org ${orgId}`,
    `index ${index}`,
    `kind ${entry.kind}`,
    `ref ${entry.refId}`,
    `sha256 ${entry.contentHash}`,
    `at ${entry.at}`,
  ];
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

const FIELDS = ['org', 'index', 'kind', 'ref', 'sha256', 'at'] as const;

export function parseLeafData(buf: Uint8Array): { orgId: string; index: number; entry: LedgerEntry } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new Error('ledger leaf: not UTF-8 text');
  }
  if (!text.endsWith('\n')) throw new Error('ledger leaf: does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== MAGIC) throw new Error(`ledger leaf: does not start with "${MAGIC}"`);
  if (lines.length !== FIELDS.length + 1) throw new Error(`ledger leaf: ${lines.length - 1} fields, expected 6`);
  const values: Record<string, string> = {};
  FIELDS.forEach((name, i) => {
    const line = lines[i + 1] as string;
    if (!line.startsWith(`${name} `)) throw new Error(`ledger leaf: line ${i + 2} should be "${name} …"`);
    values[name] = line.slice(name.length + 1);
  });
  const indexText = values.index as string;
  if (!INDEX.test(indexText)) throw new Error(`ledger leaf: bad index "${indexText}"`);
  const orgId = values.org as string;
  const index = Number(indexText);
  const entry: LedgerEntry = {
    kind: values.kind as string,
    refId: values.ref as string,
    contentHash: values.sha256 as string,
    at: values.at as string,
  };
  // Valid fields re-encode to the very same bytes; anything else is not canonical.
  if (!leafData(orgId, index, entry).equals(Buffer.from(buf))) throw new Error('ledger leaf: not in canonical form');
  return { orgId, index, entry };
}
