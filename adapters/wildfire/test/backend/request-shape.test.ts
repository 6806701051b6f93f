/**
 * Every vendor call the adapter makes, checked against the vendor note: method, path, signing
 * headers (nonce, ms timestamp, lower-case hex SHA-1 of nonce|secret|timestamp — §2) and body
 * field names and types (§5–§9). A scenario drives every operation; a call to a path missing from
 * the table below, or a table entry never called, fails the test.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rid, setup, users, type Harness } from './harness.js';

type Shape = 'string' | 'number' | 'boolean' | Shape[] | { [field: string]: Shape };

/** Field names ending in `?` are optional; no other field may appear. */
const SHAPES: Record<string, Shape> = {
  '/admin/user/get_info': { userId: 'string' },
  '/admin/user/create': { userId: 'string', name: 'string', 'displayName?': 'string', 'extra?': 'string', type: 'number' },
  '/admin/user/all': { count: 'number', offset: 'number' },
  '/admin/user/update': { flag: 'number', userInfo: { userId: 'string', 'displayName?': 'string', 'extra?': 'string' } },
  '/admin/relation/get': { first: 'string', second: 'string' },
  '/admin/friend/status': { userId: 'string', friendUid: 'string', status: 'number' },
  '/admin/friend/set_alias': { operator: 'string', targetId: 'string', alias: 'string' },
  '/admin/friend/set_extra': { operator: 'string', targetId: 'string', extra: 'string' },
  '/admin/friend/list': { userId: 'string' },
  '/admin/friend/send_request': { userId: 'string', friendUid: 'string', reason: 'string', force: 'boolean' },
  '/admin/blacklist/status': { userId: 'string', targetUid: 'string', status: 'number' },
  '/admin/blacklist/list': { userId: 'string' },
  '/admin/group/create': {
    operator: 'string',
    group: { group_info: { 'target_id?': 'string', name: 'string', owner: 'string', type: 'number' }, members: [{ member_id: 'string', type: 'number' }] },
    to_lines: ['number'],
  },
  '/admin/group/get_info': { groupId: 'string' },
  '/admin/group/member/list': { groupId: 'string' },
  '/admin/group/member/get': { groupId: 'string', memberId: 'string' },
  '/admin/group/member/add': { operator: 'string', group_id: 'string', members: [{ member_id: 'string', type: 'number' }], to_lines: ['number'] },
  '/admin/group/member/del': { operator: 'string', group_id: 'string', members: ['string'], to_lines: ['number'] },
  '/admin/group/manager/set': { operator: 'string', group_id: 'string', members: ['string'], is_manager: 'boolean' },
  '/admin/group/manager/mute': { operator: 'string', group_id: 'string', members: ['string'], is_manager: 'boolean' },
  '/admin/group/manager/allow': { operator: 'string', group_id: 'string', members: ['string'], is_manager: 'boolean' },
  '/admin/group/modify': { operator: 'string', group_id: 'string', type: 'number', value: 'string', to_lines: ['number'] },
  '/admin/group/del': { operator: 'string', group_id: 'string', to_lines: ['number'] },
  '/admin/message/send': { sender: 'string', conv: { type: 'number', target: 'string', line: 'number' }, payload: { type: 'number', searchableContent: 'string', persistFlag: 'number' } },
  '/admin/conversation/delete': { userId: 'string', conversation: { type: 'number', target: 'string', line: 'number' } },
};

function problems(value: unknown, shape: Shape, at: string): string[] {
  if (typeof shape === 'string') return typeof value === shape ? [] : [`${at}: expected ${shape}, got ${JSON.stringify(value)}`];
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return [`${at}: expected an array`];
    return value.flatMap((item, index) => problems(item, shape[0]!, `${at}[${index}]`));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: expected an object`];
  const found: string[] = [];
  const record = value as Record<string, unknown>;
  const allowed = new Set<string>();
  for (const [key, inner] of Object.entries(shape)) {
    const optional = key.endsWith('?');
    const name = optional ? key.slice(0, -1) : key;
    allowed.add(name);
    if (!(name in record)) {
      if (!optional) found.push(`${at}.${name}: missing`);
      continue;
    }
    found.push(...problems(record[name], inner, `${at}.${name}`));
  }
  for (const key of Object.keys(record)) if (!allowed.has(key)) found.push(`${at}.${key}: not a field the note lists for this call`);
  return found;
}

describe('wildfire request shapes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await setup({ fake: { edition: 'pro' }, config: { edition: 'pro' } });
    // A scenario that makes every call in SHAPES at least once.
    const [a, b, c, d] = await users(h, 'a', 'b', 'c', 'd');
    await h.backend.users.put(a!, { extra: 'more' });
    const firstUsers = await h.backend.users.list({ limit: 2 });
    await h.backend.users.list({ limit: 2, cursor: firstUsers.nextCursor });
    await h.backend.friends.put(a!, b!, { alias: 'B', extra: 'x' });
    await h.backend.friends.update(a!, b!, { alias: 'B2' });
    await h.backend.friends.list(a!, { query: 'b' });
    await h.backend.friends.remove(a!, b!, 'one-way');
    await h.backend.friendRequests.send(c!, d!, null);
    await h.backend.blocks.put(a!, c!);
    await h.backend.blocks.list(a!, {});
    await h.backend.blocks.remove(a!, c!);
    const id = rid('g');
    const ref = { kind: 'group' as const, id };
    await h.backend.rooms.create('group', { id, name: 'G', owner: a!, members: [b!] });
    await h.backend.rooms.members.add(ref, [c!, d!]);
    await h.backend.rooms.members.setRole(ref, b!, 'admin');
    await h.backend.rooms.mutes.set(ref, c!, null);
    await h.backend.rooms.whitelist.add(ref, [d!]);
    await h.backend.rooms.setMuteAll(ref, true);
    await h.backend.messages.send({ from: b!, to: { type: 'group', id }, text: 'hi' });
    await h.backend.messages.send({ from: a!, to: { type: 'user', id: d! }, text: 'hi' });
    await h.backend.conversations.delete(d!, 'user', a!);
    await h.backend.rooms.members.remove(ref, [c!]);
    await h.backend.rooms.dismiss(ref);
  });
  afterAll(async () => h.close());

  it('every call is a signed POST with a JSON body of the documented shape', () => {
    const seen = new Set<string>();
    for (const request of h.fake.control.requests) {
      const where = `${request.method} ${request.path}`;
      expect(request.method, where).toBe('POST');
      const shape = SHAPES[request.path];
      expect(shape, `${where} is not in the shape table`).toBeDefined();
      seen.add(request.path);
      const nonce = request.headers.nonce as string;
      const timestamp = request.headers.timestamp as string;
      const sign = request.headers.sign as string;
      expect(nonce, where).toMatch(/^\S+$/);
      expect(timestamp, where).toMatch(/^\d{13}$/);
      expect(Math.abs(Date.now() - Number(timestamp)), where).toBeLessThan(60_000);
      expect(sign, where).toMatch(/^[0-9a-f]{40}$/);
      expect(sign, where).toBe(createHash('sha1').update(`${nonce}|${h.fake.secret}|${timestamp}`).digest('hex'));
      expect(String(request.headers['content-type']), where).toMatch(/^application\/json/);
      expect(request.rawBody, where).not.toContain(h.fake.secret);
      expect(JSON.stringify(request.headers), where).not.toContain(h.fake.secret);
      expect(problems(JSON.parse(request.rawBody), shape!, '$'), where).toEqual([]);
    }
    expect([...seen].sort()).toEqual(Object.keys(SHAPES).sort());
  });

  it('specific values: two-way status 0, one-way removal status 2, blacklist 2/1, mute-all type 3 "1", text payload type 1', () => {
    const bodies = (path: string) => h.fake.control.requestsTo(`POST ${path}`).map((request) => JSON.parse(request.rawBody));
    expect(bodies('/admin/friend/status').map((body) => body.status)).toEqual([0, 2]);
    expect(bodies('/admin/blacklist/status').map((body) => body.status)).toEqual([2, 1]);
    expect(bodies('/admin/group/modify')).toEqual([expect.objectContaining({ type: 3, value: '1' })]);
    expect(bodies('/admin/message/send').map((body) => [body.conv.type, body.payload.type, body.payload.persistFlag])).toEqual([[1, 1, 3], [0, 1, 3]]);
    expect(bodies('/admin/friend/send_request')[0]).toMatchObject({ reason: '', force: false });
    // The owner is sent with type 2, others 0; member/add sends newcomers only.
    const create = bodies('/admin/group/create')[0];
    expect(create.group.members.map((member: { type: number }) => member.type)).toEqual([2, 0]);
    expect(bodies('/admin/group/member/add')[0].members.map((member: { member_id: string; type: number }) => member.type)).toEqual([0, 0]);
  });

  it('each attempt is signed anew (a retry carries a fresh nonce/timestamp/sign)', async () => {
    const [a] = await users(h, 'solo');
    h.fake.control.clearRequests();
    h.fake.control.addFault({ route: 'POST /admin/user/get_info', kind: 'status', status: 503 });
    await h.backend.users.get(a!);
    const attempts = h.fake.control.requestsTo('POST /admin/user/get_info');
    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.headers.nonce === attempts[1]!.headers.nonce && attempts[0]!.headers.timestamp === attempts[1]!.headers.timestamp).toBe(false);
  });
});
