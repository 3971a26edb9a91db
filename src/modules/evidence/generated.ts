import { Readable } from 'node:stream';
import type { AppContext, RequestMeta } from '../../context.js';
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
