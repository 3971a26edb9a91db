import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { Config } from '../../src/config.js';
import { startTestApp, type TestApp } from './app.js';
import type { Engine } from './db.js';

/** Runs `fn` on a fresh server and database, closing both whatever happens. */
export async function withApp(engine: Engine, fn: (t: TestApp) => Promise<void>, config: Partial<Config> = {}) {
  const t = await startTestApp(engine, config);
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}

/** Reads as the owning role (row-level security does not apply): what the database really holds. */
export async function rows<T = Record<string, unknown>>(t: TestApp, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await t.rt.database.query(sql, params)).rows as T[];
}

export const count = async (t: TestApp, sql: string, params: unknown[] = []) =>
  Number((await rows<{ n: number | string }>(t, `SELECT count(*) AS n FROM ${sql}`, params))[0]?.n);

/** Asserts an RFC 9457 problem answer and returns its body. */
export function problem(res: LightMyRequestResponse, status: number, code: string) {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json();
  assert.equal(body.code, code, res.body);
  assert.equal(body.status, status);
  assert.ok(body.requestId, 'problem carries a request id');
  assert.equal(body.requestId, res.headers['x-request-id']);
  assert.equal(typeof body.detail, 'string');
  assert.equal(typeof body.title, 'string');
  assert.equal(body.type, `https://attest.dev/problems/${code}`);
  return body as {
    type: string;
    title: string;
    detail: string;
    code: string;
    status: number;
    requestId: string;
    errors?: { path: string; message: string }[];
  };
}
