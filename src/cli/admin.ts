import QRCode from 'qrcode';
import { CLI_META } from '../context.js';
import { loadMigrations } from '../db/migrate.js';
import { seedDemo } from '../modules/demo/seed.js';
import { initOrganisation } from '../modules/orgs/service.js';
import type { Runtime } from '../runtime.js';

/**
 * Administrative commands run on the database itself (as `init` does): directly when no
 * server holds the data directory, or inside the running server through its admin socket.
 * They return lines to print, so both paths print the same thing.
 */
export interface AdminOutput {
  lines: string[];
  error?: string;
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
      await QRCode.toString(result.otpauthUri, { type: 'terminal', small: true }),
    );
  }
  lines.push(`Sign in at ${args.url}`);
  return { lines };
}

async function demo(rt: Runtime, args: { url: string }): Promise<AdminOutput> {
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

export const ADMIN_COMMANDS = {
  init,
  demo,
  migrate: migrateCommand,
} satisfies Record<string, (rt: Runtime, args: never) => Promise<AdminOutput>>;

export type AdminCommandName = keyof typeof ADMIN_COMMANDS;
