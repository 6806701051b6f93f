/**
 * Every vendor call the adapter makes, checked against the vendor note: POST, the path, the
 * `operationID` (unique per request) and `token` headers (a valid admin JWT), JSON content
 * type, and the body's field names and types. A scenario drives every unified operation the
 * adapter supports; then each recorded request is checked against this table, and every table
 * route must have been seen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyToken } from '../../fake/jwt.js';
import { bodyOf, rid, startHarness, type Harness } from './harness.js';

type FieldType = 'string' | 'number' | 'boolean' | 'string[]' | { object: Shape } | { array: Shape } | { literal: unknown };
/** Field name → type; a name ending in `?` may be absent. */
type Shape = Record<string, FieldType>;

const PAGINATION: FieldType = { object: { pageNumber: 'number', showNumber: 'number' } };

/** Request bodies as the note gives them (§5–§11), plus update_user_info_ex (router of 3.7+). */
const SHAPES: Record<string, Shape> = {
  '/auth/get_admin_token': { secret: 'string', userID: 'string' },
  '/user/user_register': { users: { array: { userID: 'string', nickname: 'string', faceURL: 'string', ex: 'string' } } },
  '/user/get_users_info': { userIDs: 'string[]' },
  '/user/get_users': { userID: 'string', nickName: 'string', pagination: PAGINATION },
  '/user/update_user_info_ex': { userInfo: { object: { userID: 'string', 'nickname?': 'string', 'ex?': 'string' } } },
  '/friend/import_friend': { ownerUserID: 'string', friendUserIDs: 'string[]' },
  '/friend/is_friend': { userID1: 'string', userID2: 'string' },
  '/friend/get_designated_friends': { ownerUserID: 'string', friendUserIDs: 'string[]' },
  '/friend/set_friend_remark': { ownerUserID: 'string', friendUserID: 'string', remark: 'string' },
  '/friend/update_friends': { ownerUserID: 'string', friendUserIDs: 'string[]', 'remark?': 'string', 'ex?': 'string', 'isPinned?': 'boolean' },
  '/friend/delete_friend': { ownerUserID: 'string', friendUserID: 'string' },
  '/friend/get_friend_list': { userID: 'string', pagination: PAGINATION },
  '/friend/add_friend': { fromUserID: 'string', toUserID: 'string', reqMsg: 'string', ex: 'string' },
  '/friend/add_friend_response': { fromUserID: 'string', toUserID: 'string', handleResult: 'number', handleMsg: 'string' },
  '/friend/get_designated_friend_apply': { fromUserID: 'string', toUserID: 'string' },
  '/friend/get_friend_apply_list': { userID: 'string', pagination: PAGINATION },
  '/friend/get_self_friend_apply_list': { userID: 'string', pagination: PAGINATION },
  '/friend/add_black': { ownerUserID: 'string', blackUserID: 'string', ex: 'string' },
  '/friend/remove_black': { ownerUserID: 'string', blackUserID: 'string' },
  '/friend/get_black_list': { userID: 'string', pagination: PAGINATION },
  '/friend/get_specified_blacks': { ownerUserID: 'string', userIDList: 'string[]' },
  '/group/create_group': {
    ownerUserID: 'string',
    memberUserIDs: 'string[]',
    adminUserIDs: 'string[]',
    groupInfo: { object: { groupID: 'string', groupName: 'string', groupType: { literal: 2 }, faceURL: 'string', ex: 'string' } },
  },
  '/group/get_groups_info': { groupIDs: 'string[]' },
  '/group/get_groups': { groupName: 'string', groupID: 'string', pagination: PAGINATION },
  '/group/dismiss_group': { groupID: 'string', deleteMember: 'boolean' },
  '/group/mute_group': { groupID: 'string' },
  '/group/cancel_mute_group': { groupID: 'string' },
  '/group/get_group_member_list': { groupID: 'string', pagination: PAGINATION, filter: 'number', keyword: 'string' },
  '/group/get_group_members_info': { groupID: 'string', userIDs: 'string[]' },
  '/group/invite_user_to_group': { groupID: 'string', invitedUserIDs: 'string[]', reason: 'string' },
  '/group/kick_group': { groupID: 'string', kickedUserIDs: 'string[]', reason: 'string' },
  '/group/set_group_member_info': { members: { array: { groupID: 'string', userID: 'string', roleLevel: 'number' } } },
  '/group/mute_group_member': { groupID: 'string', userID: 'string', mutedSeconds: 'number' },
  '/group/cancel_mute_group_member': { groupID: 'string', userID: 'string' },
  '/conversation/get_all_conversations': { ownerUserID: 'string' },
  '/conversation/get_sorted_conversation_list': { userID: 'string', conversationIDs: 'string[]', pagination: PAGINATION },
  '/msg/send_msg': {
    sendID: 'string',
    recvID: 'string',
    groupID: 'string',
    senderPlatformID: 'number',
    senderNickname: 'string',
    senderFaceURL: 'string',
    content: { object: { content: 'string' } },
    contentType: { literal: 101 },
    sessionType: 'number',
  },
};

function problems(value: unknown, shape: Shape, path: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path} is not an object`];
  const found: string[] = [];
  const record = value as Record<string, unknown>;
  const allowed = new Set(Object.keys(shape).map((key) => key.replace(/\?$/, '')));
  for (const key of Object.keys(record)) if (!allowed.has(key)) found.push(`${path}.${key} is not a field of this request`);
  for (const [rawKey, type] of Object.entries(shape)) {
    const optional = rawKey.endsWith('?');
    const key = rawKey.replace(/\?$/, '');
    const field = record[key];
    const where = `${path}.${key}`;
    if (field === undefined) {
      if (!optional) found.push(`${where} is missing`);
      continue;
    }
    if (type === 'string[]') {
      if (!Array.isArray(field) || field.some((item) => typeof item !== 'string')) found.push(`${where} is not string[]`);
    } else if (typeof type === 'string') {
      if (typeof field !== type) found.push(`${where} is ${typeof field}, not ${type}`);
      if (type === 'number' && !Number.isInteger(field)) found.push(`${where} is not an integer`);
    } else if ('literal' in type) {
      if (field !== type.literal) found.push(`${where} is ${JSON.stringify(field)}, not ${JSON.stringify(type.literal)}`);
    } else if ('object' in type) {
      found.push(...problems(field, type.object, where));
    } else if (!Array.isArray(field) || field.length === 0) {
      found.push(`${where} is not a non-empty array`);
    } else {
      field.forEach((item, index) => found.push(...problems(item, type.array, `${where}[${index}]`)));
    }
  }
  return found;
}

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
  const { backend } = harness;
  const [a, b, c] = [rid(), rid(), rid()];
  const group = rid('g');
  // Every supported operation at least once.
  await backend.users.put(a, { name: 'A' });
  await backend.users.put(a, { name: 'A2', extra: 'x' });
  await backend.users.putMany([{ uid: b, name: 'B' }, { uid: c }]);
  await backend.users.get(a);
  const firstUsers = await backend.users.list({ limit: 2 });
  await backend.users.list({ limit: 3, cursor: firstUsers.nextCursor });
  await backend.friends.put(a, b, { alias: 'Bee' });
  await backend.friends.put(a, c, { alias: 'See', extra: 'e' });
  await backend.friends.get(a, b);
  await backend.friends.update(a, b, { extra: 'y' });
  await backend.friends.list(a, { query: 'b' });
  await backend.friends.list(a, { uids: [b] });
  await backend.friends.remove(a, c, 'one-way');
  await backend.friends.remove(a, b, 'mutual');
  await backend.friendRequests.send(a, b, 'hi');
  await backend.friendRequests.list(b, 'incoming', {});
  await backend.friendRequests.list(a, 'outgoing', {});
  await backend.friendRequests.accept(b, a);
  await backend.friendRequests.send(c, b, null);
  await backend.friendRequests.reject(b, c);
  await backend.blocks.put(a, c);
  await backend.blocks.putMany(b, [c]);
  await backend.blocks.list(a, {});
  await backend.relations.get(a, c);
  await backend.blocks.remove(a, c);
  await backend.rooms.create('group', { id: group, name: 'G', owner: a, members: [b] });
  await backend.rooms.get({ kind: 'group', id: group });
  await backend.rooms.list('group', {});
  await backend.rooms.members.add({ kind: 'group', id: group }, [c]);
  await backend.rooms.members.list({ kind: 'group', id: group }, {});
  await backend.rooms.members.setRole({ kind: 'group', id: group }, b, 'admin');
  await backend.rooms.mutes.set({ kind: 'group', id: group }, c, 60);
  await backend.rooms.mutes.setMany({ kind: 'group', id: group }, [c], null);
  await backend.rooms.mutes.list({ kind: 'group', id: group }, {});
  await backend.rooms.mutes.remove({ kind: 'group', id: group }, c);
  await backend.rooms.setMuteAll({ kind: 'group', id: group }, true);
  await backend.rooms.setMuteAll({ kind: 'group', id: group }, false);
  await backend.messages.send({ from: a, to: { type: 'user', id: b }, text: 'hello' });
  await backend.messages.send({ from: a, to: { type: 'group', id: group }, text: 'hello all' });
  await backend.conversations.list(b, {});
  await backend.rooms.members.remove({ kind: 'group', id: group }, [c]);
  await backend.rooms.dismiss({ kind: 'group', id: group });
  await backend.health();
});
afterAll(async () => harness.close());

describe('request shapes', () => {
  it('every request is a POST with a unique operationID and JSON content', () => {
    const requests = harness.fake.control.requests;
    expect(requests.length).toBeGreaterThan(80);
    const operationIds = requests.map((request) => request.headers['operationid']);
    for (const request of requests) {
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('application/json');
      expect(typeof request.headers['operationid']).toBe('string');
    }
    expect(new Set(operationIds).size).toBe(requests.length);
  });

  it('every request but the token fetch carries the admin token: an HS256 JWT of the admin user', () => {
    const secret = harness.fake.state.options.secret;
    for (const request of harness.fake.control.requests) {
      if (request.path === '/auth/get_admin_token') {
        expect(request.headers['token']).toBeUndefined();
        expect(bodyOf(request)).toEqual({ secret, userID: 'imAdmin' });
        continue;
      }
      const token = request.headers['token'];
      expect(typeof token).toBe('string');
      expect(verifyToken(token as string, secret, Math.floor(Date.now() / 1000))).toMatchObject({ UserID: 'imAdmin', PlatformID: 10 });
    }
    // Fetched once, then cached.
    expect(harness.fake.control.requestsTo('POST /auth/get_admin_token')).toHaveLength(1);
  });

  it('every body has the note\'s field names and types, and every route of the table was used', () => {
    const seen = new Set<string>();
    const errors: string[] = [];
    for (const request of harness.fake.control.requests) {
      const shape = SHAPES[request.path];
      if (!shape) {
        errors.push(`unexpected route ${request.path}`);
        continue;
      }
      seen.add(request.path);
      errors.push(...problems(bodyOf(request), shape, request.path));
    }
    expect(errors).toEqual([]);
    expect([...seen].sort()).toEqual(Object.keys(SHAPES).sort());
  });

  it('send_msg: a direct message names recvID and sessionType 1, a group message groupID and sessionType 3', () => {
    const sends = harness.fake.control.requestsTo('POST /msg/send_msg').map(bodyOf);
    expect(sends[0]).toMatchObject({ recvID: expect.stringMatching(/.+/), groupID: '', sessionType: 1, contentType: 101, content: { content: 'hello' } });
    expect(sends[1]).toMatchObject({ recvID: '', groupID: expect.stringMatching(/.+/), sessionType: 3, content: { content: 'hello all' } });
  });

  it('mute_group_member: the unified "until unmuted" is the uint32 maximum of mutedSeconds', () => {
    const mutes = harness.fake.control.requestsTo('POST /group/mute_group_member').map(bodyOf);
    expect(mutes.map((body) => body['mutedSeconds'])).toEqual([60, 4_294_967_295]);
  });
});

describe('version 3.7 request shapes', () => {
  it('the token comes from /auth/user_token (admin platform 10) and user_register carries the secret', async () => {
    const old = await startHarness({ version: '3.7' });
    try {
      const [a, b] = [rid(), rid()];
      await old.backend.users.put(a, {});
      await old.backend.users.put(b, { name: 'B' });
      await old.backend.blocks.put(a, b);
      expect(await old.backend.relations.get(b, a)).toMatchObject({ blockedBy: true });
      await old.backend.friends.remove(a, b, 'mutual');
      const requests = old.fake.control.requests;
      expect(requests.filter((request) => request.path === '/auth/get_admin_token')).toHaveLength(0);
      expect(requests.filter((request) => request.path === '/friend/get_specified_blacks')).toHaveLength(0);
      const tokenRequest = requests.find((request) => request.path === '/auth/user_token');
      expect(tokenRequest && bodyOf(tokenRequest)).toEqual({ secret: 'openIM123', platformID: 10, userID: 'imAdmin' });
      const register = requests.find((request) => request.path === '/user/user_register');
      expect(register && bodyOf(register)).toEqual({ secret: 'openIM123', users: [{ userID: a, nickname: a, faceURL: '', ex: '' }] });
    } finally {
      await old.close();
    }
  });
});
