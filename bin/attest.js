#!/usr/bin/env node
// Runs the built CLI (dist/, made by `npm run build` and `npm start`), or the TypeScript
// sources through tsx when nothing is built yet, so `npx attest` works right after `npm ci`.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
