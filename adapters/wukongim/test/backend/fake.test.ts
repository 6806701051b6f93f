/** The fake answers as WuKongIM v2.2.5 does (vendor note), including its traps. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson } from '../../../../src/runtime/index.js';
import { startFake, type RunningWukongimFake } from '../../fake/index.js';
import { fnv64a, personFakeChannelId } from '../../fake/fake-state.js';

let fake: RunningWukongimFake;
let token: string;
beforeAll(async () => {
  fake = await startFake({ port: 0 });
  token = fake.backendConfig.token as string;
});
afterAll(async () => {
  await fake.close();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = { token }) {
  const response = await fetch(fake.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: text === '' ? undefined : (() => { try { return parseJson(text); } catch { return undefined; } })() };
}

describe('auth and envelopes', () => {
  it('refuses a missing or wrong token with 401 and an empty body, /health included', async () => {
    for (const headers of [{}, { token: 'wrong' }] as Array<Record<string, string>>) {
      const answer = await call('POST', '/channel/whitelist_add', { channel_id: 'a', channel_type: 1, uids: ['b'] }, headers);
      expect(answer).toMatchObject({ status: 401, text: '' });
      expect((await call('GET', '/health', undefined, headers)).status).toBe(401);
    }
    expect(fake.state.channel('a', 1)).toBeUndefined();
  });

  it('runs without auth when managerToken is empty (the vendor default)', async () => {
    const open = await startFake({ port: 0, managerToken: '' });
    const response = await fetch(`${open.url}/channel/whitelist?channel_id=x&channel_type=1`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('[]');
    await open.close();
  });

  it('answers mutations {"status":200}, handler errors 400 {"msg","status":400}, unknown routes a plain 404', async () => {
    expect(await call('POST', '/channel/whitelist_add', { channel_id: 'a1', channel_type: 1, uids: ['b1'] })).toMatchObject({ status: 200, body: { status: 200 } });
    expect(await call('POST', '/channel/whitelist_add', { channel_id: 'a1', channel_type: 1, uids: [] })).toMatchObject({ status: 400, body: { msg: 'uids不能为空！', status: 400 } });
    expect(await call('POST', '/channel/whitelist_add', { channel_id: 'a@1', channel_type: 1, uids: ['x'] })).toMatchObject({ status: 400, body: { msg: '频道ID不能包含特殊字符！' } });
    expect(await call('POST', '/channel/whitelist_add', { channel_id: 'a1', channel_type: 0, uids: ['x'] })).toMatchObject({ status: 400, body: { msg: '频道类型不能为0！' } });
    expect((await call('POST', '/channel/whitelist_add', { channel_id: 'a1', channel_type: '1', uids: ['x'] })).status).toBe(400);
    // Blacklist endpoints do not check special characters (note §2).
    expect((await call('POST', '/channel/blacklist_add', { channel_id: 'a@1', channel_type: 1, uids: ['x'] })).status).toBe(200);
    expect(await call('POST', '/no/such/route', {})).toMatchObject({ status: 404, text: '404 page not found' });
  });
});

describe('lists', () => {
  it('GET /channel/whitelist answers member objects whose uint64 id survives exactly', async () => {
    await call('POST', '/channel/whitelist_add', { channel_id: 'w1', channel_type: 1, uids: ['u1', 'u2'] });
    const answer = await call('GET', '/channel/whitelist?channel_id=w1&channel_type=1');
    const rows = answer.body as Array<{ id: unknown; uid: string; created_at: string }>;
    expect(rows.map((row) => row.uid)).toEqual(['u1', 'u2']);
    expect(rows[0]!.id).toBe(fnv64a('u1'));
    expect(typeof rows[0]!.id).toBe('bigint');
    expect(answer.text).toContain(`"id":${fnv64a('u1').toString()}`);
    expect(rows[0]!.created_at).toMatch(/\+08:00$/);
  });

  it('the denylist lives only under /cluster, as a plain uid array', async () => {
    await call('POST', '/channel/blacklist_add', { channel_id: 'k1', channel_type: 1, uids: ['z'] });
    expect((await call('GET', '/cluster/channels/k1/1/denylist')).body).toEqual(['z']);
    expect((await call('GET', '/channel/blacklist?channel_id=k1&channel_type=1')).status).toBe(404);
  });
});

describe('channels', () => {
  it('/channel overwrites every flag; /channel/delete only sets disband and keeps members', async () => {
    await call('POST', '/channel', { channel_id: 'c1', channel_type: 2, ban: 1, large: 1, subscribers: ['a', 'b'] });
    await call('POST', '/channel', { channel_id: 'c1', channel_type: 2 });
    expect(fake.state.channel('c1', 2)?.info).toEqual({ large: 0, ban: 0, disband: 0, send_ban: 0, allow_stranger: 0 });
    expect(await call('POST', '/channel/delete', { channel_id: 'c1', channel_type: 2 })).toMatchObject({ status: 200 });
    expect(fake.state.channel('c1', 2)?.info.disband).toBe(1);
    expect([...(fake.state.channel('c1', 2)?.subscribers ?? [])]).toEqual(['a', 'b']);
    expect(await call('POST', '/channel/delete', { channel_id: 'c1', channel_type: 1 })).toMatchObject({ status: 400, body: { msg: '个人频道不支持添加订阅者！' } });
    expect(await call('POST', '/channel', { channel_id: 'p1', channel_type: 1, subscribers: ['a'] })).toMatchObject({ status: 400, body: { msg: '不支持个人频道添加订阅者！' } });
  });
});

describe('messages and conversations', () => {
  it('REST send is never refused by lists, answers {status,data:{message_id}} with an int64 id', async () => {
    await call('POST', '/channel/blacklist_add', { channel_id: 'r1', channel_type: 1, uids: ['s1'] });
    const payload = Buffer.from('hi').toString('base64');
    const answer = await call('POST', '/message/send', { from_uid: 's1', channel_id: 'r1', channel_type: 1, payload });
    expect(answer.status).toBe(200);
    const data = (answer.body as { status: number; data: { message_id: unknown } }).data;
    expect(typeof data.message_id).toBe('bigint');
    expect(await call('POST', '/message/send', { from_uid: 's1', channel_id: 'r1', channel_type: 1, payload: '' })).toMatchObject({ body: { msg: 'payload不能为空！' } });
    expect(await call('POST', '/message/send', { from_uid: 's1', channel_id: 'r@1', channel_type: 1, payload })).toMatchObject({ body: { msg: '频道ID不合法！' } });
  });

  it('sync with msg_count 0 is []; an a@b delete is a silent 200 no-op; the bare uid soft-deletes a stored row only', async () => {
    const payload = Buffer.from('x').toString('base64');
    await call('POST', '/message/send', { from_uid: 'alice', channel_id: 'bob', channel_type: 1, payload });
    expect(personFakeChannelId('alice', 'bob')).toBe('bob@alice');
    // "plumless" and "buckeroo" share a CRC32: on a tie the server puts the second uid first.
    expect(personFakeChannelId('plumless', 'buckeroo')).toBe('buckeroo@plumless');
    expect((await call('POST', '/conversation/sync', { uid: 'bob', msg_count: 0 })).body).toEqual([]);
    const synced = (await call('POST', '/conversation/sync', { uid: 'bob', msg_count: 1 })).body as Array<{ channel_id: string; unread: number }>;
    expect(synced.map((row) => [row.channel_id, row.unread])).toEqual([['alice', 1]]);
    expect(await call('POST', '/conversations/delete', { uid: 'bob', channel_id: 'bob@alice', channel_type: 1 })).toMatchObject({ status: 200, body: { status: 200 } });
    expect(((await call('POST', '/conversation/sync', { uid: 'bob', msg_count: 1 })).body as unknown[]).length).toBe(1);
    // The first message's conversation is only cached until the flush: a delete finds no row (audit W1).
    expect(await call('POST', '/conversations/delete', { uid: 'bob', channel_id: 'alice', channel_type: 1 })).toMatchObject({ status: 200, body: { status: 200 } });
    expect(((await call('POST', '/conversation/sync', { uid: 'bob', msg_count: 1 })).body as unknown[]).length).toBe(1);
    // clearUnread stores the row; the delete then marks it.
    await call('POST', '/conversations/clearUnread', { uid: 'bob', channel_id: 'alice', channel_type: 1 });
    await call('POST', '/conversations/delete', { uid: 'bob', channel_id: 'alice', channel_type: 1 });
    expect((await call('POST', '/conversation/sync', { uid: 'bob', msg_count: 1 })).body).toEqual([]);
    await call('POST', '/message/send', { from_uid: 'alice', channel_id: 'bob', channel_type: 1, payload });
    expect(((await call('POST', '/conversation/sync', { uid: 'bob', msg_count: 1 })).body as unknown[]).length).toBe(1);
    expect(await call('POST', '/conversations/delete', { uid: '', channel_id: 'x', channel_type: 1 })).toMatchObject({ body: { msg: 'Uid cannot be empty' } });
  });
});

describe('control routes', () => {
  it('records requests, injects faults, exposes state and resets', async () => {
    await call('POST', '/__fake/faults', { route: 'GET /cluster/channels/q/1/denylist', kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    expect((await call('GET', '/cluster/channels/q/1/denylist')).status).toBe(429);
    expect((await call('GET', '/cluster/channels/q/1/denylist')).status).toBe(200);
    const state = (await call('GET', '/__fake/state', undefined, {})).body as { channels: unknown[]; options: Record<string, unknown> };
    expect(state.channels.length).toBeGreaterThan(0);
    expect(JSON.stringify(state)).not.toContain(token);
    expect((await call('POST', '/__fake/reset', undefined, {})).status).toBe(204);
    expect(fake.state.channels.size).toBe(0);
  });
});

describe('the channel search (note §11)', () => {
  const flags = { large: 0, ban: 0, disband: 0, send_ban: 0, allow_stranger: 0 };
  const search = async (query: string) => (await call('GET', `/cluster/channels?${query}`)).body as { more: number; data: Array<{ channel_id: string; created_at: bigint | number }> };

  it('lists info rows newest first below an exclusive offset, with `more`; updates keep the creation time', async () => {
    const searched = await startFake({ port: 0 });
    const own = async (method: string, path: string, body?: unknown) => fetch(searched.url + path, { method, headers: { token: String(searched.backendConfig.token), 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const list = async (query: string) => parseJson(await (await own('GET', `/cluster/channels?${query}`)).text()) as { more: number; data: Array<{ channel_id: string; created_at: bigint | number }> };
    try {
      for (const id of ['s1', 's2', 's3']) await own('POST', '/channel', { channel_id: id, channel_type: 2, ...flags, reset: 0, subscribers: [] });
      // Whitelist rows and a subscriber_add-made row have no creation time: never listed.
      await own('POST', '/channel/whitelist_add', { channel_id: '~u~x', channel_type: 2, uids: ['registered'] });
      await own('POST', '/channel/subscriber_add', { channel_id: 's4', channel_type: 2, subscribers: ['a'], reset: 0, temp_subscriber: 0 });
      const first = await list('channel_type=2&limit=2');
      expect(first.data.map((row) => row.channel_id)).toEqual(['s3', 's2']);
      expect(first.more).toBe(1);
      // An update (a full overwrite of the flags) keeps the row's place.
      await own('POST', '/channel/info', { channel_id: 's2', channel_type: 2, ...flags, ban: 1 });
      const rest = await list(`channel_type=2&limit=2&offset_created_at=${String(first.data[1]!.created_at)}`);
      expect(rest.data.map((row) => row.channel_id)).toEqual(['s1']);
      expect(rest.more).toBe(0);
      expect((await list('channel_type=2&limit=10')).data.map((row) => row.channel_id)).toEqual(['s3', 's2', 's1']);
      // One channel by id: its row, or the empty row.
      expect((await list('channel_type=2&channel_id=s1')).data.map((row) => row.channel_id)).toEqual(['s1']);
      expect((await list('channel_type=2&channel_id=nothing')).data.map((row) => row.channel_id)).toEqual(['']);
      // The count and flag filters dereference a nil pointer on the server: gin's empty 500.
      const panic = await own('GET', '/cluster/channels?channel_type=2&allowlist_count_gte=1');
      expect(panic.status).toBe(500);
      expect(await panic.text()).toBe('');
    } finally {
      await searched.close();
    }
  });

  it('needs the token like every route', async () => {
    expect((await call('GET', '/cluster/channels?channel_type=2', undefined, {})).status).toBe(401);
    expect((await search('channel_type=2')).data).toBeDefined();
  });
});
