/**
 * The fake answers as OpenIM does (vendor note §2–§11): header and token refusals, the
 * envelope, gin's 404, version-specific routes, and the quirks adapters must survive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFake, type RunningOpenImFake } from '../../fake/index.js';
import { createBackdoor } from '../../fake/backdoor.js';
import { signToken } from '../../fake/jwt.js';
import { rid } from './harness.js';

let fake: RunningOpenImFake;
let adminToken: string;

async function post(path: string, body: unknown, headers: Record<string, string> = {}, target = fake): Promise<{ status: number; text: string; json: Record<string, unknown> | null }> {
  const response = await fetch(`${target.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: response.status, text, json };
}

const call = (path: string, body: unknown, token = adminToken) => post(path, body, { operationID: `op-${Math.random()}`, token });

beforeAll(async () => {
  fake = await startFake({ port: 0 });
  const answer = await post('/auth/get_admin_token', { secret: 'openIM123', userID: 'imAdmin' }, { operationID: 'op1' });
  adminToken = (answer.json?.['data'] as { token: string }).token;
});
afterAll(async () => fake.close());

describe('auth and headers', () => {
  it('issues an admin token with the 90-day lifetime', async () => {
    const answer = await post('/auth/get_admin_token', { secret: 'openIM123', userID: 'imAdmin' }, { operationID: 'x' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ errCode: 0, errMsg: '', errDlt: '', data: { expireTimeSeconds: 7_776_000 } });
    expect(String((answer.json?.['data'] as { token: string }).token).split('.')).toHaveLength(3);
  });

  it('token claims follow the release: 3.8.3 has no nbf and iat 5 s back, 3.7 an nbf 5 min back (audit F-1)', async () => {
    const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, number>;
    const current = claimsOf(adminToken);
    expect(Object.keys(current)).toEqual(['UserID', 'PlatformID', 'exp', 'iat']);
    expect(current['exp']! - current['iat']!).toBe(7_776_000 + 5);
    const old = await startFake({ port: 0, version: '3.7' });
    try {
      const answer = await post('/auth/user_token', { secret: 'openIM123', platformID: 10, userID: 'imAdmin' }, { operationID: 'x' }, old);
      const legacy = claimsOf((answer.json?.['data'] as { token: string }).token);
      expect(Object.keys(legacy)).toEqual(['UserID', 'PlatformID', 'exp', 'nbf', 'iat']);
      expect(legacy['iat']! - legacy['nbf']!).toBe(300);
    } finally {
      await old.close();
    }
  });

  it.each([
    ['wrong secret', { secret: 'nope', userID: 'imAdmin' }, 1002, 'NoPermissionError'],
    ['a user outside the admin list', { secret: 'openIM123', userID: 'someone' }, 1001, 'ArgsError'],
  ])('refuses %s', async (_name, body, errCode, errMsg) => {
    const answer = await post('/auth/get_admin_token', body, { operationID: 'x' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ errCode, errMsg });
    expect(answer.json).not.toHaveProperty('data');
  });

  it('checks operationID before the token', async () => {
    const answer = await post('/user/get_users_info', { userIDs: ['imAdmin'] });
    expect(answer.json).toEqual({ errCode: 1001, errMsg: 'ArgsError', errDlt: 'header must have operationID' });
    const noToken = await post('/user/get_users_info', { userIDs: ['imAdmin'] }, { operationID: 'x' });
    expect(noToken.json).toEqual({ errCode: 1001, errMsg: 'ArgsError', errDlt: 'header must have token' });
  });

  it.each([
    ['not a JWT', 'garbage', 1503],
    ['signed with another secret', signToken({ UserID: 'imAdmin', PlatformID: 10, exp: 4_000_000_000, nbf: 0, iat: 0 }, 'other'), 1505],
    ['expired', signToken({ UserID: 'imAdmin', PlatformID: 10, exp: 1, nbf: 0, iat: 0 }, 'openIM123'), 1501],
    ['a user token Redis does not hold', signToken({ UserID: 'u1', PlatformID: 1, exp: 4_000_000_000, nbf: 0, iat: 0 }, 'openIM123'), 1507],
  ])('refuses a token that is %s', async (_name, token, errCode) => {
    const answer = await call('/user/get_users_info', { userIDs: ['imAdmin'] }, token);
    expect(answer.status).toBe(200);
    expect(answer.json?.['errCode']).toBe(errCode);
  });

  it('kicks an earlier user token on a new login (1506) and refuses non-admin writes (1002)', async () => {
    const uid = rid();
    await call('/user/user_register', { users: [{ userID: uid, nickname: 'n' }] });
    const first = (await call('/auth/get_user_token', { platformID: 1, userID: uid })).json?.['data'] as { token: string };
    // Claims have second resolution: a login within the same second gets the very same token.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const second = (await call('/auth/get_user_token', { platformID: 1, userID: uid })).json?.['data'] as { token: string };
    expect((await call('/user/get_users_info', { userIDs: [uid] }, first.token)).json?.['errCode']).toBe(1506);
    expect((await call('/friend/import_friend', { ownerUserID: uid, friendUserIDs: ['imAdmin'] }, second.token)).json?.['errCode']).toBe(1002);
  });
});

describe('wire format', () => {
  it('unknown paths and other methods are gin\'s plain 404', async () => {
    const answer = await call('/friend/is_black', { userID1: 'a', userID2: 'b' });
    expect(answer.status).toBe(404);
    expect(answer.text).toBe('404 page not found');
    const get = await fetch(`${fake.url}/user/get_users_info`);
    expect(get.status).toBe(404);
  });

  it('a write answers without a data key; empty lists are null', async () => {
    const uid = rid();
    const write = await call('/user/user_register', { users: [{ userID: uid, nickname: 'n' }] });
    expect(write.json).toEqual({ errCode: 0, errMsg: '', errDlt: '' });
    const friends = await call('/friend/get_friend_list', { userID: uid, pagination: { pageNumber: 1, showNumber: 10 } });
    expect(friends.json?.['data']).toEqual({ friendsInfo: null, total: 0 });
  });

  it('a type mismatch is 1001 with the JSON error text in errMsg; Check() failures in errDlt', async () => {
    const mismatch = await call('/friend/is_friend', { userID1: 5, userID2: 'b' });
    expect(mismatch.json?.['errCode']).toBe(1001);
    expect(String(mismatch.json?.['errMsg'])).toContain('cannot unmarshal number');
    const page = await call('/friend/get_friend_list', { userID: 'imAdmin', pagination: { pageNumber: 0, showNumber: 10 } });
    expect(page.json).toMatchObject({ errCode: 1001, errMsg: 'ArgsError', errDlt: 'pageNumber is invalid' });
  });

  it('user_register: nickname required, no ":", a taken id is 1102 and nothing is created', async () => {
    const [a, b] = [rid(), rid()];
    expect((await call('/user/user_register', { users: [{ userID: a, nickname: '' }] })).json?.['errDlt']).toBe('user name is empty');
    expect((await call('/user/user_register', { users: [{ userID: 'a:b', nickname: 'n' }] })).json?.['errCode']).toBe(1001);
    await call('/user/user_register', { users: [{ userID: a, nickname: 'n' }] });
    expect((await call('/user/user_register', { users: [{ userID: b, nickname: 'n' }, { userID: a, nickname: 'n' }] })).json?.['errCode']).toBe(1102);
    expect(fake.state.users.has(b)).toBe(false);
  });
});

describe('vendor quirks', () => {
  it('blacking twice is a 500 from the unique index; remove_black of nothing succeeds', async () => {
    const [a, b] = [rid(), rid()];
    await call('/user/user_register', { users: [{ userID: a, nickname: 'a' }, { userID: b, nickname: 'b' }] });
    expect((await call('/friend/add_black', { ownerUserID: a, blackUserID: b, ex: '' })).json?.['errCode']).toBe(0);
    const again = await call('/friend/add_black', { ownerUserID: a, blackUserID: b, ex: '' });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ errCode: 500, errMsg: 'ServerInternalError' });
    expect(String(again.json?.['errDlt'])).toContain('E11000');
    expect((await call('/friend/remove_black', { ownerUserID: b, blackUserID: a })).json?.['errCode']).toBe(0);
  });

  it('black createTime is seconds in get_black_list and ms in get_specified_blacks', async () => {
    const [a, b] = [rid(), rid()];
    await call('/user/user_register', { users: [{ userID: a, nickname: 'a' }, { userID: b, nickname: 'b' }] });
    await call('/friend/add_black', { ownerUserID: a, blackUserID: b });
    const list = (await call('/friend/get_black_list', { userID: a, pagination: { pageNumber: 1, showNumber: 10 } })).json?.['data'] as { blacks: Array<{ createTime: number }> };
    const specified = (await call('/friend/get_specified_blacks', { ownerUserID: a, userIDList: [b] })).json?.['data'] as { blacks: Array<{ createTime: number }> };
    expect(list.blacks[0]!.createTime).toBe(Math.floor(specified.blacks[0]!.createTime / 1000));
  });

  it('received applications come under "FriendRequests" (capital F), sent under "friendRequests"', async () => {
    const [a, b] = [rid(), rid()];
    await call('/user/user_register', { users: [{ userID: a, nickname: 'a' }, { userID: b, nickname: 'b' }] });
    await call('/friend/add_friend', { fromUserID: a, toUserID: b, reqMsg: 'hi' });
    const received = (await call('/friend/get_friend_apply_list', { userID: b, pagination: { pageNumber: 1, showNumber: 10 } })).json?.['data'] as Record<string, unknown>;
    const sent = (await call('/friend/get_self_friend_apply_list', { userID: a, pagination: { pageNumber: 1, showNumber: 10 } })).json?.['data'] as Record<string, unknown>;
    expect(Object.keys(received).sort()).toEqual(['FriendRequests', 'total']);
    expect(Object.keys(sent).sort()).toEqual(['friendRequests', 'total']);
  });

  it('delete_friend is one-way; add_friend is 1304 only when both directions exist', async () => {
    const [a, b] = [rid(), rid()];
    await call('/user/user_register', { users: [{ userID: a, nickname: 'a' }, { userID: b, nickname: 'b' }] });
    await call('/friend/import_friend', { ownerUserID: a, friendUserIDs: [b] });
    expect((await call('/friend/add_friend', { fromUserID: a, toUserID: b })).json?.['errCode']).toBe(1304);
    await call('/friend/delete_friend', { ownerUserID: a, friendUserID: b });
    expect((await call('/friend/is_friend', { userID1: a, userID2: b })).json?.['data']).toEqual({ inUser1Friends: false, inUser2Friends: true });
    expect((await call('/friend/add_friend', { fromUserID: a, toUserID: b })).json?.['errCode']).toBe(0);
  });

  it('create_group needs groupType 2 and counts the admin caller in the answer only', async () => {
    const owner = rid();
    await call('/user/user_register', { users: [{ userID: owner, nickname: 'o' }] });
    const wrongType = await call('/group/create_group', { ownerUserID: owner, memberUserIDs: [], adminUserIDs: [], groupInfo: { groupID: '', groupName: 'g', groupType: 0 } });
    expect(wrongType.json?.['errCode']).toBe(1001);
    const created = (await call('/group/create_group', { ownerUserID: owner, memberUserIDs: [], adminUserIDs: [], groupInfo: { groupID: '', groupName: 'g', groupType: 2 } })).json?.['data'] as { groupInfo: { groupID: string; memberCount: number } };
    expect(created.groupInfo.groupID).toMatch(/^\d+$/);
    expect(created.groupInfo.memberCount).toBe(2);
    const read = (await call('/group/get_groups_info', { groupIDs: [created.groupInfo.groupID] })).json?.['data'] as { groupInfos: Array<{ memberCount: number }> };
    expect(read.groupInfos[0]!.memberCount).toBe(1);
  });

  it('get_sorted_conversation_list answers 1004 for a user without conversations', async () => {
    const uid = rid();
    await call('/user/user_register', { users: [{ userID: uid, nickname: 'n' }] });
    const answer = await call('/conversation/get_sorted_conversation_list', { userID: uid, conversationIDs: [], pagination: { pageNumber: 1, showNumber: 20 } });
    expect(answer.json).toMatchObject({ errCode: 1004, errMsg: 'RecordNotFoundError' });
  });

  it('get_sorted_conversation_list: one conversation without a stored message makes the whole call 1004 (audit O-5)', async () => {
    const [a, b, c] = [rid(), rid(), rid()];
    await call('/user/user_register', { users: [{ userID: a, nickname: 'a' }, { userID: b, nickname: 'b' }, { userID: c, nickname: 'c' }] });
    await call('/msg/send_msg', { sendID: b, recvID: a, senderPlatformID: 1, content: { content: 'hi' }, contentType: 101, sessionType: 1 });
    const sorted = (conversationIDs: string[]) => call('/conversation/get_sorted_conversation_list', { userID: a, conversationIDs, pagination: { pageNumber: 1, showNumber: 20 } });
    expect((await sorted([])).json?.['errCode']).toBe(0);
    const withC = [a, c].sort().join('_');
    expect((await call('/conversation/set_conversations', { userIDs: [a], conversation: { conversationID: `si_${withC}`, conversationType: 1, userID: c, isPinned: true } })).json?.['errCode']).toBe(0);
    expect(fake.state.conversations.get(a)?.get(`si_${withC}`)?.isPinned).toBe(true);
    expect((await sorted([])).json).toMatchObject({ errCode: 1004, errMsg: 'RecordNotFoundError' });
    expect((await sorted([`si_${withC}`])).json?.['errCode']).toBe(1004);
    const withB = (await sorted([`si_${[a, b].sort().join('_')}`])).json?.['data'] as { conversationElems: unknown[] };
    expect(withB.conversationElems).toHaveLength(1);
  });

  it('send_msg gate: 1302 blocked, 1203 not in group, admin senders skip the gate; ids si_ sorted', async () => {
    const [b, a] = ['zz' + rid(), 'aa' + rid()];
    await call('/user/user_register', { users: [{ userID: a, nickname: 'a' }, { userID: b, nickname: 'b' }] });
    await call('/friend/add_black', { ownerUserID: a, blackUserID: b });
    const message = { sendID: b, recvID: a, senderPlatformID: 1, content: { content: 'hi' }, contentType: 101, sessionType: 1 };
    expect((await call('/msg/send_msg', message)).json?.['errCode']).toBe(1302);
    expect((await call('/msg/send_msg', { ...message, sendID: 'imAdmin' })).json?.['errCode']).toBe(0);
    expect(fake.state.conversations.get(a)?.has(`si_${a}_imAdmin`) || fake.state.conversations.get(a)?.has(`si_imAdmin_${a}`)).toBe(true);
    const sent = await call('/msg/send_msg', { ...message, sendID: a, recvID: b });
    expect(sent.json?.['data']).toMatchObject({ serverMsgID: expect.any(String), clientMsgID: expect.any(String), sendTime: expect.any(Number) });
    expect(fake.state.messages.has(`si_${a}_${b}`)).toBe(true);
    const groupSend = await call('/msg/send_msg', { ...message, recvID: '', groupID: 'nope', sessionType: 3 });
    expect(groupSend.json?.['errCode']).toBe(1004);
  });

  it('send_msg keeps the sender name it is given (none when absent), as a system message; the sorted list names the peer (audit O-8)', async () => {
    const [a, b] = [rid(), rid()];
    await call('/user/user_register', { users: [{ userID: a, nickname: 'Ann' }, { userID: b, nickname: 'Bob' }] });
    await call('/msg/send_msg', { sendID: a, recvID: b, senderPlatformID: 1, content: { content: 'hi' }, contentType: 101, sessionType: 1 });
    const [low, high] = [a, b].sort();
    const stored = fake.state.messages.get(`si_${low}_${high}`)!;
    expect(stored.map((message) => [message.senderName, message.msgFrom])).toEqual([['', 200]]);
    await call('/msg/send_msg', { sendID: a, recvID: b, senderNickname: 'Ann', senderPlatformID: 1, content: { content: 'again' }, contentType: 101, sessionType: 1 });
    expect(stored.at(-1)?.senderName).toBe('Ann');
    const sorted = async (userID: string) =>
      ((await call('/conversation/get_sorted_conversation_list', { userID, conversationIDs: [], pagination: { pageNumber: 1, showNumber: 20 } })).json?.['data'] as { conversationElems: Array<{ msgInfo: Record<string, unknown> }> }).conversationElems[0]!.msgInfo;
    expect(await sorted(a)).toMatchObject({ senderName: 'Bob', msgFrom: 200 });
    expect(await sorted(b)).toMatchObject({ senderName: 'Ann', msgFrom: 200 });
  });

  it('clear_conversation_msg keeps the conversation row listed (why conversations.delete is false)', async () => {
    const [a, b] = [rid(), rid()];
    await call('/user/user_register', { users: [{ userID: a, nickname: 'a' }, { userID: b, nickname: 'b' }] });
    await call('/msg/send_msg', { sendID: a, recvID: b, senderPlatformID: 1, content: { content: 'hi' }, contentType: 101, sessionType: 1 });
    const [low, high] = [a, b].sort();
    const cleared = await call('/msg/clear_conversation_msg', { userID: b, conversationIDs: [`si_${low}_${high}`], deleteSyncOpt: { IsSyncSelf: true, IsSyncOther: false } });
    expect(cleared.json?.['errCode']).toBe(0);
    const list = (await call('/conversation/get_sorted_conversation_list', { userID: b, conversationIDs: [], pagination: { pageNumber: 1, showNumber: 20 } })).json?.['data'] as { conversationElems: unknown[] };
    expect(list.conversationElems).toHaveLength(1);
    expect(await createBackdoor(fake).conversations(b)).toEqual([{ type: 'user', id: a }]);
  });
});

describe('versions', () => {
  it('3.7: /auth/user_token with the secret, no get_admin_token, user_register with the secret and no token, delete_friend of a non-friend is 1004', async () => {
    const old = await startFake({ port: 0, version: '3.7' });
    try {
      expect((await post('/auth/get_admin_token', { secret: 'openIM123', userID: 'imAdmin' }, { operationID: 'x' }, old)).status).toBe(404);
      const token = await post('/auth/user_token', { secret: 'openIM123', platformID: 10, userID: 'imAdmin' }, { operationID: 'x' }, old);
      expect(token.json?.['errCode']).toBe(0);
      const adminToken37 = (token.json?.['data'] as { token: string }).token;
      expect((await post('/user/user_register', { users: [{ userID: 'u1', nickname: 'n' }] }, { operationID: 'x' }, old)).json?.['errCode']).toBe(1002);
      expect((await post('/user/user_register', { secret: 'openIM123', users: [{ userID: 'u1', nickname: 'n' }] }, { operationID: 'x' }, old)).json?.['errCode']).toBe(0);
      expect((await post('/friend/delete_friend', { ownerUserID: 'u1', friendUserID: 'imAdmin' }, { operationID: 'x', token: adminToken37 }, old)).json?.['errCode']).toBe(1004);
      expect((await post('/friend/get_specified_blacks', { ownerUserID: 'u1', userIDList: ['imAdmin'] }, { operationID: 'x', token: adminToken37 }, old)).status).toBe(404);
    } finally {
      await old.close();
    }
  });

  it('3.7: import_friend over an existing direction is a 500 from the unique index; the owner\'s new row stays without a transaction (audit O-2)', async () => {
    for (const transactions of [false, true]) {
      const old = await startFake({ port: 0, version: '3.7', transactions });
      try {
        const token = ((await post('/auth/user_token', { secret: 'openIM123', platformID: 10, userID: 'imAdmin' }, { operationID: 'x' }, old)).json?.['data'] as { token: string }).token;
        const call37 = (path: string, body: unknown) => post(path, body, { operationID: `op-${Math.random()}`, token }, old);
        const [a, b] = [rid(), rid()];
        await post('/user/user_register', { secret: 'openIM123', users: [{ userID: a, nickname: 'a' }, { userID: b, nickname: 'b' }] }, { operationID: 'x' }, old);
        expect((await call37('/friend/import_friend', { ownerUserID: a, friendUserIDs: [b] })).json?.['errCode']).toBe(0);
        const again = await call37('/friend/import_friend', { ownerUserID: a, friendUserIDs: [b] });
        expect(again.json).toMatchObject({ errCode: 500, errMsg: 'ServerInternalError' });
        expect(String(again.json?.['errDlt'])).toContain('E11000');
        await call37('/friend/delete_friend', { ownerUserID: a, friendUserID: b });
        // b → a exists: a's row goes in first, then b's existing row breaks the index.
        expect((await call37('/friend/import_friend', { ownerUserID: a, friendUserIDs: [b] })).json?.['errCode']).toBe(500);
        expect((await call37('/friend/is_friend', { userID1: a, userID2: b })).json?.['data']).toEqual({ inUser1Friends: !transactions, inUser2Friends: true });
      } finally {
        await old.close();
      }
    }
  });

  it('refusing a handled application: a 500 with the text up to 3.8.3, 1305 from 3.8.3-patch.16 (audit O-3)', async () => {
    const [a, b] = [rid(), rid()];
    await call('/user/user_register', { users: [{ userID: a, nickname: 'a' }, { userID: b, nickname: 'b' }] });
    await call('/friend/add_friend', { fromUserID: a, toUserID: b, reqMsg: '' });
    expect((await call('/friend/add_friend_response', { fromUserID: a, toUserID: b, handleResult: -1 })).json?.['errCode']).toBe(0);
    const text = `friend request from ${a} to ${b} has already been processed`;
    expect((await call('/friend/add_friend_response', { fromUserID: a, toUserID: b, handleResult: -1 })).json).toEqual({ errCode: 500, errMsg: text, errDlt: text });
    // Agreeing to a handled one is 1001 on every release.
    expect((await call('/friend/add_friend_response', { fromUserID: a, toUserID: b, handleResult: 1 })).json?.['errCode']).toBe(1001);
    const patched = await startFake({ port: 0, version: '3.8.3-patch.16' });
    try {
      const token = ((await post('/auth/get_admin_token', { secret: 'openIM123', userID: 'imAdmin' }, { operationID: 'x' }, patched)).json?.['data'] as { token: string }).token;
      const callPatched = (path: string, body: unknown) => post(path, body, { operationID: `op-${Math.random()}`, token }, patched);
      await callPatched('/user/user_register', { users: [{ userID: a, nickname: 'a' }, { userID: b, nickname: 'b' }] });
      await callPatched('/friend/add_friend', { fromUserID: a, toUserID: b, reqMsg: '' });
      await callPatched('/friend/add_friend_response', { fromUserID: a, toUserID: b, handleResult: -1 });
      expect((await callPatched('/friend/add_friend_response', { fromUserID: a, toUserID: b, handleResult: -1 })).json).toMatchObject({ errCode: 1305, errMsg: 'FriendRequestHandled' });
    } finally {
      await patched.close();
    }
  });

  it('3.8.0: user_register is in the token middleware\'s whitelist: the secret in the body, no token (audit O-9)', async () => {
    const old = await startFake({ port: 0, version: '3.8.0' });
    try {
      const uid = rid();
      expect((await post('/user/user_register', { secret: 'openIM123', users: [{ userID: uid, nickname: 'n' }] }, { operationID: 'x' }, old)).json).toEqual({ errCode: 0, errMsg: '', errDlt: '' });
      expect((await post('/user/user_register', { users: [{ userID: rid(), nickname: 'n' }] }, { operationID: 'x' }, old)).json?.['errCode']).toBe(1002);
      // Other routes still need the token.
      expect((await post('/user/get_users_info', { userIDs: [uid] }, { operationID: 'x' }, old)).json?.['errDlt']).toBe('header must have token');
    } finally {
      await old.close();
    }
  });
});
