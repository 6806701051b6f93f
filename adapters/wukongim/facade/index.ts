/**
 * The WuKongIM facade at `/compat/wukongim`: WuKongIM v2's HTTP API (token header, bare-value
 * answers, `{"msg","status":400}` errors, its quirks) over any imbridge backend. Routes it does not
 * translate go to the configured WuKongIM upstream with the upstream's own token, else answer the
 * vendor's plain-text 404. See README.md for the route map and every difference.
 */
import express from 'express';
import { sendNotFound, tokenAccepted } from '../protocol/wire.js';
import type { FacadeFactory } from '../../../src/facade-kit/facade.js';
import { endWithPassThrough } from '../../../src/facade-kit/end-with-pass-through.js';
import { createTokenCheck } from './auth.js';
import { createChannelListsRouter } from './channel-lists-router.js';
import { createChannelsRouter } from './channels-router.js';
import { createConversationsRouter } from './conversations-router.js';
import { passThroughFailure } from './errors.js';
import { createMessagesRouter } from './messages-router.js';
import { createUsersRouter } from './users-router.js';

export const createFacade: FacadeFactory = (context) => {
  const router = express.Router();
  const token = typeof context.config.token === 'string' ? context.config.token : '';
  // Before routing, like the vendor's middleware: unknown paths and pass-through need it too.
  const tokenCheck = createTokenCheck(token);
  router.use(tokenCheck);
  router.use(createUsersRouter(context));
  router.use(createChannelListsRouter(context));
  router.use(createChannelsRouter(context));
  router.use(createConversationsRouter(context));
  router.use(createMessagesRouter(context));
  return endWithPassThrough(router, {
    upstream: context.upstream,
    logger: context.logger,
    ...(context.config.timeoutMs !== undefined ? { timeoutMs: context.config.timeoutMs } : {}),
    answerFailure: passThroughFailure,
    fallback: (_request, response) => sendNotFound(response),
    transparent: [tokenCheck],
    accepts: (request, { pathname, search }, translates) => (tokenAccepted(request, token) && !translates(request.method ?? '', pathname) ? pathname + search : null),
  });
};
