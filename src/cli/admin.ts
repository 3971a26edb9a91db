import { CLI_META } from '../context.js';
import { loadMigrations } from '../db/migrate.js';
import { withScope } from '../db/tenancy.js';
import { exportAuditCsv, recordAudit, recordSystemAudit } from '../modules/audit/service.js';
import { seedCoverageOf } from '../modules/controls/service.js';
import type { OrgSummary } from '../modules/orgs/service.js';
import { initOrganisation } from '../modules/orgs/service.js';
import type { FrameworkImportArgs } from '../modules/oscal/cli.js';
import type { ScimTokenArgs } from '../modules/scim/cli.js';
import type { Runtime } from '../runtime.js';

// The commands' own modules (the demo with its PDFs, bundles, OSCAL, backups, QR codes) load
// when a command runs: the server imports this table for its admin socket, and memory it
// would hold for a command run once a year is memory every request pays for.

/**
 * Administrative commands run on the database itself (as `init` does): directly when no
 * server holds the data directory, or inside the running server through its admin socket.
 * They return lines to print, so both paths print the same thing.
 */
export interface AdminOutput {
  lines: string[];
  error?: string;
  /** A file's content for the CLI to write where the user asked (it may run elsewhere). */
  file?: string;
}

/**
 * The organisation a command acts on: `--org SLUG`, else the only one, else the default set
 * by `attest demo`. Runs as the owning role, as the operator of the instance.
 */
export async function resolveOrg(rt: Runtime, slug?: string): Promise<OrgSummary> {
  const { rows } = await rt.database.query('SELECT id, slug, name FROM organizations ORDER BY slug');
  const orgs = rows as unknown as OrgSummary[];
  if (slug) {
    const found = orgs.find((o) => o.slug === slug);
    if (!found)
      throw new Error(`There is no organisation "${slug}". Known: ${orgs.map((o) => o.slug).join(', ') || 'none'}.`);
    return found;
  }
  if (orgs.length === 1 && orgs[0]) return orgs[0];
  const fallback = await rt.database.query(`SELECT value FROM instance_settings WHERE key = 'default_org'`);
  const preferred = orgs.find((o) => o.slug === fallback.rows[0]?.value);
  if (preferred) return preferred;
  throw new Error(
    orgs.length === 0
      ? 'There is no organisation yet: create one with `attest init`.'
      : `Choose an organisation with --org SLUG (one of: ${orgs.map((o) => o.slug).join(', ')}).`,
  );
}

async function auditExport(rt: Runtime, args: { org?: string; from?: string; to?: string }): Promise<AdminOutput> {
  const org = await resolveOrg(rt, args.org);
  const range = {
    from: args.from ? parseDate(args.from, '--from') : undefined,
    to: args.to ? parseDate(args.to, '--to') : undefined,
  };
  const { csv, rows } = await withScope(rt.database, { orgId: org.id }, async (tx) => {
    const out = await exportAuditCsv(tx, range);
    await recordAudit(tx, org.id, { userId: null, label: 'attest-cli' }, CLI_META, rt.clock.now(), {
      action: 'audit.exported',
      details: { ...args, rows: out.rows, via: 'cli' },
    });
    return out;
  });
  return { lines: [`Exported ${rows} audit events of ${org.name} (${org.slug}).`], file: csv };
}

async function coverage(rt: Runtime, args: { org?: string }): Promise<AdminOutput> {
  const org = await resolveOrg(rt, args.org);
  const { lines, uncovered } = await withScope(rt.database, { orgId: org.id }, (tx) =>
    seedCoverageOf(tx, org.id, rt.clock.now()),
  );
  const width = Math.max(...lines.map((l) => l.id.length));
  const out = [`Seed coverage of ${org.name} (${org.slug}):`, ''];
  for (const line of lines) {
    const controls = line.controls.map((c) => `${c.key} (${c.health.replace('_', ' ')})`).join(', ');
    out.push(`${line.id.padEnd(width)}  ${controls || 'UNCOVERED'}`);
  }
  out.push('', `uncovered: ${uncovered}`);
  return uncovered > 0 ? { lines: out, error: `${uncovered} seed line(s) have no control.` } : { lines: out };
}

function parseDate(value: string, flag: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new Error(`${flag} "${value}" is not a date: use YYYY-MM-DD or an ISO time.`);
  return d;
}

export interface InitArgs {
  org: string;
  slug?: string;
  email: string;
  name?: string;
  password: string;
  url: string;
}

async function init(rt: Runtime, args: InitArgs): Promise<AdminOutput> {
  const result = await initOrganisation(rt, args, CLI_META);
  const lines = [
    `Created the organisation "${result.organisation.name}" (slug ${result.organisation.slug}) with owner ${args.email.toLowerCase()}${result.createdUser ? '' : ' (existing account)'}.`,
  ];
  if (result.otpauthUri) {
    lines.push(
      '',
      'Two-factor authentication is required for owners. Add this to your authenticator app',
      '(or scan the QR code Attest shows after your first sign-in):',
      '',
      result.otpauthUri,
      '',
      await (await import('qrcode')).default.toString(result.otpauthUri, { type: 'terminal', small: true }),
    );
  }
  lines.push(`Sign in at ${args.url}`);
  return { lines };
}

async function demo(rt: Runtime, args: { url: string }): Promise<AdminOutput> {
  const { seedDemo } = await import('../modules/demo/seed.js');
  const seeded = await seedDemo(rt);
  return {
    lines: [
      `The demo organisation "${seeded.organisation.name}" (slug ${seeded.organisation.slug}) is ready, with ${seeded.people} people and sample activity.`,
      '',
      `Sign in at ${args.url}`,
      `  email:    ${seeded.owner.email}`,
      `  password: ${seeded.owner.password}`,
      '',
      'At your first sign-in Attest asks you to set up an authenticator app (a QR code to scan).',
      `Its published trust center: ${new URL(`/trust/${seeded.organisation.slug}`, args.url)}`,
      'Run `attest demo` again for a new password; other organisations are not touched.',
    ],
  };
}

async function migrateCommand(_rt: Runtime): Promise<AdminOutput> {
  // Opening the runtime has applied every pending migration already.
  const all = loadMigrations();
  return {
    lines: [`The database schema is up to date (${all.length} migrations, latest ${all.at(-1)?.name ?? 'none'}).`],
  };
}

async function frameworkImport(rt: Runtime, args: FrameworkImportArgs): Promise<AdminOutput> {
  const { frameworkImportCommand } = await import('../modules/oscal/cli.js');
  return { lines: [await frameworkImportCommand(rt, await resolveOrg(rt, args.org), args)] };
}

async function oscalExport(rt: Runtime, args: { kind: string; org?: string }): Promise<AdminOutput> {
  const { oscalExportCommand } = await import('../modules/oscal/cli.js');
  const { line, file } = await oscalExportCommand(rt, await resolveOrg(rt, args.org), args.kind);
  return { lines: [line], file };
}

/** `attest keys rotate`: a new key term at both levels of the keyring; recorded in the system audit log. */
async function keysRotate(rt: Runtime): Promise<AdminOutput> {
  const now = rt.clock.now();
  const result = await rt.keyring.rotate(now, (tx, done) =>
    recordSystemAudit(tx, 'attest-cli', CLI_META, now, 'keys.rotated', { ...done }),
  );
  return {
    lines: [
      `Rotated the keyring: new key-encrypting term ${result.kekTerm}, a new data-key term for ${result.organisations} organisation(s), ${result.rewrapped} data key(s) re-wrapped.`,
      'New files use the new terms; files written under older terms stay readable.',
    ],
  };
}

/** `attest keys status`: the key terms at both levels and how many data keys each KEK term wraps. */
async function keysStatus(rt: Runtime): Promise<AdminOutput> {
  const status = await rt.keyring.status();
  const { rows } = await rt.database.query('SELECT id, slug FROM organizations');
  const slugs = new Map(rows.map((r) => [String(r.id), String(r.slug)]));
  const newestKek = status.kekTerms.at(-1)?.term;
  const lines = ['Key-encrypting keys (wrapped under the master key):'];
  for (const k of status.kekTerms) {
    lines.push(
      `  term ${k.term}  created ${k.createdAt}  wraps ${k.wraps} data key(s)${k.term === newestKek ? '  (current)' : ''}`,
    );
  }
  lines.push('Organisation data keys:');
  if (status.organisations.length === 0)
    lines.push('  none yet (each is created when its organisation first stores a file)');
  for (const org of status.organisations) {
    const current = org.terms.at(-1);
    lines.push(
      `  ${slugs.get(org.orgId) ?? org.orgId}  terms ${org.terms.map((t) => t.term).join(', ')}  (current ${current?.term}, created ${current?.createdAt})`,
    );
  }
  return { lines };
}

async function evidenceExport(
  rt: Runtime,
  args: { org?: string; from?: string; to?: string; out: string },
): Promise<AdminOutput> {
  const { evidenceExportCommand } = await import('../modules/evidence/cli.js');
  return { lines: [await evidenceExportCommand(rt, await resolveOrg(rt, args.org), args)] };
}

/** `attest scim token [--create]`: the organisation's SCIM tokens, or a new one (shown once). */
async function scimToken(rt: Runtime, args: ScimTokenArgs): Promise<AdminOutput> {
  const { scimTokenCommand } = await import('../modules/scim/cli.js');
  return { lines: await scimTokenCommand(rt, await resolveOrg(rt, args.org), args) };
}

/** `attest backup --out FILE`: the whole instance into one encrypted file (src/backup). */
async function backup(rt: Runtime, args: { out: string }): Promise<AdminOutput> {
  const { backupCommand } = await import('../backup/cli.js');
  return { lines: await backupCommand(rt, args) };
}

/** The result of `attest restore --verify`, recorded in the instance that made the backup. */
async function backupRecordVerify(rt: Runtime, args: Record<string, unknown>): Promise<AdminOutput> {
  const { recordVerifyCommand } = await import('../backup/cli.js');
  return { lines: await recordVerifyCommand(rt, args) };
}

export const ADMIN_COMMANDS = {
  init,
  demo,
  migrate: migrateCommand,
  'framework-import': frameworkImport,
  'oscal-export': oscalExport,
  'audit-export': auditExport,
  'evidence-export': evidenceExport,
  coverage,
  'keys-rotate': keysRotate,
  'keys-status': keysStatus,
  'scim-token': scimToken,
  backup,
  'backup-record-verify': backupRecordVerify,
} satisfies Record<string, (rt: Runtime, args: never) => Promise<AdminOutput>>;

export type AdminCommandName = keyof typeof ADMIN_COMMANDS;
