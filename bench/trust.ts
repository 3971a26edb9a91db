/**
 * The public trust center page under load: wrk against Attest's GET /trust/demo (the production
 * server, `node bin/attest.js serve` from the build, on the embedded database in a data
 * directory of its own, after `attest demo`), next to nginx serving the same bytes from disk in
 * the same run. Target: at least half of nginx's requests per second, p99 under 20 ms.
 *
 * wrk and nginx are the Debian packages; when either is missing the section is reported as
 * skipped with the reason, not as a failure.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WRK = '/usr/bin/wrk';
const NGINX = '/usr/sbin/nginx';
const PATH = process.env.BENCH_TRUST_PATH || '/trust/demo';
const TARGETS = { ratio_to_nginx: 0.5, p99_ms: 20 } as const;
/**
 * The trust center's per-address limit on its public page (ATTEST_TRUST_RATE_LIMIT, a
 * number of requests a minute per address; see the trust center module): wrk comes from one
 * address, so the bench lifts it far above what the run can send.
 */
const SERVER_ENV = { ATTEST_TRUST_RATE_LIMIT: '100000000' };

export interface WrkOptions {
  seconds: number;
  warmupSeconds: number;
  connections: number;
  threads: number;
}

export interface WrkResult {
  rps: number;
  requests: number;
  duration_s: number;
  latency_ms: { p50: number; p75: number; p90: number; p99: number };
  non2xx3xx: number;
  socket_errors: { connect: number; read: number; write: number; timeout: number };
}

const progress = (message: string) => process.stderr.write(`[bench] trust: ${message}\n`);
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A latency as wrk prints it ("635.91us", "1.20ms", "2.01s"), in milliseconds. */
export function wrkDuration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) throw new Error(`unreadable wrk duration "${text}"`);
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as 'us' | 'ms' | 's' | 'm'];
  return round(Number(m[1]) * scale);
}

/** Reads wrk's --latency report: requests/s, the latency distribution, errors. */
export function parseWrk(output: string): WrkResult {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output)?.[1];
  const total = /^\s*(\d+) requests in ([\d.]+)(us|ms|s|m),/m.exec(output);
  if (!rps || !total) throw new Error(`wrk printed no result:\n${output}`);
  const percentile = (p: number) => {
    const value = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(output)?.[1];
    if (!value) throw new Error(`wrk printed no ${p}th percentile (was --latency given?)`);
    return wrkDuration(value);
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    rps: round(Number(rps), 1),
    requests: Number(total[1]),
    duration_s: round(wrkDuration(`${total[2]}${total[3]}`) / 1000, 2),
    latency_ms: { p50: percentile(50), p75: percentile(75), p90: percentile(90), p99: percentile(99) },
    non2xx3xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0),
    socket_errors: {
      connect: Number(socket?.[1] ?? 0),
      read: Number(socket?.[2] ?? 0),
      write: Number(socket?.[3] ?? 0),
      timeout: Number(socket?.[4] ?? 0),
    },
  };
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** A warm-up run of the same shape, then the measured one; `during` wraps the measured run only. */
async function wrk(url: string, options: WrkOptions, during?: () => () => void): Promise<WrkResult> {
  const base = [`-t${options.threads}`, `-c${options.connections}`, '--latency'];
  if (options.warmupSeconds > 0) await run(WRK, [...base, `-d${options.warmupSeconds}s`, url]);
  const done = during?.();
  const output = await run(WRK, [...base, `-d${options.seconds}s`, url]);
  done?.();
  return parseWrk(output);
}

const runValid = (r: WrkResult) =>
  r.requests > 0 && r.non2xx3xx === 0 && Object.values(r.socket_errors).every((n) => n === 0);

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

async function waitFor(url: string, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not answer ${url} within a minute`);
}

/** CPU time (user + system) of a process so far, in milliseconds, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/**
 * Waits (up to a minute) until the server has been nearly idle for a second: `attest demo`
 * leaves jobs running (evaluations, snapshots) that would otherwise share the measured run.
 */
async function settle(pid: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    const before = cpuMs(pid);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (cpuMs(pid) - before < 50) break;
  }
  return round((Date.now() - started) / 1000, 1);
}

interface Process {
  child: ChildProcess;
  stop(): Promise<void>;
}

function start(file: string, args: string[], env: NodeJS.ProcessEnv): Process {
  const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** nginx in the foreground (master + workers), every file it writes in `dir`, serving `file` at PATH. */
function nginxConfig(dir: string, port: number): string {
  const temp = (name: string) => `${name}_temp_path ${join(dir, `${name}-temp`)};`;
  return `daemon off;
master_process on;
worker_processes auto;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { }
  default_type "text/html; charset=utf-8";
  server {
    listen 127.0.0.1:${port};
    root ${join(dir, 'www')};
    location = ${PATH} { try_files /page.html =404; }
  }
}
`;
}

export async function benchTrust(options: WrkOptions) {
  const missing = [WRK, NGINX].filter((path) => !executable(path));
  if (missing.length > 0) {
    const reason = `${missing.join(' and ')} not installed (Debian packages wrk and nginx)`;
    progress(`skipped: ${reason}`);
    return { skipped: true, reason, valid: true };
  }
  const dir = mkdtempSync(join(tmpdir(), 'attest-bench-trust-'));
  // nginx workers may run as another user (nobody): they must be able to read the page.
  chmodSync(dir, 0o755);
  const dataDir = join(dir, 'attest-data');
  const stops: (() => Promise<void>)[] = [];
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, ...SERVER_ENV, ATTEST_DATA: dataDir, LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const bin = fileURLToPath(new URL('../bin/attest.js', import.meta.url));
    progress(`starting the production server on ${baseUrl} (embedded database in ${dataDir})`);
    // The executable itself, as `npx attest serve` runs it.
    const attest = start(bin, ['serve', '--host', '127.0.0.1', '--port', String(port)], env);
    stops.push(attest.stop);
    await waitFor(`${baseUrl}/readyz`, attest.child, 'the server');
    const demo = await run(process.execPath, [bin, 'demo', '--port', String(port)], env);
    progress(`attest demo: ${demo.split('\n')[0] ?? ''}`);
    const pid = attest.child.pid as number;
    progress(`server idle after ${await settle(pid)} s`);

    const url = `${baseUrl}${PATH}`;
    const first = await fetch(url);
    const page = Buffer.from(await first.arrayBuffer());
    if (first.status !== 200) throw new Error(`${url} answered ${first.status}: ${page.toString('utf8', 0, 300)}`);
    const contentType = first.headers.get('content-type');
    progress(`${url}: ${page.length} bytes, ${contentType}, etag ${first.headers.get('etag')}`);

    mkdirSync(join(dir, 'www'), { mode: 0o755 });
    writeFileSync(join(dir, 'www', 'page.html'), page, { mode: 0o644 });
    const nginxPort = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, nginxPort));
    const nginx = start(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], process.env);
    stops.push(nginx.stop);
    const nginxUrl = `http://127.0.0.1:${nginxPort}${PATH}`;
    await waitFor(nginxUrl, nginx.child, 'nginx');
    const copy = Buffer.from(await (await fetch(nginxUrl)).arrayBuffer());
    if (!copy.equals(page)) throw new Error('nginx serves different bytes from the page written to disk');

    progress(`wrk -t${options.threads} -c${options.connections} -d${options.seconds}s against nginx ${nginxUrl}`);
    const loadBefore = round(loadavg()[0] ?? 0);
    const baseline = await wrk(nginxUrl, options);
    progress(`nginx: ${baseline.rps} requests/s, p99 ${baseline.latency_ms.p99} ms`);
    const floor = await nodeFloor(join(dir, 'www', 'page.html'), options);
    progress(`node:http floor: ${floor.rps} requests/s, p99 ${floor.latency_ms.p99} ms`);
    progress(`wrk against Attest ${url}`);
    const loadBetween = round(loadavg()[0] ?? 0);
    let serverCpuMs = 0;
    const measured = await wrk(url, options, () => {
      const before = cpuMs(pid);
      return () => {
        serverCpuMs = cpuMs(pid) - before;
      };
    });
    progress(`attest: ${measured.rps} requests/s, p99 ${measured.latency_ms.p99} ms, non-2xx ${measured.non2xx3xx}`);
    const after = await fetch(url);
    const again = Buffer.from(await after.arrayBuffer());

    const ratio = baseline.rps > 0 ? round(measured.rps / baseline.rps) : null;
    const valid = runValid(baseline) && runValid(floor) && runValid(measured) && after.status === 200;
    return {
      page: { path: PATH, bytes: page.length, content_type: contentType, same_after_run: again.equals(page) },
      baseline: { name: 'nginx serving the same bytes from disk', version: await nginxVersion(), ...baseline },
      attest: {
        ...measured,
        // The server process's own CPU time per answer during the measured run.
        server_cpu_ms_per_request: round(serverCpuMs / Math.max(1, measured.requests), 4),
      },
      node_floor: {
        name: 'a bare node:http server (one process, as Attest) answering the same bytes from memory',
        ...floor,
      },
      ratio_to_nginx: ratio,
      ratio_to_node_floor: floor.rps > 0 ? round(measured.rps / floor.rps) : null,
      p99_ms: { attest: measured.latency_ms.p99, nginx: baseline.latency_ms.p99 },
      targets: TARGETS,
      target_met: {
        ratio_to_nginx: ratio !== null && ratio >= TARGETS.ratio_to_nginx,
        p99_ms: measured.latency_ms.p99 < TARGETS.p99_ms,
      },
      loadavg_1m: { before_nginx: loadBefore, before_attest: loadBetween, after: round(loadavg()[0] ?? 0) },
      valid,
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => progress(`stop failed: ${error}`));
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What one Node.js process can do at all on this machine: node:http answering the page's bytes
 * from memory with the same headers' weight, no framework. It tells the cost of Attest's own
 * request path apart from the cost of being one Node.js process next to nginx's workers.
 */
async function nodeFloor(file: string, options: WrkOptions): Promise<WrkResult> {
  const script = `
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
const body = readFileSync(process.env.PAGE);
const server = createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
  response.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
`;
  const port = await freePort();
  const server = start(process.execPath, ['--input-type=module', '-e', script], {
    ...process.env,
    PAGE: file,
    PORT: String(port),
  });
  try {
    const url = `http://127.0.0.1:${port}${PATH}`;
    await waitFor(url, server.child, 'the node:http floor');
    progress(`wrk against a bare node:http server ${url}`);
    return await wrk(url, options);
  } finally {
    await server.stop();
  }
}

/** `nginx -v` prints "nginx version: nginx/1.22.1" on stderr. */
function nginxVersion(): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(NGINX, ['-v'], (_error, stdout, stderr) =>
      resolve(/nginx\/(\S+)/.exec(`${stdout}${stderr}`)?.[1] ?? null),
    );
  });
}

export const TRUST_NOTES = [
  `wrk (Debian package) with --latency; requests/s and p50-p99 as wrk reports them, over keep-alive connections, after a warm-up run of the same shape. Both servers share this machine (${cpus().length} CPUs) with wrk.`,
  "node_floor is a bare node:http server in one process answering the same bytes from memory: the most one Node.js process does on this machine, to tell the cost of Attest's request path from that of being one process next to nginx's workers.",
  'The baseline is nginx (Debian package: master and worker processes, worker_processes auto, access_log off, sendfile) serving the exact bytes Attest returned for the page, written to a file, at the same path.',
  'Attest is the production build (node bin/attest.js serve) on the embedded database in its own data directory, after attest demo, which publishes the demo trust center; its per-address page rate limit is lifted (ATTEST_TRUST_RATE_LIMIT) because every request comes from 127.0.0.1.',
];
