/** Checks over the security.txt (RFC 9116) the TLS probe fetched from each HTTPS endpoint. */
import type { Check } from '../types.js';

export const SECURITY_TXT_CHECKS: readonly Check[] = [];
