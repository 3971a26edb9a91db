/**
 * security.txt (RFC 9116): writing one for an organisation, and reading one the probe fetched.
 * CONTRACT: the trust center serves renderSecurityTxt(); the probe and the checks use parseSecurityTxt().
 */

export { type ParseOptions, parseSecurityTxt } from './parse.js';
export { renderSecurityTxt, SecurityTxtFieldsError } from './render.js';

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
  /** Every field's values by lower-cased name ("contact", "preferred-languages"), unknown ones too. */
  fields: Partial<Record<string, string[]>>;
  /** Expires as an ISO time (UTC), or null when missing or unreadable. */
  expires: string | null;
  expired: boolean;
  /** An OpenPGP cleartext-signed file: its signed text was read, the signature NOT verified. */
  signed: boolean;
}
