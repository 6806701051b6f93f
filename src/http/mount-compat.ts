/**
 * Mounts the configured vendor facades at `/compat/<vendor>`, each with its backend and upstream,
 * and returns the lane that takes their plain pass-through requests before express.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ImBridgeError, toErrorBody, type Backend } from '../spec/index.js';
import { httpStatusFor } from './error-status.js';
import type { CompatVendor, ImbridgeConfig } from '../config/config-types.js';
import { findVendor } from '../../adapters/index.js';
import type { PassThroughLane } from '../facade-kit/index.js';

/** A request the lane takes: its facade, and the forward that answers it. */
export interface LaneRequest {
  vendor: string;
  /** The facade-relative URL it forwards. */
  url: string;
  forward(response: ServerResponse): Promise<void>;
}

/**
 * Finds the facade pass-through a raw request is, or undefined to leave it to express. Only the
 * plainest requests qualify: the facade's mount path spelled exactly, a URL express splits at
 * its first `?` alone, no `X-IM-Backend` (express checks its scope), a body within the server's
 * limit; then the facade's own lane decides (its credential check and its route table).
 */
export type CompatLane = (request: IncomingMessage) => LaneRequest | undefined;

/** Characters after which express's URL parser stops reading a path as the text before `?`. */
const UNUSUAL_URL = /[#\s\u00a0\ufeff]/;

export function mountCompat(app: Express, config: ImbridgeConfig, backends: ReadonlyMap<string, Backend>, logger: Logger): CompatLane {
  const lanes = new Map<string, PassThroughLane>();
  for (const [vendor, block] of Object.entries(config.compat) as Array<[CompatVendor, NonNullable<ImbridgeConfig['compat'][CompatVendor]>]>) {
    const upstreamName = block.upstream;
    const upstream = upstreamName === undefined ? null : (backends.get(upstreamName)?.upstream ?? null);
    if (upstreamName !== undefined && !upstream) {
      throw new Error(`compat.${vendor}.upstream: backend "${upstreamName}" cannot serve as a pass-through upstream`);
    }
    const facade = findVendor(vendor)?.facade;
    // The config schema admits only vendors with a facade; this guards a config built in code.
    if (!facade) throw new Error(`compat.${vendor}: no vendor "${vendor}" with a facade`);
    const { router, lane } = facade.create({
      vendor,
      config: block,
      backendFor: (request: Request) => backends.get(request.get('x-im-backend') ?? block.backend),
      upstream,
      logger: logger.child({ compat: vendor }),
    });
    if (lane) lanes.set(vendor, lane);
    const allowed = new Set([block.backend, ...(block.backends ?? [])]);
    app.use(
      `/compat/${vendor}`,
      (request: Request, response: Response, next: NextFunction) => {
        (response.locals as { routeLabel?: string }).routeLabel = `/compat/${vendor}`;
        (response.locals as { facadeVendor?: string }).facadeVendor = vendor;
        // A facade credential reaches its own backend, and others only where the config says so:
        // it is not an API key, and must not bypass auth.apiKeys scoping. An unknown name is left
        // to the facade, which answers it in the vendor's shape.
        // The server's body limit holds on facade routes too, pass-through included: the vendor
        // behind would otherwise decide how much an app may stream through imbridge.
        const declared = Number(request.get('content-length') ?? 0);
        if (declared > config.server.bodyLimitBytes) {
          const error = new ImBridgeError('PAYLOAD_TOO_LARGE', `the request body exceeds ${config.server.bodyLimitBytes} bytes`);
          (response.locals as { errorCode?: string }).errorCode = error.code;
          response.status(httpStatusFor(error)).set('connection', 'close').json({ error: toErrorBody(error) });
          return;
        }
        const named = request.get('x-im-backend');
        if (named !== undefined && backends.has(named) && !allowed.has(named) && !allowed.has('*')) {
          const error = new ImBridgeError('FORBIDDEN_BACKEND', `compat.${vendor} may not use backend "${named}"; list it in compat.${vendor}.backends to allow it`, {
            details: { backend: named },
          });
          (response.locals as { errorCode?: string }).errorCode = error.code;
          response.status(httpStatusFor(error)).json({ error: toErrorBody(error) });
          return;
        }
        next();
      },
      router,
    );
  }
  return (request) => {
    const url = request.url ?? '';
    if (lanes.size === 0 || !url.startsWith('/compat/') || UNUSUAL_URL.test(url)) return undefined;
    const end = url.indexOf('/', 8);
    const lane = end === -1 ? undefined : lanes.get(url.slice(8, end));
    if (lane === undefined || request.headers['x-im-backend'] !== undefined) return undefined;
    if (Number(request.headers['content-length'] ?? 0) > config.server.bodyLimitBytes) return undefined;
    const relative = url.slice(end);
    const mark = relative.indexOf('?');
    const forwarded = lane.accepts(request, mark === -1 ? { pathname: relative, search: '' } : { pathname: relative.slice(0, mark), search: relative.slice(mark) });
    if (forwarded === null) return undefined;
    return { vendor: url.slice(8, end), url: forwarded, forward: (response) => lane.forward(request, response, forwarded) };
  };
}
