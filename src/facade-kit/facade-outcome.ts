/**
 * How a facade request was served, for `/metrics` and the access log: translated onto the unified
 * backend, passed through to the old vendor, or not mapped at all. The difference between the
 * first two is what an operator watches during a migration: how much still depends on the vendor.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type FacadeOutcome = 'translated' | 'pass_through' | 'unmapped';

interface OutcomeLocals {
  facadeOutcome?: FacadeOutcome;
  errorCode?: string;
}

/**
 * The per-request notes on a response: express's `res.locals`, or the same object made here for
 * a pass-through request that went past express (src/http/mount-compat.ts).
 */
function outcomeLocals(response: ServerResponse): OutcomeLocals {
  const answering = response as ServerResponse & { locals?: OutcomeLocals };
  return (answering.locals ??= Object.create(null) as OutcomeLocals);
}

export function markFacadeOutcome(response: ServerResponse, outcome: FacadeOutcome): void {
  outcomeLocals(response).facadeOutcome = outcome;
}

/** Express leaves the route that answered on the request. */
type RoutedRequest = IncomingMessage & { route?: { path?: unknown } };

/**
 * The outcome once the answer is sent. A request that reached one of the facade's own routes
 * was translated (express leaves the matched route on the request); anything else was answered
 * by the facade's fallback.
 */
export function facadeOutcomeOf(request: IncomingMessage, response: ServerResponse): FacadeOutcome {
  const marked = outcomeLocals(response).facadeOutcome;
  if (marked !== undefined) return marked;
  return (request as RoutedRequest).route !== undefined ? 'translated' : 'unmapped';
}

/** The facade route pattern that served a translated request (`/user/token`), for a bounded metric label. */
export function facadeRouteOf(request: IncomingMessage): string | undefined {
  const path = (request as RoutedRequest).route?.path;
  return typeof path === 'string' ? path : undefined;
}

/**
 * Notes the unified error code behind a vendor-shaped error answer, for the access log line and
 * `imbridge_http_errors_total`: the vendor's envelope does not carry it, and some vendors answer
 * errors with HTTP 200.
 */
export function noteErrorCode(response: ServerResponse, code: string): void {
  outcomeLocals(response).errorCode = code;
}
