/**
 * The Agora Chat facade at `/compat/agora`: Agora's app-token REST API (vendor note) over any
 * backend. Every request first passes the vendor's own checks (app prefix, then app token, see
 * auth.ts); translated routes run through the Backend spec (one router per resource group);
 * anything else goes to the configured upstream Agora backend with its own app token, or gets
 * the vendor's answer for an unknown URL (500 `web_application`). See README.md.
 */
import express from 'express';
import { TEXTS, errorBody } from '../protocol/wire.js';
import type { FacadeFactory } from '../../../src/facade-kit/facade.js';
import { endWithPassThrough } from '../../../src/facade-kit/end-with-pass-through.js';
import { authorize, createAuthCheck } from './auth.js';
import { blocksRouter } from './blocks-router.js';
import { contactsRouter } from './contacts-router.js';
import { conversationsRouter } from './conversations-router.js';
import { passThroughFailure } from './errors.js';
import { readFacadeConfig } from './facade-config.js';
import { messagesRouter } from './messages-router.js';
import { roomAdminsRouter } from './room-admins-router.js';
import { roomBlocksRouter } from './room-blocks-router.js';
import { roomMembersRouter } from './room-members-router.js';
import { roomMutesRouter } from './room-mutes-router.js';
import { roomWhitelistRouter } from './room-whitelist-router.js';
import { roomsRouter } from './rooms-router.js';
import { createRouteKit } from './route-kit.js';
import { usersRouter } from './users-router.js';

export const createFacade: FacadeFactory = (context) => {
  const config = readFacadeConfig(context.config);
  const kit = createRouteKit({ config, backendFor: (request) => context.backendFor(request), logger: context.logger });
  const router = express.Router();
  const authCheck = createAuthCheck(config);
  router.use(authCheck);
  router.use(usersRouter(kit, config.appId));
  router.use(contactsRouter(kit));
  router.use(blocksRouter(kit));
  router.use(conversationsRouter(kit));
  router.use(roomsRouter(kit, config.orgName !== undefined && config.appName !== undefined ? `${config.orgName}#${config.appName}` : null));
  router.use(roomMembersRouter(kit));
  router.use(roomAdminsRouter(kit));
  router.use(roomWhitelistRouter(kit));
  router.use(roomMutesRouter(kit));
  router.use(roomBlocksRouter(kit));
  router.use(messagesRouter(kit));
  return endWithPassThrough(router, {
    upstream: context.upstream,
    logger: context.logger,
    ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
    // The auth check already made the URL the path below the client's app prefix, and the
    // upstream's base URL carries the upstream's own prefix, so `/{facadeOrg}/{facadeApp}/x`
    // reaches `{upstream}/{upstreamOrg}/{upstreamApp}/x`.
    answerFailure: (failure) => {
      const refusal = passThroughFailure(failure);
      return { status: refusal.status, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(errorBody(refusal.error, refusal.description)) };
    },
    // An unknown URL or method under the app: the vendor's JAX-RS answer (§2).
    fallback: (_request, response) => {
      response.status(500).json(errorBody('web_application', TEXTS.unknownRoute));
    },
    transparent: [authCheck],
    // Routes match the path below the app prefix, as the auth check leaves it.
    accepts: (request, { pathname, search }, translates) => {
      const authorization = authorize(request, pathname, config, Date.now());
      return authorization.ok && !translates(request.method ?? '', authorization.rest) ? authorization.rest + search : null;
    },
  });
};
