/**
 * security.txt (RFC 9116): writing one for an organisation, and reading one the probe fetched.
 * CONTRACT: the trust center serves renderSecurityTxt(); the probe and the checks use parseSecurityTxt().
 */

export interface SecurityTxtFields {
  /** mailto:, https: or tel: URIs, in order of preference (at least one). */
  contact: string[];
  expires: Date;
  policy?: string[];
  acknowledgments?: string[];
  hiring?: string[];
  encryption?: string[];
  preferredLanguages?: string[];
  canonical?: string[];
}

export interface SecurityTxtReport {
  /** No errors: a file RFC 9116 accepts (warnings allowed). */
  valid: boolean;
  /** What makes it invalid, each in a sentence that says what to fix. */
  errors: string[];
  warnings: string[];
  fields: Partial<Record<string, string[]>>;
  expires: string | null;
  expired: boolean;
  signed: boolean;
}

export function renderSecurityTxt(_fields: SecurityTxtFields): string {
  throw new Error('not written yet');
}

export function parseSecurityTxt(_text: string, _now: Date): SecurityTxtReport {
  throw new Error('not written yet');
}
