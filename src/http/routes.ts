/**
 * The route table of `/v1`: one entry per operation of docs/api.md. Routing (route-matcher.ts), request
 * validation, capability checks, the 405 answer and the OpenAPI document are all generated from
 * this table, so they cannot disagree.
 */
import {
  InvalidArgumentError,
  InvalidIdError,
  ImBridgeError,
  UNIFIED_ID_RULE,
  type Backend,
  type ErrorCode,
  type FriendAddMode,
  type FriendRemoveMode,
  type FriendRequestDirection,
  type MemberRole,
  type MessageInput,
  type PeerType,
  type RoomKind,
  type RoomOperation,
  type RoomRef,
  type UserCapability,
} from '../spec/index.js';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';

export interface HandlerContext {
  backend: Backend;
  params: Record<string, string>;
  /** Validated query, defaults applied. */
  query: Record<string, unknown>;
  /** Validated body (an empty object when the route takes none). */
  // The body's shape is the route's JSON Schema, checked by ajv before the handler runs.
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Set on room routes. */
  room: RoomRef | null;
}

export type ResponseShape = { schema: string } | { page: string } | null;

export interface RouteDefinition {
  method: HttpMethod;
  /** OpenAPI-style path; `{kind}` stands for `groups` or `chatrooms`. */
  path: string;
  operationId: string;
  summary: string;
  /** What the operation does, its rules and its errors, for the OpenAPI document (required: /docs shows it). */
  description: string;
  /**
   * The error codes this operation answers beyond those the table implies (auth, ids, capability,
   * unknown users or rooms, vendor failures: src/http/route-errors.ts derives those).
   */
  errors?: ErrorCode[];
  tag: string;
  /** Capability required: a user capability, or a room operation (prefixed by the kind at run time). */
  capability: { user: UserCapability } | { room: RoomOperation };
  /** Checks of the input the schema cannot express, before the backend is called. */
  checkInput?: (context: HandlerContext) => void;
  /** Path parameters holding ids (checked against the ID rule → INVALID_ID). */
  idParams: string[];
  /** `$defs` names in schemas/api.schema.json. */
  body: string;
  query: string;
  /** Success status. */
  status: number;
  response: ResponseShape;
  /** A creating POST that honours `Idempotency-Key`. */
  idempotent?: boolean;
  /** Reads or edits one friendship entry: NOT_FRIENDS means the entry is absent (404). */
  friendshipEntry?: boolean;
  /**
   * The two users this call relates. The backend guard (src/runtime/guard-backend.ts) refuses
   * them when equal; the route names them so that the bad-input suite can try every such route.
   */
  pair?: (context: HandlerContext) => [string, string] | null;
  handle(context: HandlerContext): Promise<unknown>;
}

const ROOM_KINDS: Readonly<Record<string, RoomKind>> = { groups: 'group', chatrooms: 'chatroom' };

export function roomKindOf(segment: string): RoomKind | undefined {
  return ROOM_KINDS[segment];
}

/** Splits a comma-separated id list from a query, at most 1,000 ids, each checked. */
function idList(value: unknown, field: string): string[] {
  const ids = String(value ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length > 1000) throw new InvalidArgumentError(`${field} holds at most 1,000 ids`, { details: { errors: [{ path: `/${field}`, message: 'too many ids' }] } });
  const pattern = new RegExp(UNIFIED_ID_RULE.pattern);
  for (const id of ids) {
    if (!pattern.test(id)) throw new InvalidIdError(`${field} holds "${id}", which breaks the ID rule: ${UNIFIED_ID_RULE.description}`);
  }
  return ids;
}

function list(query: Record<string, unknown>): { limit: number; cursor: string | null } {
  return { limit: query.limit as number, cursor: (query.cursor as string | undefined) ?? null };
}

function user(
  method: HttpMethod,
  path: string,
  operationId: string,
  summary: string,
  tag: string,
  capability: UserCapability,
  spec: Omit<RouteDefinition, 'method' | 'path' | 'operationId' | 'summary' | 'tag' | 'capability' | 'idParams'>,
): RouteDefinition {
  const idParams = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).filter((name) => name !== 'type');
  return { method, path, operationId, summary, tag, capability: { user: capability }, idParams, ...spec };
}

function room(
  method: HttpMethod,
  path: string,
  operationId: string,
  summary: string,
  operation: RoomOperation,
  spec: Omit<RouteDefinition, 'method' | 'path' | 'operationId' | 'summary' | 'tag' | 'capability' | 'idParams'>,
): RouteDefinition {
  const idParams = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).filter((name) => name !== 'kind');
  return { method, path: `/v1/{kind}${path}`, operationId, summary, tag: 'Rooms', capability: { room: operation }, idParams, ...spec };
}

const noInput = { body: 'NoBody', query: 'NoQuery' } as const;
const listInput = { body: 'NoBody', query: 'ListQuery' } as const;

export const ROUTES: readonly RouteDefinition[] = [
  // ---- users
  user('PUT', '/v1/users/{uid}', 'putUser', 'Register or update a user', 'Users', 'users.put', {
    description: "Registers the user, or updates the fields sent (absent fields keep their value). Idempotent: a repeat leaves the same state. `extra` is stored only where the backend declares the option `users.put:extra` (else 422 UNSUPPORTED_OPTION).",
    body: 'UserPut',
    query: 'NoQuery',
    status: 200,
    response: { schema: 'User' },
    handle: ({ backend, params, body }) => backend.users.put(params.uid!, body),
  }),
  user('POST', '/v1/users', 'putUsers', 'Register or update several users', 'Users', 'users.batchPut', {
    description: "Registers or updates up to 1,000 users in one call. Each user succeeds or fails on its own, reported in `results` in the order sent; vendor batch limits are hidden (the backend chunks).",
    body: 'UsersBatch',
    query: 'NoQuery',
    status: 200,
    response: { schema: 'BatchResult' },
    handle: ({ backend, body }) => backend.users.putMany(body.users),
  }),
  user('GET', '/v1/users', 'listUsers', 'Every registered user, a page at a time', 'Users', 'users.list', {
    description: "Every registered user of the backend, a page at a time, in the backend's stable order (uid ascending where the vendor allows). Walking from no cursor until `nextCursor` is null returns each user once; this is what a migration reads.",
    body: 'NoBody',
    query: 'UsersListQuery',
    status: 200,
    response: { page: 'User' },
    handle: ({ backend, query }) => backend.users.list(list(query)),
  }),
  user('GET', '/v1/users/{uid}', 'getUser', 'Read a user', 'Users', 'users.get', {
    description: "Reads one user. An unregistered uid is 404 USER_NOT_FOUND.",
    ...noInput,
    status: 200,
    response: { schema: 'User' },
    handle: ({ backend, params }) => backend.users.get(params.uid!),
  }),
  // ---- friends
  user('PUT', '/v1/users/{uid}/friends/{friend}', 'putFriend', 'Make two users friends of each other (or, ?mode=one-way, b a friend of a only)', 'Friends', 'friends.put', {
    description: "Makes `uid` and `friend` friends of each other at once (an admin force-add, no request). `?mode=one-way` puts `friend` in `uid`'s list only, where the backend declares `friends.put:oneWay`. On existing friends it updates `uid`'s alias and extra. Naming one user twice is 400 INVALID_ARGUMENT.",
    pair: ({ params }) => [params.uid!, (params.friend ?? params.other)!],
    body: 'FriendshipInput',
    query: 'FriendPutQuery',
    status: 200,
    response: { schema: 'Friendship' },
    handle: ({ backend, params, body, query }) => backend.friends.put(params.uid!, params.friend!, body, query.mode as FriendAddMode),
  }),
  user('DELETE', '/v1/users/{uid}/friends/{friend}', 'deleteFriend', 'Remove a friend (mutual or one-way)', 'Friends', 'friends.remove', {
    description: "Ends a friendship: by default both lists lose the entry; `?mode=one-way` removes `friend` from `uid`'s list only (where the backend declares `friends.remove:oneWay`). Idempotent: removing a non-friend is 204.",
    pair: ({ params }) => [params.uid!, (params.friend ?? params.other)!],
    body: 'NoBody',
    query: 'FriendDeleteQuery',
    status: 204,
    response: null,
    handle: ({ backend, params, query }) => backend.friends.remove(params.uid!, params.friend!, query.mode as FriendRemoveMode),
  }),
  user('GET', '/v1/users/{uid}/friends', 'listFriends', "List a user's friends", 'Friends', 'friends.list', {
    description: "`uid`'s friend list, a page at a time. `?q=` keeps friends whose uid, name or alias contains the text (case-insensitive); `?uids=b,c` returns just those entries, leaving out ids that are not friends.",
    body: 'NoBody',
    query: 'FriendsListQuery',
    status: 200,
    response: { page: 'Friendship' },
    handle: ({ backend, params, query }) =>
      backend.friends.list(params.uid!, {
        ...list(query),
        ...(query.q !== undefined ? { query: query.q as string } : {}),
        ...(query.uids !== undefined ? { uids: idList(query.uids, 'uids') } : {}),
      }),
  }),
  user('GET', '/v1/users/{uid}/friends/{friend}', 'getFriend', "Read one entry of a user's friend list", 'Friends', 'friends.get', {
    description: "Reads `uid`'s entry for `friend` (alias, extra, since). 404 NOT_FRIENDS when `friend` is not in `uid`'s list.",
    errors: ['NOT_FRIENDS'],
    friendshipEntry: true,
    pair: ({ params }) => [params.uid!, (params.friend ?? params.other)!],
    ...noInput,
    status: 200,
    response: { schema: 'Friendship' },
    handle: ({ backend, params }) => backend.friends.get(params.uid!, params.friend!),
  }),
  user('PATCH', '/v1/users/{uid}/friends/{friend}', 'patchFriend', "Change a user's view of a friend", 'Friends', 'friends.update', {
    description: "Changes `uid`'s view of a friend (alias, extra); `friend`'s own entry is untouched. 404 NOT_FRIENDS without an entry.",
    errors: ['NOT_FRIENDS'],
    friendshipEntry: true,
    pair: ({ params }) => [params.uid!, (params.friend ?? params.other)!],
    body: 'FriendshipInput',
    query: 'NoQuery',
    status: 200,
    response: { schema: 'Friendship' },
    handle: ({ backend, params, body }) => backend.friends.update(params.uid!, params.friend!, body),
  }),
  // ---- friend requests
  user('POST', '/v1/users/{uid}/friend-requests', 'sendFriendRequest', 'Send a friend request', 'Friend requests', 'friendRequests.send', {
    description: "Sends a friend request from `uid` to `to`. Checked in this order: 403 BLOCKED when `to` blocks `uid`; 409 ALREADY_FRIENDS when each already lists the other; 409 REQUEST_PENDING on a repeat. Honours `Idempotency-Key`.",
    errors: ['BLOCKED', 'ALREADY_FRIENDS', 'REQUEST_PENDING'],
    pair: ({ params, body }) => [params.uid!, body.to as string],
    body: 'FriendRequestCreate',
    query: 'NoQuery',
    status: 201,
    response: { schema: 'FriendRequest' },
    idempotent: true,
    handle: ({ backend, params, body }) => backend.friendRequests.send(params.uid!, body.to, body.message ?? null),
  }),
  user('GET', '/v1/users/{uid}/friend-requests', 'listFriendRequests', "List a user's friend requests", 'Friend requests', 'friendRequests.list', {
    description: "`uid`'s friend requests: `?direction=incoming` (the default, requests to `uid`) or `outgoing`.",
    body: 'NoBody',
    query: 'FriendRequestsQuery',
    status: 200,
    response: { page: 'FriendRequest' },
    handle: ({ backend, params, query }) => backend.friendRequests.list(params.uid!, query.direction as FriendRequestDirection, list(query)),
  }),
  user('DELETE', '/v1/users/{uid}/friend-requests/{other}', 'withdrawFriendRequest', 'Withdraw a pending request', 'Friend requests', 'friendRequests.withdraw', {
    description: "`uid` withdraws its pending request to `other`; 404 REQUEST_NOT_FOUND when none is pending.",
    errors: ['REQUEST_NOT_FOUND'],
    pair: ({ params }) => [params.uid!, (params.friend ?? params.other)!],
    ...noInput,
    status: 204,
    response: null,
    handle: ({ backend, params }) => backend.friendRequests.withdraw(params.uid!, params.other!),
  }),
  user('POST', '/v1/users/{uid}/friend-requests/{other}/accept', 'acceptFriendRequest', 'Accept the pending request from {other}', 'Friend requests', 'friendRequests.accept', {
    description: "`uid` accepts the pending request from `other`: both become friends of each other. 404 REQUEST_NOT_FOUND when no request from `other` is pending.",
    errors: ['REQUEST_NOT_FOUND'],
    pair: ({ params }) => [params.uid!, (params.friend ?? params.other)!],
    ...noInput,
    status: 200,
    response: { schema: 'Friendship' },
    handle: ({ backend, params }) => backend.friendRequests.accept(params.uid!, params.other!),
  }),
  user('POST', '/v1/users/{uid}/friend-requests/{other}/reject', 'rejectFriendRequest', 'Reject the pending request from {other}', 'Friend requests', 'friendRequests.reject', {
    description: "`uid` rejects the pending request from `other`; the answer is the request with `status: rejected`. 404 REQUEST_NOT_FOUND when none is pending.",
    errors: ['REQUEST_NOT_FOUND'],
    pair: ({ params }) => [params.uid!, (params.friend ?? params.other)!],
    ...noInput,
    status: 200,
    response: { schema: 'FriendRequest' },
    handle: ({ backend, params }) => backend.friendRequests.reject(params.uid!, params.other!),
  }),
  // ---- blocks
  user('PUT', '/v1/users/{uid}/blocks/{other}', 'putBlock', 'Block a user (one-way)', 'Blocks', 'blocks.put', {
    description: "`uid` blocks `other` (one-way): `other`'s messages and friend requests to `uid` are then refused with 403 BLOCKED, while `uid` may still message `other`. Friendship is untouched. Idempotent.",
    pair: ({ params }) => [params.uid!, (params.friend ?? params.other)!],
    ...noInput,
    status: 200,
    response: { schema: 'Block' },
    handle: ({ backend, params }) => backend.blocks.put(params.uid!, params.other!),
  }),
  user('POST', '/v1/users/{uid}/blocks', 'putBlocks', 'Block several users', 'Blocks', 'blocks.batchPut', {
    description: "`uid` blocks several users at once; each id succeeds or fails on its own in `results`.",
    body: 'UidsAdd',
    query: 'NoQuery',
    status: 200,
    response: { schema: 'BatchResult' },
    handle: ({ backend, params, body }) => backend.blocks.putMany(params.uid!, body.uids),
  }),
  user('DELETE', '/v1/users/{uid}/blocks/{other}', 'deleteBlock', 'Unblock a user', 'Blocks', 'blocks.remove', {
    description: "`uid` unblocks `other`. Idempotent: unblocking a user not blocked is 204.",
    pair: ({ params }) => [params.uid!, (params.friend ?? params.other)!],
    ...noInput,
    status: 204,
    response: null,
    handle: ({ backend, params }) => backend.blocks.remove(params.uid!, params.other!),
  }),
  user('GET', '/v1/users/{uid}/blocks', 'listBlocks', 'List the users a user blocks', 'Blocks', 'blocks.list', {
    description: "The users `uid` blocks, a page at a time.",
    ...listInput,
    status: 200,
    response: { page: 'Block' },
    handle: ({ backend, params, query }) => backend.blocks.list(params.uid!, list(query)),
  }),
  // ---- relation
  user('GET', '/v1/users/{uid}/relations/{other}', 'getRelation', 'Everything two users are to each other', 'Relations', 'relations.get', {
    description: "Everything `uid` and `other` are to each other in one read: friend (other in uid's list), friendOf, blocking, blockedBy, and uid's alias and extra for other.",
    pair: ({ params }) => [params.uid!, (params.friend ?? params.other)!],
    ...noInput,
    status: 200,
    response: { schema: 'Relation' },
    handle: ({ backend, params }) => backend.relations.get(params.uid!, params.other!),
  }),
  // ---- user whitelist
  user('GET', '/v1/users/{uid}/whitelist', 'listUserWhitelist', 'Who may message a user', 'User whitelist', 'users.whitelist.list', {
    description: "Who may message `uid` (capability `users.whitelist`). An empty whitelist means no restriction.",
    ...listInput,
    status: 200,
    response: { page: 'UidEntry' },
    handle: ({ backend, params, query }) => backend.userWhitelist.list(params.uid!, list(query)),
  }),
  user('PUT', '/v1/users/{uid}/whitelist', 'replaceUserWhitelist', "Replace a user's whitelist", 'User whitelist', 'users.whitelist.replace', {
    description: "Replaces `uid`'s whitelist with the list sent; an empty list removes the restriction. Answers the new whitelist.",
    body: 'UidsReplace',
    query: 'NoQuery',
    status: 200,
    response: { page: 'UidEntry' },
    handle: ({ backend, params, body }) => backend.userWhitelist.replace(params.uid!, body.uids),
  }),
  user('POST', '/v1/users/{uid}/whitelist', 'addUserWhitelist', "Add to a user's whitelist", 'User whitelist', 'users.whitelist.add', {
    description: "Adds users to `uid`'s whitelist; from then on only whitelisted users may message `uid` (403 NOT_WHITELISTED for others).",
    body: 'UidsAdd',
    query: 'NoQuery',
    status: 200,
    response: { schema: 'BatchResult' },
    handle: ({ backend, params, body }) => backend.userWhitelist.add(params.uid!, body.uids),
  }),
  user('DELETE', '/v1/users/{uid}/whitelist/{other}', 'deleteUserWhitelist', "Remove from a user's whitelist", 'User whitelist', 'users.whitelist.remove', {
    description: "Removes `other` from `uid`'s whitelist. Idempotent.",
    ...noInput,
    status: 204,
    response: null,
    handle: ({ backend, params }) => backend.userWhitelist.remove(params.uid!, params.other!),
  }),
  // ---- conversations and messages
  user('GET', '/v1/users/{uid}/conversations', 'listConversations', "A user's conversations, most recent first", 'Conversations', 'conversations.list', {
    description: "`uid`'s conversations, most recent first, with unread counts. A message creates or updates the conversation on both sides.",
    ...listInput,
    status: 200,
    response: { page: 'Conversation' },
    handle: ({ backend, params, query }) => backend.conversations.list(params.uid!, list(query)),
  }),
  user('DELETE', '/v1/users/{uid}/conversations/{type}/{peerId}', 'deleteConversation', 'Delete a conversation for this user only', 'Conversations', 'conversations.delete', {
    description: "Deletes a conversation from `uid`'s list only; the peer keeps theirs. `peerId` is the bare user or room id: a vendor composite id (`a@b`, `si_…`) is 400 INVALID_ID with a message saying what to pass.",
    errors: ['GROUP_NOT_FOUND'],
    ...noInput,
    status: 204,
    response: null,
    checkInput: ({ params }) => {
      if (!['user', 'group', 'chatroom'].includes(params.type!)) {
        throw new InvalidArgumentError('conversation type must be user, group or chatroom', { details: { errors: [{ path: '/type', message: 'unknown type' }] } });
      }
    },
    handle: ({ backend, params }) => backend.conversations.delete(params.uid!, params.type as PeerType, params.peerId!),
  }),
  user('POST', '/v1/messages', 'sendMessage', 'Send a message (the policy check)', 'Messages', 'messages.send', {
    description: "Sends a text message and applies relationship policy: 403 BLOCKED when the recipient blocks the sender, NOT_FRIENDS when the backend requires friendship, NOT_WHITELISTED, MUTED or NOT_MEMBER in rooms. Honours `Idempotency-Key`.",
    errors: ['BLOCKED', 'NOT_FRIENDS', 'NOT_WHITELISTED', 'MUTED', 'NOT_MEMBER', 'GROUP_NOT_FOUND'],
    pair: ({ body }) => ((body.to as { type: string }).type === 'user' ? [body.from as string, (body.to as { id: string }).id] : null),
    body: 'MessageSend',
    query: 'NoQuery',
    status: 201,
    response: { schema: 'SentMessage' },
    idempotent: true,
    handle: ({ backend, body }) => backend.messages.send(body as MessageInput),
  }),
  // ---- rooms
  room('POST', '', 'createRoom', 'Create a group or chatroom', 'create', {
    description: "Creates a group or chatroom. The owner becomes a member with role `owner` and counts in `memberCount`. `id` may be chosen by the caller where the backend declares `{kind}.create:id` (409 ALREADY_EXISTS when taken). Honours `Idempotency-Key`.",
    errors: ['ALREADY_EXISTS'],
    body: 'RoomCreate',
    query: 'NoQuery',
    status: 201,
    response: { schema: 'Room' },
    idempotent: true,
    handle: ({ backend, room: ref, body }) =>
      backend.rooms.create(ref!.kind, {
        name: body.name,
        owner: body.owner,
        ...(body.id !== undefined ? { id: body.id } : {}),
        ...(body.members !== undefined ? { members: body.members } : {}),
      }),
  }),
  room('GET', '', 'listRooms', 'Every group or chatroom, a page at a time', 'list', {
    description: "Every group (or chatroom) of the backend, a page at a time, in its stable order; dismissed rooms are not listed.",
    body: 'NoBody',
    query: 'RoomsListQuery',
    status: 200,
    response: { page: 'Room' },
    handle: ({ backend, room: ref, query }) => backend.rooms.list(ref!.kind, list(query)),
  }),
  room('GET', '/{id}', 'getRoom', 'Read a room', 'get', {
    description: "Reads a room; 404 GROUP_NOT_FOUND for an unknown or dismissed one.",
    ...noInput,
    status: 200,
    response: { schema: 'Room' },
    handle: ({ backend, room: ref }) => backend.rooms.get(ref!),
  }),
  room('DELETE', '/{id}', 'dismissRoom', 'Dismiss a room', 'dismiss', {
    description: "Dismisses a room: its members lose it and it can no longer be read.",
    ...noInput,
    status: 204,
    response: null,
    handle: ({ backend, room: ref }) => backend.rooms.dismiss(ref!),
  }),
  room('GET', '/{id}/members', 'listMembers', "List a room's members", 'members.list', {
    description: "A room's members with their role and mute, a page at a time.",
    ...listInput,
    status: 200,
    response: { page: 'Member' },
    handle: ({ backend, room: ref, query }) => backend.rooms.members.list(ref!, list(query)),
  }),
  room('POST', '/{id}/members', 'addMembers', 'Add members', 'members.add', {
    description: "Adds members; each id succeeds or fails on its own (a user banned from the room fails with BLOCKED).",
    body: 'UidsAdd',
    query: 'NoQuery',
    status: 200,
    response: { schema: 'BatchResult' },
    handle: ({ backend, room: ref, body }) => backend.rooms.members.add(ref!, body.uids),
  }),
  room('DELETE', '/{id}/members/{uid}', 'removeMember', 'Remove a member', 'members.remove', {
    description: "Removes one member; 403 NOT_MEMBER when the user is not a member.",
    errors: ['NOT_MEMBER'],
    ...noInput,
    status: 204,
    response: null,
    handle: async ({ backend, room: ref, params }) => throwItemError(await backend.rooms.members.remove(ref!, [params.uid!])),
  }),
  room('DELETE', '/{id}/members', 'removeMembers', 'Remove several members (`?uids=a,b`)', 'members.remove', {
    description: "Removes several members named in `?uids=a,b`; each id succeeds or fails on its own.",
    body: 'NoBody',
    query: 'MembersDeleteQuery',
    status: 200,
    response: { schema: 'BatchResult' },
    handle: ({ backend, room: ref, query }) => backend.rooms.members.remove(ref!, idList(query.uids, 'uids')),
  }),
  room('PATCH', '/{id}/members/{uid}', 'setMemberRole', "Change a member's role", 'members.setRole', {
    description: "Makes a member an admin or a plain member; 403 NOT_MEMBER for a non-member, 400 INVALID_ARGUMENT for the owner.",
    errors: ['NOT_MEMBER'],
    body: 'MemberPatch',
    query: 'NoQuery',
    status: 200,
    response: { schema: 'Member' },
    handle: ({ backend, room: ref, params, body }) => backend.rooms.members.setRole(ref!, params.uid!, body.role as Exclude<MemberRole, 'owner'>),
  }),
  room('PUT', '/{id}/mutes/{uid}', 'muteMember', 'Mute a member, for a time or until unmuted', 'mutes.set', {
    description: "Mutes a member for `durationSeconds`, or until unmuted when absent: their sends get 403 MUTED until then (an individual mute wins over the whitelist).",
    errors: ['NOT_MEMBER'],
    body: 'MutePut',
    query: 'NoQuery',
    status: 200,
    response: { schema: 'Mute' },
    handle: ({ backend, room: ref, params, body }) => backend.rooms.mutes.set(ref!, params.uid!, body.durationSeconds ?? null),
  }),
  room('POST', '/{id}/mutes', 'muteMembers', 'Mute several members', 'mutes.batchSet', {
    description: "Mutes several members for the same duration; each id succeeds or fails on its own.",
    body: 'MutesBatch',
    query: 'NoQuery',
    status: 200,
    response: { schema: 'BatchResult' },
    handle: ({ backend, room: ref, body }) => backend.rooms.mutes.setMany(ref!, body.uids, body.durationSeconds ?? null),
  }),
  room('DELETE', '/{id}/mutes/{uid}', 'unmuteMember', 'Unmute a member', 'mutes.remove', {
    description: "Ends a member's mute. Idempotent.",
    errors: ['NOT_MEMBER'],
    ...noInput,
    status: 204,
    response: null,
    handle: ({ backend, room: ref, params }) => backend.rooms.mutes.remove(ref!, params.uid!),
  }),
  room('GET', '/{id}/mutes', 'listMutes', 'Active mutes', 'mutes.list', {
    description: "The room's active mutes and when each ends.",
    ...listInput,
    status: 200,
    response: { page: 'Mute' },
    handle: ({ backend, room: ref, query }) => backend.rooms.mutes.list(ref!, list(query)),
  }),
  room('PUT', '/{id}/mute-all', 'muteAll', 'Mute everyone but the owner, admins and whitelist', 'muteAll.set', {
    description: "Turns mute-all on: only the owner, admins and whitelisted members may send; others get 403 MUTED. Answers the room.",
    ...noInput,
    status: 200,
    response: { schema: 'Room' },
    handle: ({ backend, room: ref }) => backend.rooms.setMuteAll(ref!, true),
  }),
  room('DELETE', '/{id}/mute-all', 'unmuteAll', 'End mute-all', 'muteAll.remove', {
    description: "Turns mute-all off. Answers the room.",
    ...noInput,
    status: 200,
    response: { schema: 'Room' },
    handle: ({ backend, room: ref }) => backend.rooms.setMuteAll(ref!, false),
  }),
  room('GET', '/{id}/whitelist', 'listRoomWhitelist', "A room's whitelist", 'whitelist.list', {
    description: "The members who may send during mute-all.",
    ...listInput,
    status: 200,
    response: { page: 'UidEntry' },
    handle: ({ backend, room: ref, query }) => backend.rooms.whitelist.list(ref!, list(query)),
  }),
  room('POST', '/{id}/whitelist', 'addRoomWhitelist', "Add members to a room's whitelist", 'whitelist.add', {
    description: "Adds members to the room's whitelist; each id succeeds or fails on its own.",
    body: 'UidsAdd',
    query: 'NoQuery',
    status: 200,
    response: { schema: 'BatchResult' },
    handle: ({ backend, room: ref, body }) => backend.rooms.whitelist.add(ref!, body.uids),
  }),
  room('PUT', '/{id}/whitelist', 'replaceRoomWhitelist', "Replace a room's whitelist", 'whitelist.replace', {
    description: "Replaces the room's whitelist with the list sent; answers the new whitelist.",
    body: 'UidsReplace',
    query: 'NoQuery',
    status: 200,
    response: { page: 'UidEntry' },
    handle: ({ backend, room: ref, body }) => backend.rooms.whitelist.replace(ref!, body.uids),
  }),
  room('DELETE', '/{id}/whitelist/{uid}', 'deleteRoomWhitelist', "Remove a member from a room's whitelist", 'whitelist.remove', {
    description: "Removes a member from the room's whitelist. Idempotent.",
    ...noInput,
    status: 204,
    response: null,
    handle: ({ backend, room: ref, params }) => backend.rooms.whitelist.remove(ref!, params.uid!),
  }),
  room('GET', '/{id}/blocks', 'listRoomBlocks', 'Users banned from a room', 'blocks.list', {
    description: "The users banned from the room (removed, and unable to rejoin).",
    ...listInput,
    status: 200,
    response: { page: 'UidEntry' },
    handle: ({ backend, room: ref, query }) => backend.rooms.blocks.list(ref!, list(query)),
  }),
  room('POST', '/{id}/blocks', 'addRoomBlocks', 'Ban users from a room (removes them)', 'blocks.add', {
    description: "Bans users from the room: they are removed, their sends get 403 NOT_MEMBER, and adding them back fails per item with BLOCKED.",
    body: 'UidsAdd',
    query: 'NoQuery',
    status: 200,
    response: { schema: 'BatchResult' },
    handle: ({ backend, room: ref, body }) => backend.rooms.blocks.add(ref!, body.uids),
  }),
  room('DELETE', '/{id}/blocks/{uid}', 'deleteRoomBlock', 'Lift a ban', 'blocks.remove', {
    description: "Lifts a ban; the user may be added again. Idempotent.",
    ...noInput,
    status: 204,
    response: null,
    handle: ({ backend, room: ref, params }) => backend.rooms.blocks.remove(ref!, params.uid!),
  }),
];

/** A single-item batch call answers the item's own error as the call's error. */
function throwItemError(result: { results: Array<{ ok: boolean; error?: { code: string; message: string; retryable: boolean; details?: Record<string, unknown> } }> }): void {
  const item = result.results[0];
  if (item && !item.ok && item.error) {
    throw new ImBridgeError(item.error.code as ImBridgeError['code'], item.error.message, {
      retryable: item.error.retryable,
      ...(item.error.details !== undefined ? { details: item.error.details } : {}),
    });
  }
}
