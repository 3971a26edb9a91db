import { chmodSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { ADMIN_COMMANDS, type AdminCommandName, type AdminOutput } from '../cli/admin.js';
import type { Runtime } from '../runtime.js';

/**
 * The embedded database belongs to the server process while it runs. Administrative CLI
 * commands (init, demo, migrate…) reach it through this Unix socket in the data directory,
 * readable by the data directory's owner only, and run the same code in the server.
 */
export interface AdminSocketOptions {
  /** The address the server answers on, once listening: printed by init and demo instead of the CLI's guess. */
  url?: () => string | null;
}

export async function startAdminSocket(
  rt: Runtime,
  path: string,
  options: AdminSocketOptions = {},
): Promise<{ close(): Promise<void> }> {
  rmSync(path, { force: true });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        let output: AdminOutput;
        try {
          const { command, args } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            command: AdminCommandName;
            args: Record<string, unknown>;
          };
          const run = ADMIN_COMMANDS[command];
          if (!run) throw new Error(`Unknown administrative command "${command}".`);
          const url = options.url?.();
          output = await run(rt, (url && typeof args.url === 'string' ? { ...args, url } : args) as never);
        } catch (error) {
          output = { lines: [], error: error instanceof Error ? error.message : String(error) };
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(output));
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return { close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export function callAdminSocket(path: string, command: string, args: Record<string, unknown>): Promise<AdminOutput> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { socketPath: path, method: 'POST', path: '/run', headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as AdminOutput);
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ command, args }));
  });
}
