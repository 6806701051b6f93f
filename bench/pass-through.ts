/**
 * Pass-through overhead: the same vendor call (one `/compat/wukongim` does not translate, so it
 * is proxied) sent straight to the vendor fake and through imbridge, one request at a time on one
 * keep-alive connection, so each latency is that of the path alone. Reported in microseconds.
 */
import { Pool } from 'undici';

export interface LatencySample {
  p50: number;
  p99: number;
  mean: number;
}

export interface TimedCall {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

/** Sends `count` sequential requests after `warmUp` unmeasured ones; latencies in µs. */
export async function sequentialLatency(call: TimedCall, count: number, warmUp: number): Promise<LatencySample> {
  const url = new URL(call.url);
  const pool = new Pool(url.origin, { connections: 1, pipelining: 1 });
  const samples: number[] = [];
  try {
    for (let index = 0; index < warmUp + count; index += 1) {
      const started = process.hrtime.bigint();
      const answer = await pool.request({ method: call.method, path: url.pathname.replace(/\/$/, '') + call.path, headers: call.headers, body: call.body ?? null });
      await answer.body.text();
      const elapsed = Number(process.hrtime.bigint() - started) / 1000;
      if (answer.statusCode >= 300) throw new Error(`${call.method} ${call.path} answered ${answer.statusCode}`);
      if (index >= warmUp) samples.push(elapsed);
    }
  } finally {
    await pool.close();
  }
  samples.sort((first, second) => first - second);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), mean: samples.reduce((sum, value) => sum + value, 0) / samples.length };
}
