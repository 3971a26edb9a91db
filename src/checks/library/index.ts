/**
 * The built-in library of automated checks. Each check declares the controls it feeds; the
 * control library (src/content/controls.json) names the same checks, and a test keeps the two
 * in agreement.
 */
import type { Check } from '../types.js';
import { ACCESS_CHECKS } from './access.js';
import { ASSESSMENT_CHECKS } from './assessments.js';
import { CLOUD_CHECKS } from './cloud.js';
import { CODE_CHECKS } from './code.js';
import { CONTINUITY_CHECKS } from './continuity.js';
import { DATABASE_CHECKS } from './database.js';
import { DEVICE_CHECKS } from './devices.js';
import { IAM_CHECKS } from './iam.js';
import { IDENTITY_CHECKS } from './identity.js';
import { INCIDENT_CHECKS } from './incidents.js';
import { NETWORK_CHECKS } from './network.js';
import { PEOPLE_CHECKS } from './people.js';
import { RISK_CHECKS } from './risks.js';
import { SECURITY_TXT_CHECKS } from './security-txt.js';
import { TLS_CHECKS } from './tls.js';
import { VENDOR_CHECKS } from './vendors.js';
import { VULNERABILITY_CHECKS } from './vulnerabilities.js';

export const ALL_CHECKS: readonly Check[] = [
  ...IDENTITY_CHECKS,
  ...IAM_CHECKS,
  ...CODE_CHECKS,
  ...CLOUD_CHECKS,
  ...NETWORK_CHECKS,
  ...TLS_CHECKS,
  ...DATABASE_CHECKS,
  ...VULNERABILITY_CHECKS,
  ...DEVICE_CHECKS,
  ...PEOPLE_CHECKS,
  ...ACCESS_CHECKS,
  ...VENDOR_CHECKS,
  ...RISK_CHECKS,
  ...INCIDENT_CHECKS,
  ...ASSESSMENT_CHECKS,
  ...CONTINUITY_CHECKS,
  ...SECURITY_TXT_CHECKS,
];

const BY_ID: ReadonlyMap<string, Check> = new Map(ALL_CHECKS.map((check) => [check.id, check]));

export function checkById(id: string): Check | undefined {
  return BY_ID.get(id);
}
