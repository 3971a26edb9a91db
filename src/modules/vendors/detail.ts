/**
 * A vendor's page: the vendor with its reviews, documents, questionnaire links (with the
 * answers) and, for those who may read it, its history from the audit log.
 */
import type { Tx } from '../../db/tenancy.js';
import { iso } from '../../db/time.js';
import { seesRecords, type VendorActor } from './access.js';
import { listDocuments, type VendorDocument } from './documents.js';
import { listQuestionnaires, type Questionnaire } from './questionnaires.js';
import { getVendor, type Vendor } from './read.js';
import { listReviews, type VendorReview } from './reviews.js';

export interface HistoryItem {
  id: string;
  at: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

export interface VendorDetail extends Vendor {
  reviews: VendorReview[];
  documents: VendorDocument[];
  questionnaires: Questionnaire[];
  /** Owners, admins, auditors and the vendor's owner; null for others. */
  history: HistoryItem[] | null;
}

const HISTORY_LIMIT = 200;

export async function vendorHistory(tx: Tx, vendorId: string): Promise<HistoryItem[]> {
  const rows = await tx
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor', 'action', 'details'])
    .where('target_type', '=', 'vendor')
    .where('target_id', '=', vendorId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(HISTORY_LIMIT)
    .execute();
  return rows.map((r) => ({ id: String(r.id), at: iso(r.at), actor: r.actor, action: r.action, details: r.details }));
}

export async function vendorDetail(tx: Tx, actor: VendorActor, id: string, now: Date): Promise<VendorDetail> {
  const vendor = await getVendor(tx, actor, id, now);
  return {
    ...vendor,
    reviews: await listReviews(tx, id),
    documents: await listDocuments(tx, id),
    questionnaires: await listQuestionnaires(tx, id, now),
    history: seesRecords(actor, vendor.owner?.id ?? null) ? await vendorHistory(tx, id) : null,
  };
}
