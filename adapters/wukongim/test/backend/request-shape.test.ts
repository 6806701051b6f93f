/**
 * Every vendor call the adapter makes, checked against the vendor note: method, path, the
 * `token` header, JSON content type and body field names and JSON types (numbers must be JSON
 * numbers: `"channel_type":"2"` fails to decode on the real server, note §1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson } from '../../../../src/runtime/index.js';
import { startHarness, uid, users, type Harness } from './harness.js';

type FieldType = 'string' | 'number' | 'string[]' | 'number[]' | 'object';

/** Body shapes from the vendor note (§3, §6, §7, §9): field → JSON type; all listed fields required. */
const SHAPES: Record<string, Record<string, FieldType> | 'no-body'> = {
  'POST /channel/whitelist_add': { channel_id: 'string', channel_type: 'number', uids: 'string[]' },
  'POST /channel/whitelist_remove': { channel_id: 'string', channel_type: 'number', uids: 'string[]' },
  'POST /channel/whitelist_set': { channel_id: 'string', channel_type: 'number', uids: 'string[]' },
  'POST /channel/blacklist_add': { channel_id: 'string', channel_type: 'number', uids: 'string[]' },
  'POST /channel/blacklist_remove': { channel_id: 'string', channel_type: 'number', uids: 'string[]' },
  'POST /channel/blacklist_set': { channel_id: 'string', channel_type: 'number', uids: 'string[]' },
  'POST /channel': {
    channel_id: 'string',
    channel_type: 'number',
    large: 'number',
    ban: 'number',
    disband: 'number',
    send_ban: 'number',
    allow_stranger: 'number',
    reset: 'number',
    subscribers: 'string[]',
  },
  'POST /channel/info': { channel_id: 'string', channel_type: 'number', large: 'number', ban: 'number', disband: 'number', send_ban: 'number', allow_stranger: 'number' },
  'POST /channel/delete': { channel_id: 'string', channel_type: 'number' },
  'POST /channel/subscriber_add': { channel_id: 'string', channel_type: 'number', subscribers: 'string[]', reset: 'number', temp_subscriber: 'number' },
  'POST /channel/subscriber_remove': { channel_id: 'string', channel_type: 'number', subscribers: 'string[]' },
  'POST /conversation/sync': {
    uid: 'string',
    version: 'number',
    last_msg_seqs: 'string',
    msg_count: 'number',
    only_unread: 'number',
    exclude_channel_types: 'number[]',
    page: 'number',
    page_size: 'number',
  },
  'POST /conversations/delete': { uid: 'string', channel_id: 'string', channel_type: 'number' },
  'POST /conversations/clearUnread': { uid: 'string', channel_id: 'string', channel_type: 'number' },
  'POST /message/send': {
    header: 'object',
    client_msg_no: 'string',
    from_uid: 'string',
    channel_id: 'string',
    channel_type: 'number',
    expire: 'number',
    payload: 'string',
  },
  'GET /channel/whitelist': 'no-body',
  'GET /cluster/channels': 'no-body',
  'GET /cluster/channels/:id/:type/denylist': 'no-body',
  'GET /cluster/channels/:id/:type/subscribers': 'no-body',
  'GET /health': 'no-body',
  'GET /message/byclientmsgno': 'no-body',
  'GET /channel/max_message_seq': 'no-body',
};

function routeOf(method: string, path: string): string {
  const cluster = /^\/cluster\/channels\/[^/]+\/\d+\/(denylist|allowlist|subscribers)$/.exec(path);
  return cluster ? `${method} /cluster/channels/:id/:type/${cluster[1]}` : `${method} ${path}`;
}

/** Whether a JSON value has the wanted type (an empty array is both kinds of array). */
function hasType(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' || typeof value === 'bigint';
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'number[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'number');
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('request shapes', () => {
  it('every call of a full scenario matches the vendor note', async () => {
    h.fake.control.clearRequests();
    const [owner, a, b] = await users(h, 3);
    await h.backend.friends.put(a!, b!, { alias: 'x' });
    await h.backend.friends.remove(a!, b!, 'mutual');
    await h.backend.blocks.put(a!, b!);
    await h.backend.blocks.remove(a!, b!);
    const room = { kind: 'group' as const, id: uid('g') };
    await h.backend.rooms.create('group', { id: room.id, name: 'n', owner: owner!, members: [a!] });
    await h.backend.rooms.members.add(room, [b!]);
    await h.backend.rooms.mutes.set(room, b!, null);
    await h.backend.rooms.mutes.remove(room, b!);
    await h.backend.rooms.setMuteAll(room, true);
    await h.backend.rooms.members.remove(room, [b!]);
    await h.backend.messages.send({ from: owner!, to: { type: 'group', id: room.id }, text: 'hi' });
    await h.backend.messages.send({ from: a!, to: { type: 'user', id: owner! }, text: 'hi' });
    await h.backend.conversations.list(owner!, {});
    await h.backend.conversations.delete(owner!, 'user', a!);
    const firstUsers = await h.backend.users.list({ limit: 2 });
    await h.backend.users.list({ limit: 2, cursor: firstUsers.nextCursor });
    await h.backend.rooms.list('group', {});
    // A dismiss whose second call fails is undone with /channel/info (every flag sent).
    h.fake.control.addFault({ route: 'POST /channel/whitelist_set', kind: 'status', status: 500 });
    await expect(h.backend.rooms.dismiss(room)).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    await h.backend.rooms.dismiss(room);
    await h.backend.health();

    const token = h.fake.backendConfig.token as string;
    const seen = new Set<string>();
    for (const request of h.fake.control.requests) {
      const route = routeOf(request.method, request.path);
      seen.add(route);
      const shape = SHAPES[route];
      expect(shape, `unexpected vendor call ${route}`).toBeDefined();
      expect(request.headers.token, route).toBe(token);
      if (shape === 'no-body' || shape === undefined) {
        expect(request.rawBody, route).toBe('');
        // The channel search (note §11): group channels only, a decimal limit, and either one
        // channel's row or a creation-time offset — never the filters that panic the server.
        if (route === 'GET /cluster/channels') {
          expect(request.query.channel_type, route).toBe('2');
          expect(String(request.query.limit), route).toMatch(/^\d+$/);
          expect(Object.keys(request.query).every((key) => ['channel_type', 'limit', 'channel_id', 'offset_created_at'].includes(key)), route).toBe(true);
        }
        continue;
      }
      expect(request.headers['content-type'], route).toBe('application/json');
      const body = parseJson(request.rawBody) as Record<string, unknown>;
      expect(Object.keys(body).sort(), route).toEqual(Object.keys(shape).sort());
      for (const [field, type] of Object.entries(shape)) expect(hasType(body[field], type), `${route} ${field} should be ${type}`).toBe(true);
      if (route === 'POST /message/send') {
        expect(hasType((body.header as Record<string, unknown>).red_dot, 'number')).toBe(true);
        expect(Buffer.from(body.payload as string, 'base64').toString('utf8')).toBe(JSON.stringify({ type: 1, content: 'hi' }));
      }
      // Person channels are addressed by the bare uid, never the internal `a@b` id (note §2).
      if (typeof body.channel_id === 'string') expect(body.channel_id, route).not.toContain('@');
    }
    expect([...seen].sort()).toEqual(
      [
        'GET /channel/max_message_seq',
        'GET /channel/whitelist',
        'GET /cluster/channels',
        'GET /cluster/channels/:id/:type/denylist',
        'GET /cluster/channels/:id/:type/subscribers',
        'GET /health',
        'GET /message/byclientmsgno',
        'POST /channel',
        'POST /channel/blacklist_add',
        'POST /channel/blacklist_remove',
        'POST /channel/blacklist_set',
        'POST /channel/delete',
        'POST /channel/info',
        'POST /channel/subscriber_add',
        'POST /channel/subscriber_remove',
        'POST /channel/whitelist_add',
        'POST /channel/whitelist_remove',
        'POST /channel/whitelist_set',
        'POST /conversation/sync',
        'POST /conversations/clearUnread',
        'POST /conversations/delete',
        'POST /message/send',
      ].sort(),
    );
  });

  it('friends are the person whitelists of both users, addressed by bare uid with channel_type 1', async () => {
    const [a, b] = await users(h, 2);
    h.fake.control.clearRequests();
    await h.backend.friends.put(a!, b!, {});
    const adds = h.fake.control.requestsTo('POST /channel/whitelist_add').map((request) => parseJson(request.rawBody));
    expect(adds).toEqual([
      { channel_id: a, channel_type: 1, uids: [b] },
      { channel_id: b, channel_type: 1, uids: [a] },
    ]);
  });

  it('a block is blacklist_add {channel_id: blocker, channel_type 1, uids: [blocked]}; mute-all is whitelist_set on the group', async () => {
    const [a, b] = await users(h, 2);
    h.fake.control.clearRequests();
    await h.backend.blocks.put(a!, b!);
    expect(h.fake.control.requestsTo('POST /channel/blacklist_add').map((request) => parseJson(request.rawBody))).toEqual([{ channel_id: a, channel_type: 1, uids: [b] }]);
    const room = { kind: 'group' as const, id: uid('g') };
    await h.backend.rooms.create('group', { id: room.id, name: 'n', owner: a!, members: [b!] });
    h.fake.control.clearRequests();
    await h.backend.rooms.setMuteAll(room, true);
    await h.backend.rooms.setMuteAll(room, false);
    expect(h.fake.control.requestsTo('POST /channel/whitelist_set').map((request) => parseJson(request.rawBody))).toEqual([
      { channel_id: room.id, channel_type: 2, uids: [a] },
      { channel_id: room.id, channel_type: 2, uids: [] },
    ]);
  });
});
