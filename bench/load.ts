/**
 * The load generator of the vendor-path bench: an open loop at a fixed offered rate (requests
 * start on schedule whether or not earlier ones have answered, and each latency counts from its
 * scheduled start, so a stall is not hidden by waiting for it) and a closed loop at saturation
 * (a fixed number of requests always in flight). One "request" is whatever `send` does: one HTTP
 * call, or the vendor calls of one unified operation.
 */
import { Pool } from 'undici';

export interface Sample {
  /** Milliseconds, from the scheduled (fixed rate) or actual (saturation) start. */
  latencyMs: number;
  /** The `imbridge;dur=` of the answer's Server-Timing, when it had one. */
  imbridgeMs?: number;
}

export type Send = (index: number) => Promise<{ imbridgeMs?: number }>;

export interface LoadResult {
  requests: number;
  errors: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Percentiles of Server-Timing's imbridge part; NaN when no answer had one. */
  imbridgeP50: number;
  imbridgeP99: number;
}

export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((first, second) => first - second);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

/** What one run (or several, merged) collected before the percentiles are taken. */
export interface RawRun {
  samples: Sample[];
  errors: number;
  seconds: number;
}

export function mergeRuns(runs: readonly RawRun[]): RawRun {
  return { samples: runs.flatMap((run) => run.samples), errors: runs.reduce((sum, run) => sum + run.errors, 0), seconds: runs.reduce((sum, run) => sum + run.seconds, 0) };
}

export function summarizeRun(run: RawRun): LoadResult {
  return summarize(run.samples, run.errors, run.seconds);
}

function summarize(samples: Sample[], errors: number, seconds: number): LoadResult {
  const latencies = samples.map((sample) => sample.latencyMs);
  const inside = samples.flatMap((sample) => (sample.imbridgeMs === undefined ? [] : [sample.imbridgeMs]));
  return {
    requests: samples.length,
    errors,
    requestsPerSecond: samples.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    imbridgeP50: percentile(inside, 0.5),
    imbridgeP99: percentile(inside, 0.99),
  };
}

/** Offers `rate` requests/s for `seconds`. */
export async function fixedRate(send: Send, rate: number, seconds: number): Promise<LoadResult> {
  return summarizeRun(await fixedRateRun(send, rate, seconds));
}

export async function fixedRateRun(send: Send, rate: number, seconds: number): Promise<RawRun> {
  const samples: Sample[] = [];
  let errors = 0;
  const pending = new Set<Promise<void>>();
  const started = performance.now();
  const total = Math.round(rate * seconds);
  let issued = 0;
  while (issued < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    for (; issued < due; issued += 1) {
      const scheduled = started + (issued / rate) * 1000;
      const index = issued;
      const running = send(index)
        .then((answer) => void samples.push({ latencyMs: performance.now() - scheduled, ...answer }))
        .catch(() => void (errors += 1))
        .finally(() => pending.delete(running));
      pending.add(running);
    }
    // Timers are coarse (≥ 1 ms); the loop catches up on every wake-up by issuing what is due.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  return { samples, errors, seconds };
}

/** Keeps `concurrency` requests in flight for `seconds`. */
export async function saturate(send: Send, concurrency: number, seconds: number): Promise<LoadResult> {
  return summarizeRun(await saturateRun(send, concurrency, seconds));
}

export async function saturateRun(send: Send, concurrency: number, seconds: number): Promise<RawRun> {
  const samples: Sample[] = [];
  let errors = 0;
  let index = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const begun = performance.now();
        try {
          const answer = await send(index++);
          samples.push({ latencyMs: performance.now() - begun, ...answer });
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return { samples, errors, seconds: (performance.now() - started) / 1000 };
}

export interface HttpCall {
  method: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Keep-alive pools by origin, shared by every phase (and closed together at the end). */
export class Pools {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly connections: number) {}

  of(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: this.connections, pipelining: 1, keepAliveTimeout: 60_000 });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
  }
}

/** Sends one call; any answer of 300 or more is an error (the bench measures answers that worked). */
export async function sendCall(pools: Pools, base: string, call: HttpCall): Promise<{ imbridgeMs?: number }> {
  const url = new URL(base);
  const answer = await pools.of(url.origin).request({
    method: call.method as 'GET',
    path: url.pathname.replace(/\/$/, '') + call.path,
    headers: call.headers,
    body: call.body ?? null,
  });
  const text = await answer.body.text();
  if (answer.statusCode >= 300) throw new Error(`${call.method} ${call.path}: ${answer.statusCode} ${text.slice(0, 200)}`);
  const timing = answer.headers['server-timing'];
  const match = typeof timing === 'string' ? /imbridge;dur=([\d.]+)/.exec(timing) : null;
  return match ? { imbridgeMs: Number(match[1]) } : {};
}
