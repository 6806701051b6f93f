/**
 * What a response cost, split in two: time spent waiting on vendors and time spent inside
 * imbridge. Every response carries it as `Server-Timing: upstream;dur=…;desc="N calls",
 * imbridge;dur=…` (milliseconds, up to the moment the headers go out), so users see the overhead
 * in their own traffic; `/metrics` has the same split as histograms per backend and route.
 *
 * The request's `VendorTime` travels in the call scope: the vendor HTTP client adds each attempt
 * to it, and the facades' pass-through adds its upstream leg.
 */
import type { ServerResponse } from 'node:http';
import { Histogram, type Registry } from 'prom-client';
import { VendorTime, type CallScope } from '../runtime/index.js';

interface TimingLocals {
  routeLabel?: string;
  backend?: { name: string };
}

const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function formatMs(value: number): string {
  return value.toFixed(3);
}

/** The header's value for a response that took `totalMs`, of which `vendorTime` on vendors. */
export function serverTimingValue(vendorTime: VendorTime, totalMs: number): string {
  const upstream = vendorTime.milliseconds();
  const calls = vendorTime.calls;
  return `upstream;dur=${formatMs(upstream)};desc="${calls} call${calls === 1 ? '' : 's'}", imbridge;dur=${formatMs(Math.max(0, totalMs - upstream))}`;
}

/**
 * The timing of every response: call the returned function as a request begins, and run the
 * request inside the call scope it returns (runInCallScope) so vendor calls add to its time.
 */
export function createServerTiming(registry: Registry): (response: ServerResponse) => CallScope {
  const upstreamSeconds = new Histogram({
    name: 'imbridge_http_upstream_duration_seconds',
    help: 'Time each HTTP request spent waiting on vendor calls (parallel calls counted once), by backend and route pattern',
    labelNames: ['backend', 'route'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const overheadSeconds = new Histogram({
    name: 'imbridge_http_overhead_duration_seconds',
    help: 'Time each HTTP request spent inside imbridge (total minus vendor time), by backend and route pattern',
    labelNames: ['backend', 'route'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });

  return (response: ServerResponse) => {
    const started = performance.now();
    const vendorTime = new VendorTime();
    const scope: CallScope = { vendorTime };
    const writeHead = response.writeHead;
    // Patched on the instance: the headers are written by express, by the pass-through proxy or
    // by Node itself (an implicit header), and each of these goes through writeHead.
    response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
      if (!this.headersSent) this.setHeader('Server-Timing', serverTimingValue(vendorTime, performance.now() - started));
      return (writeHead as (...inner: unknown[]) => ServerResponse).apply(this, args);
    } as ServerResponse['writeHead'];
    response.on('finish', () => {
      const locals = (response as ServerResponse & { locals?: TimingLocals }).locals ?? {};
      const labels = { backend: locals.backend?.name ?? '', route: locals.routeLabel ?? 'unmatched' };
      const upstream = vendorTime.milliseconds();
      upstreamSeconds.observe(labels, upstream / 1000);
      overheadSeconds.observe(labels, Math.max(0, performance.now() - started - upstream) / 1000);
    });
    return scope;
  };
}
