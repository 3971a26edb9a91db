import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { FsBlobStore } from '../../src/blobs/store.js';
import { ManualClock } from '../../src/clock.js';
import { type Config, loadConfig } from '../../src/config.js';
import { MasterKey } from '../../src/crypto/master-key.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { buildServer } from '../../src/server/app.js';
import { createTestDatabase, dropTemplate, type Engine } from './db.js';

export interface TestApp {
  engine: Engine;
  rt: Runtime;
  app: FastifyInstance;
  clock: ManualClock;
  close(): Promise<void>;
}

/**
 * A real server (Fastify, injected requests) on a fresh database, with a clock the test moves.
 * Mail is off, so invitation links come back in the answer.
 */
export async function startTestApp(engine: Engine, config: Partial<Config> = {}): Promise<TestApp> {
  const { database, drop } = await createTestDatabase(engine);
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  const cfg = loadConfig({ dataDir: '/nonexistent-attest-test', logLevel: 'silent', jobs: false, ...config }, {});
  // Evidence files go to a folder of this app's own, removed on close.
  const blobDir = await mkdtemp(join(tmpdir(), 'attest-blobs-'));
  const rt = await openRuntime(cfg, {
    database,
    clock,
    keys: MasterKey.generate(),
    blobs: new FsBlobStore(blobDir),
    log: pino({ level: 'silent' }),
  });
  const app = await buildServer(rt);
  await app.ready();
  return {
    engine,
    rt,
    app,
    clock,
    close: async () => {
      await app.close();
      await drop();
      await rm(blobDir, { recursive: true, force: true });
    },
  };
}

after(async () => {
  await dropTemplate();
});

/** A browser-like client: keeps the session cookie and sends the CSRF token on writes. */
export class Client {
  cookie: string | null = null;
  csrf: string | null = null;
  constructor(
    readonly app: FastifyInstance,
    readonly headers: Record<string, string> = {},
    /** Where requests come from (the client address the server sees); light-my-request's default otherwise. */
    readonly options: { remoteAddress?: string } = {},
  ) {}

  private get from() {
    return this.options.remoteAddress ? { remoteAddress: this.options.remoteAddress } : {};
  }

  async request(
    method: string,
    url: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { ...this.headers, ...extra };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] ??= this.csrf;
    const res = await this.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...this.from,
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const setCookie = res.cookies.find((c) => c.name.endsWith('attest_session'));
    if (setCookie) {
      this.cookie = setCookie.value ? `${setCookie.name}=${setCookie.value}` : null;
      this.csrf = null;
    }
    if (this.cookie && !this.csrf && url !== '/api/v1/me') await this.refreshCsrf();
    return res;
  }

  async refreshCsrf(): Promise<void> {
    const res = await this.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { ...this.headers, cookie: this.cookie ?? '' },
      ...this.from,
    });
    this.csrf = res.statusCode === 200 ? (res.json().session?.csrfToken ?? null) : null;
  }

  get = (url: string, extra?: Record<string, string>) => this.request('GET', url, undefined, extra);
  post = (url: string, body: unknown = {}, extra?: Record<string, string>) => this.request('POST', url, body, extra);
  patch = (url: string, body: unknown = {}, extra?: Record<string, string>) => this.request('PATCH', url, body, extra);
  put = (url: string, body: unknown = {}, extra?: Record<string, string>) => this.request('PUT', url, body, extra);
  delete = (url: string, extra?: Record<string, string>) => this.request('DELETE', url, undefined, extra);
}
