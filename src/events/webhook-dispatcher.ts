/**
 * Delivers the outbox to webhooks, following the Standard Webhooks specification (signing by the
 * `standardwebhooks` library): `webhook-id` is the event id, the same on every retry, so a
 * receiver drops a second delivery; deliveries are at least once, in order per webhook and per
 * pair of users or room, retried with exponential backoff for `retryForMs` (24 h and more by
 * default), then dead-lettered.
 */
import { Webhook } from 'standardwebhooks';
import type { BackendLogger } from '../spec/index.js';
import type { DueDelivery, EventOutbox } from './event-outbox.js';
import type { EventMetrics } from './event-metrics.js';

export interface WebhookTarget {
  url: string;
  /** `whsec_<base64>`. */
  secret: string;
  backends?: string[];
  types?: string[];
}

export interface DeliveryPolicy {
  /** Wait before the first retry; doubled per failed attempt. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** How long after the first attempt a delivery keeps being retried before it is dead-lettered. */
  retryForMs: number;
  timeoutMs: number;
  /** How often due retries are looked for when nothing new arrives. */
  pollIntervalMs: number;
  /** Deliveries in flight at once (each to a different pair or room). */
  concurrency: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  initialDelayMs: 5_000,
  maxDelayMs: 60 * 60_000,
  // A day and an hour: a receiver down for a whole day still gets everything.
  retryForMs: 25 * 60 * 60_000,
  timeoutMs: 10_000,
  pollIntervalMs: 1_000,
  concurrency: 8,
};

/** A webhook's URL as metrics and logs show it: without credentials or query (either may hold a secret). */
export function webhookLabel(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'invalid-url';
  }
}

/** The body a webhook receives: Standard Webhooks' `{ type, timestamp, data }`. */
export function webhookBody(delivery: Pick<DueDelivery, 'event'>): string {
  return JSON.stringify({ type: delivery.event.type, timestamp: delivery.event.time, data: delivery.event });
}

export class WebhookDispatcher {
  private readonly signers = new Map<string, Webhook>();
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private pumping = false;
  private again = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly outbox: EventOutbox,
    webhooks: readonly WebhookTarget[],
    private readonly policy: DeliveryPolicy,
    private readonly metrics: EventMetrics,
    private readonly logger: BackendLogger,
    private readonly now: () => number = Date.now,
  ) {
    for (const webhook of webhooks) this.signers.set(webhook.url, new Webhook(webhook.secret));
  }

  start(): void {
    this.running = true;
    this.kick();
  }

  /** Looks for due deliveries now (a new event arrived). */
  kick(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    void this.pump();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.again = false;
        const room = this.policy.concurrency - this.busy.size;
        if (room <= 0) break;
        for (const delivery of this.outbox.dueDeliveries(this.now(), room, this.busy)) this.launch(delivery);
      } while (this.again && this.running);
    } catch (error) {
      this.logger.error({ reason: error instanceof Error ? error.message : String(error) }, 'webhook dispatcher could not read the outbox');
    } finally {
      this.pumping = false;
      this.schedule();
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.running) return;
    this.timer = setTimeout(() => this.kick(), this.policy.pollIntervalMs);
    this.timer.unref();
  }

  private launch(delivery: DueDelivery): void {
    const key = `${delivery.webhook}\n${delivery.orderKey}`;
    this.busy.add(key);
    const attempt = this.attempt(delivery).finally(() => {
      this.busy.delete(key);
      this.inFlight.delete(attempt);
      // The next event of this pair or room may now go.
      this.kick();
    });
    this.inFlight.add(attempt);
  }

  private async attempt(delivery: DueDelivery): Promise<void> {
    const signer = this.signers.get(delivery.webhook);
    const started = this.now();
    let failure: string | undefined;
    if (!signer) {
      failure = 'the webhook is no longer configured';
    } else {
      const body = webhookBody(delivery);
      const signedAt = new Date(started);
      try {
        const response = await fetch(delivery.webhook, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': delivery.event.id,
            'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
            'webhook-signature': signer.sign(delivery.event.id, signedAt, body),
          },
          body,
          signal: AbortSignal.timeout(this.policy.timeoutMs),
          redirect: 'manual',
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.status < 200 || response.status > 299) failure = `the receiver answered ${response.status}`;
      } catch (error) {
        failure = error instanceof Error ? (error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message) : String(error);
      }
    }
    const now = this.now();
    const webhook = webhookLabel(delivery.webhook);
    if (failure === undefined) {
      this.outbox.markDelivered(delivery.deliveryId, now);
      this.metrics.delivered.inc({ webhook });
      this.metrics.latency.observe({ webhook }, Math.max(0, now - delivery.createdMs) / 1000);
      return;
    }
    const firstAttempt = delivery.firstAttemptMs ?? started;
    const delay = Math.min(this.policy.maxDelayMs, this.policy.initialDelayMs * 2 ** delivery.attempts);
    const next = now + delay;
    if (!signer || next - firstAttempt > this.policy.retryForMs) {
      this.outbox.markFailed(delivery.deliveryId, failure, null, now);
      this.metrics.deadLettered.inc({ webhook });
      this.logger.warn({ webhook, event: delivery.event.id, attempts: delivery.attempts + 1, reason: failure }, 'webhook delivery dead-lettered');
      return;
    }
    this.outbox.markFailed(delivery.deliveryId, failure, next, now);
    this.metrics.retried.inc({ webhook });
    this.logger.info({ webhook, event: delivery.event.id, attempts: delivery.attempts + 1, retryInMs: delay, reason: failure }, 'webhook delivery failed; retrying');
  }
}
