/**
 * Backend health checked in the background, for `/readyz` and `/metrics`: a probe from a load
 * balancer every second must not become a vendor call every second, nor wait on a slow vendor.
 * Each backend is checked every `intervalMs` (one check at a time per backend, each bounded by
 * `timeoutMs`); readiness reads the last results. Only critical backends decide readiness, so
 * an old vendor kept as a pass-through upstream can die without taking every replica out.
 */
import type { Backend, BackendHealth } from '../spec/index.js';

export interface HealthMonitorOptions {
  /** Backend names whose failure makes the instance not ready. */
  critical: ReadonlySet<string>;
  intervalMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

export interface CheckedHealth {
  ok: boolean;
  critical: boolean;
  /** When the last check finished; null before the first. */
  checkedAt: string | null;
  detail?: string;
}

export const DEFAULT_HEALTH_INTERVAL_MS = 5_000;
export const DEFAULT_HEALTH_TIMEOUT_MS = 2_000;

/** A backend's own health, bounded in time; never throws. */
export async function healthWithin(backend: Backend, timeoutMs: number): Promise<BackendHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<BackendHealth>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `health check timed out after ${timeoutMs / 1000} s` }), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([backend.health().catch((error: unknown) => ({ ok: false, detail: String(error) })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class HealthMonitor {
  private readonly results = new Map<string, { health: BackendHealth; at: number }>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private first: Promise<void> | undefined;

  constructor(
    private readonly backends: ReadonlyMap<string, Backend>,
    private readonly options: HealthMonitorOptions,
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_HEALTH_INTERVAL_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  /** Starts checking (once; later calls do nothing); the first round begins at once. */
  start(): void {
    if (this.timer !== undefined) return;
    this.first = this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), this.intervalMs);
    // The checks serve the process; they must never keep it alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Checks every backend now (a backend still being checked is not checked twice). */
  checkAll(): Promise<void> {
    return Promise.all([...this.backends.keys()].map((name) => this.check(name))).then(() => undefined);
  }

  private check(name: string): Promise<void> {
    const inFlight = this.running.get(name);
    if (inFlight) return inFlight;
    const backend = this.backends.get(name)!;
    const checking = healthWithin(backend, this.timeoutMs)
      .then((health) => {
        this.results.set(name, { health, at: this.now() });
      })
      .finally(() => this.running.delete(name));
    this.running.set(name, checking);
    return checking;
  }

  /** The last results; before the first round has finished, waits for it (once, at start-up). */
  async snapshot(): Promise<Map<string, CheckedHealth>> {
    if (this.results.size < this.backends.size) await (this.first ?? this.checkAll());
    const snapshot = new Map<string, CheckedHealth>();
    for (const name of this.backends.keys()) {
      const result = this.results.get(name);
      snapshot.set(name, {
        ok: result?.health.ok ?? false,
        critical: this.options.critical.has(name),
        checkedAt: result === undefined ? null : new Date(result.at).toISOString(),
        ...(result?.health.detail !== undefined ? { detail: result.health.detail } : {}),
      });
    }
    return snapshot;
  }

  /** Synchronous view for a metrics scrape: the last results only. */
  lastResults(): Array<{ name: string; ok: boolean; critical: boolean; checked: boolean }> {
    return [...this.backends.keys()].map((name) => ({
      name,
      ok: this.results.get(name)?.health.ok ?? false,
      critical: this.options.critical.has(name),
      checked: this.results.has(name),
    }));
  }
}
