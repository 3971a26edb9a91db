/**
 * The shape of the library test's cases (library.test.ts): per check, records or contexts and
 * the outcome each must give. Areas keep their cases beside their checks (cases/<area>.ts).
 */
import type { CheckContext, Outcome, StoredRecord } from '../../types.js';

export interface Case {
  /** Record checks: the record judged. Organisation checks: none. */
  record?: StoredRecord;
  ctx?: CheckContext;
  expect: Outcome;
}

export interface Spec {
  cases: Case[];
  /** Records of the check's type that it must not judge. */
  skip?: StoredRecord[];
}

export const ok = (record: StoredRecord, ctx?: CheckContext): Case => ({ record, ctx, expect: 'pass' });
export const bad = (record: StoredRecord, ctx?: CheckContext): Case => ({ record, ctx, expect: 'fail' });
export const na = (record: StoredRecord, ctx?: CheckContext): Case => ({ record, ctx, expect: 'not_applicable' });
export const org = (expect: Outcome, ctx: CheckContext): Case => ({ ctx, expect });
