/**
 * The OpenIM facade (`/compat/openim`): OpenIM 3.8.3's REST wire format — POST routes,
 * `operationID` + `token` headers, admin tokens the facade issues itself from
 * `/auth/get_admin_token`, the `{errCode, errMsg, errDlt, data}` envelope with HTTP 200 — over
 * whichever Backend the request selects. Routes it does not translate go to the configured
 * OpenIM upstream with the upstream backend's own token, or get gin's plain 404 without one.
 */
import type { IncomingMessage } from 'node:http';
import express, { type Request, type Response } from 'express';
import type { FacadeFactory } from '../../../src/facade-kit/facade.js';
import type { FailureAnswer } from '../../../src/facade-kit/pass-through.js';
import { endWithPassThrough } from '../../../src/facade-kit/end-with-pass-through.js';
import { WireError, decodeBody, errorEnvelope, requiredHeaders, successEnvelope, type Body } from '../protocol/wire.js';
import { checkToken, credentialsOf, issueAdminToken, parseToken, type FacadeCredentials } from './auth.js';
import { BLACK_ROUTES } from './black-routes.js';
import { CONVERSATION_ROUTES } from './conversation-routes.js';
import { passThroughFailure, unifiedCodeOf } from './errors.js';
import { noteErrorCode } from '../../../src/facade-kit/facade-outcome.js';
import { FRIEND_ROUTES } from './friend-routes.js';
import { GROUP_ROUTES } from './group-routes.js';
import { MESSAGE_ROUTES } from './message-routes.js';
import type { RouteHandler } from './route-context.js';
import { USER_ROUTES } from './user-routes.js';

const BACKEND_ROUTES: ReadonlyMap<string, RouteHandler> = new Map([...USER_ROUTES, ...FRIEND_ROUTES, ...BLACK_ROUTES, ...GROUP_ROUTES, ...MESSAGE_ROUTES, ...CONVERSATION_ROUTES]);

/** The router's token-free routes ("Whitelist", note §2), answered from the facade's own credentials. */
const TOKEN_FREE_ROUTES: ReadonlyMap<string, (credentials: FacadeCredentials, body: Body, now: number) => Body> = new Map([
  ['/auth/get_admin_token', issueAdminToken],
  ['/auth/parse_token', parseToken],
]);

/** Every mapped path; anything else is passed through (or 404). */
export const MAPPED_ROUTES: readonly string[] = [...TOKEN_FREE_ROUTES.keys(), ...BACKEND_ROUTES.keys()];

function reply(response: Response, body: Body): void {
  // HTTP 200 for every business outcome (note §2).
  response.status(200).type('application/json').send(JSON.stringify(body));
}

function replyError(response: Response, error: WireError): void {
  const code = unifiedCodeOf(error);
  if (code !== undefined) noteErrorCode(response, code);
  reply(response, errorEnvelope(error));
}

/** A request header as gin reads it (express's `request.header` for the same names), on any request. */
const header = (request: IncomingMessage) => (name: string) => {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
};

/** An answer as `reply` writes it, for the pass-through's failures, written outside express. */
function envelopeAnswer(error: WireError): FailureAnswer {
  const code = unifiedCodeOf(error);
  return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(errorEnvelope(error)), ...(code !== undefined ? { errorCode: code } : {}) };
}

export const createFacade: FacadeFactory = (context) => {
  const credentials = credentialsOf(context.config);
  const router = express.Router();
  // Bodies are read per mapped route only: the pass-through streams the untouched request.
  const readBody = express.text({ type: () => true, limit: '1mb' });

  router.post([...TOKEN_FREE_ROUTES.keys()], readBody, (request: Request, response: Response) => {
    try {
      requiredHeaders(header(request), false);
      const body = decodeBody(typeof request.body === 'string' ? request.body : '');
      reply(response, successEnvelope(TOKEN_FREE_ROUTES.get(request.path)!(credentials, body, Date.now())));
    } catch (error) {
      replyError(response, error instanceof WireError ? error : new WireError(500, 'internal error'));
    }
  });

  router.post([...BACKEND_ROUTES.keys()], readBody, async (request: Request, response: Response) => {
    const route = request.path;
    try {
      const now = Date.now();
      const operator = checkToken(credentials, requiredHeaders(header(request), true)!, now);
      const backend = context.backendFor(request);
      if (!backend) throw new WireError(1001, `unknown backend "${request.get('x-im-backend') ?? ''}" in X-IM-Backend`);
      const body = decodeBody(typeof request.body === 'string' ? request.body : '');
      const data = await BACKEND_ROUTES.get(route)!({ backend, body, operator, now });
      reply(response, successEnvelope(data));
    } catch (error) {
      if (error instanceof WireError) {
        context.logger.debug({ route, errCode: error.errCode }, 'openim facade refused');
        replyError(response, error);
        return;
      }
      context.logger.error({ route, reason: error instanceof Error ? error.message : String(error) }, 'openim facade failed');
      replyError(response, new WireError(500, 'internal error'));
    }
  });

  // The client proves itself with a facade token before the upstream's own token is spent for it.
  const passThroughRefusal = (request: IncomingMessage): WireError | null => {
    try {
      checkToken(credentials, requiredHeaders(header(request), true)!, Date.now());
      return null;
    } catch (error) {
      return error instanceof WireError ? error : new WireError(500, 'internal error');
    }
  };
  return endWithPassThrough(router, {
    upstream: context.upstream,
    logger: context.logger,
    ...(typeof context.config.timeoutMs === 'number' ? { timeoutMs: context.config.timeoutMs } : {}),
    answerFailure: (failure) => envelopeAnswer(passThroughFailure(failure)),
    // gin: an unknown path (or a method it has no route for) is a plain-text 404.
    fallback: (_request: Request, response: Response) => {
      response.status(404).type('text/plain').send('404 page not found');
    },
    guard: (request, response) => {
      const refusal = passThroughRefusal(request);
      if (refusal !== null) replyError(response, refusal);
      return refusal === null;
    },
    transparent: [],
    accepts: (request, { pathname, search }, translates) => (!translates(request.method ?? '', pathname) && passThroughRefusal(request) === null ? pathname + search : null),
  });
};
