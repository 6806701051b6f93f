/**
 * The event hub for a config's `events` block. Without one: an in-memory outbox and no webhooks;
 * the stream still works, over the last hour and at most 10,000 events, so memory stays bounded.
 */
import type { EventsConfig } from '../config/config-types.js';
import type { BackendLogger } from '../spec/index.js';
import { EventHub } from './event-hub.js';

export function createEventHub(config: EventsConfig | undefined, logger: BackendLogger, now?: () => number): EventHub {
  return new EventHub({
    outboxPath: config?.outbox.path ?? ':memory:',
    webhooks: config?.webhooks ?? [],
    delivery: config?.delivery ?? {},
    ...(config?.retentionHours !== undefined ? { retentionMs: config.retentionHours * 60 * 60_000 } : {}),
    ...(config === undefined ? { retentionMs: 60 * 60_000, maxEvents: 10_000 } : {}),
    callbackBackends: Object.keys(config?.callbacks ?? {}),
    logger,
    ...(now ? { now } : {}),
  });
}
