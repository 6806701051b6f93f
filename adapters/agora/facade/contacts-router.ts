/**
 * Contacts (vendor note §6): add and delete are two-way and immediate (`friends.put` /
 * `friends.remove` mutual), the remark is the unified `alias`. The all-list answers newest first,
 * the paged list (singular `/user/`) oldest first, both by the friendship's `since`.
 */
import express, { type Router } from 'express';
import type { Backend, Friendship } from '../../../src/spec/index.js';
import { TEXTS, decodeCursor, encodeCursor } from '../protocol/wire.js';
import { requireUser } from './backend-reads.js';
import { refuse } from './errors.js';
import type { RouteKit } from './route-kit.js';
import { stableUuid } from './stable-uuid.js';
import { listAll } from '../../../src/facade-kit/index.js';

/** Oldest first; equal times by uid, so the order is the same on every read. */
async function contactsOf(backend: Backend, uid: string): Promise<Friendship[]> {
  const items = await listAll((options) => backend.friends.list(uid, options));
  return items.sort((left, right) => (left.since === right.since ? (left.friend < right.friend ? -1 : left.friend > right.friend ? 1 : 0) : left.since < right.since ? -1 : 1));
}

export function contactsRouter(kit: RouteKit): Router {
  const router = express.Router();

  router.post(
    '/users/:owner/contacts/users/:friend',
    kit.route(async (call) => {
      const owner = await requireUser(call.backend, call.param('owner'));
      const friend = await requireUser(call.backend, call.param('friend'));
      if (owner.uid === friend.uid) refuse(400, 'illegal_argument', TEXTS.invalidRequest);
      await call.backend.friends.put(owner.uid, friend.uid, {});
      call.ok({ entities: [call.entity(friend)] });
    }),
  );

  router.delete(
    '/users/:owner/contacts/users/:friend',
    kit.route(async (call) => {
      const owner = await requireUser(call.backend, call.param('owner'));
      const friend = await requireUser(call.backend, call.param('friend'));
      // §6: a server-side delete removes both directions.
      await call.backend.friends.remove(owner.uid, friend.uid, 'mutual');
      call.ok({ entities: [call.entity(friend)] });
    }),
  );

  router.get(
    '/users/:owner/contacts/users',
    kit.route(async (call) => {
      const owner = await requireUser(call.backend, call.param('owner'));
      const names = (await contactsOf(call.backend, owner.uid)).reverse().slice(0, 3000).map((entry) => entry.friend);
      call.ok({ data: names, count: names.length });
    }),
  );

  router.get(
    '/user/:owner/contacts',
    kit.route(async (call) => {
      const owner = await requireUser(call.backend, call.param('owner'));
      const query = call.request.query;
      const limit = query.limit === undefined ? 10 : Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1) refuse(400, 'illegal_argument', TEXTS.invalidRequest);
      if (limit > 50) refuse(400, 'illegal_argument', TEXTS.contactPageCap);
      const withRemark = query.needReturnRemark === 'true';
      const all = await contactsOf(call.backend, owner.uid);
      const offset = decodeCursor(query.cursor);
      const page = all.slice(offset, offset + limit).map((entry) => {
        // An empty remark is no remark (§6: the vendor answers null).
        const remark = entry.alias === null || entry.alias === '' ? null : entry.alias;
        return withRemark ? { username: entry.friend, remark } : { username: entry.friend };
      });
      const next = offset + limit;
      const request = call.request;
      call.ok({
        data: { contacts: page },
        count: page.length,
        ...(next < all.length ? { cursor: encodeCursor(next) } : {}),
        // §6: the paged list's `uri` shows the internal rostersByPage path with the owner's uuid.
        extra: { uri: `${request.protocol}://${request.get('host') ?? 'localhost'}${request.baseUrl}${call.prefix}/user/${stableUuid(`${call.backend.name}:${owner.uid}`)}/rostersByPage` },
      });
    }),
  );

  router.put(
    '/user/:owner/contacts/users/:friend',
    kit.route(async (call) => {
      const owner = await requireUser(call.backend, call.param('owner'));
      const friend = await requireUser(call.backend, call.param('friend'));
      const remark = call.record().remark;
      if (typeof remark !== 'string') refuse(400, 'illegal_argument', TEXTS.remarkMissing);
      if (remark.length > 100) refuse(400, 'illegal_argument', TEXTS.remarkTooLong);
      // NOT_FRIENDS from the backend is the vendor's "updateRemark they are not friends" (errors.ts).
      await call.backend.friends.update(owner.uid, friend.uid, { alias: remark });
      // §6: this call answers a bare status object, not the usergrid envelope.
      call.response.status(200).json({ action: 'put', status: 'ok', timestamp: call.now(), uri: `${call.prefix}${call.request.path}`, duration: 0 });
    }),
  );

  return router;
}
