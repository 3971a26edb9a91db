import type { Tx } from '../../db/tenancy.js';
import { ledgerOrigin } from '../../ledger/checkpoint.js';
import { latestCheckpoint, orgVerifierKey } from '../../ledger/service.js';
import { latestAssessments } from '../assessments/latest.js';
import { controlHealths } from '../readiness/service.js';
import { listTrustCenterDocuments, type TrustCenterDocument } from '../trust-documents/published.js';
import { listSubprocessors } from '../vendors/exports.js';
import { itemInPlace, trustCatalogue } from './catalogue.js';
import type { TrustSettings } from './settings.js';

export interface TrustViewItem {
  key: string;
  title: string;
  text: string;
  /** True only while every control behind the item passes. */
  inPlace: boolean;
}

/**
 * Everything the public page shows, and nothing else: hidden sections and blocks are left out
 * here, so neither the HTML nor the JSON can carry them. Optional blocks are absent when hidden.
 */
export interface TrustView {
  organisation: { name: string; slug: string };
  title: string;
  overview: string;
  contact: { email: string | null; url: string | null };
  languages: string[];
  /** When this copy was published; null in a preview. */
  publishedAt: string | null;
  /** When the live state behind the page was read. */
  checkedAt: string;
  sections: { key: string; title: string; items: TrustViewItem[] }[];
  certifications?: { name: string; date: string; assessor: string | null; window: string | null }[];
  assessments?: { kind: 'pentest' | 'vulnerability_assessment' | 'soc2'; label: string; date: string }[];
  subprocessors?: { name: string; purpose: string; website: string | null; regions: string[] }[];
  regions?: string[];
  documents?: TrustCenterDocument[];
  updates?: { date: string; title: string; body: string }[];
  ledger?: { origin: string; size: number; signedAt: string; checkpoint: string; verifierKey: string } | null;
}

const ASSESSMENT_LABELS = {
  pentest: 'Penetration test',
  vulnerability_assessment: 'Vulnerability assessment',
  soc2: 'SOC 2 audit',
} as const;

/** Reads the live state an organisation's settings call for (in its tenant transaction). */
export async function buildTrustView(
  tx: Tx,
  org: { orgId: string; slug: string; name: string },
  settings: TrustSettings,
  publishedAt: string | null,
  now: Date,
): Promise<TrustView> {
  const show = settings.show;
  const hiddenSections = new Set(settings.hiddenSections);
  const hiddenItems = new Set(settings.hiddenItems);
  const healths = new Map((await controlHealths(tx, now)).map((c) => [c.key, c.health]));

  const sections = trustCatalogue()
    .filter((s) => !hiddenSections.has(s.key))
    .map((s) => ({
      key: s.key,
      title: s.title,
      items: s.items
        .filter((i) => !hiddenItems.has(`${s.key}.${i.key}`))
        .map((i) => ({ key: i.key, title: i.title, text: i.text, inPlace: itemInPlace(i.controls, healths) }))
        .filter((i) => i.inPlace || !settings.hideNotInPlace),
    }))
    .filter((s) => s.items.length > 0);

  const view: TrustView = {
    organisation: { name: org.name, slug: org.slug },
    title: settings.title,
    overview: settings.overview,
    contact: { email: settings.contactEmail, url: settings.contactUrl },
    languages: settings.languages,
    publishedAt,
    checkedAt: now.toISOString(),
    sections,
  };

  if (show.certifications || show.assessments) {
    const latest = await latestAssessments(tx);
    if (show.certifications) {
      view.certifications = latest
        .filter((a) => a.kind === 'soc2')
        .map((a) => ({
          name: a.type === 'type2' ? 'SOC 2 Type 2' : a.type === 'type1' ? 'SOC 2 Type 1' : 'SOC 2',
          date: a.reportDate ?? a.date,
          assessor: a.assessor,
          window: a.windowStart && a.windowEnd ? `${a.windowStart} to ${a.windowEnd}` : null,
        }));
    }
    if (show.assessments) {
      view.assessments = latest.map((a) => ({ kind: a.kind, label: ASSESSMENT_LABELS[a.kind], date: a.date }));
    }
  }
  if (show.subprocessors || show.regions) {
    const subprocessors = await listSubprocessors(tx);
    if (show.subprocessors) {
      view.subprocessors = subprocessors.map((s) => ({
        name: s.name,
        purpose: s.purpose,
        website: s.website,
        regions: s.regions,
      }));
    }
    if (show.regions) {
      const all = [...subprocessors.flatMap((s) => s.regions), ...settings.regions];
      view.regions = [...new Set(all.map((r) => r.trim()).filter(Boolean))].sort((a, b) => a.localeCompare(b));
    }
  }
  if (show.documents) view.documents = await listTrustCenterDocuments(tx, org.orgId, org.slug);
  if (show.updates) view.updates = settings.updates.map((u) => ({ date: u.date, title: u.title, body: u.body }));
  if (show.ledger) {
    const checkpoint = await latestCheckpoint(tx, org.orgId);
    view.ledger = checkpoint
      ? {
          origin: ledgerOrigin(org.orgId),
          size: checkpoint.size,
          signedAt: checkpoint.createdAt,
          checkpoint: checkpoint.note,
          verifierKey: await orgVerifierKey(tx, org.orgId),
        }
      : null;
  }
  return view;
}
