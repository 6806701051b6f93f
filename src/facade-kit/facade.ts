/**
 * The contract of a vendor-compatible facade (`/compat/<vendor>`): it speaks one vendor's wire
 * format — routes, auth, envelopes, error codes — and runs each call on the selected backend
 * through the Backend spec. What it does not translate goes to `passThrough`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import type { Backend, UpstreamAccess } from '../spec/index.js';

/** One vendor-compatible facade (`compat.<vendor>`); the vendor's own credential keys are in `[key]`. */
export interface CompatConfig {
  /** Backend holding the data (default: defaultBackend). */
  backend: string;
  /** Other backends a client may pick with `X-IM-Backend` (`*` = any); none by default. */
  backends?: string[];
  /** Backend of the same vendor for pass-through, if any. */
  upstream?: string;
  timeoutMs?: number;
  [key: string]: unknown;
}

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

/**
 * The requests the facade's router would forward untouched, recognised on the raw request before
 * express so they skip express's per-request work (src/http/mount-compat.ts). `accepts` must say
 * yes only where the router would pass the request through: the vendor's credential check passes
 * (the same function the router calls) and no translated route takes it (`routeTable`).
 */
export interface PassThroughLane {
  /** The facade-relative URL to forward, or null to leave the request to the router. */
  accepts(request: IncomingMessage, url: LaneUrl): string | null;
  forward(request: IncomingMessage, response: ServerResponse, url: string): Promise<void>;
}

/**
 * A request's facade-relative URL, split as express splits it (its `req.path` and the query).
 * The lane only sees URLs express splits at the first `?` alone.
 */
export interface LaneUrl {
  pathname: string;
  /** `?…`, or empty. */
  search: string;
}

export interface Facade {
  router: Router;
  /** Present when the facade has an upstream to pass through to. */
  lane?: PassThroughLane;
}

/** What each `adapters/<vendor>/facade/index.ts` exports as `createFacade`. */
export type FacadeFactory = (context: FacadeContext) => Facade;

export type { RequestHandler };
