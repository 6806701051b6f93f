/**
 * The backends' own metrics on `/metrics` (`Backend.metrics`), beside the HTTP layer's: one
 * Prometheus metric per reported name, labelled with each reporting backend's name, read from the
 * backends on every scrape so the values are never stale.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Backend, BackendMetric } from '../spec/index.js';

export function registerBackendMetrics(registry: Registry, backends: ReadonlyMap<string, Backend>): void {
  const reporting = [...backends].filter(([, backend]) => backend.metrics !== undefined);
  const firstSeen = new Map<string, BackendMetric>();
  for (const [, backend] of reporting) {
    for (const metric of backend.metrics!()) if (!firstSeen.has(metric.name)) firstSeen.set(metric.name, metric);
  }
  for (const [name, metric] of firstSeen) {
    const values = () =>
      reporting.flatMap(([backendName, backend]) =>
        backend.metrics!()
          .filter((reported) => reported.name === name)
          .map((reported) => ({ labels: { backend: backendName }, value: reported.value })),
      );
    if (metric.type === 'counter') {
      new Counter({
        name,
        help: metric.help,
        labelNames: ['backend'] as const,
        registers: [registry],
        collect() {
          this.reset();
          for (const { labels, value } of values()) this.inc(labels, value);
        },
      });
    } else {
      new Gauge({
        name,
        help: metric.help,
        labelNames: ['backend'] as const,
        registers: [registry],
        collect() {
          this.reset();
          for (const { labels, value } of values()) this.set(labels, value);
        },
      });
    }
  }
}
