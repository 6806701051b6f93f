/**
 * The event kit's entry: the change sink every backend's records reach (through the change
 * log), and the door for changes vendor callbacks report. Each becomes one event in the durable
 * outbox, with a delivery per webhook whose filter wants it; the dispatcher and open streams
 * are told at once.
 */
import type { Registry } from 'prom-client';
import type { BackendLogger, ChangeRecord, ChangeSink } from '../spec/index.js';
import { EchoFilter } from './echo-filter.js';
import { EventOutbox } from './event-outbox.js';
import { createEventMetrics, type EventMetrics } from './event-metrics.js';
import { eventFromIngested, eventFromRecord, type ImbridgeEvent, type IngestedChange } from './imbridge-event.js';
import { DEFAULT_DELIVERY_POLICY, WebhookDispatcher, type DeliveryPolicy, type WebhookTarget } from './webhook-dispatcher.js';

export interface EventHubOptions {
  /** SQLite file of the outbox, or `:memory:`. */
  outboxPath: string;
  webhooks: readonly WebhookTarget[];
  delivery?: Partial<DeliveryPolicy>;
  /** Events whose deliveries are all done are forgotten after this long (the stream's resume horizon). */
  retentionMs?: number;
  /** And beyond this many, newest kept (an in-memory outbox must not grow with the process's life). */
  maxEvents?: number;
  /** Backends whose vendor reports changes by callback: their events are matched against the callbacks' echo. */
  callbackBackends?: readonly string[];
  /** How long imbridge's sighting of a change waits for the vendor's echo. */
  echoWindowMs?: number;
  /** How long a vendor callback's change waits for imbridge's own sighting before it counts as made outside imbridge. */
  echoHoldMs?: number;
  logger: BackendLogger;
  now?: () => number;
}

export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60_000;

export class EventHub implements ChangeSink {
  readonly outbox: EventOutbox;
  private readonly metrics: EventMetrics;
  private readonly registerMetrics: (registry: Registry) => void;
  private readonly dispatcher: WebhookDispatcher;
  private readonly listeners = new Set<() => void>();
  private readonly closers = new Set<() => void>();
  private readonly echoes: EchoFilter;
  private readonly callbackBackends: ReadonlySet<string>;
  private readonly now: () => number;
  private pruner: NodeJS.Timeout | undefined;

  constructor(private readonly options: EventHubOptions) {
    this.now = options.now ?? Date.now;
    this.outbox = new EventOutbox(options.outboxPath);
    const kit = createEventMetrics(() => this.outbox);
    this.metrics = kit.metrics;
    this.registerMetrics = kit.register;
    this.echoes = new EchoFilter(options.echoWindowMs ?? 60_000, options.echoHoldMs ?? 1_000);
    this.callbackBackends = new Set(options.callbackBackends ?? []);
    this.dispatcher = new WebhookDispatcher(this.outbox, options.webhooks, { ...DEFAULT_DELIVERY_POLICY, ...options.delivery }, this.metrics, options.logger, this.now);
  }

  start(): void {
    this.dispatcher.start();
    const retention = this.options.retentionMs ?? DEFAULT_RETENTION_MS;
    const prune = () => {
      try {
        this.outbox.prune(this.now() - retention, this.options.maxEvents);
      } catch (error) {
        this.options.logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'event outbox prune failed');
      }
    };
    prune();
    this.pruner = setInterval(prune, 60_000);
    this.pruner.unref();
  }

  /** A backend's change record; throws when the outbox could not keep it (the native backend then keeps it and hands it over again). */
  emit(record: ChangeRecord): void {
    const event = eventFromRecord(record, 'imbridge');
    if (this.callbackBackends.has(event.backend)) this.echoes.imbridgeSaw(event, this.now());
    this.append(event);
  }

  /**
   * Changes a vendor callback reported for `backend`, each appended unless it is the echo of a
   * change made through imbridge; resolves once they are in the outbox (answer the vendor then,
   * so a vendor that retries unanswered callbacks gets a second chance after a crash).
   */
  async ingest(backend: string, changes: readonly IngestedChange[]): Promise<ImbridgeEvent[]> {
    const events = changes.map((change) => eventFromIngested(backend, change, this.now()));
    const echoes = await Promise.all(events.map((event) => this.echoes.vendorSaw(event, this.now())));
    return events.filter((event, index) => !echoes[index] && this.append(event));
  }

  /** Puts a dead-lettered delivery back in the queue; false when it is not dead. */
  replay(deliveryId: number): boolean {
    const replayed = this.outbox.replay(deliveryId, this.now());
    if (replayed) this.dispatcher.kick();
    return replayed;
  }

  /** Called on every event appended (the SSE streams read the outbox from their own position). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Registers how to end an open stream when the server stops. */
  onClose(closer: () => void): () => void {
    this.closers.add(closer);
    return () => this.closers.delete(closer);
  }

  registerMetricsIn(registry: Registry): void {
    this.registerMetrics(registry);
  }

  /** Ends open streams (so the HTTP server can stop at once). */
  endStreams(): void {
    for (const closer of [...this.closers]) closer();
  }

  async close(): Promise<void> {
    clearInterval(this.pruner);
    this.endStreams();
    await this.dispatcher.stop();
    this.outbox.close();
  }

  private append(event: ImbridgeEvent): boolean {
    const webhooks = this.options.webhooks.filter(
      (webhook) => (webhook.backends === undefined || webhook.backends.includes(event.backend)) && (webhook.types === undefined || webhook.types.includes(event.type)),
    );
    if (!this.outbox.append(event, webhooks.map((webhook) => webhook.url), this.now())) return false;
    this.metrics.appended.inc({ source: event.source });
    for (const listener of [...this.listeners]) listener();
    // No delivery was written when no webhook wants the event: nothing new can be due.
    if (webhooks.length > 0) this.dispatcher.kick();
    return true;
  }
}
