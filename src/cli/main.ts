import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { type ConfigOverrides, loadConfig } from '../config.js';
import type { addEvidenceRemote } from '../modules/evidence/cli.js';
import type { pushRemote } from '../modules/monitoring/cli.js';
import { readPassword } from './password.js';
import { callApi, type RemoteOptions } from './remote.js';
import { adminOutput, runAdmin } from './run-admin.js';
import { serveCommand } from './serve.js';

// Each command loads its own modules when it runs, so `serve` holds only the server's.

/**
 * The `attest` command. Administrative commands work on the data directory or DATABASE_URL;
 * commands that act for a user against a running server (later: evidence, import) take an
 * API token with --url/--token or ATTEST_URL/ATTEST_TOKEN.
 */
const program = new Command()
  .name('attest')
  .description('Run, prove and publish your information security program.')
  .showHelpAfterError()
  .addOption(new Option('--data <dir>', 'data directory of the embedded database').env('ATTEST_DATA'))
  .addOption(new Option('--database-url <url>', 'use this PostgreSQL server instead').env('DATABASE_URL'));

function overrides(extra: ConfigOverrides = {}): ConfigOverrides {
  const o = program.opts<{ data?: string; databaseUrl?: string }>();
  return { dataDir: o.data, databaseUrl: o.databaseUrl, ...extra };
}

const serverUrl = (port?: string) => {
  const config = loadConfig(overrides(port ? { port: Number(port) } : {}));
  return config.publicUrl ?? `${config.tlsCert ? 'https' : 'http'}://${config.host}:${config.port}`;
};

program
  .command('serve')
  .description('start the web app and API (npm start runs this)')
  .addOption(new Option('--port <port>', 'port to listen on').env('PORT'))
  .addOption(new Option('--host <host>', 'address to listen on').env('HOST'))
  .addOption(new Option('--tls-cert <file>', 'PEM certificate: serve HTTPS only').env('ATTEST_TLS_CERT'))
  .addOption(new Option('--tls-key <file>', 'PEM private key for --tls-cert').env('ATTEST_TLS_KEY'))
  .action(async (o: { port?: string; host?: string; tlsCert?: string; tlsKey?: string }) => {
    await serveCommand(
      loadConfig(
        overrides({
          port: o.port === undefined ? undefined : Number(o.port),
          host: o.host,
          tlsCert: o.tlsCert,
          tlsKey: o.tlsKey,
        }),
      ),
    );
  });

program
  .command('init')
  .description('create an organisation and its owner')
  .requiredOption('--org <name>', 'organisation name, e.g. "Acme Cloud"')
  .requiredOption('--email <email>', "owner's email")
  .option('--name <name>', "owner's full name")
  .option('--slug <slug>', 'short name used in addresses (default: from the name)')
  .option('--password-file <file>', 'read the password from this file (otherwise stdin or a prompt)')
  .addOption(new Option('--port <port>', 'port the server listens on, for the printed address').env('PORT'))
  .action(
    async (o: { org: string; email: string; name?: string; slug?: string; passwordFile?: string; port?: string }) => {
      const password = await readPassword({ passwordFile: o.passwordFile, confirm: true });
      await runAdmin(loadConfig(overrides()), 'init', {
        org: o.org,
        email: o.email,
        name: o.name,
        slug: o.slug,
        password,
        url: serverUrl(o.port),
      });
    },
  );

program
  .command('demo')
  .description('create the demo organisation with sample data and print how to sign in')
  .addOption(new Option('--port <port>', 'port the server listens on, for the printed address').env('PORT'))
  .action(async (o: { port?: string }) => {
    await runAdmin(loadConfig(overrides()), 'demo', { url: serverUrl(o.port) });
  });

program
  .command('migrate')
  .description('apply pending database migrations (start-up does this too)')
  .action(async () => {
    await runAdmin(loadConfig(overrides()), 'migrate', {});
  });

program
  .command('audit-export')
  .description("write an organisation's audit log as CSV (the export is itself audited)")
  .option('--org <slug>', 'organisation (default: the only one, or the demo organisation)')
  .option('--from <date>', 'events at or after this date (YYYY-MM-DD or ISO time)')
  .option('--to <date>', 'events before this date')
  .option('--out <file>', 'write to this file (mode 0600) instead of standard output')
  .action(async (o: { org?: string; from?: string; to?: string; out?: string }) => {
    await runAdmin(loadConfig(overrides()), 'audit-export', { org: o.org, from: o.from, to: o.to }, o.out);
  });

program
  .command('coverage')
  .description('list every seed line with the controls that cover it; ends with "uncovered: N"')
  .option('--org <slug>', 'organisation (default: the only one, or the demo organisation)')
  .action(async (o: { org?: string }) => {
    await runAdmin(loadConfig(overrides()), 'coverage', { org: o.org });
  });

const readInput = (file: string, what: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read ${what} ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
};

program
  .command('framework')
  .description('frameworks of an organisation')
  .command('import')
  .description('import an OSCAL catalog, or a profile (with --catalog), as a framework of the organisation')
  .argument('<file>', 'OSCAL catalog or profile, JSON')
  .option('--catalog <file>', "the profile's catalog, when it is not imported into the organisation yet")
  .option('--org <slug>', 'organisation (default: the only one, or the demo organisation)')
  .action(async (file: string, o: { catalog?: string; org?: string }) => {
    await runAdmin(loadConfig(overrides()), 'framework-import', {
      org: o.org,
      file,
      text: readInput(file, 'the file'),
      catalogFile: o.catalog,
      catalogText: o.catalog === undefined ? undefined : readInput(o.catalog, 'the catalog'),
    });
  });

program
  .command('oscal')
  .description('OSCAL documents of an organisation')
  .command('export')
  .description('write the SOC 2 catalog, the component definition or the system security plan as OSCAL JSON')
  .argument('<kind>', 'catalog, component-definition or ssp')
  .option('--out <file>', 'write to this file (mode 0600) instead of standard output')
  .option('--org <slug>', 'organisation (default: the only one, or the demo organisation)')
  .action(async (kind: string, o: { out?: string; org?: string }) => {
    await runAdmin(loadConfig(overrides()), 'oscal-export', { kind, org: o.org }, o.out);
  });

const keys = program.command('keys').description('the keyring that encrypts evidence files');

keys
  .command('rotate')
  .description(
    'add a new key term (master-key KEK and every organisation data key) and re-wrap; old data stays readable',
  )
  .action(async () => {
    await runAdmin(loadConfig(overrides()), 'keys-rotate', {});
  });

keys
  .command('status')
  .description('show the key terms and how many data keys each key-encrypting term wraps')
  .action(async () => {
    await runAdmin(loadConfig(overrides()), 'keys-status', {});
  });

program
  .command('backup')
  .description(
    'write an encrypted backup of the whole instance (database and evidence files) to FILE; the run is recorded',
  )
  .requiredOption('--out <file>', 'the backup file to write (mode 0600; written whole or not at all)')
  .action(async (o: { out: string }) => {
    await runAdmin(loadConfig(overrides()), 'backup', { out: resolve(o.out) });
  });

program
  .command('restore')
  .description(
    'restore a backup into an empty data directory (--data DIR) or an empty PostgreSQL database (--database-url URL); with --verify, into a scratch copy that is checked',
  )
  .argument('<file>', 'the file written by `attest backup`')
  .option(
    '--verify',
    'restore into a scratch folder, check rows, files, evidence and ledgers, and record the result in the instance here; exits 1 on any failure',
  )
  .option(
    '--key-file <file>',
    'the master key the backup was made with (default: ATTEST_MASTER_KEY, else master.key in the data directory)',
  )
  .action(async (file: string, o: { verify?: boolean; keyFile?: string }) => {
    const { instanceHere, restoreCommand, verifyCommand } = await import('../backup/cli.js');
    const config = loadConfig(overrides());
    const path = resolve(file);
    if (!o.verify) {
      for (const line of await restoreCommand(config, path, { keyFile: o.keyFile })) process.stdout.write(`${line}\n`);
      return;
    }
    const { report, startedAt, finishedAt } = await verifyCommand(config, path, { keyFile: o.keyFile });
    for (const line of report.lines) process.stdout.write(`${line}\n`);
    if (!report.ok) process.exitCode = 1;
    if (!report.backupId || !instanceHere(config)) return;
    const failures = report.lines.filter((line) => line.startsWith('FAIL')).map((line) => line.slice(6));
    const recorded = await adminOutput(config, 'backup-record-verify', {
      backupId: report.backupId,
      ok: report.ok,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      bytes: report.bytes,
      file: path,
      message: (report.ok ? (report.lines.at(-1) ?? '') : failures.join(' ')).slice(0, 2000),
    });
    for (const line of recorded.lines) process.stdout.write(`${line}\n`);
    if (recorded.error) process.stderr.write(`Not recorded: ${recorded.error}\n`);
  });

program
  .command('scim')
  .description('SCIM 2.0 provisioning from an identity provider')
  .command('token')
  .description("list the organisation's SCIM tokens, or create one with --create (shown once, with the base URL)")
  .option('--create', 'create a token with the scim scope')
  .option('--as <email>', 'the owner or admin the token acts as (default: the first owner)')
  .option('--days <n>', 'days until it expires (1 to 366)', '365')
  .option('--name <name>', 'what the token is called (default: "Identity provider (SCIM)")')
  .option('--org <slug>', 'organisation (default: the only one, or the demo organisation)')
  .action(async (o: { create?: boolean; as?: string; days: string; name?: string; org?: string }) => {
    await runAdmin(loadConfig(overrides()), 'scim-token', { ...o, days: Number(o.days), url: serverUrl() });
  });

program
  .command('whoami')
  .description('show who an API token acts as, on a running server')
  .addOption(new Option('--url <url>', 'address of the Attest server').env('ATTEST_URL'))
  .addOption(new Option('--token <token>', 'API token (atst_…)').env('ATTEST_TOKEN'))
  .action(async (o: RemoteOptions) => {
    const me = await callApi<{
      user: { email: string };
      organisation: { name: string; slug: string } | null;
      role: string | null;
    }>(o, 'GET', '/api/v1/me');
    const where = me.organisation ? ` in ${me.organisation.name} (${me.organisation.slug}) as ${me.role}` : '';
    process.stdout.write(`${me.user.email}${where}\n`);
  });

const evidence = program.command('evidence').description('the evidence vault of an organisation');

evidence
  .command('add')
  .description('upload a file as evidence of a control or task, on a running server (API token, program:write)')
  .argument('<file>', 'the file (streamed, any size up to the server limit)')
  .option('--control <key-or-id>', 'the control it is evidence of, by key (ACC-01) or id')
  .option('--task <id>', 'the evidence task it completes (its control comes with it)')
  .option('--note <text>', 'what the file shows')
  .option('--effective-from <date>', 'the start of the time it proves (default: now)')
  .option('--effective-to <date>', 'the end of the period it proves')
  .addOption(new Option('--url <url>', 'address of the Attest server').env('ATTEST_URL'))
  .addOption(new Option('--token <token>', 'API token (atst_…)').env('ATTEST_TOKEN'))
  .action(async (file: string, o: Parameters<typeof addEvidenceRemote>[1]) => {
    const { addEvidenceRemote } = await import('../modules/evidence/cli.js');
    const item = await addEvidenceRemote(file, o);
    process.stdout.write(
      `Added ${item.name} as ledger entry #${item.ledgerIndex} (sha256 ${item.sha256}, id ${item.id}).\n`,
    );
  });

evidence
  .command('export')
  .description(
    'write a verifiable bundle (zip) of the evidence effective in a window; the export is audited and logged',
  )
  .option('--from <date>', 'evidence effective at or after this date (YYYY-MM-DD or ISO time)')
  .option('--to <date>', 'evidence effective before this date')
  .requiredOption('--out <file>', 'the zip to write (mode 0600)')
  .option('--org <slug>', 'organisation (default: the only one, or the demo organisation)')
  .action(async (o: { from?: string; to?: string; out: string; org?: string }) => {
    await runAdmin(loadConfig(overrides()), 'evidence-export', { ...o, out: resolve(o.out) });
  });

program
  .command('push')
  .description("push a source's full state to a running server: the tool's output file, as it is (API token)")
  .argument(
    '<kind>',
    'aws, prowler, trivy, sarif, google-workspace, okta, github, accounts-csv, hris-csv, osquery, mdm-csv',
  )
  .argument('<file>', "the tool's output file")
  .option('--name <name>', 'which source of that kind (an AWS account, a pipeline); default: the kind')
  .option('--idempotency-key <key>', 'a retry with the same key and file answers the first push and writes nothing')
  .addOption(new Option('--url <url>', 'address of the Attest server').env('ATTEST_URL'))
  .addOption(new Option('--token <token>', 'API token (atst_…) with the monitoring:push scope').env('ATTEST_TOKEN'))
  .action(async (kind: string, file: string, o: Parameters<typeof pushRemote>[2]) => {
    const { describePush, pushRemote } = await import('../modules/monitoring/cli.js');
    process.stdout.write(describePush(await pushRemote(kind, file, o)));
  });

program
  .command('checks')
  .description('the automated checks')
  .command('list')
  .description('one check a line: id, severity, title')
  .action(async () => {
    const { listChecksText } = await import('../modules/monitoring/cli.js');
    process.stdout.write(listChecksText());
  });

program
  .command('verify')
  .description(
    'check an evidence bundle offline (no database, no network): files, proofs, signature; exits 1 on any failure',
  )
  .argument('<bundle>', 'the zip written by `attest evidence export` or the web app')
  .option('--key <key-or-file>', "the organisation's verifier key you trust (otherwise the bundle's key.pub is used)")
  .action(async (bundle: string, o: { key?: string }) => {
    const [{ verifyBundle }, { readTrustedKey }] = await Promise.all([
      import('../modules/evidence/verify-bundle.js'),
      import('../modules/evidence/cli.js'),
    ]);
    const report = await verifyBundle(bundle, { trustedKey: readTrustedKey(o.key) });
    for (const line of report.lines) process.stdout.write(`${line}\n`);
    if (!report.ok) process.exitCode = 1;
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`attest: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
