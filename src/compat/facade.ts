/**
 * The contract of a vendor-compatible facade (`/compat/<vendor>`): it speaks one vendor's wire
 * format — routes, auth, envelopes, error codes — and runs each call on the selected backend
 * through the Backend spec. What it does not translate goes to `passThrough`.
 */
import type { Request, RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import type { Backend, UpstreamAccess } from '../spec/index.js';
import type { CompatConfig } from '../config/config-types.js';

export interface FacadeContext {
  vendor: string;
  /** The validated `compat.<vendor>` block: the credentials apps use against the facade. */
  config: CompatConfig;
  /** The backend for this request (`X-IM-Backend`, else `compat.<vendor>.backend`); undefined for an unknown name. */
  backendFor(request: Request): Backend | undefined;
  /** The vendor upstream's access, when `compat.<vendor>.upstream` is configured. */
  upstream: UpstreamAccess | null;
  logger: Logger;
}

/** What each `src/compat/<vendor>/index.ts` exports as `createFacade`. */
export type FacadeFactory = (context: FacadeContext) => Router;

export type { RequestHandler };
