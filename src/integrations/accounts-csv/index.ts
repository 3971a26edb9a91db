import { type CsvColumns, isEmail, label, parseBool, parseEmail, parseTime, readCsv } from '../csv/index.js';
import { type AccountData, ImportError, type InventoryRecord, type ParsedScope, type Parser } from '../types.js';

/**
 * Accounts of any system we have no connector for (Slack, a CRM, an internal admin panel),
 * exported or typed into a spreadsheet. A file may list several systems; each system is its own
 * scope, `accounts:<system>`, holding every account of that system: an account missing from the
 * next file for that system is gone, and systems the file does not mention are left alone.
 */

const COLUMNS = {
  system: ['system', 'application', 'app', 'service', 'platform', 'source'],
  email: ['email', 'e-mail', 'email address', 'user email', 'primary email'],
  username: ['username', 'user name', 'login', 'user', 'account', 'account name', 'user id'],
  displayName: ['display name', 'name', 'full name'],
  admin: ['admin', 'is admin', 'administrator', 'super admin'],
  mfa: ['mfa', 'mfa enabled', '2fa', 'two factor', 'two-factor', '2sv', 'multi-factor'],
  active: ['active', 'enabled', 'status', 'state'],
  lastLogin: ['last login', 'last login at', 'last sign in', 'last signin', 'last seen', 'last activity'],
  created: ['created', 'created at', 'created date'],
} satisfies CsvColumns<string>;

type Column = keyof typeof COLUMNS;

/** Status words that are not yes/no, as admin consoles export them. */
const ACTIVE_WORDS: ReadonlyMap<string, boolean> = new Map([
  ['active', true],
  ['suspended', false],
  ['inactive', false],
  ['deactivated', false],
  ['deprovisioned', false],
  ['locked', false],
  ['archived', false],
  ['deleted', false],
]);

const SCOPE_MAX = 200;

export const parseAccountsCsv: Parser = (input) => {
  const table = readCsv<Column>(input, {
    columns: COLUMNS,
    required: ['system'],
    what: 'an accounts list (system, email or username, admin, mfa, active, last login)',
  });
  if (!table.present.has('email') && !table.present.has('username')) {
    throw new ImportError(
      "This accounts list has neither an 'email' nor a 'username' column: add at least one so each account can be told apart.",
    );
  }

  const scopes = new Map<string, InventoryRecord<'account'>[]>();
  const lineById = new Map<string, number>();
  for (const { line, values } of table.rows) {
    const system = values.system.toLowerCase();
    if (system === '')
      throw new ImportError(
        `line ${line}: '${label(COLUMNS, 'system')}' is empty (name the system the account is in).`,
      );
    const record = accountOf(values, line);

    const key = `${system}\n${record.externalId}`;
    const earlier = lineById.get(key);
    if (earlier !== undefined) {
      throw new ImportError(
        `lines ${earlier} and ${line} both list ${record.externalId} in ${system}: keep one row per account.`,
      );
    }
    lineById.set(key, line);

    const scope = `accounts:${system}`.slice(0, SCOPE_MAX);
    const records = scopes.get(scope);
    if (records) records.push(record);
    else scopes.set(scope, [record]);
  }

  const parsed: ParsedScope[] = [...scopes].map(([scope, records]) => ({ scope, records }));
  return { format: 'Accounts list (CSV)', scopes: parsed, warnings: [] };
};

function accountOf(values: Record<Column, string>, line: number): InventoryRecord<'account'> {
  const username = values.username;
  let email = parseEmail(values.email, line, label(COLUMNS, 'email'));
  // A username that is an address is the account's email (Google, Slack, most SaaS sign-ins).
  if (!email && isEmail(username)) email = username.toLowerCase();
  if (!email && username === '') {
    throw new ImportError(`line ${line}: the account has neither an email nor a username: fill in one of them.`);
  }
  const data: AccountData = {
    provider: 'csv',
    email,
    username: username || (email ?? ''),
    displayName: values.displayName || null,
    // The file is a list of accounts someone chose to give us: an empty cell means "not an
    // admin" and "active" as the system would show it, since the type has no "unknown" here.
    isAdmin: parseBool(values.admin, line, label(COLUMNS, 'admin')) ?? false,
    isRoot: false,
    active: active(values.active, line) ?? true,
    mfaEnabled: parseBool(values.mfa, line, label(COLUMNS, 'mfa')),
    mfaEnforced: null,
    passwordEnabled: null,
    lastLoginAt: parseTime(values.lastLogin, line, label(COLUMNS, 'lastLogin')),
    createdAt: parseTime(values.created, line, label(COLUMNS, 'created')),
    accessKeys: [],
  };
  return {
    type: 'account',
    // Sign-in names are case-insensitive in the systems this list stands for.
    externalId: data.username.toLowerCase(),
    name: data.displayName ?? data.email ?? data.username,
    data,
  };
}

function active(value: string, line: number): boolean | null {
  const word = ACTIVE_WORDS.get(value.trim().toLowerCase());
  if (word !== undefined) return word;
  try {
    return parseBool(value, line, label(COLUMNS, 'active'));
  } catch {
    throw new ImportError(
      `line ${line}: '${label(COLUMNS, 'active')}' is '${value}' (use yes/no, or active/suspended).`,
    );
  }
}
