/**
 * The fake Wildfire server answers exactly as the vendor note says the real one does: the
 * pre-check (rate limit, signature headers, 2-hour window, sign), envelopes, HTTP 500 answers,
 * and the state quirks an adapter must work around. These tests speak the vendor's wire format
 * directly, not through the adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFake, type RunningWildfireFake } from '../../fake/index.js';
import { createBackdoor } from '../../fake/backdoor.js';
import { signedHeaders, wildfireSign } from '../../backend/client.js';
import { rid, vendorCall } from './harness.js';

describe('wildfire fake: signing and pre-check (§2)', () => {
  let fake: RunningWildfireFake;
  beforeAll(async () => {
    fake = await startFake({ port: 0 });
  });
  afterAll(async () => fake.close());

  it('signs the documented test vector', () => {
    expect(wildfireSign('76616', '123456', '1558350862502')).toBe('b98f9b0717f59febccf1440067a7f50d9b31bdde');
    expect(fake.secret).toBe('123456');
  });

  it('a correct signature is accepted; the envelope omits result when there is none', async () => {
    const answer = await vendorCall(fake, '/admin/friend/status', { userId: 'a', friendUid: 'b', status: 0 });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('{"code":0,"msg":"success"}');
  });

  it('missing or empty signature headers → 239 in the nested envelope', async () => {
    const headers = signedHeaders(fake.secret);
    for (const missing of ['nonce', 'timestamp', 'sign']) {
      const partial = { ...headers, [missing]: '' };
      const answer = await vendorCall(fake, '/admin/user/get_info', { userId: 'x' }, partial);
      expect(answer.status, missing).toBe(200);
      expect(answer.json).toEqual({ code: 239, msg: 'api not signed or sign parameter not completion', result: { code: 239, msg: 'api not signed or sign parameter not completion' } });
    }
    const notLong = { nonce: '1', timestamp: '12x', sign: wildfireSign('1', fake.secret, '12x') };
    expect((await vendorCall(fake, '/admin/user/get_info', { userId: 'x' }, notLong)).json.code).toBe(239);
  });

  it('a wrong secret or an upper-case sign → 244 auth failure', async () => {
    const wrong = signedHeaders('654321');
    expect((await vendorCall(fake, '/admin/user/get_info', { userId: 'x' }, wrong)).json).toEqual({ code: 244, msg: 'auth failure', result: { code: 244, msg: 'auth failure' } });
    const right = signedHeaders(fake.secret);
    expect((await vendorCall(fake, '/admin/user/get_info', { userId: 'x' }, { ...right, sign: right.sign!.toUpperCase() })).json.code).toBe(244);
  });

  it('a timestamp over 2 hours old → 243; future timestamps and replays are accepted', async () => {
    const old = signedHeaders(fake.secret, () => Date.now() - 7_200_000 - 5_000);
    expect((await vendorCall(fake, '/admin/user/get_info', { userId: 'x' }, old)).json).toEqual({ code: 243, msg: 'sign expired', result: { code: 243, msg: 'sign expired' } });
    const recent = signedHeaders(fake.secret, () => Date.now() - 7_100_000);
    expect((await vendorCall(fake, '/admin/user/get_info', { userId: 'x' }, recent)).json.code).toBe(253);
    const future = signedHeaders(fake.secret, () => Date.now() + 86_400_000);
    expect((await vendorCall(fake, '/admin/user/get_info', { userId: 'x' }, future)).json.code).toBe(253);
    expect((await vendorCall(fake, '/admin/user/get_info', { userId: 'x' }, future)).json.code).toBe(253);
  });

  it('no_check_time accepts old timestamps', async () => {
    const lax = await startFake({ port: 0, noCheckTime: true });
    try {
      const old = signedHeaders(lax.secret, () => 1_558_350_862_502);
      expect((await vendorCall(lax, '/admin/user/get_info', { userId: 'x' }, old)).json.code).toBe(253);
    } finally {
      await lax.close();
    }
  });

  it('GET /admin/health needs no signature; unknown paths and wrong methods are HTTP 500 with an empty body', async () => {
    const health = await fetch(`${fake.url}/admin/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { code: number; result: unknown[] }).code).toBe(0);
    expect(health.headers.get('content-type')).toBe('application/json;charset=utf-8');
    const unknown = await vendorCall(fake, '/admin/no/such/thing', {}, {});
    expect([unknown.status, unknown.text]).toEqual([500, '']);
    const wrongMethod = await fetch(`${fake.url}/admin/user/get_info`, { headers: signedHeaders(fake.secret) });
    expect([wrongMethod.status, await wrongMethod.text()]).toEqual([500, '']);
  });

  it('pro-only paths are HTTP 500 empty on community, with no signature check; routed on pro', async () => {
    for (const path of ['/admin/group/manager/mute', '/admin/group/manager/allow', '/admin/conversation/delete']) {
      const answer = await vendorCall(fake, path, {}, {});
      expect([answer.status, answer.text], path).toEqual([500, '']);
    }
    const pro = await startFake({ port: 0, edition: 'pro' });
    try {
      expect((await vendorCall(pro, '/admin/group/manager/mute', { group_id: 'g', members: ['u'], is_manager: true })).json.code).toBe(253);
      expect(pro.backendConfig).toEqual({ vendor: 'wildfire', baseUrl: pro.url, secret: '123456', edition: 'pro' });
    } finally {
      await pro.close();
    }
  });

  it('malformed JSON and null reasons are HTTP 500 with the Java exception text', async () => {
    const malformed = await vendorCall(fake, '/admin/user/get_info', '{"userId":');
    expect(malformed.status).toBe(500);
    expect(malformed.text).toMatch(/^com\.google\.gson\.JsonSyntaxException/);
    const nullReason = await vendorCall(fake, '/admin/friend/send_request', { userId: 'a', friendUid: 'b', reason: null });
    expect([nullReason.status, nullReason.text]).toEqual([500, 'java.lang.NullPointerException']);
  });

  it('the global rate limit answers 250 over frequency', async () => {
    const limited = await startFake({ port: 0, rateLimit: 2 });
    try {
      await vendorCall(limited, '/admin/user/get_info', { userId: 'x' });
      await vendorCall(limited, '/admin/user/get_info', { userId: 'x' });
      expect((await vendorCall(limited, '/admin/user/get_info', { userId: 'x' })).json).toEqual({ code: 250, msg: 'over frequency', result: { code: 250, msg: 'over frequency' } });
    } finally {
      await limited.close();
    }
  });
});

describe('wildfire fake: state quirks (§5–§9)', () => {
  let fake: RunningWildfireFake;
  beforeAll(async () => {
    fake = await startFake({ port: 0 });
  });
  afterAll(async () => fake.close());
  const call = (path: string, body: unknown) => vendorCall(fake, path, body).then((answer) => answer.json);

  it('user/create overwrites in full; displayName "" becomes the name; names are unique (code 4)', async () => {
    const uid = rid();
    expect(await call('/admin/user/create', { userId: uid, name: uid, displayName: 'D', extra: 'x' })).toEqual({ code: 0, msg: 'success', result: { userId: uid, name: uid } });
    await call('/admin/user/create', { userId: uid, name: uid, displayName: '' });
    expect((await call('/admin/user/get_info', { userId: uid })).result).toMatchObject({ displayName: uid, extra: '' });
    expect(await call('/admin/user/create', { userId: rid(), name: uid })).toEqual({ code: 4, msg: '用户名不能重复，必须唯一！！！' });
    expect((await call('/admin/user/create', { userId: rid(), name: rid(), type: 7 })).code).toBe(251);
    expect((await call('/admin/user/get_info', {})).code).toBe(251);
  });

  it('friend/status is two-way; blacklist is one-way; set_alias on a stranger makes a one-way friend', async () => {
    const [a, b, c] = [rid(), rid(), rid()];
    await call('/admin/friend/status', { userId: a, friendUid: b, status: '0' });
    expect((await call('/admin/friend/list', { userId: b })).result).toEqual({ list: [a] });
    await call('/admin/blacklist/status', { userId: a, targetUid: b, status: 2 });
    expect((await call('/admin/relation/get', { first: a, second: b })).result).toMatchObject({ isFriend: true, isBlacked: true });
    expect((await call('/admin/relation/get', { first: b, second: a })).result).toMatchObject({ isFriend: true, isBlacked: false });
    expect((await call('/admin/blacklist/status', { userId: a, targetUid: b, status: 3 })).code).toBe(251);
    expect(await call('/admin/friend/set_alias', { operator: a, targetId: c, alias: 'C' })).toEqual({ code: 0, msg: 'success', result: { targetId: '' } });
    expect((await call('/admin/friend/list', { userId: a })).result).toEqual({ list: [b, c] });
    expect((await call('/admin/friend/list', { userId: c })).result).toEqual({ list: [] });
    expect((await call('/admin/relation/get', { first: c, second: a })).result).toEqual({ userId: c, targetId: a, isFriend: false, isBlacked: false });
  });

  it('friend/status writes its own extra on a\'s row, "" when absent (audit W-1); b\'s existing row keeps its extra', async () => {
    const [a, b] = [rid(), rid()];
    const relation = async (first: string, second: string) => (await call('/admin/relation/get', { first, second })).result;
    await call('/admin/friend/status', { userId: a, friendUid: b, status: 0, extra: 'x' });
    expect([(await relation(a, b)).extra, (await relation(b, a)).extra]).toEqual(['x', 'x']);
    await call('/admin/friend/set_extra', { operator: b, targetId: a, extra: 'mine' });
    await call('/admin/friend/status', { userId: a, friendUid: b, status: 0 });
    expect(await relation(a, b)).toMatchObject({ isFriend: true, extra: '' });
    expect(await relation(b, a)).toMatchObject({ isFriend: true, extra: 'mine' });
    await call('/admin/friend/set_extra', { operator: a, targetId: b, extra: 'y' });
    await call('/admin/friend/status', { userId: a, friendUid: b, status: 2 });
    expect(await relation(a, b)).toMatchObject({ isFriend: false, extra: '' });
    expect(await relation(b, a)).toMatchObject({ isFriend: true, extra: 'mine' });
  });

  it('friend/list follows each row\'s last change: set_alias, set_extra, blacklist/status and friend/status move a friend last (audit W-5)', async () => {
    const [a, b, c, d] = [rid(), rid(), rid(), rid()];
    for (const friend of [b, c, d]) await call('/admin/friend/status', { userId: a, friendUid: friend, status: 0 });
    const list = async () => (await call('/admin/friend/list', { userId: a })).result.list;
    expect(await list()).toEqual([b, c, d]);
    await call('/admin/friend/set_alias', { operator: a, targetId: b, alias: 'B' });
    expect(await list()).toEqual([c, d, b]);
    await call('/admin/friend/set_extra', { operator: a, targetId: c, extra: 'x' });
    expect(await list()).toEqual([d, b, c]);
    await call('/admin/blacklist/status', { userId: a, targetUid: d, status: 2 });
    expect(await list()).toEqual([b, c, d]);
    await call('/admin/friend/status', { userId: b, friendUid: a, status: 0 });
    expect(await list()).toEqual([c, d, b]);
    // Unblocking a stranger still writes a row (state 1): relation/get then has alias and extra.
    const e = rid();
    await call('/admin/blacklist/status', { userId: a, targetUid: e, status: 0 });
    expect((await call('/admin/relation/get', { first: a, second: e })).result).toEqual({ userId: a, targetId: e, isFriend: false, isBlacked: false, alias: '', extra: '' });
  });

  it('groups: member/add re-adding a manager demotes it; owner forced to 2; list is {members}; max_member_count = count', async () => {
    const [g, o, m] = [rid('g'), rid(), rid()];
    expect((await call('/admin/group/create', { operator: 'admin', group: { group_info: { target_id: g, name: 'G', owner: o, type: 2 }, members: [{ member_id: m, type: 2 }] } })).result).toEqual({ group_id: g });
    expect((await call('/admin/group/create', { operator: 'admin', group: { group_info: { target_id: g, name: 'G', owner: o, type: 2 }, members: [] } })).code).toBe(11);
    await call('/admin/group/manager/set', { operator: 'admin', group_id: g, members: [m], is_manager: true });
    expect((await call('/admin/group/member/get', { groupId: g, memberId: m })).result.type).toBe(1);
    await call('/admin/group/member/add', { operator: 'admin', group_id: g, members: [{ member_id: m }] });
    const members = (await call('/admin/group/member/list', { groupId: g })).result.members;
    expect(members.map((member: { member_id: string; type: number }) => [member.member_id, member.type])).toEqual([[m, 0], [o, 2]]);
    expect((await call('/admin/group/get_info', { groupId: g })).result.max_member_count).toBe(2);
    expect((await call('/admin/group/manager/set', { operator: 'admin', group_id: g, members: [o], is_manager: true })).code).toBe(248);
    await call('/admin/group/modify', { operator: 'admin', group_id: g, type: 3, value: '1' });
    expect((await createBackdoor(fake).room('group', g))!.muteAll).toBe(true);
    await call('/admin/group/member/del', { operator: 'admin', group_id: g, members: [o] });
    expect(await createBackdoor(fake).members('group', g)).toEqual([{ uid: m, role: 'member' }]);
    expect((await call('/admin/group/del', { operator: 'admin', group_id: g })).code).toBe(0);
    expect((await call('/admin/group/get_info', { groupId: g })).code).toBe(253);
  });

  it('message/send bypasses policy, checks group existence only, and returns a messageUid above 2^53', async () => {
    const [a, b] = [rid(), rid()];
    await call('/admin/blacklist/status', { userId: b, targetUid: a, status: 2 });
    const answer = await vendorCall(fake, '/admin/message/send', { sender: a, conv: { type: 0, target: b, line: 0 }, payload: { type: 1, searchableContent: 'hi' } });
    const uid = /"messageUid":(\d+)/.exec(answer.text)![1]!;
    expect(BigInt(uid) > 2n ** 53n).toBe(true);
    expect((await call('/admin/message/send', { sender: a, conv: { type: 1, target: rid('g'), line: 0 }, payload: { type: 1 } })).code).toBe(253);
    expect((await call('/admin/message/send', { sender: a, conv: { type: 9, target: b }, payload: { type: 1 } })).code).toBe(251);
  });

  it('message/send raises the receivers\' unread count only for a payload flagged "count" (persistFlag & 2, audit W-3)', async () => {
    const [a, b] = [rid(), rid()];
    const unread = () => [...(fake.state.conversations.get(b)?.values() ?? [])].map((entry) => entry.unread);
    await call('/admin/message/send', { sender: a, conv: { type: 0, target: b, line: 0 }, payload: { type: 1, searchableContent: 'no flag' } });
    await call('/admin/message/send', { sender: a, conv: { type: 0, target: b, line: 0 }, payload: { type: 1, searchableContent: 'persist', persistFlag: 1 } });
    expect(unread()).toEqual([0]);
    await call('/admin/message/send', { sender: a, conv: { type: 0, target: b, line: 0 }, payload: { type: 1, searchableContent: 'counted', persistFlag: 3 } });
    expect(unread()).toEqual([1]);
  });

  it('user/all pages the users not destroyed, oldest first, the default admin included; count 0 is 251 (§12)', async () => {
    const [a, b] = [rid(), rid()];
    await call('/admin/user/create', { userId: a, name: a, type: 0 });
    await call('/admin/user/create', { userId: b, name: b, type: 0 });
    // An overwriting create keeps the user's place (the upsert never writes _createTime).
    await call('/admin/user/create', { userId: a, name: a, displayName: 'again', type: 0 });
    const all = (await call('/admin/user/all', { count: 1000, offset: 0 })).result as { userInfoList: Array<{ userId: string }> };
    const ids = all.userInfoList.map((user) => user.userId);
    expect(ids[0]).toBe('admin');
    expect(ids.indexOf(a)).toBeLessThan(ids.indexOf(b));
    await call('/admin/user/destroy', { userId: a });
    const after = (await call('/admin/user/all', { count: 1000, offset: 0 })).result as { userInfoList: Array<{ userId: string }> };
    expect(after.userInfoList.map((user) => user.userId)).not.toContain(a);
    const second = (await call('/admin/user/all', { count: 1, offset: 1 })).result as { userInfoList: Array<{ userId: string }> };
    expect(second.userInfoList.map((user) => user.userId)).toEqual([after.userInfoList[1]!.userId]);
    expect((await call('/admin/user/all', { count: 0, offset: 0 })).code).toBe(251);
    expect((await call('/admin/user/all', { count: 5, offset: -1 })).code).toBe(251);
  });

  it('/__fake routes: state, faults and reset', async () => {
    const state = (await (await fetch(`${fake.url}/__fake/state`)).json()) as { users: unknown[] };
    expect(Array.isArray(state.users)).toBe(true);
    await fetch(`${fake.url}/__fake/faults`, { method: 'POST', body: JSON.stringify({ route: 'POST /admin/user/get_info', kind: 'status', status: 503 }) });
    expect((await vendorCall(fake, '/admin/user/get_info', { userId: 'x' })).status).toBe(503);
    await fetch(`${fake.url}/__fake/reset`, { method: 'POST' });
    // Back to a fresh server: only the migration's default admin.
    expect([...fake.state.users.keys()]).toEqual(['admin']);
  });
});

describe('wildfire fake: send_request checks (audit W-2)', () => {
  let fake: RunningWildfireFake;
  let strict: RunningWildfireFake;
  let clock = Date.now();
  beforeAll(async () => {
    // The clock jumps by days: no_check_time keeps the real-time signatures valid.
    fake = await startFake({ port: 0, now: () => clock, noCheckTime: true });
    strict = await startFake({ port: 0, disableFriendRequest: true });
  });
  afterAll(async () => {
    await fake.close();
    await strict.close();
  });
  const send = (target: RunningWildfireFake, userId: string, friendUid: string, extra: Record<string, unknown> = {}) =>
    vendorCall(target, '/admin/friend/send_request', { userId, friendUid, reason: 'hi', ...extra }).then((answer) => answer.json.code as number);
  const call = (path: string, body: unknown) => vendorCall(fake, path, body).then((answer) => answer.json);

  it('one quick repeat is accepted and rewrites the request; the next is 16, and so is any repeat after 5 minutes', async () => {
    const [a, b] = [rid(), rid()];
    expect(await send(fake, a, b)).toBe(0);
    expect(await send(fake, a, b, { reason: 'again' })).toBe(0);
    expect(fake.state.requests.get(`${a}\u0000${b}`)).toMatchObject({ reason: 'again', status: 0 });
    expect(await send(fake, a, b)).toBe(16);
    clock += 6 * 60_000;
    expect(await send(fake, a, b)).toBe(16);
    expect(await send(fake, a, b, { force: true })).toBe(0);
  });

  it('the order is 248, then 18/16, then 23, then 246; force skips all but 23', async () => {
    const [a, b, c, d] = [rid(), rid(), rid(), rid()];
    // a lists b one-way and asked b more than 5 minutes ago: the pending request wins over 23.
    expect(await send(fake, a, b)).toBe(0);
    await call('/admin/friend/set_alias', { operator: a, targetId: b, alias: 'B' });
    clock += 6 * 60_000;
    expect(await send(fake, a, b)).toBe(16);
    expect(await send(fake, a, b, { force: true })).toBe(23);
    // c lists d and d blocks c: 23 before 246.
    await call('/admin/friend/set_alias', { operator: c, targetId: d, alias: 'D' });
    await call('/admin/blacklist/status', { userId: d, targetUid: c, status: 2 });
    expect(await send(fake, c, d)).toBe(23);
    expect(await send(fake, d, c)).toBe(0);
    await call('/admin/friend/status', { userId: c, friendUid: d, status: 1 });
    expect(await send(fake, c, d)).toBe(246);
    expect(await send(fake, c, d, { force: true })).toBe(0);
    // With friend.disable_friend_request, 248 comes first, even for a user who already lists the other.
    await vendorCall(strict, '/admin/friend/set_alias', { operator: a, targetId: b, alias: 'B' });
    expect(await send(strict, a, b)).toBe(248);
    expect(await send(strict, a, b, { force: true })).toBe(23);
  });

  it('a rejected request blocks a new one for friend.reject_request_duration (30 days by default) with 18', async () => {
    const [a, b] = [rid(), rid()];
    fake.state.requests.set(`${a}\u0000${b}`, { from: a, to: b, reason: '', status: 2, timestamp: clock });
    expect(await send(fake, a, b)).toBe(18);
    clock += 29 * 24 * 3_600_000;
    expect(await send(fake, a, b)).toBe(18);
    clock += 2 * 24 * 3_600_000;
    expect(await send(fake, a, b)).toBe(0);
  });
});
