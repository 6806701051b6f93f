/**
 * `/friend/*` friendship and application routes (vendor note §7) on the friends, friendRequests
 * and relations facets. OpenIM stores friendship per direction: delete_friend is the unified
 * one-way remove; import_friend the admin force-add of both directions.
 */
import { type Backend, type FriendRequest, type FriendRequestDirection, type Friendship } from '../../../src/spec/index.js';
import {
  WireError,
  argsError,
  integer,
  nilIfEmpty,
  notFound,
  optionalFlag,
  optionalText,
  pageOf,
  pagination,
  requireDistinct,
  text,
  texts,
  type Body,
} from '../protocol/wire.js';
import { translate } from './errors.js';
import type { RouteHandler, RouteTable } from './route-context.js';
import { findUser, friendInfo, milliseconds, requestInfo, seconds } from './wire-shapes.js';
import { listAll } from '../../../src/facade-kit/index.js';

async function requireUser(backend: Backend, uid: string): Promise<void> {
  if (!(await translate(() => findUser(backend, uid)))) throw notFound(`user not found: ${uid}`);
}

/** `uid`'s friend entries, oldest first (OpenIM lists rows in insertion order); an unknown user has none. */
async function friendsOf(backend: Backend, uid: string): Promise<Friendship[]> {
  const entries = await translate(() => listAll((options) => backend.friends.list(uid, options)), { USER_NOT_FOUND: null, INVALID_ID: null }, []);
  return [...entries].sort((first, second) => seconds(first.since) - seconds(second.since) || (first.friend < second.friend ? -1 : 1));
}

/** Requests of one direction; none for an unknown user or a backend without request lists. */
async function requestsOf(backend: Backend, uid: string, direction: FriendRequestDirection): Promise<FriendRequest[]> {
  return translate(() => listAll((options) => backend.friendRequests.list(uid, direction, options)), { USER_NOT_FOUND: null, INVALID_ID: null }, []);
}

/**
 * OpenIM's `addSource`: 2 when the row came from an accepted application, 1 from import_friend.
 * The unified friendship does not say; an accepted request between the two is the evidence.
 */
async function applicationFriends(backend: Backend, uid: string): Promise<Set<string>> {
  if (backend.capabilities['friendRequests.list'] === false) return new Set();
  const requests = [...(await requestsOf(backend, uid, 'incoming')), ...(await requestsOf(backend, uid, 'outgoing'))];
  return new Set(requests.filter((request) => request.status === 'accepted').map((request) => (request.from === uid ? request.to : request.from)));
}

async function friendInfos(backend: Backend, uid: string, entries: Friendship[], operator: string): Promise<Body[]> {
  const applied = entries.length === 0 ? new Set<string>() : await applicationFriends(backend, uid);
  const infos: Body[] = [];
  for (const entry of entries) infos.push(friendInfo(entry, await translate(() => findUser(backend, entry.friend)), applied.has(entry.friend) ? 2 : 1, operator));
  return infos;
}

const importFriend: RouteHandler = async ({ backend, body }) => {
  const owner = text(body, 'ownerUserID');
  const friends = texts(body, 'friendUserIDs');
  if (owner === '') throw argsError('ownerUserID is empty');
  if (friends.length === 0) throw argsError('friendUserIDs is empty');
  requireDistinct(friends, 'friendUserIDs');
  // Existence first: an owner inside friendUserIDs also ends here (note §7).
  await requireUser(backend, owner);
  for (const friend of friends) {
    if (friend === owner) throw notFound(`user not found: ${friend}`);
    await requireUser(backend, friend);
  }
  // Both directions, keeping rows that exist (an empty input changes no remark).
  for (const friend of friends) await translate(() => backend.friends.put(owner, friend, {}, 'mutual'));
  return undefined;
};

const addFriend: RouteHandler = async ({ backend, body }) => {
  const from = text(body, 'fromUserID');
  const to = text(body, 'toUserID');
  if (from === '' || to === '') throw argsError('fromUserID or toUserID is empty');
  if (from === to) throw new WireError(1301, 'can not add yourself');
  await requireUser(backend, from);
  await requireUser(backend, to);
  const relation = await translate(() => backend.relations.get(from, to));
  if (relation.friend && relation.friendOf) throw new WireError(1304, 'already friends');
  const reqMsg = text(body, 'reqMsg');
  // A repeat while pending succeeds on OpenIM (it resets the request); the pending request stays.
  await translate(() => backend.friendRequests.send(from, to, reqMsg === '' ? null : reqMsg), { REQUEST_PENDING: null });
  return undefined;
};

const addFriendResponse: RouteHandler = async ({ backend, body }) => {
  const from = text(body, 'fromUserID');
  const to = text(body, 'toUserID');
  const handleResult = integer(body, 'handleResult');
  if (handleResult !== 1 && handleResult !== -1) throw argsError('handleResult is invalid');
  const request = (await requestsOf(backend, to, 'incoming')).find((candidate) => candidate.from === from);
  if (!request) throw notFound('friend request not found');
  if (handleResult === 1) {
    if (request.status !== 'pending') throw argsError('the friend request has been processed');
    await translate(() => backend.friendRequests.accept(to, from));
  } else {
    // OpenIM 3.8.3 answers a plain error here, a 500 carrying its text (1305 only from patch.16).
    if (request.status !== 'pending') {
      const detail = `friend request from ${from} to ${to} has already been processed`;
      throw new WireError(500, detail, detail);
    }
    await translate(() => backend.friendRequests.reject(to, from));
  }
  return undefined;
};

const deleteFriend: RouteHandler = async ({ backend, body }) => {
  const owner = text(body, 'ownerUserID');
  const friend = text(body, 'friendUserID');
  // 3.8.x: deleting a non-friend (even an unknown user) is a no-op success (note §7).
  await translate(() => backend.friends.remove(owner, friend, 'one-way'), { USER_NOT_FOUND: null, INVALID_ID: null, INVALID_ARGUMENT: null });
  return undefined;
};

const getFriendList: RouteHandler = async ({ backend, body, operator }) => {
  const userID = text(body, 'userID');
  const page = pagination(body);
  const entries = await friendsOf(backend, userID);
  return { friendsInfo: nilIfEmpty(await friendInfos(backend, userID, pageOf(entries, page), operator)), total: entries.length };
};

const getDesignatedFriends: RouteHandler = async ({ backend, body, operator }) => {
  const owner = text(body, 'ownerUserID');
  const ids = texts(body, 'friendUserIDs');
  if (ids.length === 0) throw argsError('friendUserIDs is empty');
  requireDistinct(ids, 'friendUserIDs');
  const entries = await friendsOf(backend, owner);
  // In the order asked; non-friends are omitted (3.8, note §7).
  const found = ids.map((id) => entries.find((entry) => entry.friend === id)).filter((entry): entry is Friendship => entry !== undefined);
  return { friendsInfo: nilIfEmpty(await friendInfos(backend, owner, found, operator)) };
};

const isFriend: RouteHandler = async ({ backend, body }) => {
  const first = text(body, 'userID1');
  const second = text(body, 'userID2');
  if (first === '' || second === '') throw argsError('userID1 or userID2 is empty');
  // OpenIM reads the rows without checking the users: unknown or equal ids are simply not friends.
  const relation = await translate(() => backend.relations.get(first, second), { USER_NOT_FOUND: null, INVALID_ID: null, INVALID_ARGUMENT: null }, null);
  return { inUser1Friends: relation?.friend ?? false, inUser2Friends: relation?.friendOf ?? false };
};

const setFriendRemark: RouteHandler = async ({ backend, body }) => {
  const owner = text(body, 'ownerUserID');
  const friend = text(body, 'friendUserID');
  const remark = text(body, 'remark');
  const refused = await translate(
    () => backend.friends.update(owner, friend, { alias: remark }).then(() => false),
    { NOT_FRIENDS: null, USER_NOT_FOUND: null, INVALID_ARGUMENT: null, INVALID_ID: null },
    true,
  );
  if (refused) throw notFound('friend not found');
  return undefined;
};

const updateFriends: RouteHandler = async ({ backend, body }) => {
  const owner = text(body, 'ownerUserID');
  const ids = texts(body, 'friendUserIDs');
  if (ids.length === 0) throw argsError('friendUserIDs is empty');
  requireDistinct(ids, 'friendUserIDs');
  const remark = optionalText(body, 'remark');
  const ex = optionalText(body, 'ex');
  // isPinned has no unified word: decoded (a wrong type is still 1001) and not stored (README).
  optionalFlag(body, 'isPinned');
  const listed = new Set((await friendsOf(backend, owner)).map((entry) => entry.friend));
  // An UpdateMany: rows that do not exist are simply not touched.
  for (const id of ids.filter((candidate) => listed.has(candidate))) {
    await translate(() => backend.friends.update(owner, id, { ...(remark === undefined ? {} : { alias: remark }), ...(ex === undefined ? {} : { extra: ex }) }));
  }
  return undefined;
};

async function requestInfos(backend: Backend, requests: FriendRequest[], operator: string): Promise<Body[]> {
  const infos: Body[] = [];
  for (const request of requests) {
    infos.push(requestInfo(request, await translate(() => findUser(backend, request.from)), await translate(() => findUser(backend, request.to)), operator));
  }
  return infos;
}

/** Received (`FriendRequests`, capital F) or sent (`friendRequests`) applications, newest first (note §7). */
function applyList(direction: FriendRequestDirection, key: 'FriendRequests' | 'friendRequests'): RouteHandler {
  return async ({ backend, body, operator }) => {
    const userID = text(body, 'userID');
    const page = pagination(body);
    const requests = (await requestsOf(backend, userID, direction)).sort((first, second) => milliseconds(second.createdAt) - milliseconds(first.createdAt));
    return { [key]: nilIfEmpty(await requestInfos(backend, pageOf(requests, page), operator)), total: requests.length };
  };
}

const getDesignatedFriendApply: RouteHandler = async ({ backend, body, operator }) => {
  const from = text(body, 'fromUserID');
  const to = text(body, 'toUserID');
  const found = [
    (await requestsOf(backend, from, 'outgoing')).find((request) => request.to === to),
    (await requestsOf(backend, to, 'outgoing')).find((request) => request.to === from),
  ].filter((request): request is FriendRequest => request !== undefined);
  return { friendRequests: nilIfEmpty(await requestInfos(backend, found, operator)) };
};

const getFriendId: RouteHandler = async ({ backend, body }) => {
  const userID = text(body, 'userID');
  return { friendIDs: nilIfEmpty((await friendsOf(backend, userID)).map((entry) => entry.friend)) };
};

export const FRIEND_ROUTES: RouteTable = [
  ['/friend/import_friend', importFriend],
  ['/friend/add_friend', addFriend],
  ['/friend/add_friend_response', addFriendResponse],
  ['/friend/delete_friend', deleteFriend],
  ['/friend/get_friend_list', getFriendList],
  ['/friend/get_designated_friends', getDesignatedFriends],
  ['/friend/is_friend', isFriend],
  ['/friend/set_friend_remark', setFriendRemark],
  ['/friend/update_friends', updateFriends],
  ['/friend/get_friend_apply_list', applyList('incoming', 'FriendRequests')],
  ['/friend/get_self_friend_apply_list', applyList('outgoing', 'friendRequests')],
  ['/friend/get_designated_friend_apply', getDesignatedFriendApply],
  ['/friend/get_friend_id', getFriendId],
];
