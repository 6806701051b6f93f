/**
 * The write path of a mirror. A write goes to the primary; when the primary refuses it, so does
 * the call, and the secondary sees nothing. Otherwise the primary's answer is the call's, and the
 * write goes on to the secondary: at once when no queued write shares its keys, into the queue
 * behind them when some do (order per user and room), and into the queue after a failed attempt
 * (the secondary down or in trouble, a timeout). The queue is delivered in order per key with
 * capped exponential backoff per write. A write the secondary refuses for good (an error about
 * the write itself, or out of attempts) is moved aside to `failed_writes` and counted.
 *
 * One write at a time per key runs the whole path, primary call included, so the secondary gets
 * each key's writes in the order the primary took them. Delivery is at least once: a write whose
 * attempt got no answer is tried again, and a repeat answered "already there" (ALREADY_EXISTS,
 * ALREADY_FRIENDS, REQUEST_PENDING) then counts as delivered.
 */
import { ImBridgeError, UnsupportedError, type Backend, type BackendLogger, type BackendMetric, type BatchResult, type ErrorCode } from '../../../src/spec/index.js';
import { MemoryKeyedLock } from '../../../src/runtime/index.js';
import { MirrorMetrics } from './mirror-metrics.js';
import { argumentsAtDelivery, secondaryArguments } from './secondary-arguments.js';
import { writeKeys } from './write-keys.js';
import type { MirroredWrite, QueuedWrite, WriteQueue } from './write-queue.js';

export interface RetrySettings {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Attempts in total, the first included; null = until delivered. */
  maxAttempts: number | null;
}

export interface MirrorWritesOptions {
  primary: Backend;
  secondary: Backend;
  queue: WriteQueue;
  logger: BackendLogger;
  now: () => number;
  /** How long one attempt waits for the secondary. */
  timeoutMs: number;
  retry: RetrySettings;
}

type Outcome = { kind: 'delivered' } | { kind: 'retry'; error: string; uncertain: boolean } | { kind: 'refused'; error: string };

/**
 * Failures of the secondary itself rather than of the write: its credentials refused, nonsense or
 * no answer, throttling, a half-done change, a broken store. An operator can cure them, so the
 * write waits in the queue; what is wrong with the write (an unknown user, a policy, a conflict)
 * no repeat cures, and it is set aside.
 */
const SECONDARY_TROUBLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['UPSTREAM_AUTH', 'UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE', 'RATE_LIMITED', 'PARTIAL_FAILURE', 'INTERNAL']);

function curable(error: { code: string; retryable: boolean }): boolean {
  return error.retryable || SECONDARY_TROUBLE.has(error.code as ErrorCode);
}

/** Conflicts that mean the secondary already holds what the write would make. */
const STATE_REACHED: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['ALREADY_EXISTS', 'ALREADY_FRIENDS', 'REQUEST_PENDING']);
/** How many of the oldest queued writes one round looks at for deliverable ones. */
const WINDOW = 1_000;
/** Writes on distinct keys delivered at once in one round. */
const PARALLEL = 8;

class SecondaryTimeout extends Error {}

/** Calls the method at `method` (`rooms.members.add`) of `backend` with its facet as `this`. */
export function callMethod(backend: Backend, method: string, args: readonly unknown[]): Promise<unknown> {
  const path = method.split('.');
  let owner: unknown = backend;
  for (const part of path.slice(0, -1)) owner = typeof owner === 'object' && owner !== null ? (owner as Record<string, unknown>)[part] : undefined;
  const member = typeof owner === 'object' && owner !== null ? (owner as Record<string, unknown>)[path.at(-1)!] : undefined;
  if (typeof member !== 'function') return Promise.reject(new UnsupportedError(method, backend.vendor, `backend "${backend.name}" has no method ${method}`));
  return (member as (...args: unknown[]) => Promise<unknown>).apply(owner, [...args]);
}

function isBatchResult(value: unknown): value is BatchResult {
  return typeof value === 'object' && value !== null && Array.isArray((value as BatchResult).results);
}

function describe(error: unknown): string {
  if (error instanceof ImBridgeError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export class MirrorWrites {
  private readonly counters = new MirrorMetrics();
  /** Serializes writes per key from the primary call to the secondary's outcome. */
  private readonly lock = new MemoryKeyedLock();
  private readonly inFlight = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private draining: Promise<void> | undefined;
  /** A write was queued while a round ran: look again when it ends. */
  private wakeAgainAt = Number.POSITIVE_INFINITY;
  private closed = false;

  constructor(private readonly options: MirrorWritesOptions) {
    if (options.queue.depth > 0) {
      options.logger.info({ queued: options.queue.depth, secondary: options.secondary.name }, 'mirror: delivering the writes queued before the restart');
      this.wake(options.now());
    }
  }

  /** The write `method` with `args`: the primary's answer, once the secondary has it or it is queued. */
  write(method: string, args: unknown[]): Promise<unknown> {
    const running = this.lock.run(writeKeys(method, args), async () => {
      const result = await callMethod(this.options.primary, method, args);
      try {
        await this.mirror(method, args, result);
      } catch (error) {
        // The primary holds the write: the call succeeded, whatever became of the secondary's copy.
        this.counters.failedPermanently += 1;
        this.options.logger.error({ method, error: describe(error) }, 'mirror: a write could be neither delivered nor queued; the secondary misses it');
      }
      return result;
    });
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running)).catch(() => undefined);
    return running;
  }

  metrics(): BackendMetric[] {
    return this.counters.metrics(this.options.queue.depth);
  }

  get depth(): number {
    return this.options.queue.depth;
  }

  /** Stops delivering; waits for the writes and the delivery round under way. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    this.closed = true;
    clearTimeout(this.timer);
    await this.draining;
    this.options.queue.close();
  }

  private async mirror(method: string, args: readonly unknown[], result: unknown): Promise<void> {
    const { queue, now } = this.options;
    const secondaryArgs = secondaryArguments(method, args, result);
    const write: MirroredWrite = {
      method,
      args: secondaryArgs,
      keys: [...new Set([...writeKeys(method, args), ...writeKeys(method, secondaryArgs)])],
      batchOk: isBatchResult(result) ? result.results.map((item) => item.ok) : null,
      queuedAt: now(),
    };
    if (queue.holdsAny(write.keys)) {
      this.enqueue(write, { attempts: 0, nextAttemptAt: write.queuedAt, uncertain: false, error: null });
      return;
    }
    const outcome = await this.attempt(write, false);
    if (outcome.kind === 'delivered') return;
    if (outcome.kind === 'retry' && (this.options.retry.maxAttempts === null || this.options.retry.maxAttempts > 1)) {
      this.enqueue(write, { attempts: 1, nextAttemptAt: now() + this.backoff(1), uncertain: outcome.uncertain, error: outcome.error });
      return;
    }
    queue.refused(write, outcome.error, now());
    this.refusedForGood(write.method, outcome.error);
  }

  private enqueue(write: MirroredWrite, state: { attempts: number; nextAttemptAt: number; uncertain: boolean; error: string | null }): void {
    const wasEmpty = this.options.queue.depth === 0;
    this.options.queue.add(write, state);
    this.counters.queued += 1;
    if (wasEmpty) {
      this.options.logger.warn({ secondary: this.options.secondary.name, method: write.method, error: state.error ?? undefined }, 'mirror: the secondary did not take a write; queueing writes until it does');
    }
    this.wake(state.nextAttemptAt);
  }

  private refusedForGood(method: string, error: string): void {
    this.counters.failedPermanently += 1;
    this.options.logger.warn({ secondary: this.options.secondary.name, method, error }, 'mirror: the secondary refused a write for good; it is kept in failed_writes');
  }

  /** Waits after `attempts` failed attempts: doubling from the initial delay, capped. */
  private backoff(attempts: number): number {
    const { initialDelayMs, maxDelayMs } = this.options.retry;
    return Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempts - 1, 30));
  }

  /** One attempt of `write` on the secondary, judged. */
  private async attempt(write: MirroredWrite, uncertainBefore: boolean): Promise<Outcome> {
    const { secondary, timeoutMs, now } = this.options;
    const call = callMethod(secondary, write.method, argumentsAtDelivery(write.method, write.args, now() - write.queuedAt));
    // A call outlived by its timeout may still fail later; nobody waits for it any more.
    call.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new SecondaryTimeout(`the secondary did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return this.judgeAnswer(write, await Promise.race([call, timeout]), uncertainBefore);
    } catch (error) {
      return this.judgeError(error, uncertainBefore);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A batch must succeed on the secondary for every item the primary took. */
  private judgeAnswer(write: MirroredWrite, answer: unknown, uncertainBefore: boolean): Outcome {
    if (!write.batchOk || !isBatchResult(answer)) return { kind: 'delivered' };
    const diverging = write.batchOk.flatMap((ok, index) => (ok && answer.results[index]?.ok !== true ? [answer.results[index]] : []));
    if (diverging.length === 0) return { kind: 'delivered' };
    const error = diverging.map((item) => `${item?.id ?? '?'}: ${item?.error ? `${item.error.code}: ${item.error.message}` : 'no result'}`).join('; ');
    if (uncertainBefore && diverging.every((item) => item?.error !== undefined && STATE_REACHED.has(item.error.code as ErrorCode))) return { kind: 'delivered' };
    if (diverging.some((item) => item?.error !== undefined && curable(item.error))) return { kind: 'retry', error, uncertain: uncertainBefore };
    return { kind: 'refused', error: `items the primary took were refused: ${error}` };
  }

  private judgeError(error: unknown, uncertainBefore: boolean): Outcome {
    if (error instanceof SecondaryTimeout) return { kind: 'retry', error: error.message, uncertain: true };
    if (!(error instanceof ImBridgeError)) {
      // Not a unified error: a store or a connection broken under the backend (or the backend
      // closing at shutdown) more likely than a write no repeat could take, so the write waits.
      this.options.logger.error({ err: error }, 'mirror: the secondary failed unexpectedly');
      return { kind: 'retry', error: describe(error), uncertain: true };
    }
    if (uncertainBefore && STATE_REACHED.has(error.code)) return { kind: 'delivered' };
    if (!curable(error)) return { kind: 'refused', error: describe(error) };
    // No answer at all (status 0): the secondary may have applied it before the line dropped.
    const noAnswer = error.code === 'UPSTREAM_UNAVAILABLE' && (error.upstream?.status ?? 0) === 0;
    return { kind: 'retry', error: describe(error), uncertain: uncertainBefore || noAnswer };
  }

  // ---- delivery of the queue

  /** Makes sure a delivery round runs no later than `at`. */
  private wake(at: number): void {
    if (this.closed) return;
    if (this.draining) {
      this.wakeAgainAt = Math.min(this.wakeAgainAt, at);
      return;
    }
    if (this.timer !== undefined && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.startRound(), Math.max(0, at - this.options.now()));
    // The queue is durable: a pending redelivery must not keep a process alive that is done.
    this.timer.unref();
  }

  private startRound(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.closed) return;
    this.draining = this.round()
      .catch((error: unknown) => {
        this.options.logger.error({ error: describe(error) }, 'mirror: a delivery round failed');
        return this.options.now() + this.options.retry.maxDelayMs;
      })
      .then((next) => {
        this.draining = undefined;
        const again = Math.min(next, this.wakeAgainAt);
        this.wakeAgainAt = Number.POSITIVE_INFINITY;
        if (this.options.queue.depth > 0 && Number.isFinite(again)) this.wake(again);
      });
  }

  /**
   * Delivers every due write that no older queued write shares a key with; answers when to look
   * again: at once after deliveries (the next writes of those keys may be due), else when the
   * first waiting write is due.
   */
  private async round(): Promise<number> {
    const { queue, now } = this.options;
    const started = now();
    const blocked = new Set<string>();
    const due: QueuedWrite[] = [];
    let nextDue = Number.POSITIVE_INFINITY;
    for (const write of queue.oldest(WINDOW)) {
      const first = write.keys.every((key) => !blocked.has(key));
      for (const key of write.keys) blocked.add(key);
      if (!first) continue;
      if (write.nextAttemptAt <= started) due.push(write);
      else nextDue = Math.min(nextDue, write.nextAttemptAt);
    }
    await eachLimited(due, PARALLEL, (write) => this.deliver(write));
    return due.length > 0 ? now() : nextDue;
  }

  private async deliver(write: QueuedWrite): Promise<void> {
    const { queue, now, retry } = this.options;
    this.counters.retried += 1;
    const outcome = await this.attempt(write, write.uncertain);
    if (outcome.kind === 'delivered') {
      queue.delivered(write);
      this.counters.delivered += 1;
      if (queue.depth === 0) this.options.logger.info({ secondary: this.options.secondary.name }, 'mirror: the secondary caught up; the queue is empty');
      return;
    }
    const attempts = write.attempts + 1;
    if (outcome.kind === 'retry' && (retry.maxAttempts === null || attempts < retry.maxAttempts)) {
      queue.rescheduled(write, { attempts, nextAttemptAt: now() + this.backoff(attempts), uncertain: outcome.uncertain, error: outcome.error });
      return;
    }
    const error = outcome.kind === 'retry' ? `out of attempts (${attempts}): ${outcome.error}` : outcome.error;
    queue.failed({ ...write, attempts }, error, now());
    this.refusedForGood(write.method, error);
  }
}
