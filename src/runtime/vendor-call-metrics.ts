/**
 * Prometheus metrics of vendor calls, per backend, vendor, unified operation and outcome: the
 * latency of every attempt, the final outcome of every call, retries and circuit-breaker state.
 * Vendor clients live for the process, so these metrics do too: they are created once here, in no
 * registry, and each app's `/metrics` registry adds them (`registerVendorCallMetrics`).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What one attempt came to: the answer's status class, or no answer at all. */
export type AttemptOutcome = '2xx' | '3xx' | '4xx' | '5xx' | 'no_answer';
/** What a whole call (its retries included) came to for the adapter. */
export type CallOutcome = 'answered' | 'rate_limited' | 'unavailable' | 'circuit_open';
export type RetryReason = 'throttled' | 'transient' | 'no_answer';

export interface CallLabels {
  backend: string;
  vendor: string;
  operation: string;
}

const LABELS = ['backend', 'vendor', 'operation', 'outcome'] as const;

const attemptSeconds = new Histogram({
  name: 'imbridge_vendor_call_duration_seconds',
  help: 'Latency of each vendor call attempt, by backend, vendor, unified operation and outcome (status class or no_answer)',
  labelNames: LABELS,
  // Up to the default timeout and beyond: a slow vendor must not vanish into +Inf.
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [],
});

const callsTotal = new Counter({
  name: 'imbridge_vendor_calls_total',
  help: 'Vendor calls by backend, vendor, unified operation and final outcome (answered, rate_limited, unavailable, circuit_open), retries folded in',
  labelNames: LABELS,
  registers: [],
});

const retriesTotal = new Counter({
  name: 'imbridge_vendor_retries_total',
  help: 'Vendor call attempts repeated, by backend, vendor, unified operation and the reason (throttled, transient, no_answer)',
  labelNames: ['backend', 'vendor', 'operation', 'reason'] as const,
  registers: [],
});

/** The circuit breakers to report, each read on scrape. */
const circuits = new Set<{ labels: () => Pick<CallLabels, 'backend' | 'vendor'>; state: () => number }>();

const circuitState = new Gauge({
  name: 'imbridge_vendor_circuit_state',
  help: 'Circuit breaker of each vendor client: 0 closed, 1 half-open (probing), 2 open (calls refused)',
  labelNames: ['backend', 'vendor'] as const,
  registers: [],
  collect() {
    this.reset();
    for (const circuit of circuits) this.set(circuit.labels(), circuit.state());
  },
});

export const vendorCallMetrics = {
  attempt(labels: CallLabels, outcome: AttemptOutcome, seconds: number): void {
    attemptSeconds.observe({ ...labels, outcome }, seconds);
  },
  call(labels: CallLabels, outcome: CallOutcome): void {
    callsTotal.inc({ ...labels, outcome });
  },
  retry(labels: CallLabels, reason: RetryReason): void {
    retriesTotal.inc({ ...labels, reason });
  },
  /** Reports a circuit until the returned function is called (the client closed). */
  watchCircuit(labels: () => Pick<CallLabels, 'backend' | 'vendor'>, state: () => number): () => void {
    const entry = { labels, state };
    circuits.add(entry);
    return () => circuits.delete(entry);
  },
};

/** Adds the vendor-call metrics to `registry` (once per registry). */
export function registerVendorCallMetrics(registry: Registry): void {
  for (const metric of [attemptSeconds, callsTotal, retriesTotal, circuitState]) {
    if (registry.getSingleMetric((metric as unknown as { name: string }).name) === undefined) registry.registerMetric(metric);
  }
}
