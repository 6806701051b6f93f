/**
 * Which request a vendor call belongs to. The HTTP layer opens a scope per request (with a
 * `VendorTime` of its own), the guard narrows it per backend operation, and `VendorHttpClient`
 * reads it to add each attempt's time to the request's and to label its metrics. It travels with
 * the async context (AsyncLocalStorage), so concurrent requests never mix their times, and code
 * outside any request (migration, library use) simply finds no scope.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Time one request spent waiting on vendors: the union of its calls' intervals, so calls made in
 * parallel count once, as the wall-clock time the client waited for them.
 */
export class VendorTime {
  /** Attempts started (a retried call counts each attempt). */
  calls = 0;
  private inFlight = 0;
  private openedAt = 0;
  private closedMs = 0;

  /** Marks an attempt's start; call the returned function once when its answer (or failure) is in. */
  begin(): () => void {
    this.calls += 1;
    if (this.inFlight === 0) this.openedAt = performance.now();
    this.inFlight += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight -= 1;
      if (this.inFlight === 0) this.closedMs += performance.now() - this.openedAt;
    };
  }

  /** Milliseconds waited so far, an attempt still in flight counted up to now. */
  milliseconds(): number {
    return this.closedMs + (this.inFlight > 0 ? performance.now() - this.openedAt : 0);
  }
}

export interface CallScope {
  /** The request's vendor time; absent outside a request. */
  vendorTime?: VendorTime;
  /** The backend (configured name) whose operation is running. */
  backend?: string;
  /** The unified operation (its capability name, `relations.get`). */
  operation?: string;
}

const storage = new AsyncLocalStorage<CallScope>();

/** The scope of the running code, if any. */
export function currentCallScope(): CallScope | undefined {
  return storage.getStore();
}

/** Runs `task` in `scope`, laid over the current one (fields it leaves out are inherited). */
export function runInCallScope<Result>(scope: CallScope, task: () => Result): Result {
  const outer = storage.getStore();
  return storage.run(outer ? { ...outer, ...scope } : scope, task);
}
