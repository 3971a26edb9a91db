import { writeFileSync } from 'node:fs';
import pino from 'pino';
import type { Config } from '../config.js';
import { openRuntime, readLock } from '../runtime.js';
import { callAdminSocket } from '../server/admin-socket.js';
import { ADMIN_COMMANDS, type AdminCommandName, type AdminOutput } from './admin.js';

/**
 * Runs an administrative command: through the running server's admin socket when it holds
 * the embedded database, otherwise by opening the database here.
 */
export async function runAdmin(
  config: Config,
  command: AdminCommandName,
  args: Record<string, unknown>,
  outFile?: string,
): Promise<void> {
  const output = await adminOutput(config, command, args);
  if (output.file !== undefined) {
    if (outFile) writeFileSync(outFile, output.file, { mode: 0o600 });
    else process.stdout.write(output.file);
  }
  for (const line of output.lines)
    (output.file !== undefined && !outFile ? process.stderr : process.stdout).write(`${line}\n`);
  if (output.error) {
    process.stderr.write(`attest ${command}: ${output.error}\n`);
    process.exitCode = 1;
  }
}

/** Runs an administrative command where the instance is and answers its output, without printing it. */
export async function adminOutput(
  config: Config,
  command: AdminCommandName,
  args: Record<string, unknown>,
): Promise<AdminOutput> {
  const lock = config.databaseUrl ? null : readLock(config.dataDir);
  if (lock?.adminSocket) return callAdminSocket(lock.adminSocket, command, args);
  const rt = await openRuntime(config, { log: pino({ level: 'warn' }) });
  try {
    return await ADMIN_COMMANDS[command](rt, args as never).catch((error: Error) => ({
      lines: [],
      error: error.message,
    }));
  } finally {
    await rt.close();
  }
}
