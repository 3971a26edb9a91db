import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/**
 * The load generator runs in a child process (bench/load-worker.ts), so autocannon never
 * shares the event loop of the server it measures.
 */
export interface LoadOptions {
  url: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** Sent with every request (cookie…). */
  headers: Record<string, string>;
  /**
   * Distinct X-Forwarded-For addresses the requests cycle through (0: none). The API's rate
   * limit (600 requests a minute per client address) would otherwise answer 429 within a
   * fraction of a second; the server trusts the header only with trustProxy on.
   */
  clientAddresses: number;
}

export interface LoadRun {
  /** All answers, whatever their status. */
  requests: number;
  duration_s: number;
  rps: number;
  /** Latency of 2xx answers, from autocannon's per-response timings (sub-millisecond). */
  p50_ms: number | null;
  p99_ms: number | null;
  mean_ms: number | null;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

/** What the calling process (the server's) did during the measured run. */
export interface ServerUsage {
  /** CPU time of this process (server, Kysely, pg or PGlite's WebAssembly) per answer. */
  cpu_ms_per_request: number | null;
  /** Share of the measured run the event loop was busy (1: saturated). */
  event_loop_utilization: number;
  /** 1-minute load average of the machine at the end of the run (other work skews results). */
  loadavg_1m: number;
}

export interface LoadResult {
  warmup: LoadRun;
  measured: LoadRun;
  server: ServerUsage;
}

export type WorkerMessage =
  | { type: 'measuring' }
  | { type: 'done'; warmup: LoadRun; measured: LoadRun }
  | { type: 'failed'; error: string };

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const worker = fileURLToPath(new URL('./load-worker.ts', import.meta.url));
  // The worker's stdout goes to our stderr: stdout carries the JSON document only.
  const child = fork(worker, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 2, 2, 'ipc'] });
  return new Promise((resolve, reject) => {
    let settled = false;
    let cpu = process.cpuUsage();
    let elu = performance.eventLoopUtilization();
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'measuring') {
        cpu = process.cpuUsage();
        elu = performance.eventLoopUtilization();
        return;
      }
      settled = true;
      if (message.type === 'failed') reject(new Error(`load generator: ${message.error}`));
      else {
        const used = process.cpuUsage(cpu);
        const answers = message.measured.requests;
        resolve({
          warmup: message.warmup,
          measured: message.measured,
          server: {
            cpu_ms_per_request: answers > 0 ? round((used.user + used.system) / 1000 / answers) : null,
            event_loop_utilization: round(performance.eventLoopUtilization(elu).utilization),
            loadavg_1m: round(loadavg()[0] ?? 0),
          },
        });
      }
      if (child.connected) child.disconnect();
    });
    child.once('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    child.once('exit', (code, signal) => {
      if (!settled) reject(new Error(`load generator exited early (code ${code}, signal ${signal})`));
      settled = true;
    });
    child.send(options);
  });
}

const round = (n: number) => Math.round(n * 1000) / 1000;
