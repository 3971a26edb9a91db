import type { Logger } from 'pino';
import type { BlobStore } from './blobs/store.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Keyring } from './crypto/keyring.js';
import type { MasterKey } from './crypto/master-key.js';
import type { Database } from './db/connect.js';
import type { Role, SessionStage } from './db/schema.js';
import type { Mailer } from './mail.js';

/** What services need: built once by the server or the CLI and passed down. */
export interface AppContext {
  config: Config;
  database: Database;
  clock: Clock;
  keys: MasterKey;
  /** Organisation data keys (evidence files), wrapped under the master key's key-encrypting terms. */
  keyring: Keyring;
  /** Where encrypted evidence files are stored. */
  blobs: BlobStore;
  mailer: Mailer;
  log: Logger;
}

/** Where a request came from, recorded with every audit row. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export const CLI_META: RequestMeta = { ip: null, userAgent: 'attest-cli', requestId: null };
/** What scheduled jobs record as their request. */
export const SYSTEM_META: RequestMeta = { ip: null, userAgent: 'attest-jobs', requestId: null };

/** Who is acting, as the authentication layer established it. */
export interface Actor {
  userId: string;
  email: string;
  orgId: string | null;
  role: Role | null;
  stage: SessionStage;
  via: 'session' | 'token';
  sessionId?: string;
  tokenId?: string;
  tokenName?: string;
  /** API token scopes; undefined for a browser session (the role alone decides). */
  scopes?: string[];
}
