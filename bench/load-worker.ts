import autocannon from 'autocannon';
import type { LoadOptions, LoadRun, WorkerMessage } from './load.js';

/** Child process: receives LoadOptions over IPC, runs a warm-up then the measured run, answers. */

function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round(sorted[index] as number);
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function requestsFor(options: LoadOptions): autocannon.Request[] {
  const path = new URL(options.url).pathname;
  if (options.clientAddresses <= 0) return [{ method: 'GET', path, headers: options.headers }];
  // Built once by autocannon (no setupRequest), so varying the address costs nothing per request.
  return Array.from({ length: options.clientAddresses }, (_, i) => ({
    method: 'GET' as const,
    path,
    headers: { ...options.headers, 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
  }));
}

/** One autocannon run; `onStart` fires once its connections are set up and the clock runs. */
function once(options: LoadOptions, seconds: number, onStart: () => unknown): Promise<LoadRun> {
  const latencies: number[] = [];
  // autocannon's own duration also counts building the requests and rounds to its 1 s ticks.
  let startedAt = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: 1,
        duration: seconds,
        timeout: 10,
        requests: requestsFor(options),
      },
      (error, result) => {
        if (error) return reject(error);
        const elapsed = (performance.now() - startedAt) / 1000;
        const sorted = Float64Array.from(latencies).sort();
        const sum = latencies.reduce((a, b) => a + b, 0);
        const statusCodes = Object.fromEntries(
          Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [code, (v as { count: number }).count]),
        );
        resolve({
          requests: result.requests.total,
          duration_s: round(elapsed),
          rps: round(result.requests.total / elapsed),
          p50_ms: percentile(sorted, 50),
          p99_ms: percentile(sorted, 99),
          mean_ms: latencies.length ? round(sum / latencies.length) : null,
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          statusCodes,
        });
      },
    );
    instance.once('start', () => {
      startedAt = performance.now();
      void onStart();
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

const send = (message: WorkerMessage) =>
  new Promise<void>((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));

process.once('message', async (options: LoadOptions) => {
  try {
    const warmup = await once(options, options.warmupSeconds, () => undefined);
    const measured = await once(options, options.seconds, () => send({ type: 'measuring' }));
    await send({ type: 'done', warmup, measured });
  } catch (error) {
    await send({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  }
  process.disconnect?.();
});
