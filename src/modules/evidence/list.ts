import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/tenancy.js';
import { latestCheckpoint, proofBundle } from '../../ledger/service.js';
import { leafContentHash, leafProofVerifies } from './ledger-view.js';
import {
  type EvidenceActor,
  type EvidenceFilter,
  type EvidenceItem,
  type EvidenceRow,
  evidenceRow,
  type LedgerState,
  listEvidenceRows,
  toItem,
} from './service.js';

/**
 * Each row's ledger state: `verified` when its leaf's inclusion proof leads to the root of the
 * latest signed checkpoint and the leaf commits to the row's SHA-256; `pending` when no
 * checkpoint covers its index yet; `failed` otherwise (the log and the row disagree).
 */
export async function ledgerStates(
  tx: Tx,
  ctx: AppContext,
  orgId: string,
  rows: EvidenceRow[],
): Promise<LedgerState[]> {
  const checkpoint = await latestCheckpoint(tx, orgId);
  const size = checkpoint ? Number(checkpoint.size) : 0;
  const covered = rows.filter((r) => !r.erased_at && Number(r.ledger_index) < size);
  const proofs = new Map<number, { leafData: string; proof: string[] }>();
  let root = '';
  if (checkpoint && covered.length > 0) {
    const bundle = await proofBundle(
      tx,
      orgId,
      covered.map((r) => Number(r.ledger_index)),
      size,
    );
    root = bundle.rootHash;
    for (const leaf of bundle.leaves) proofs.set(Number(leaf.index), leaf);
  }
  void ctx;
  return rows.map((r) => {
    const index = Number(r.ledger_index);
    if (r.erased_at) return 'erased';
    if (index >= size) return 'pending';
    const leaf = proofs.get(index);
    if (!leaf) return 'failed';
    const ok =
      leafContentHash(leaf.leafData) === r.sha256 && leafProofVerifies(index, size, leaf.leafData, leaf.proof, root);
    return ok ? 'verified' : 'failed';
  });
}

export async function listEvidence(
  tx: Tx,
  ctx: AppContext,
  actor: EvidenceActor,
  filter: EvidenceFilter,
): Promise<{ items: EvidenceItem[]; nextCursor: string | null }> {
  const { rows, nextCursor } = await listEvidenceRows(tx, actor, filter);
  const states = await ledgerStates(tx, ctx, actor.orgId, rows);
  return { items: rows.map((r, i) => toItem(r, states[i] ?? 'pending')), nextCursor };
}

export async function getEvidence(tx: Tx, ctx: AppContext, actor: EvidenceActor, id: string): Promise<EvidenceItem> {
  const row = await evidenceRow(tx, actor, id);
  const [state] = await ledgerStates(tx, ctx, actor.orgId, [row]);
  return toItem(row, state ?? 'pending');
}
