/** `/metrics` for events: deliveries made, retried and dead-lettered, the outbox depth, delivery latency. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { EventOutbox } from './event-outbox.js';

export interface EventMetrics {
  delivered: Counter<'webhook'>;
  retried: Counter<'webhook'>;
  deadLettered: Counter<'webhook'>;
  latency: Histogram<'webhook'>;
  appended: Counter<'source'>;
}

export function createEventMetrics(outbox: () => EventOutbox | undefined): { metrics: EventMetrics; register(registry: Registry): void } {
  const metrics: EventMetrics = {
    delivered: new Counter({ name: 'imbridge_events_delivered_total', help: 'Webhook deliveries the receiver accepted (2xx), by webhook URL', labelNames: ['webhook'], registers: [] }),
    retried: new Counter({ name: 'imbridge_events_retried_total', help: 'Webhook attempts that failed and were scheduled again, by webhook URL', labelNames: ['webhook'], registers: [] }),
    deadLettered: new Counter({ name: 'imbridge_events_dead_lettered_total', help: 'Webhook deliveries given up after the retry window (see GET /v1/events/dead)', labelNames: ['webhook'], registers: [] }),
    latency: new Histogram({
      name: 'imbridge_events_delivery_latency_seconds',
      help: 'From the event entering the outbox to the receiver accepting it, retries included',
      labelNames: ['webhook'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers: [],
    }),
    appended: new Counter({ name: 'imbridge_events_total', help: 'Events written to the outbox, by source (imbridge or a vendor callback)', labelNames: ['source'], registers: [] }),
  };
  const depth = new Gauge({
    name: 'imbridge_events_outbox_depth',
    help: 'Webhook deliveries not yet made (pending, retries included)',
    registers: [],
    collect() {
      this.set(outbox()?.depth() ?? 0);
    },
  });
  const dead = new Gauge({
    name: 'imbridge_events_dead_letters',
    help: 'Webhook deliveries dead-lettered and not replayed',
    registers: [],
    collect() {
      this.set(outbox()?.deadCount() ?? 0);
    },
  });
  return {
    metrics,
    register(registry) {
      for (const metric of [...Object.values(metrics), depth, dead]) registry.registerMetric(metric);
    },
  };
}
