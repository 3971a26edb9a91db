import type { Health, RequirementStatus } from './api';

/** How a derived control health reads and looks everywhere in the app. */
export const HEALTH_LABEL: Record<Health, { label: string; color: string }> = {
  passing: { label: 'Passing', color: 'teal' },
  failing: { label: 'Failing', color: 'red' },
  attention: { label: 'Needs attention', color: 'orange' },
  not_implemented: { label: 'Not implemented', color: 'gray' },
  not_applicable: { label: 'Not applicable', color: 'blue' },
};

export const REQUIREMENT_LABEL: Record<RequirementStatus, { label: string; color: string }> = {
  met: { label: 'Met', color: 'teal' },
  failing: { label: 'Failing', color: 'red' },
  in_progress: { label: 'In progress', color: 'yellow' },
  gap: { label: 'No control', color: 'gray' },
  not_applicable: { label: 'Not applicable', color: 'blue' },
};

/** The policy templates controls link to; organisations may add their own keys. */
export const POLICY_KEYS = [
  'information-security',
  'access-control',
  'encryption',
  'incident-response',
  'business-continuity',
  'vendor-management',
  'risk-management',
  'acceptable-use',
  'data-classification',
  'personnel-security',
  'secure-development',
  'logging-monitoring',
  'vulnerability-management',
];
