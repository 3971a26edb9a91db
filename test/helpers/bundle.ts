import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A TypeScript entry point bundled into one plain-JS file (esbuild, a dev dependency), for a
 * child process that should start fast and carry no TypeScript loader (tsx) in its memory.
 * The bundle lives under node_modules/.cache, so its external packages resolve from there;
 * `remove` deletes it.
 */
export async function bundleScript(entry: string, name: string): Promise<{ path: string; remove(): void }> {
  const esbuild = await import('esbuild');
  const cache = new URL('../../node_modules/.cache/', import.meta.url).pathname;
  mkdirSync(cache, { recursive: true });
  const path = join(mkdtempSync(join(cache, `attest-${name}-`)), `${name}.mjs`);
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: path,
    logLevel: 'error',
  });
  return { path, remove: () => rmSync(dirname(path), { recursive: true, force: true }) };
}
