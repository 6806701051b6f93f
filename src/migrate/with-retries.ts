/** Retrying what a backend asks to be retried, for every read and write of a migration. */
import { ImBridgeError } from '../spec/index.js';

const MAX_ATTEMPTS = 10;

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
 * migration down (its Retry-After when given), it does not fail it. A small loop rather than a
 * retry library, because the delay comes from each error's own Retry-After.
 */
export async function withRetries<Result>(work: () => Promise<Result>, options: RetryOptions = {}): Promise<Result> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const again = error instanceof ImBridgeError && (error.retryable || (options.partial === true && error.code === 'PARTIAL_FAILURE'));
      if (!again || attempt >= MAX_ATTEMPTS) throw error;
      const backoff = Math.min(200 * 2 ** (attempt - 1), 15_000);
      await new Promise((resolve) => setTimeout(resolve, Math.max(backoff, ((error as ImBridgeError).retryAfterSeconds ?? 0) * 1000)));
    }
  }
}
