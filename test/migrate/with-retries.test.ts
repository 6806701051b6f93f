/** A migration waits out what a backend asks to be retried, and stops on what it does not. */
import { describe, expect, it } from 'vitest';
import { withRetries } from '../../src/migrate/with-retries.js';
import { NotFoundError, PartialFailureError, UpstreamError } from '../../src/spec/index.js';

function failingTimes<Result>(times: number, error: () => Error, result: Result): { work: () => Promise<Result>; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    work: async () => {
      calls += 1;
      if (calls <= times) throw error();
      return result;
    },
  };
}

describe('withRetries', () => {
  it('waits a 429 out for as long as its Retry-After asks, then answers the call', async () => {
    const call = failingTimes(1, () => new UpstreamError('RATE_LIMITED', 'slow down', { retryAfterSeconds: 1 }), 'done');
    const started = performance.now();
    await expect(withRetries(call.work)).resolves.toBe('done');
    expect(call.calls()).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('does not retry an error that is not retryable', async () => {
    const call = failingTimes(1, () => new NotFoundError('USER_NOT_FOUND', 'no such user'), 'done');
    await expect(withRetries(call.work)).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    expect(call.calls()).toBe(1);
  });

  it('retries PARTIAL_FAILURE only for a write that is idempotent as a whole', async () => {
    const partial = () => new PartialFailureError('one side', [{ step: 'a→b', state: 'applied' }]);
    const once = failingTimes(1, partial, 'done');
    await expect(withRetries(once.work)).rejects.toMatchObject({ code: 'PARTIAL_FAILURE' });
    expect(once.calls()).toBe(1);
    const idempotent = failingTimes(1, partial, 'done');
    await expect(withRetries(idempotent.work, { partial: true })).resolves.toBe('done');
    expect(idempotent.calls()).toBe(2);
  });

});
