/**
 * The request a piece of work is done for, carried through async calls (AsyncLocalStorage) so a
 * vendor call deep inside an adapter can name it to the vendor without every signature passing it
 * along: the vendor's logs and imbridge's then join on one id.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  /** imbridge's request id (the caller's `X-Request-Id` when it sent a usable one). */
  requestId: string;
  /** The caller's W3C `traceparent`, when it sent a well-formed one. */
  traceparent?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** W3C Trace Context, version 00: a malformed header is dropped rather than passed on. */
const TRACEPARENT_PATTERN = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export function isTraceparent(value: string | undefined): value is string {
  return value !== undefined && TRACEPARENT_PATTERN.test(value);
}

export function runInRequestContext<Result>(context: RequestContext, work: () => Result): Result {
  return storage.run(context, work);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The headers naming the current request to a vendor (none outside a request). */
export function requestContextHeaders(): Record<string, string> {
  const context = storage.getStore();
  if (context === undefined) return {};
  return { 'x-request-id': context.requestId, ...(context.traceparent !== undefined ? { traceparent: context.traceparent } : {}) };
}
