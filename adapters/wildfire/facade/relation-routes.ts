/**
 * `/admin/friend/*`, `/admin/blacklist/*` and `/admin/relation/get` (vendor note §5) on the
 * unified friends, blocks, relations and friend-request facets. Friend status is two-way
 * (status 2, the legacy value, writes the caller's row only), the blacklist one-way. Wildfire's
 * quirk that set_alias/set_extra on a non-friend create a one-way friend row maps to
 * `friends.put(…, 'one-way')`.
 */
import { ImBridgeError, isOptionSupported, isSupported, type Backend, type Relation } from '../../../src/spec/index.js';
import { type Answer, type Json, fail, int, isAnswer, nonEmpty, ok, readFriendRequest, str } from '../protocol/wire.js';
import { route, type FacadeRoute } from './facade-route.js';
import { requireOption } from './require-option.js';
import { oldestFirst } from './oldest-first.js';
import { listAll } from '../../../src/facade-kit/index.js';

/** Wildfire checks no user: what a call about an unknown user reads is "no row" (§4). */
function isUnknown(error: unknown): boolean {
  return ImBridgeError.is(error) && (error.code === 'USER_NOT_FOUND' || error.code === 'INVALID_ID');
}

async function relationOrNone(backend: Backend, first: string, second: string): Promise<Relation | null> {
  if (first === second) return null;
  try {
    return await backend.relations.get(first, second);
  } catch (error) {
    if (isUnknown(error)) return null;
    throw error;
  }
}

/** A row a→b exists in Wildfire when a lists b or blocks b; its alias/extra are a's view. */
function rowOf(relation: Relation | null): { alias: string; extra: string } | null {
  if (!relation || (!relation.friend && !relation.blocking)) return null;
  return { alias: relation.alias ?? '', extra: relation.extra ?? '' };
}

/**
 * Whether from → to is pending, where the backend can list requests; elsewhere the backend's own
 * send answers REQUEST_PENDING, after the 23/246 checks (README "Differences").
 */
async function isPending(backend: Backend, from: string, to: string): Promise<boolean> {
  if (!isSupported(backend.capabilities, 'friendRequests.list')) return false;
  const outgoing = await listAll((options) => backend.friendRequests.list(from, 'outgoing', options));
  return outgoing.some((request) => request.to === to && request.status === 'pending');
}

/** A removal of something that cannot exist (an unknown user) is already done. */
async function removal(run: () => Promise<unknown>): Promise<Answer> {
  try {
    await run();
  } catch (error) {
    if (!isUnknown(error)) throw error;
  }
  return ok();
}

/** set_alias / set_extra: a's view of b; on a non-friend it creates the one-way friend row (§5 quirk). */
async function setView(backend: Backend, body: Json, field: 'alias' | 'extra'): Promise<Answer | null> {
  const operator = str(body, 'operator');
  const targetId = str(body, 'targetId');
  if (!nonEmpty(operator) || !nonEmpty(targetId)) return fail(251);
  const value = str(body, field) ?? '';
  const relation = await backend.relations.get(operator, targetId);
  if (field === 'extra') requireOption(backend, relation.friend ? 'friends.update' : 'friends.put', 'extra');
  if (relation.friend) {
    await backend.friends.update(operator, targetId, { [field]: value });
  } else {
    requireOption(backend, 'friends.put', 'oneWay');
    await backend.friends.put(operator, targetId, { [field]: value }, 'one-way');
  }
  return null;
}

export function relationRoutes(): FacadeRoute[] {
  return [
    route('/admin/friend/status', async (body, backend) => {
      const userId = str(body, 'userId');
      const friendUid = str(body, 'friendUid');
      if (!nonEmpty(userId) || !nonEmpty(friendUid)) return fail(251);
      const status = int(body, 'status');
      const extra = str(body, 'extra');
      if (status === 0) {
        // Wildfire writes the call's extra on a's row, "" when absent or empty (audit W-1): a friendship
        // set without one blanks a's extra. A backend without friend extras has nothing to blank.
        const wanted = extra ?? '';
        if (wanted !== '') requireOption(backend, 'friends.put', 'extra');
        await backend.friends.put(userId, friendUid, isOptionSupported(backend.capabilities, 'friends.put', 'extra') ? { extra: wanted } : {});
        return ok();
      }
      // 2 (legacy) writes only the caller's row; any other value is "not friends" on both rows.
      requireOption(backend, 'friends.remove', status === 2 ? 'oneWay' : undefined);
      return removal(() => backend.friends.remove(userId, friendUid, status === 2 ? 'one-way' : 'mutual'));
    }),

    route('/admin/friend/list', async (body, backend) => {
      const userId = str(body, 'userId') ?? '';
      try {
        const friends = await listAll((options) => backend.friends.list(userId, options));
        return ok({ list: oldestFirst(friends, (entry) => entry.friend).map((entry) => entry.friend) });
      } catch (error) {
        if (isUnknown(error)) return ok({ list: [] });
        throw error;
      }
    }),

    route('/admin/blacklist/status', async (body, backend) => {
      const userId = str(body, 'userId');
      const targetUid = str(body, 'targetUid');
      if (!nonEmpty(userId) || !nonEmpty(targetUid)) return fail(251);
      const status = int(body, 'status');
      if (status === 2) {
        await backend.blocks.put(userId, targetUid);
        return ok();
      }
      if (status === 0 || status === 1) return removal(() => backend.blocks.remove(userId, targetUid));
      return fail(251);
    }),

    route('/admin/blacklist/list', async (body, backend) => {
      const userId = str(body, 'userId') ?? '';
      try {
        const blocks = await listAll((options) => backend.blocks.list(userId, options));
        return ok({ list: oldestFirst(blocks, (entry) => entry.blocked).map((entry) => entry.blocked) });
      } catch (error) {
        if (isUnknown(error)) return ok({ list: [] });
        throw error;
      }
    }),

    route('/admin/friend/set_alias', async (body, backend) => (await setView(backend, body, 'alias')) ?? ok({ targetId: '' })),

    route('/admin/friend/set_extra', async (body, backend) => (await setView(backend, body, 'extra')) ?? ok()),

    route('/admin/friend/get_alias', async (body, backend) => {
      const operator = str(body, 'operator') ?? '';
      const targetId = str(body, 'targetId') ?? '';
      const row = rowOf(await relationOrNone(backend, operator, targetId));
      return ok(row ? { operator, targetId, alias: row.alias } : { operator, targetId });
    }),

    route('/admin/relation/get', async (body, backend) => {
      const first = str(body, 'first') ?? '';
      const second = str(body, 'second') ?? '';
      const relation = await relationOrNone(backend, first, second);
      const row = rowOf(relation);
      if (!relation || !row) return ok({ userId: first, targetId: second, isFriend: false, isBlacked: false });
      return ok({ userId: first, targetId: second, isFriend: relation.friend, isBlacked: relation.blocking, alias: row.alias, extra: row.extra });
    }),

    route('/admin/friend/send_request', async (body, backend) => {
      const read = readFriendRequest(body);
      if (isAnswer(read)) return read;
      const { userId, friendUid, reason, force } = read;
      // Wildfire's order (MemoryMessagesStore.saveAddFriendRequest, audit W-2): a pending request (16,
      // unless force), then a→b already a friend (23, even with force), then b blacklists a (246, unless force).
      const relation = await backend.relations.get(userId, friendUid);
      if (!force && (await isPending(backend, userId, friendUid))) return fail(16);
      if (relation.friend) return fail(23);
      if (relation.blockedBy && !force) return fail(246);
      try {
        await backend.friendRequests.send(userId, friendUid, reason);
      } catch (error) {
        // force re-sends a pending request; the pending request is the state either way.
        if (force && ImBridgeError.is(error) && error.code === 'REQUEST_PENDING') return ok();
        throw error;
      }
      return ok();
    }),
  ];
}
