/**
 * Evidence through the HTTP API: a 1 GiB file uploaded (multipart, streamed, hashed and
 * encrypted by the server) and downloaded (decrypted, streamed), against the raw speed of this
 * machine measured in the same run: SHA-256 and AES-256-GCM over the same number of bytes in
 * memory with node:crypto, and against the speed at which this machine's disk takes the same
 * number of bytes durably (written and fsynced), since a stored upload cannot be faster.
 *
 * The server is the production one (`node bin/attest.js serve`, from the build) in its own
 * process, on its own data directory: its resident memory (VmRSS) is read from /proc. The
 * clients are node:http, streaming, in their own processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { openRuntime } from '../src/runtime.js';
import { createTestDatabase, type Engine } from '../test/helpers/db.js';
import { type BenchUser, makeOwner, signIn } from './setup.js';

export const EVIDENCE_BYTES = Number(process.env.BENCH_EVIDENCE_BYTES || 2 ** 30);
const CHUNK = 64 * 1024;
const MiB = 2 ** 20;

/** A file of `bytes` pseudo-random bytes (one random MiB repeated: the cipher cannot tell). */
function makeFile(bytes: number): string {
  const path = join(tmpdir(), `attest-bench-${process.pid}.bin`);
  const block = randomBytes(MiB);
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < bytes; written += MiB) writeSync(fd, block, 0, Math.min(MiB, bytes - written));
    // On disk before anything is measured, so its write-back does not compete with the upload.
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Writing `bytes` bytes to a new file in 1 MiB writes and fsyncing it: the disk's durable speed. */
export function diskSpeed(bytes: number, dir: string): { mib_per_s: number; seconds: number } {
  const path = join(dir, `attest-bench-disk-${process.pid}.bin`);
  const block = randomBytes(MiB);
  const start = performance.now();
  const fd = openSync(path, 'wx');
  try {
    for (let written = 0; written < bytes; written += MiB) writeSync(fd, block, 0, Math.min(MiB, bytes - written));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
  const seconds = (performance.now() - start) / 1000;
  return { mib_per_s: Math.round((bytes / MiB / seconds) * 10) / 10, seconds: Math.round(seconds * 100) / 100 };
}

/**
 * SHA-256 and AES-256-GCM in 64 KiB chunks over `bytes` bytes held in memory: the ceiling an
 * upload is compared with. The fastest of three runs, so a noisy moment never flatters a ratio.
 */
export function rawSpeed(bytes: number): { mib_per_s: number; seconds: number } {
  const runs = [0, 1, 2].map(() => rawSpeedOnce(bytes));
  return runs.reduce((best, run) => (run.mib_per_s > best.mib_per_s ? run : best));
}

function rawSpeedOnce(bytes: number): { mib_per_s: number; seconds: number } {
  const buffer = randomBytes(64 * MiB);
  const key = randomBytes(32);
  const start = performance.now();
  const hash = createHash('sha256');
  let done = 0;
  let chunkIndex = 0;
  while (done < bytes) {
    const slice = buffer.subarray(done % buffer.length, Math.min((done % buffer.length) + CHUNK, buffer.length));
    const iv = Buffer.alloc(12);
    iv.writeUInt32BE(chunkIndex++, 8);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    hash.update(slice);
    cipher.update(slice);
    cipher.final();
    cipher.getAuthTag();
    done += slice.length;
  }
  hash.digest();
  const seconds = (performance.now() - start) / 1000;
  return { mib_per_s: Math.round((bytes / MiB / seconds) * 10) / 10, seconds: Math.round(seconds * 100) / 100 };
}

/** Runs a small client script in a child process and returns what it prints (JSON). */
function child(script: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`client exited with ${code}: ${out}`));
      try {
        resolve(JSON.parse(out) as Record<string, unknown>);
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** multipart/form-data over node:http, the file streamed from disk (as `curl -F` sends it). */
const UPLOAD = `
import { createReadStream, statSync } from 'node:fs';
import { request } from 'node:http';
import { pipeline } from 'node:stream/promises';
const boundary = 'attest-bench-' + Math.random().toString(16).slice(2);
const field = (name, value) => '--' + boundary + '\\r\\ncontent-disposition: form-data; name="' + name + '"\\r\\n\\r\\n' + value + '\\r\\n';
const head = Buffer.from(field('controlId', process.env.CONTROL) + '--' + boundary +
  '\\r\\ncontent-disposition: form-data; name="file"; filename="bench.bin"\\r\\ncontent-type: application/octet-stream\\r\\n\\r\\n');
const tail = Buffer.from('\\r\\n--' + boundary + '--\\r\\n');
const start = performance.now();
const req = request(process.env.URL + '/api/v1/evidence', {
  method: 'POST',
  headers: {
    'content-type': 'multipart/form-data; boundary=' + boundary,
    'content-length': head.length + statSync(process.env.FILE).size + tail.length,
    cookie: process.env.COOKIE, 'x-csrf-token': process.env.CSRF,
  },
});
const answered = new Promise((resolve, reject) => {
  req.on('error', reject);
  req.on('response', (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (d) => (body += d));
    res.on('end', () => resolve({ status: res.statusCode, body }));
  });
});
req.write(head);
await pipeline(createReadStream(process.env.FILE, { highWaterMark: 1024 * 1024 }), req, { end: false });
req.end(tail);
const { status, body } = await answered;
const seconds = (performance.now() - start) / 1000;
process.stdout.write(JSON.stringify({ status, seconds, body: status === 201 ? JSON.parse(body) : body }));
`;

/** GET over node:http, hashing what arrives. */
const DOWNLOAD = `
import { createHash } from 'node:crypto';
import { get } from 'node:http';
const start = performance.now();
const res = await new Promise((resolve, reject) =>
  get(process.env.URL + '/api/v1/evidence/' + process.env.ID + '/download', { headers: { cookie: process.env.COOKIE } }, resolve).on('error', reject));
const hash = createHash('sha256');
let bytes = 0;
for await (const chunk of res) { hash.update(chunk); bytes += chunk.length; }
const seconds = (performance.now() - start) / 1000;
process.stdout.write(JSON.stringify({ status: res.statusCode, seconds, bytes, sha256: hash.digest('hex') }));
`;

/** The server process's resident memory (VmRSS), in MiB. */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024);
}

/** Samples the server's RSS every 25 ms while `fn` runs: its peak during the transfer. */
async function duringTransfer<T>(pid: number, fn: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssOf(pid));
  }, 25);
  try {
    const result = await fn();
    return { result, peak: Math.max(peak, rssOf(pid)) };
  } finally {
    clearInterval(timer);
  }
}

interface ServerProcess {
  baseUrl: string;
  cookie: string;
  csrf: string;
  control: string;
  pid: number;
  stop(): Promise<void>;
}

/** A port nothing listens on now (the server is told it; the moment between is harmless here). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitReady(baseUrl: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    const ok = await fetch(`${baseUrl}/readyz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server did not become ready within a minute');
}

/**
 * The production server, `node bin/attest.js serve` from the build, on a data directory of its
 * own: prepared first in this process (an owner with an authenticator app, on the embedded
 * database in the directory or on a fresh PostgreSQL database), then served by the child.
 */
async function startServerProcess(engine: Engine): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'attest-bench-data-'));
  const database = engine === 'postgres' ? await createTestDatabase('postgres') : null;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ATTEST_DATA: dataDir,
    LOG_LEVEL: 'silent',
    DATABASE_URL: database?.url ?? '',
  };
  let user: BenchUser;
  let control: string;
  {
    const config = loadConfig({ dataDir, logLevel: 'silent', jobs: false }, env);
    const rt = await openRuntime(config, { log: pino({ level: 'silent' }) });
    try {
      user = await makeOwner(rt);
      const controls = await rt.database.query('SELECT id FROM controls WHERE org_id = $1 ORDER BY key LIMIT 1', [
        user.orgId,
      ]);
      control = (controls.rows[0] as { id: string }).id;
    } finally {
      await rt.close();
    }
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const bin = fileURLToPath(new URL('../bin/attest.js', import.meta.url));
  // The executable itself, as `npx attest serve` runs it.
  const child = spawn(bin, ['serve', '--host', '127.0.0.1', '--port', String(port)], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanUp = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(baseUrl, child);
    const { cookie, me } = await signIn(baseUrl, user);
    const csrf = (me.session as { csrfToken: string }).csrfToken;
    return { baseUrl, cookie, csrf, control, pid: child.pid as number, stop: cleanUp };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

export async function benchEvidence(engine: Engine, raw: { mib_per_s: number }, disk: { mib_per_s: number }) {
  const file = makeFile(EVIDENCE_BYTES);
  const server = await startServerProcess(engine);
  try {
    const env = {
      URL: server.baseUrl,
      COOKIE: server.cookie,
      CSRF: server.csrf,
      FILE: file,
      CONTROL: server.control,
    };
    const idle = rssOf(server.pid);
    const uploading = await duringTransfer(server.pid, () => child(UPLOAD, env));
    const up = uploading.result;
    if (up.status !== 201) throw new Error(`upload answered ${up.status}: ${JSON.stringify(up.body)}`);
    const evidence = up.body as { id: string; sha256: string };
    const downloading = await duringTransfer(server.pid, () => child(DOWNLOAD, { ...env, ID: evidence.id }));
    const down = downloading.result;
    const mib = EVIDENCE_BYTES / MiB;
    const upRate = mib / Number(up.seconds);
    const downRate = mib / Number(down.seconds);
    const round = (n: number) => Math.round(n * 100) / 100;
    const valid = down.status === 200 && down.bytes === EVIDENCE_BYTES && down.sha256 === evidence.sha256;
    return {
      engine,
      bytes: EVIDENCE_BYTES,
      server_rss_idle_mib: idle,
      upload: {
        mib_per_s: round(upRate),
        ratio_to_raw: round(upRate / raw.mib_per_s),
        ratio_to_disk: round(upRate / disk.mib_per_s),
        server_peak_rss_mib: uploading.peak,
        server_rss_growth_mib: uploading.peak - idle,
      },
      download: {
        mib_per_s: round(downRate),
        ratio_to_raw: round(downRate / raw.mib_per_s),
        server_peak_rss_mib: downloading.peak,
        server_rss_growth_mib: downloading.peak - idle,
      },
      targets: { ratio_to_raw: 0.5, server_peak_rss_mib: 200 },
      valid,
    };
  } finally {
    await server.stop();
    rmSync(file, { force: true });
  }
}
