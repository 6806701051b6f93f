/**
 * Every vendor call the adapter makes, checked against the vendor note: method, path (with the
 * app prefix), headers (the Bearer AccessToken2 app token included) and body field names and
 * types. A scenario drives every operation; each recorded request must match exactly one row of
 * the table and every row must be met, so no call goes unchecked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../../../src/testing/index.js';
import type { RoomKind } from '../../../../src/spec/index.js';
import { startHarness, uid, type Harness } from './harness.js';

type FieldType = 'string' | 'boolean' | 'number' | 'string[]' | 'object';
/** Field → type; a `?` suffix on the name marks it optional. */
type Shape = Record<string, FieldType>;

interface Row {
  name: string;
  method: string;
  path: RegExp;
  query?: Record<string, string>;
  body?: Shape | 'array-of-registrations';
  section: string;
}

const ID = '[a-z0-9_.-]+';
const IDS = '[a-z0-9_.%A-F-]+';
const ROOMS = '(chatgroups|chatrooms)';
const REGISTRATION: Shape = { username: 'string', password: 'string', 'nickname?': 'string' };

const TABLE: Row[] = [
  { name: 'get user', method: 'GET', path: new RegExp(`^/users/${ID}$`), section: '§5' },
  { name: 'list users', method: 'GET', path: /^\/users$/, query: { limit: '2' }, section: '§18' },
  { name: 'register one', method: 'POST', path: /^\/users$/, body: REGISTRATION, section: '§5' },
  { name: 'register batch', method: 'POST', path: /^\/users$/, body: 'array-of-registrations', section: '§5' },
  { name: 'set nickname', method: 'PUT', path: new RegExp(`^/users/${ID}$`), body: { nickname: 'string' }, section: 'push display name' },
  { name: 'add contact', method: 'POST', path: new RegExp(`^/users/${ID}/contacts/users/${ID}$`), section: '§6' },
  { name: 'remove contact', method: 'DELETE', path: new RegExp(`^/users/${ID}/contacts/users/${ID}$`), section: '§6' },
  { name: 'paged contacts', method: 'GET', path: new RegExp(`^/user/${ID}/contacts$`), query: { limit: '50', needReturnRemark: 'true' }, section: '§6' },
  { name: 'set remark', method: 'PUT', path: new RegExp(`^/user/${ID}/contacts/users/${ID}$`), body: { remark: 'string' }, section: '§6' },
  { name: 'block users', method: 'POST', path: new RegExp(`^/users/${ID}/blocks/users$`), body: { usernames: 'string[]' }, section: '§7' },
  { name: 'list blocks', method: 'GET', path: new RegExp(`^/users/${ID}/blocks/users$`), query: { pageSize: '50' }, section: '§7' },
  { name: 'unblock', method: 'DELETE', path: new RegExp(`^/users/${ID}/blocks/users/${ID}$`), section: '§7' },
  {
    name: 'create group',
    method: 'POST',
    path: /^\/chatgroups$/,
    body: { groupname: 'string', description: 'string', public: 'boolean', maxusers: 'number', owner: 'string', members: 'string[]' },
    section: '§8',
  },
  { name: 'create chat room', method: 'POST', path: /^\/chatrooms$/, body: { name: 'string', description: 'string', maxusers: 'number', owner: 'string', 'members?': 'string[]' }, section: '§9' },
  { name: 'room details', method: 'GET', path: new RegExp(`^/${ROOMS}/\\d+(%2C\\d+)*$`), section: '§8, §9' },
  { name: 'list rooms', method: 'GET', path: new RegExp(`^/${ROOMS}$`), query: { limit: '100' }, section: '§18' },
  { name: 'dismiss', method: 'DELETE', path: new RegExp(`^/${ROOMS}/\\d+$`), section: '§8, §9' },
  { name: 'mute all', method: 'POST', path: new RegExp(`^/${ROOMS}/\\d+/ban$`), section: '§11' },
  { name: 'unmute all', method: 'DELETE', path: new RegExp(`^/${ROOMS}/\\d+/ban$`), section: '§11' },
  { name: 'list members', method: 'GET', path: new RegExp(`^/${ROOMS}/\\d+/users$`), query: { pagenum: '1' }, section: '§8, §9' },
  { name: 'add members', method: 'POST', path: new RegExp(`^/${ROOMS}/\\d+/users$`), body: { usernames: 'string[]' }, section: '§8, §9' },
  { name: 'remove members', method: 'DELETE', path: new RegExp(`^/${ROOMS}/\\d+/users/${IDS}$`), section: '§8, §9' },
  { name: 'list admins', method: 'GET', path: new RegExp(`^/${ROOMS}/\\d+/admin$`), section: '§17' },
  { name: 'add admin', method: 'POST', path: new RegExp(`^/${ROOMS}/\\d+/admin$`), body: { newadmin: 'string' }, section: '§17' },
  { name: 'remove admin', method: 'DELETE', path: new RegExp(`^/${ROOMS}/\\d+/admin/${ID}$`), section: '§17' },
  { name: 'mute', method: 'POST', path: new RegExp(`^/${ROOMS}/\\d+/mute$`), body: { usernames: 'string[]', mute_duration: 'number' }, section: '§11' },
  { name: 'unmute', method: 'DELETE', path: new RegExp(`^/${ROOMS}/\\d+/mute/${IDS}$`), section: '§11' },
  { name: 'list mutes', method: 'GET', path: new RegExp(`^/${ROOMS}/\\d+/mute$`), section: '§11' },
  { name: 'list allow list', method: 'GET', path: new RegExp(`^/${ROOMS}/\\d+/white/users$`), section: '§10' },
  { name: 'allow-list batch', method: 'POST', path: new RegExp(`^/${ROOMS}/\\d+/white/users$`), body: { usernames: 'string[]' }, section: '§10' },
  { name: 'allow-list remove', method: 'DELETE', path: new RegExp(`^/${ROOMS}/\\d+/white/users/${IDS}$`), section: '§10' },
  { name: 'list room blocks', method: 'GET', path: new RegExp(`^/${ROOMS}/\\d+/blocks/users$`), section: '§12' },
  { name: 'ban batch', method: 'POST', path: new RegExp(`^/${ROOMS}/\\d+/blocks/users$`), body: { usernames: 'string[]' }, section: '§12' },
  { name: 'unban one', method: 'DELETE', path: new RegExp(`^/${ROOMS}/\\d+/blocks/users/${ID}$`), section: '§12' },
  { name: 'delete conversation', method: 'DELETE', path: new RegExp(`^/users/${ID}/user_channel$`), body: { channel: 'string', type: 'string', delete_roam: 'boolean' }, section: '§13' },
  { name: 'send to users', method: 'POST', path: /^\/messages\/users$/, body: { from: 'string', to: 'string[]', type: 'string', body: 'object' }, section: '§14' },
  { name: 'send to group', method: 'POST', path: /^\/messages\/chatgroups$/, body: { from: 'string', to: 'string[]', type: 'string', body: 'object' }, section: '§14' },
  {
    name: 'send to chat room',
    method: 'POST',
    path: /^\/messages\/chatrooms$/,
    body: { from: 'string', to: 'string[]', type: 'string', body: 'object', chatroom_msg_level: 'string' },
    section: '§14, §15',
  },
];

function typeOf(value: unknown): FieldType | 'other' {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return 'number';
  if (Array.isArray(value)) return value.every((item) => typeof item === 'string') ? 'string[]' : 'other';
  if (value !== null && typeof value === 'object') return 'object';
  return 'other';
}

function shapeMatches(shape: Shape, body: unknown): boolean {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const record = body as Record<string, unknown>;
  const allowed = new Set(Object.keys(shape).map((key) => key.replace(/\?$/, '')));
  if (Object.keys(record).some((key) => !allowed.has(key))) return false;
  return Object.entries(shape).every(([key, type]) => {
    const optional = key.endsWith('?');
    const value = record[key.replace(/\?$/, '')];
    if (value === undefined) return optional;
    return typeOf(value) === type;
  });
}

function rowMatches(row: Row, request: RecordedRequest, relative: string): boolean {
  if (row.method !== request.method || !row.path.test(relative)) return false;
  for (const [key, value] of Object.entries(row.query ?? {})) if (request.query[key] !== value) return false;
  const body = request.rawBody === '' ? undefined : (JSON.parse(request.rawBody) as unknown);
  if (row.body === undefined) return body === undefined;
  if (row.body === 'array-of-registrations') return Array.isArray(body) && body.length > 0 && body.every((item) => shapeMatches(REGISTRATION, item));
  return shapeMatches(row.body, body);
}

async function scenario(harness: Harness): Promise<void> {
  const backend = harness.backend;
  const [a, b, c, d] = [uid(), uid(), uid(), uid()];
  await backend.users.put(a, { name: 'A' });
  await backend.users.put(a, { name: 'A2' });
  await backend.users.putMany([{ uid: b }, { uid: c, name: 'C' }, { uid: d }]);
  await backend.users.get(a);
  const firstUsers = await backend.users.list({ limit: 2 });
  await backend.users.list({ limit: 2, cursor: firstUsers.nextCursor });
  await backend.friends.put(a, b, { alias: 'bee' });
  await backend.friends.update(a, b, { alias: 'bea' });
  await backend.friends.list(a, {});
  await backend.relations.get(a, b);
  await backend.friends.remove(a, b, 'mutual');
  await backend.blocks.put(a, c);
  await backend.blocks.putMany(a, [d]);
  await backend.blocks.list(a, {});
  await backend.blocks.remove(a, c);
  await backend.messages.send({ from: b, to: { type: 'user', id: c }, text: 'hi' });
  await backend.conversations.delete(c, 'user', b);
  for (const kind of ['group', 'chatroom'] as RoomKind[]) {
    const room = await backend.rooms.create(kind, { name: 'R', owner: a, members: [b] });
    const ref = { kind, id: room.id };
    await backend.rooms.members.add(ref, [c, d]);
    await backend.rooms.list(kind, {});
    await backend.rooms.members.list(ref, {});
    await backend.rooms.members.setRole(ref, c, 'admin');
    await backend.rooms.members.setRole(ref, c, 'member');
    await backend.rooms.mutes.set(ref, b, 60);
    await backend.rooms.mutes.setMany(ref, [c], null);
    await backend.rooms.mutes.list(ref, {});
    await backend.rooms.mutes.remove(ref, b);
    await backend.rooms.whitelist.add(ref, [b]);
    await backend.rooms.whitelist.replace(ref, [c]);
    await backend.rooms.whitelist.list(ref, {});
    await backend.rooms.whitelist.remove(ref, c);
    await backend.rooms.setMuteAll(ref, true);
    await backend.rooms.setMuteAll(ref, false);
    await backend.messages.send({ from: a, to: ref.kind === 'group' ? { type: 'group', id: ref.id } : { type: 'chatroom', id: ref.id }, text: 'hi' });
    if (kind === 'group') await backend.conversations.delete(b, 'group', ref.id);
    await backend.rooms.blocks.add(ref, [d]);
    await backend.rooms.blocks.list(ref, {});
    await backend.rooms.blocks.remove(ref, d);
    await backend.rooms.members.remove(ref, [b, c]);
    await backend.rooms.dismiss(ref);
  }
}

describe.each([
  ['/{org}/{app}', true],
  ['/app-id/{appId}', false],
])('request shapes with the %s prefix', (_label, useAppKey) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(useAppKey ? {} : { config: { orgName: undefined, appName: undefined } });
    harness.fake.control.clearRequests();
    await scenario(harness);
  });
  afterAll(async () => {
    await harness.close();
  });

  it('sends every call under the configured prefix with the Bearer app token and JSON headers', () => {
    const { orgName, appName, appId } = harness.fake.credentials;
    const prefix = useAppKey ? `/${orgName}/${appName}` : `/app-id/${appId}`;
    expect(harness.fake.control.requests.length).toBeGreaterThan(50);
    for (const request of harness.fake.control.requests) {
      expect(request.path.startsWith(`${prefix}/`)).toBe(true);
      expect(request.headers.authorization).toMatch(/^Bearer 007[A-Za-z0-9+/=]+$/);
      expect(request.headers.accept).toBe('application/json');
      expect(request.headers['content-type']).toBe('application/json');
    }
    // One cached token serves every call.
    expect(new Set(harness.fake.control.requests.map((request) => request.headers.authorization)).size).toBe(1);
  });

  it('matches every request to exactly one row of the vendor-call table, and meets every row', () => {
    const { orgName, appName, appId } = harness.fake.credentials;
    const prefix = useAppKey ? `/${orgName}/${appName}` : `/app-id/${appId}`;
    const met = new Set<string>();
    for (const request of harness.fake.control.requests) {
      const relative = request.path.slice(prefix.length);
      const rows = TABLE.filter((row) => rowMatches(row, request, relative));
      expect(rows.map((row) => row.name), `${request.method} ${relative} ${request.rawBody}`).toHaveLength(1);
      met.add(rows[0]!.name);
    }
    expect(TABLE.filter((row) => !met.has(row.name)).map((row) => row.name)).toEqual([]);
  });

  it('encodes comma lists as %2C and sends a permanent mute as -1 ms, a timed one in ms', () => {
    const removals = harness.fake.control.requests.filter((request) => request.method === 'DELETE' && /\/users\/[^/]*%2C/i.test(request.path));
    expect(removals.length).toBeGreaterThan(0);
    const durations = harness.fake.control.requests
      .filter((request) => request.method === 'POST' && request.path.endsWith('/mute'))
      .map((request) => (JSON.parse(request.rawBody) as { mute_duration: number }).mute_duration);
    expect(durations).toEqual([60_000, -1, 60_000, -1]);
    const channel = harness.fake.control.requests.find((request) => request.path.endsWith('/user_channel'));
    expect(JSON.parse(channel!.rawBody)).toEqual({ channel: expect.any(String), type: 'chat', delete_roam: false });
  });
});
