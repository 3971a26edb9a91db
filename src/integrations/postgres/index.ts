import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import pg from 'pg';
import type { DatabaseData, InventoryRecord, ParsedPush } from '../types.js';

export const POSTGRES_PROBE_DESCRIPTION =
  'Connects to the PostgreSQL server with the URL given and reads the server version and the settings ' +
  'ssl, password_encryption, log_connections, log_disconnections and log_statement, and whether its own ' +
  'connection is encrypted (pg_stat_ssl). It needs only a role that can log in; it changes nothing. ' +
  'Credentials are never stored or shown.';

export const POSTGRES_PROBE_FORMAT = 'PostgreSQL probe';

export interface PostgresProbeOptions {
  /** For connecting and for each query. Default 5 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const MAX_SCOPE_LENGTH = 200;

type Settings = Omit<DatabaseData, 'host' | 'port' | 'error'>;

const NO_SETTINGS: Settings = {
  version: null,
  ssl: null,
  connectionEncrypted: null,
  passwordEncryption: null,
  logConnections: null,
  logDisconnections: null,
  logStatement: null,
};

/**
 * Probes one server (scope `postgres:<host>:<port>`, one `database` record). A server that
 * cannot be reached, or refuses the login, is a record with `error` set; a setting that cannot
 * be read is null with a warning. Throws only when the URL itself cannot be read.
 */
export async function probePostgres(url: string, options: PostgresProbeOptions = {}): Promise<ParsedPush> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = createClient(url, timeoutMs);
  const redact = redactor(url, client.password);
  const host = client.host;
  const port = client.port;
  const database = client.database ?? '';
  const serverId = hostPort(host, port);
  const warnings: string[] = [];
  // A server that drops an idle connection emits 'error' on the client; without a listener it would crash us.
  client.on('error', () => undefined);

  let data: DatabaseData;
  try {
    await client.connect();
  } catch (error) {
    data = {
      host,
      port,
      error: `Could not connect to ${serverId}/${database}: ${describeError(error, redact)}.`,
      ...NO_SETTINGS,
    };
    await closeQuietly(client);
    return push(serverId, database, data, warnings);
  }
  try {
    data = { host, port, error: null, ...(await readSettings(client, (warning) => warnings.push(redact(warning)))) };
  } finally {
    await closeQuietly(client);
  }
  return push(serverId, database, data, warnings);
}

/** The URL without its password, for logs and messages. Unreadable URLs give a placeholder. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unreadable PostgreSQL URL)';
  }
}

function createClient(url: string, timeoutMs: number): pg.Client {
  try {
    return new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      statement_timeout: timeoutMs,
      application_name: 'attest-probe',
    });
  } catch {
    // The parser's message may quote the URL, password included: say what is wrong without it.
    throw new Error('The PostgreSQL URL could not be read; expected postgres://user@host:port/database.');
  }
}

async function readSettings(client: pg.Client, warn: (message: string) => void): Promise<Settings> {
  const show = async (setting: string): Promise<string | null> => {
    try {
      const result = await client.query<Record<string, string>>(`SHOW ${setting}`);
      return result.rows[0]?.[setting] ?? null;
    } catch (error) {
      warn(`Could not read ${setting}: ${messageOf(error)}.`);
      return null;
    }
  };
  // One at a time: a client runs one query at once anyway, and the order keeps warnings stable.
  const version = await show('server_version');
  const ssl = await show('ssl');
  const passwordEncryption = await show('password_encryption');
  const logConnections = await show('log_connections');
  const logDisconnections = await show('log_disconnections');
  const logStatement = await show('log_statement');
  return {
    version,
    ssl: settingEnabled(ssl),
    connectionEncrypted: await connectionEncrypted(client, warn),
    passwordEncryption,
    logConnections: settingEnabled(logConnections),
    logDisconnections: settingEnabled(logDisconnections),
    logStatement,
  };
}

async function connectionEncrypted(client: pg.Client, warn: (message: string) => void): Promise<boolean | null> {
  try {
    const result = await client.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    return result.rows[0]?.ssl ?? null;
  } catch (error) {
    warn(`Could not read pg_stat_ssl: ${messageOf(error)}.`);
    return null;
  }
}

/**
 * A boolean setting as SHOW prints it. PostgreSQL 18 turned log_connections into a list of
 * aspects ("receipt,authentication"); any non-empty list means connections are logged.
 */
export function settingEnabled(value: string | null): boolean | null {
  if (value === null) return null;
  const normalized = value.trim().toLowerCase();
  if (['on', 'true', 'yes', '1', 'all'].includes(normalized)) return true;
  if (['off', 'false', 'no', '0', ''].includes(normalized)) return false;
  return /^[a-z_]+(\s*,\s*[a-z_]+)*$/.test(normalized) ? true : null;
}

function push(serverId: string, database: string, data: DatabaseData, warnings: string[]): ParsedPush {
  const id = `${serverId}/${database}`;
  const record: InventoryRecord<'database'> = { type: 'database', externalId: id, name: id, data };
  return {
    format: POSTGRES_PROBE_FORMAT,
    scopes: [{ scope: boundedScope(`postgres:${serverId}`), records: [record] }],
    warnings,
  };
}

/** host:port, with an IPv6 address in brackets so the port stays readable. */
function hostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Scopes are at most 200 characters; a longer one keeps its start and a hash so it stays unique. */
function boundedScope(scope: string): string {
  if (scope.length <= MAX_SCOPE_LENGTH) return scope;
  const hash = createHash('sha256').update(scope).digest('hex').slice(0, 16);
  return `${scope.slice(0, MAX_SCOPE_LENGTH - hash.length - 1)}#${hash}`;
}

function describeError(error: unknown, redact: (text: string) => string): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED') return 'the connection was refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name could not be resolved';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'the host is unreachable';
  return redact(messageOf(error));
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
}

/**
 * Removes the password (as typed and URL-encoded) and the URL itself from a message. pg's
 * messages do not normally quote either, but a driver or proxy error could, and these
 * messages end up stored and shown.
 */
function redactor(url: string, password: unknown): (text: string) => string {
  const secrets = [url];
  if (typeof password === 'string' && password !== '') {
    secrets.push(password, encodeURIComponent(password));
    try {
      secrets.push(decodeURIComponent(password));
    } catch {
      // A password that is not valid percent-encoding has no decoded form to hide.
    }
  }
  const unique = [...new Set(secrets)].sort((a, b) => b.length - a.length);
  return (text) => unique.reduce((result, secret) => result.split(secret).join('***'), text);
}

async function closeQuietly(client: pg.Client): Promise<void> {
  try {
    await client.end();
  } catch {
    // Already closed (a failed connection): nothing left to release.
  }
}
