/**
 * Deleting a conversation (vendor note §13): `DELETE /users/{u}/user_channel` with a JSON body
 * `{channel, type: chat|groupchat, delete_roam}` → `conversations.delete` for `u` only. The
 * vendor does not check that the channel exists, so an unknown peer is a quiet success here too.
 */
import express, { type Router } from 'express';
import { ImBridgeError } from '../../../src/spec/index.js';
import { TEXTS } from '../protocol/wire.js';
import { requireUser } from './backend-reads.js';
import { refuse } from './errors.js';
import type { RouteKit } from './route-kit.js';

export function conversationsRouter(kit: RouteKit): Router {
  const router = express.Router();

  router.delete(
    '/users/:username/user_channel',
    kit.route(async (call) => {
      const user = await requireUser(call.backend, call.param('username'));
      const json = call.json;
      if (json === null || typeof json !== 'object' || Array.isArray(json)) refuse(400, 'invalid_request_body', TEXTS.invalidRequestBody);
      const body = json as Record<string, unknown>;
      if (typeof body.channel !== 'string' || body.channel === '') refuse(400, 'illegal_argument', TEXTS.channelMissing);
      if (body.type !== 'chat' && body.type !== 'groupchat') refuse(400, 'illegal_argument', TEXTS.typeMissing);
      if (typeof body.delete_roam !== 'boolean') refuse(400, 'illegal_argument', TEXTS.deleteRoamMissing);
      try {
        // `delete_roam` (server-side history) has no unified counterpart: history is not modelled.
        await call.backend.conversations.delete(user.uid, body.type === 'chat' ? 'user' : 'group', body.channel);
      } catch (error) {
        const unknownPeer = error instanceof ImBridgeError && (error.code === 'USER_NOT_FOUND' || error.code === 'GROUP_NOT_FOUND' || error.code === 'INVALID_ID');
        if (!unknownPeer) throw error;
      }
      call.ok({ data: { result: 'ok' } });
    }),
  );

  return router;
}
