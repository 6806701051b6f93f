/**
 * How a facade request was served, for `/metrics` and the access log: translated onto the unified
 * backend, passed through to the old vendor, or not mapped at all. The difference between the
 * first two is what an operator watches during a migration: how much still depends on the vendor.
 */
import type { Request, Response } from 'express';

export type FacadeOutcome = 'translated' | 'pass_through' | 'unmapped';

interface OutcomeLocals {
  facadeOutcome?: FacadeOutcome;
}

export function markFacadeOutcome(response: Response, outcome: FacadeOutcome): void {
  (response.locals as OutcomeLocals).facadeOutcome = outcome;
}

/**
 * The outcome once the answer is sent. A request that reached one of the facade's own routes
 * was translated (express leaves the matched route on the request); anything else was answered
 * by the facade's fallback.
 */
export function facadeOutcomeOf(request: Request, response: Response): FacadeOutcome {
  const marked = (response.locals as OutcomeLocals).facadeOutcome;
  if (marked !== undefined) return marked;
  return request.route !== undefined ? 'translated' : 'unmapped';
}

/** The facade route pattern that served a translated request (`/user/token`), for a bounded metric label. */
export function facadeRouteOf(request: Request): string | undefined {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : undefined;
}

/**
 * Notes the unified error code behind a vendor-shaped error answer, for the access log line and
 * `imbridge_http_errors_total`: the vendor's envelope does not carry it, and some vendors answer
 * errors with HTTP 200.
 */
export function noteErrorCode(response: Response, code: string): void {
  (response.locals as { errorCode?: string }).errorCode = code;
}
