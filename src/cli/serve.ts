import type { Config } from '../config.js';
import { DataDirInUse } from '../runtime.js';
import { serve } from '../server/serve.js';

export async function serveCommand(config: Config): Promise<void> {
  let serving: Awaited<ReturnType<typeof serve>>;
  try {
    serving = await serve(config);
  } catch (error) {
    if (error instanceof DataDirInUse) {
      throw new Error(
        `${error.message} Is Attest already running? Stop it, or start this one with --data pointing elsewhere.`,
      );
    }
    throw error;
  }
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${config.dataDir}`;
  process.stdout.write(`\nAttest is running at ${serving.url} on ${where}.\n`);
  if (serving.organisations === 0) {
    process.stdout.write(
      [
        '',
        'No organisation yet. In another terminal, create yours:',
        '  npx attest init --org "Your Company" --email you@example.com',
        'or try Attest with sample data:',
        '  npx attest demo',
        '',
      ].join('\n'),
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping Attest…\n`);
    await serving.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
