import { Readable } from 'node:stream';
import type { AppContext, RequestMeta } from '../../context.js';
import { type Tx, withScope } from '../../db/tenancy.js';
import type { EvidenceItem } from './service.js';
import { addEvidence } from './upload.js';

/** A document Attest writes itself (a signed agreement, a certificate, a campaign export). */
export interface GeneratedFile {
  name: string;
  contentType: string;
  bytes: Buffer;
  /** The control it proves, by key ("PEO-02"). */
  controlKey: string;
  note: string;
  /** The time it proves (default: now). */
  effectiveFrom?: Date;
  effectiveTo?: Date;
}

/**
 * Stores a document Attest generated as evidence: encrypted in the vault, appended to the
 * ledger, audit-logged, like an upload. It is attributed to the person whose action produced it
 * (the signer, the reviewer); Attest itself attaches it to its control, so the person's role
 * does not limit where it goes. Runs its own transactions: call it before the transaction that
 * records the action, and keep the returned id there.
 */
export async function addGeneratedEvidence(
  ctx: AppContext,
  orgId: string,
  by: { userId: string; email: string },
  file: GeneratedFile,
  meta: RequestMeta,
): Promise<EvidenceItem> {
  return addEvidence(
    ctx,
    { userId: by.userId, email: by.email, orgId, role: 'admin', stage: 'full', via: 'session' },
    {
      controlId: file.controlKey,
      effectiveFrom: file.effectiveFrom?.toISOString(),
      effectiveTo: file.effectiveTo?.toISOString(),
      note: file.note,
    },
    { name: file.name, contentType: file.contentType, stream: Readable.from([file.bytes]) },
    meta,
  );
}

/** One of a finished campaign's exports (its CSV, its PDF). */
export interface GeneratedExport {
  /** An earlier attempt already stored it: nothing to do. */
  done: boolean;
  file: () => Promise<GeneratedFile>;
  /** Records the stored evidence id on the campaign (only where none is recorded yet). */
  keep: (tx: Tx, evidenceId: string) => Promise<unknown>;
}

/**
 * Stores each export a finished campaign still lacks, and records its id at once in its own
 * transaction, so a retry after a crash stores only what is missing.
 */
export async function addGeneratedExports(
  ctx: AppContext,
  orgId: string,
  by: { userId: string; email: string },
  exports: GeneratedExport[],
  meta: RequestMeta,
): Promise<void> {
  for (const item of exports) {
    if (item.done) continue;
    const evidence = await addGeneratedEvidence(ctx, orgId, by, await item.file(), meta);
    await withScope(ctx.database, { orgId, userId: by.userId }, (tx) => item.keep(tx, evidence.id));
  }
}
