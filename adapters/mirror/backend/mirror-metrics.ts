/** What a mirror counts for `/metrics`; the host labels each value with the mirror's name. */
import type { BackendMetric } from '../../../src/spec/index.js';

export class MirrorMetrics {
  queued = 0;
  retried = 0;
  delivered = 0;
  failedPermanently = 0;

  metrics(depth: number): BackendMetric[] {
    return [
      { name: 'imbridge_mirror_queued_total', type: 'counter', value: this.queued, help: 'Writes the secondary did not take at once (it failed, timed out, or the write had to wait behind queued ones), put in the queue' },
      { name: 'imbridge_mirror_retried_total', type: 'counter', value: this.retried, help: 'Delivery attempts of queued writes to the secondary' },
      { name: 'imbridge_mirror_delivered_total', type: 'counter', value: this.delivered, help: 'Queued writes the secondary took' },
      { name: 'imbridge_mirror_failed_permanently_total', type: 'counter', value: this.failedPermanently, help: 'Writes the secondary refused for good (an error about the write itself, or out of attempts); kept in the failed_writes table' },
      { name: 'imbridge_mirror_queue_depth', type: 'gauge', value: depth, help: 'Writes waiting in the queue: how far the secondary is behind the primary' },
    ];
  }
}
