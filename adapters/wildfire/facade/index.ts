/**
 * The Wildfire facade (`/compat/wildfire`): Wildfire IM's admin API — signed POSTs to `/admin/…`,
 * the `{code, msg, result}` envelope on HTTP 200, HTTP 500 with an empty body for a path the
 * server has no handler for — answered from the selected Backend (README.md). Routes it does not
 * translate go, re-signed with the upstream's own secret, to the configured Wildfire upstream.
 */
import type { IncomingMessage } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ImBridgeError, type Backend } from '../../../src/spec/index.js';
import { noteErrorCode } from '../../../src/facade-kit/facade-outcome.js';
import { JavaException, checkSignature, envelopeOf, sendEnvelope, sendJavaException, sendNoHandler, type Answer } from '../protocol/wire.js';
import type { FacadeFactory } from '../../../src/facade-kit/facade.js';
import { createPassThrough } from '../../../src/facade-kit/pass-through.js';
import { verifySignature } from './auth.js';
import { toVendorError, passThroughFailure } from './errors.js';
import type { FacadeRoute } from './facade-route.js';
import { groupRoutes } from './group-routes.js';
import { messageRoutes } from './message-routes.js';
import { readBody } from './read-body.js';
import { relationRoutes } from './relation-routes.js';
import { userRoutes } from './user-routes.js';

import type { WildfireEdition } from '../protocol/wire.js';

export type { WildfireEdition };

/** The `compat.wildfire` keys beyond the common ones (adapters/wildfire/facade.schema.json). */
interface WildfireCompatKeys {
  secret: string;
  edition: WildfireEdition;
  noCheckTime: boolean;
}

function wildfireKeys(config: Record<string, unknown>): WildfireCompatKeys {
  return {
    secret: String(config.secret),
    edition: config.edition === 'pro' ? 'pro' : 'community',
    noCheckTime: config.noCheckTime === true,
  };
}

export const FACADE_ROUTES: readonly FacadeRoute[] = [...userRoutes(), ...relationRoutes(), ...groupRoutes(), ...messageRoutes()];

export const createFacade: FacadeFactory = (context) => {
  const keys = wildfireKeys(context.config);
  const routes = new Map(FACADE_ROUTES.filter((entry) => !entry.pro || keys.edition === 'pro').map((entry) => [entry.path, entry]));
  const proOnly = new Set(FACADE_ROUTES.filter((entry) => entry.pro).map((entry) => entry.path));
  const signature = { secret: keys.secret, noCheckTime: keys.noCheckTime };
  const passThrough = context.upstream
    ? createPassThrough({
        upstream: context.upstream,
        logger: context.logger,
        ...(context.config.timeoutMs === undefined ? {} : { timeoutMs: context.config.timeoutMs }),
        answerFailure: (failure) => {
          const { headers, text } = envelopeOf(passThroughFailure(failure));
          return { status: 200, headers, body: text };
        },
      })
    : null;

  const answer = (response: Response, outcome: Answer | null) => {
    if (outcome === null) sendNoHandler(response);
    else sendEnvelope(response, outcome);
  };

  const run = async (request: Request, response: Response, entry: FacadeRoute, backend: Backend) => {
    try {
      const body = await readBody(request, response);
      answer(response, await entry.run(body, backend));
    } catch (error) {
      if (error instanceof JavaException) return sendJavaException(response, error.message);
      const outcome = toVendorError(error, entry.path);
      if (ImBridgeError.is(error)) noteErrorCode(response, error.code);
      if (outcome === null || outcome.code === 4) {
        // The unified code says why; never the request headers (they carry the signature).
        context.logger.warn({ path: entry.path, reason: error instanceof Error ? error.message : String(error) }, 'wildfire facade call failed');
      }
      answer(response, outcome);
    }
  };

  /**
   * What the router does with a path it does not translate: a pro route on a community facade is
   * what a community server has no handler for; anything else is passed through, when there is an
   * upstream.
   */
  const passesThrough = (path: string) => !routes.has(path) && !proOnly.has(path) && passThrough !== null;
  // The pass-through applies the upstream's credentials: only a client signed with the facade's secret may use them.
  const signedForPassThrough = (request: IncomingMessage, path: string) => path === '/admin/health' || checkSignature(request.headers, { ...signature, now: Date.now }) === 0;

  const router = express.Router();
  router.use((request: Request, response: Response, next: NextFunction) => {
    const entry = routes.get(request.path);
    if (!entry) {
      if (!passesThrough(request.path)) return next();
      // The refusal's answer is the signature check's own.
      if (!signedForPassThrough(request, request.path) && !verifySignature(request, response, signature)) return;
      return passThrough!.handler(request, response, next);
    }
    // Every admin action is a POST; any other method has no handler (§3).
    if (request.method !== 'POST') return sendNoHandler(response);
    if (!verifySignature(request, response, signature)) return;
    const backend = context.backendFor(request);
    if (!backend) {
      context.logger.warn({ path: request.path, backend: request.get('x-im-backend') }, 'wildfire facade: unknown backend');
      return sendEnvelope(response, { code: 4, msg: 'server error' });
    }
    void run(request, response, entry, backend);
  });
  router.use((request: Request, response: Response) => {
    // Wildfire's admin listener: no handler under /admin is HTTP 500 with an empty body; elsewhere 404.
    if (request.path.startsWith('/admin/')) sendNoHandler(response);
    else response.status(404).end();
  });
  if (passThrough === null) return { router };
  return {
    router,
    lane: {
      accepts: (request, { pathname, search }) => (passesThrough(pathname) && signedForPassThrough(request, pathname) ? pathname + search : null),
      forward: passThrough.forward,
    },
  };
};
