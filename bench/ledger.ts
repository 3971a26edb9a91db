/**
 * The evidence ledger: appending leaves (each in its own transaction by default, as a business
 * transaction would), building inclusion proofs for every leaf of one checkpoint, and verifying
 * offline a bundle with all of them. Not wired into bench/run.ts: call `benchLedger` from there.
 */
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Keyring } from '../src/crypto/keyring.js';
import { MasterKey } from '../src/crypto/master-key.js';
import type { Database } from '../src/db/connect.js';
import { withScope } from '../src/db/tenancy.js';
import { ledgerOrigin } from '../src/ledger/checkpoint.js';
import {
  appendManyToLedger,
  appendToLedger,
  makeCheckpoint,
  orgVerifierKey,
  proofBundle,
} from '../src/ledger/service.js';
import { verifyBundleLedger } from '../src/ledger/verify.js';
import { createTestDatabase, type Engine } from '../test/helpers/db.js';

export interface LedgerBenchOptions {
  /** Leaves appended (default 100,000). */
  leaves?: number;
  /** Leaves per transaction (default 1: one business transaction per leaf; more: appendManyToLedger). */
  perTransaction?: number;
}

export interface LedgerBenchResult {
  engine: Engine;
  leaves: number;
  perTransaction: number;
  appendSeconds: number;
  appendsPerSecond: number;
  checkpointMs: number;
  /** One leaf's proof, from the database (loads the tree of the checkpoint). */
  singleProofMs: number;
  /** Every leaf's proof in one call (one tree, then O(log n) per proof). */
  allProofsMs: number;
  /** verifyBundleLedger over a manifest listing every leaf. */
  verifyAllMs: number;
  verifiedOk: boolean;
}

/** Appends `n` leaves to the organisation's ledger, `perTransaction` per transaction. */
export async function appendLeaves(database: Database, orgId: string, n: number, perTransaction = 1): Promise<void> {
  const at = new Date();
  for (let done = 0; done < n; ) {
    const batch = Math.min(perTransaction, n - done);
    const entries = Array.from({ length: batch }, (_, i) => {
      const refId = `bench-${done + i}`;
      return { kind: 'evidence', refId, contentHash: createHash('sha256').update(refId).digest('hex') };
    });
    await withScope(database, { orgId }, async (tx) => {
      if (batch === 1) await appendToLedger(tx, orgId, entries[0] as (typeof entries)[number], at);
      else await appendManyToLedger(tx, orgId, entries, at);
    });
    done += batch;
  }
}

export async function benchLedger(engine: Engine, options: LedgerBenchOptions = {}): Promise<LedgerBenchResult> {
  const leaves = options.leaves ?? 100_000;
  const perTransaction = options.perTransaction ?? 1;
  const { database, drop } = await createTestDatabase(engine);
  try {
    const keys = { keyring: await Keyring.open(database, MasterKey.generate(), new Date()) };
    const orgId = randomUUID();
    await withScope(database, { orgId }, (tx) =>
      tx
        .insertInto('organizations')
        .values({ id: orgId, slug: `bench-${orgId.slice(0, 8)}`, name: 'Bench' })
        .execute(),
    );

    let started = performance.now();
    await appendLeaves(database, orgId, leaves, perTransaction);
    const appendSeconds = (performance.now() - started) / 1000;

    started = performance.now();
    const checkpoint = await withScope(database, { orgId }, (tx) => makeCheckpoint(tx, orgId, new Date(), keys));
    const checkpointMs = performance.now() - started;

    started = performance.now();
    await withScope(database, { orgId }, (tx) => proofBundle(tx, orgId, [Math.floor(leaves / 2)], checkpoint.size));
    const singleProofMs = performance.now() - started;

    started = performance.now();
    const all = Array.from({ length: leaves }, (_, i) => i);
    const { bundle, verifierKey } = await withScope(database, { orgId }, async (tx) => ({
      bundle: await proofBundle(tx, orgId, all, checkpoint.size),
      verifierKey: await orgVerifierKey(tx, orgId),
    }));
    const allProofsMs = performance.now() - started;

    started = performance.now();
    const verdict = verifyBundleLedger({
      orgId,
      origin: ledgerOrigin(orgId),
      verifierKey,
      checkpoint: checkpoint.note,
      items: bundle.leaves,
    });
    const verifyAllMs = performance.now() - started;

    return {
      engine,
      leaves,
      perTransaction,
      appendSeconds: round(appendSeconds),
      appendsPerSecond: Math.round(leaves / appendSeconds),
      checkpointMs: round(checkpointMs),
      singleProofMs: round(singleProofMs),
      allProofsMs: round(allProofsMs),
      verifyAllMs: round(verifyAllMs),
      verifiedOk: verdict.checkpoint.ok && verdict.items.every((i) => i.ok),
    };
  } finally {
    await drop();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
