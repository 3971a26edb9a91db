/**
 * Evidence through the HTTP API: a 1 GiB file uploaded (multipart, streamed, hashed and
 * encrypted by the server) and downloaded (decrypted, streamed), against the raw speed of this
 * machine measured in the same run: SHA-256 and AES-256-GCM over the same number of bytes in
 * memory with node:crypto. Server and client each run in their own process: the server's
 * resident memory (VmRSS, and its peak VmHWM) is read from /proc.
 */
import { spawn } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../test/helpers/db.js';

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

/** bench/evidence-server.ts in its own process, so the memory read is the server's alone. */
function startServerProcess(engine: Engine): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./evidence-server.ts', import.meta.url)), engine],
      {
        env: process.env,
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    p.stdout?.once('data', (d: Buffer) => {
      try {
        const info = JSON.parse(d.toString().split('\n')[0] ?? '') as Omit<ServerProcess, 'stop'>;
        resolve({
          ...info,
          stop: () =>
            new Promise<void>((done) => {
              p.once('exit', () => done());
              p.stdin?.end();
            }),
        });
      } catch (error) {
        reject(error);
      }
    });
    p.once('error', reject);
    p.once('exit', (code) => reject(new Error(`the evidence server exited with ${code}`)));
  });
}

export async function benchEvidence(engine: Engine, raw: { mib_per_s: number }) {
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
