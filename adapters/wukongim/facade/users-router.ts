/**
 * `/user/token` (note §8) = registration: `users.put(uid, {})`. The token itself is the IM
 * client's login secret, checked by WuKongIM at connect; imbridge has no client connections, so
 * it is validated like the vendor does and not kept. `/health` answers like the fake.
 */
import express, { type Router } from 'express';
import { SYSTEM_UID, checkUserToken, decode, sendJson } from '../protocol/wire.js';
import type { FacadeContext } from '../../../src/facade-kit/facade.js';
import { vendorRoute } from './vendor-route.js';

export function createUsersRouter(context: FacadeContext): Router {
  const router = express.Router();
  router.post(
    '/user/token',
    ...vendorRoute(context, async (request, backend) => {
      const { uid } = checkUserToken(decode(request, ['device_flag', 'device_level']), new Set([SYSTEM_UID]));
      await backend.users.put(uid, {});
      return undefined;
    }),
  );
  router.get('/health', (_request, response) => sendJson(response, 200, { status: 'ok' }));
  return router;
}
