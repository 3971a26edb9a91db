/** The library test's cases for the security.txt checks (security-txt.ts). */
import type { Spec } from './spec.js';

export const SECURITY_TXT_CASES: Record<string, Spec> = {};
