/**
 * Evidence through the HTTP API: a 1 GiB file uploaded (multipart, streamed, hashed and
 * encrypted by the server) and downloaded (decrypted, streamed), against the raw speed of this
 * machine measured in the same run: SHA-256 and AES-256-GCM over the same number of bytes in
 * memory with node:crypto. The client runs in a child process, so the server's peak RSS
 * (sampled in this process, which hosts the server) is not the client's.
 */
import { spawn } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Engine } from '../test/helpers/db.js';
import type { BenchServer } from './setup.js';

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
  } finally {
    closeSync(fd);
  }
  return path;
}

/** SHA-256 and AES-256-GCM in 64 KiB chunks over `bytes` bytes held in memory: the floor. */
export function rawSpeed(bytes: number): { mib_per_s: number; seconds: number } {
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

const UPLOAD = `
import { openAsBlob } from 'node:fs';
const file = await openAsBlob(process.env.FILE);
const form = new FormData();
if (process.env.CONTROL) form.set('controlId', process.env.CONTROL);
form.set('file', file, 'bench.bin');
const start = performance.now();
const res = await fetch(process.env.URL + '/api/v1/evidence', {
  method: 'POST', body: form,
  headers: { cookie: process.env.COOKIE, 'x-csrf-token': process.env.CSRF, 'x-forwarded-for': '10.250.0.1' },
});
const body = await res.text();
const seconds = (performance.now() - start) / 1000;
process.stdout.write(JSON.stringify({ status: res.status, seconds, body: res.ok ? JSON.parse(body) : body }));
`;

const DOWNLOAD = `
import { createHash } from 'node:crypto';
const start = performance.now();
const res = await fetch(process.env.URL + '/api/v1/evidence/' + process.env.ID + '/download', {
  headers: { cookie: process.env.COOKIE, 'x-forwarded-for': '10.250.0.2' },
});
const hash = createHash('sha256');
let bytes = 0;
for await (const chunk of res.body) { hash.update(chunk); bytes += chunk.length; }
const seconds = (performance.now() - start) / 1000;
process.stdout.write(JSON.stringify({ status: res.status, seconds, bytes, sha256: hash.digest('hex') }));
`;

/** Samples this process's RSS while `fn` runs; returns the peak in MiB. */
async function peakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peak_rss_mib: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peak_rss_mib: Math.round(peak / MiB) };
  } finally {
    clearInterval(timer);
  }
}

export async function benchEvidence(
  engine: Engine,
  server: BenchServer,
  session: { cookie: string; csrf: string },
  raw: { mib_per_s: number },
) {
  const file = makeFile(EVIDENCE_BYTES);
  try {
    const controls = await server.rt.database.query('SELECT id FROM controls ORDER BY key LIMIT 1');
    const control = String((controls.rows[0] as { id: string } | undefined)?.id ?? '');
    const env = { URL: server.baseUrl, COOKIE: session.cookie, CSRF: session.csrf, FILE: file, CONTROL: control };
    const rssBefore = Math.round(process.memoryUsage().rss / MiB);
    const up = await peakRss(() => child(UPLOAD, env));
    if (up.result.status !== 201)
      throw new Error(`upload answered ${up.result.status}: ${JSON.stringify(up.result.body)}`);
    const evidence = up.result.body as { id: string; sha256: string };
    const down = await peakRss(() => child(DOWNLOAD, { ...env, ID: evidence.id }));
    const mib = EVIDENCE_BYTES / MiB;
    const upRate = mib / Number(up.result.seconds);
    const downRate = mib / Number(down.result.seconds);
    const round = (n: number) => Math.round(n * 100) / 100;
    const valid =
      down.result.status === 200 && down.result.bytes === EVIDENCE_BYTES && down.result.sha256 === evidence.sha256;
    return {
      engine,
      bytes: EVIDENCE_BYTES,
      upload: { mib_per_s: round(upRate), ratio_to_raw: round(upRate / raw.mib_per_s), peak_rss_mib: up.peak_rss_mib },
      download: {
        mib_per_s: round(downRate),
        ratio_to_raw: round(downRate / raw.mib_per_s),
        peak_rss_mib: down.peak_rss_mib,
      },
      rss_before_mib: rssBefore,
      targets: { ratio_to_raw: 0.5, peak_rss_mib: 200 },
      valid,
    };
  } finally {
    rmSync(file, { force: true });
  }
}
