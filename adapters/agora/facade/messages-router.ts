/**
 * Message send (vendor note §14): `POST /messages/users|chatgroups|chatrooms` with
 * `{from, to: [...], type: "txt", body: {msg}}` → one `messages.send` per target, answered as
 * `data: {target: messageId}` with the backend's id. The backend checks the relationship policy
 * before sending (the spec has no unchecked send); a refusal is 403 `forbidden_op` (README).
 */
import express, { type Router } from 'express';
import type { PeerType } from '../../../src/spec/index.js';
import { TEXTS } from '../protocol/wire.js';
import { findUser } from './backend-reads.js';
import { refuse } from './errors.js';
import type { RouteKit } from './route-kit.js';

const PEER_TYPES = { users: 'user', chatgroups: 'group', chatrooms: 'chatroom' } as const satisfies Record<string, PeerType>;

export function messagesRouter(kit: RouteKit): Router {
  const router = express.Router();

  for (const [kind, peerType] of Object.entries(PEER_TYPES) as Array<[keyof typeof PEER_TYPES, PeerType]>) {
    router.post(
      `/messages/${kind}`,
      kit.route(async (call) => {
        const body = call.record();
        // §14: no `from` means the app admin; it must exist as a user on the backend (README).
        const from = body.from === undefined ? 'admin' : body.from;
        if (typeof from !== 'string' || from === '') refuse(400, 'illegal_argument', TEXTS.fromEmpty);
        const targets = body.to;
        if (!Array.isArray(targets) || targets.length === 0 || targets.some((target) => typeof target !== 'string')) refuse(400, 'invalid_parameter', TEXTS.toMissing);
        const content = body.body as Record<string, unknown> | undefined;
        if (body.type !== 'txt' || typeof content?.msg !== 'string') refuse(400, 'invalid_parameter', TEXTS.messageBodyMissing);
        if ((await findUser(call.backend, from)) === null) refuse(404, 'service_resource_not_found', TEXTS.serviceResourceNotFound);
        const data: Record<string, string> = {};
        for (const target of targets as string[]) {
          if (peerType === 'user') {
            if ((await findUser(call.backend, target)) === null) refuse(404, 'service_resource_not_found', TEXTS.serviceResourceNotFound);
          } else {
            call.context.room = { id: target, isGroup: peerType === 'group' };
          }
          call.context.users = [from];
          const sent = await call.backend.messages.send({ from, to: { type: peerType, id: target }, text: content!.msg as string });
          data[target] = sent.id;
        }
        call.ok({ data });
      }),
    );
  }

  return router;
}
