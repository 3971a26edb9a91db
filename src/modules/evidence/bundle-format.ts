import { createHash } from 'node:crypto';

/**
 * The evidence bundle (a zip): `manifest.json` (this shape), `checkpoint.txt` (the signed
 * checkpoint, also in the manifest), `key.pub` (the organisation's verifier key, also in the
 * manifest) and `files/<ledger index>-<name>` (each evidence file, decrypted). Pure: the offline
 * verifier reads it with no database.
 */
export const BUNDLE_FORMAT = 'attest-evidence-bundle v1';

/** What the bundle says of one evidence item: the export leaf commits to all of it. */
export interface ItemFacts {
  index: number;
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  /** Its file in the bundle; null once erased. */
  path: string | null;
  effectiveFrom: string;
  effectiveTo: string | null;
  uploadedAt: string;
  erasedAt: string | null;
}

/**
 * What the export leaf commits to (its SHA-256 is the leaf's content hash): when, which window,
 * and every item with all the manifest says of it. So a missing, added or edited item, even in
 * its display metadata, fails verification, while the ledger itself holds only the hash.
 */
export interface ExportDescriptor {
  id: string;
  exportedAt: string;
  from: string | null;
  to: string | null;
  items: ItemFacts[];
}

/** One item's facts with their keys in a fixed order (what is hashed, and compared). */
export function canonicalFacts(f: ItemFacts): ItemFacts {
  return {
    index: f.index,
    id: f.id,
    name: f.name,
    contentType: f.contentType,
    size: f.size,
    sha256: f.sha256,
    path: f.path ?? null,
    effectiveFrom: f.effectiveFrom,
    effectiveTo: f.effectiveTo ?? null,
    uploadedAt: f.uploadedAt,
    erasedAt: f.erasedAt ?? null,
  };
}

/** The facts a manifest item states about itself. */
export function factsOf(item: BundleItem): ItemFacts {
  return canonicalFacts({
    index: item.index,
    id: item.id,
    name: item.name ?? '',
    contentType: item.contentType ?? '',
    size: item.size ?? -1,
    sha256: item.sha256 ?? '',
    path: item.path ?? null,
    effectiveFrom: item.effectiveFrom ?? '',
    effectiveTo: item.effectiveTo ?? null,
    uploadedAt: item.uploadedAt ?? '',
    erasedAt: item.erasedAt ?? null,
  });
}

export interface BundleItem {
  index: number;
  leafData: string;
  proof: string[];
  kind: 'evidence' | 'export';
  /** Evidence: the file in the bundle (none once erased) and its SHA-256. */
  path?: string;
  sha256?: string;
  erased?: boolean;
  /** Display metadata (not in the ledger, which holds ids and hashes only). */
  id: string;
  name?: string;
  contentType?: string;
  size?: number;
  effectiveFrom?: string;
  effectiveTo?: string | null;
  uploadedAt?: string;
  erasedAt?: string;
}

export interface Manifest {
  format: typeof BUNDLE_FORMAT;
  orgId: string;
  origin: string;
  verifierKey: string;
  checkpoint: string;
  exportedAt: string;
  window: { from: string | null; to: string | null };
  export: { index: number; descriptor: ExportDescriptor };
  items: BundleItem[];
  consistency?: { fromSize: number; fromRoot: string; proof: string[] };
}

/** The descriptor's canonical bytes (JSON with its keys in a fixed order), hashed into the export leaf. */
export function descriptorHash(d: ExportDescriptor): string {
  const canonical = JSON.stringify({
    id: d.id,
    exportedAt: d.exportedAt,
    from: d.from ?? null,
    to: d.to ?? null,
    items: (Array.isArray(d.items) ? d.items : []).map(canonicalFacts),
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** `files/<index>-<name>`: the index keeps names unique; the name only what is safe in any zip tool. */
export function bundlePath(index: number, name: string): string {
  const safe =
    name
      .replace(/[^\w.+-]+/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 120) || 'file';
  return `files/${index}-${safe}`;
}
