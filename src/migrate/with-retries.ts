/** Retrying what a backend asks to be retried, for every read and write of a migration. */
import { DelegateBackoff, handleWhen, retry } from 'cockatiel';
import { ImBridgeError } from '../spec/index.js';

const MAX_ATTEMPTS = 10;
const BASE_DELAY_MS = 200;
const MAX_DELAY_MS = 15_000;

export interface RetryOptions {
  /**
   * Also retry PARTIAL_FAILURE: right for a write that is idempotent as a whole (every migration
   * write but a create whose id the target picks), since doing it again completes what the
   * first attempt left half-done — typically a vendor 429 between two of its calls.
   */
  partial?: boolean;
}

/**
 * Runs one call, waiting out what the target asks to be retried: a vendor 429 slows the
 * migration down (the error's Retry-After when given, else an exponential delay), it does not
 * fail it. The same retry library as the vendor HTTP client, with the delay read off each error.
 */
export async function withRetries<Result>(work: () => Promise<Result>, options: RetryOptions = {}): Promise<Result> {
  const policy = retry(
    handleWhen((error) => error instanceof ImBridgeError && (error.retryable || (options.partial === true && error.code === 'PARTIAL_FAILURE'))),
    {
      maxAttempts: MAX_ATTEMPTS - 1,
      backoff: new DelegateBackoff((context) => {
        const failure = 'error' in context.result ? context.result.error : undefined;
        const exponential = Math.min(BASE_DELAY_MS * 2 ** (context.attempt - 1), MAX_DELAY_MS);
        const asked = failure instanceof ImBridgeError ? (failure.retryAfterSeconds ?? 0) * 1000 : 0;
        return Math.max(exponential, asked);
      }),
    },
  );
  return policy.execute(() => work());
}
