import { request } from '../api';

/** The contract of src/modules/trust (routes.ts, settings.ts, view.ts), as the trust center page reads it. */

export const SHOWABLE = [
  'certifications',
  'assessments',
  'subprocessors',
  'regions',
  'documents',
  'updates',
  'ledger',
] as const;
export type Showable = (typeof SHOWABLE)[number];

export const SHOWABLE_LABEL: Record<Showable, string> = {
  certifications: 'Certifications',
  assessments: 'Dates of the latest audit, penetration test and vulnerability assessment',
  subprocessors: 'Subprocessors',
  regions: 'Data hosting regions',
  documents: 'Documents',
  updates: 'Updates',
  ledger: 'Evidence log checkpoint and its key',
};

export interface TrustUpdate {
  id: string;
  date: string;
  title: string;
  body: string;
}

export interface TrustSettings {
  title: string;
  overview: string;
  contactEmail: string | null;
  contactUrl: string | null;
  languages: string[];
  hideNotInPlace: boolean;
  hiddenSections: string[];
  hiddenItems: string[];
  show: Record<Showable, boolean>;
  regions: string[];
  updates: TrustUpdate[];
}

export interface TrustCenterState {
  draft: TrustSettings;
  hostName: string | null;
  published: TrustSettings | null;
  publishedAt: string | null;
  unpublishedAt: string | null;
  updatedAt: string | null;
  slug: string;
  publicPath: string;
  publicUrl: string | null;
  canWrite: boolean;
}

export interface CatalogueItem {
  key: string;
  title: string;
  text: string;
  controls: { key: string; health: string | null }[];
  inPlace: boolean;
}

export interface CatalogueSection {
  key: string;
  title: string;
  items: CatalogueItem[];
}

export const trustApi = {
  get: () => request<TrustCenterState>('GET', '/trust-center'),
  catalogue: () => request<{ sections: CatalogueSection[] }>('GET', '/trust-center/catalogue'),
  save: (settings: TrustSettings, hostName: string | null) =>
    request<TrustCenterState>('PUT', '/trust-center', { body: { settings, hostName } }),
  preview: () => request<{ html: string }>('GET', '/trust-center/preview'),
  publish: () => request<TrustCenterState>('POST', '/trust-center/publish'),
  unpublish: () => request<TrustCenterState>('POST', '/trust-center/unpublish'),
};
