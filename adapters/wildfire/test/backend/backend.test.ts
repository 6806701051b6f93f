/** Behaviour of the Wildfire backend against its fake: the outcome a user sees, checked in the fake's own state. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImBridgeError } from '../../../../src/spec/index.js';
import { createBackdoor } from '../../fake/backdoor.js';
import { rid, setup, users, type Harness } from './harness.js';

async function failure(promise: Promise<unknown>): Promise<ImBridgeError> {
  try {
    await promise;
  } catch (error) {
    return error as ImBridgeError;
  }
  throw new Error('expected a failure');
}

describe('wildfire backend (community)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await setup();
  });
  afterAll(async () => h.close());

  it('users.put registers, then updates only the given fields', async () => {
    const uid = rid();
    expect(await h.backend.users.put(uid, { name: 'Alice', extra: 'x' })).toEqual({ uid, name: 'Alice', extra: 'x' });
    await h.backend.users.put(uid, { extra: 'y' });
    expect(await h.backend.users.get(uid)).toEqual({ uid, name: 'Alice', extra: 'y' });
    const stored = h.fake.state.users.get(uid)!;
    expect(stored.displayName).toBe('Alice');
    expect(stored.name).toBe(uid);
  });

  it('users.get of an unknown user is USER_NOT_FOUND', async () => {
    expect((await failure(h.backend.users.get(rid()))).code).toBe('USER_NOT_FOUND');
  });

  it('users.putMany answers per item', async () => {
    const [a, b] = [rid(), rid()];
    const result = await h.backend.users.putMany([{ uid: a, name: 'A' }, { uid: 'bad id!' }, { uid: b }]);
    expect(result.results.map((item) => [item.id, item.ok, item.error?.code])).toEqual([
      [a, true, undefined],
      ['bad id!', false, 'INVALID_ID'],
      [b, true, undefined],
    ]);
  });

  it('writes naming an unknown user are USER_NOT_FOUND and change nothing', async () => {
    const [a] = await users(h, 'a');
    const ghost = rid('ghost');
    expect((await failure(h.backend.friends.put(a!, ghost, {}))).code).toBe('USER_NOT_FOUND');
    expect((await failure(h.backend.blocks.put(a!, ghost))).code).toBe('USER_NOT_FOUND');
    expect(h.fake.state.friends.get(a!)).toBeUndefined();
  });

  it('friends.put is mutual, keeps since, and sets alias/extra on a only', async () => {
    const [a, b] = await users(h, 'a', 'b');
    const first = await h.backend.friends.put(a!, b!, { alias: 'Bee', extra: 'e1' });
    expect(first).toMatchObject({ uid: a, friend: b, alias: 'Bee', extra: 'e1' });
    const again = await h.backend.friends.put(a!, b!, {});
    expect(again.since).toBe(first.since);
    expect(again.alias).toBe('Bee');
    const backdoor = createBackdoor(h.fake);
    expect(await backdoor.friends(a!)).toEqual([{ friend: b, alias: 'Bee' }]);
    expect(await backdoor.friends(b!)).toEqual([{ friend: a, alias: null }]);
    expect(h.fake.state.row(b!, a!)!.extra).toBe('');
    expect(await h.backend.relations.get(b!, a!)).toEqual({ uid: b, other: a, friend: true, friendOf: true, blocking: false, blockedBy: false, alias: null, extra: null });
    // One change record per successful write; a repeat that changes nothing emits none.
    const records = h.changes.filter((record) => record.target.uid === a && record.target.friend === b);
    expect(records.map((record) => [record.type, record.backend])).toEqual([['friend.added', 'wf']]);
  });

  it('friends.update and set-alias on a non-friend are NOT_FRIENDS and create no one-way row', async () => {
    const [a, b] = await users(h, 'a', 'b');
    expect((await failure(h.backend.friends.update(a!, b!, { alias: 'x' }))).code).toBe('NOT_FRIENDS');
    expect((await failure(h.backend.friends.get(a!, b!))).code).toBe('NOT_FRIENDS');
    expect(h.fake.state.row(a!, b!)).toBeUndefined();
  });

  it('friends.remove mutual and one-way', async () => {
    const [a, b, c] = await users(h, 'a', 'b', 'c');
    await h.backend.friends.put(a!, b!, {});
    await h.backend.friends.put(a!, c!, {});
    await h.backend.friends.remove(a!, b!, 'mutual');
    await h.backend.friends.remove(a!, c!, 'one-way');
    const backdoor = createBackdoor(h.fake);
    expect(await backdoor.friends(a!)).toEqual([]);
    expect(await backdoor.friends(b!)).toEqual([]);
    expect(await backdoor.friends(c!)).toEqual([{ friend: a, alias: null }]);
    await h.backend.friends.remove(a!, b!, 'mutual');
  });

  it('a re-added friend starts with an empty view', async () => {
    const [a, b] = await users(h, 'a', 'b');
    await h.backend.friends.put(a!, b!, { alias: 'old' });
    await h.backend.friends.remove(a!, b!, 'mutual');
    expect((await h.backend.friends.put(a!, b!, {})).alias).toBeNull();
    expect(h.fake.state.row(a!, b!)!.alias).toBe('');
  });

  it('friends.list filters by query (name, alias, uid) and uids', async () => {
    const [a, b, c, d] = await users(h, 'a', 'bob', 'carol', 'dave');
    await h.backend.friends.put(a!, b!, {});
    await h.backend.friends.put(a!, c!, { alias: 'Sweetie' });
    await h.backend.friends.put(a!, d!, {});
    expect((await h.backend.friends.list(a!, {})).items.map((item) => item.friend)).toEqual([b, c, d]);
    expect((await h.backend.friends.list(a!, { query: 'sweet' })).items.map((item) => item.friend)).toEqual([c]);
    expect((await h.backend.friends.list(a!, { query: d!.slice(-4).toUpperCase() })).items.map((item) => item.friend)).toEqual([d]);
    expect((await h.backend.friends.list(a!, { uids: [d!, 'nobody', b!] })).items.map((item) => item.friend)).toEqual([b, d]);
    const page = await h.backend.friends.list(a!, { limit: 2 });
    expect(page.items).toHaveLength(2);
    expect((await h.backend.friends.list(a!, { limit: 2, cursor: page.nextCursor })).items.map((item) => item.friend)).toEqual([d]);
  });

  it('friends.list pages hold still when an alias changes between them (friend/list re-sorts by last change, audit W-5)', async () => {
    const [a, b, c, d] = await users(h, 'a', 'b', 'c', 'd');
    for (const friend of [b, c, d]) await h.backend.friends.put(a!, friend!, {});
    const first = await h.backend.friends.list(a!, { limit: 2 });
    expect(first.items.map((item) => item.friend)).toEqual([b, c]);
    await h.backend.friends.update(a!, b!, { alias: 'Bee' });
    await h.backend.blocks.put(a!, c!);
    expect((await h.backend.friends.list(a!, { limit: 2, cursor: first.nextCursor })).items.map((item) => item.friend)).toEqual([d]);
    expect((await h.backend.friends.list(a!, {})).items.map((item) => item.friend)).toEqual([b, c, d]);
  });

  it('friend requests: send, BLOCKED, ALREADY_FRIENDS, REQUEST_PENDING; the rest UNSUPPORTED', async () => {
    const [a, b, c] = await users(h, 'a', 'b', 'c');
    const request = await h.backend.friendRequests.send(a!, b!, 'hi');
    expect(request).toMatchObject({ from: a, to: b, message: 'hi', status: 'pending' });
    expect(await createBackdoor(h.fake).pendingRequest(a!, b!)).toBe(true);
    expect((await failure(h.backend.friendRequests.send(a!, b!, 'again'))).code).toBe('REQUEST_PENDING');
    await h.backend.blocks.put(c!, a!);
    expect((await failure(h.backend.friendRequests.send(a!, c!, null))).code).toBe('BLOCKED');
    await h.backend.friends.put(b!, c!, {});
    expect((await failure(h.backend.friendRequests.send(b!, c!, null))).code).toBe('ALREADY_FRIENDS');
    for (const call of [
      h.backend.friendRequests.accept(b!, a!),
      h.backend.friendRequests.reject(b!, a!),
      h.backend.friendRequests.withdraw(a!, b!),
      h.backend.friendRequests.list(a!, 'incoming', {}),
    ]) {
      expect((await failure(call)).code).toBe('UNSUPPORTED');
    }
  });

  it('blocks are one-way, idempotent, keep since, and leave friendship alone', async () => {
    const [a, b] = await users(h, 'a', 'b');
    await h.backend.friends.put(a!, b!, {});
    const first = await h.backend.blocks.put(a!, b!);
    expect((await h.backend.blocks.put(a!, b!)).since).toBe(first.since);
    expect((await h.backend.blocks.list(a!, {})).items).toEqual([first]);
    const backdoor = createBackdoor(h.fake);
    expect(await backdoor.blocks(a!)).toEqual([b]);
    expect(await backdoor.blocks(b!)).toEqual([]);
    expect((await h.backend.relations.get(b!, a!)).blockedBy).toBe(true);
    expect(await backdoor.friends(a!)).toEqual([{ friend: b, alias: null }]);
    const batch = await h.backend.blocks.putMany(b!, [a!, rid('ghost')]);
    expect(batch.results.map((item) => item.error?.code ?? 'ok')).toEqual(['ok', 'USER_NOT_FOUND']);
    await h.backend.blocks.remove(a!, b!);
    await h.backend.blocks.remove(a!, b!);
    expect(await backdoor.blocks(a!)).toEqual([]);
  });

  it('direct messages: policy first, then an exact int64 id', async () => {
    const [a, b] = await users(h, 'a', 'b');
    const sent = await h.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'hello' });
    expect(BigInt(sent.id) > 2n ** 53n).toBe(true);
    expect(String(h.fake.state.messages.at(-1)!.messageUid)).toBe(sent.id);
    const backdoor = createBackdoor(h.fake);
    expect(await backdoor.conversations(b!)).toEqual([{ type: 'user', id: a }]);
    // Sent as a text the server counts (persistFlag 3, audit W-3): b's unread count and push badge go up.
    expect([...h.fake.state.conversations.get(b!)!.values()].map((entry) => entry.unread)).toEqual([1]);
    await h.backend.blocks.put(b!, a!);
    const before = h.fake.state.messages.length;
    expect((await failure(h.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'x' }))).code).toBe('BLOCKED');
    expect(h.fake.state.messages.length).toBe(before);
    expect((await h.backend.messages.send({ from: b!, to: { type: 'user', id: a! }, text: 'still can' })).id).toMatch(/^\d+$/);
    expect((await failure(h.backend.messages.send({ from: a!, to: { type: 'user', id: rid() }, text: 'x' }))).code).toBe('USER_NOT_FOUND');
  });

  it('groups: create, members, roles without demotion, mute-all policy, dismiss', async () => {
    const [owner, m1, m2, m3] = await users(h, 'o', 'm1', 'm2', 'm3');
    const id = rid('g');
    const room = await h.backend.rooms.create('group', { id, name: 'Team', owner: owner!, members: [m1!, m2!] });
    expect(room).toEqual({ id, kind: 'group', name: 'Team', owner, muteAll: false, memberCount: 3 });
    expect((await failure(h.backend.rooms.create('group', { id, name: 'Again', owner: owner! }))).code).toBe('ALREADY_EXISTS');
    expect((await failure(h.backend.rooms.create('group', { id: rid('g'), name: 'X', owner: owner!, members: [rid('ghost')] }))).code).toBe('USER_NOT_FOUND');
    const ref = { kind: 'group' as const, id };
    expect(await h.backend.rooms.members.setRole(ref, m1!, 'admin')).toEqual({ uid: m1, role: 'admin', mutedUntil: null });
    // Re-adding an existing manager must not demote it (member/add is an upsert, §6).
    const added = await h.backend.rooms.members.add(ref, [m1!, m3!, rid('ghost')]);
    expect(added.results.map((item) => item.error?.code ?? 'ok')).toEqual(['ok', 'ok', 'USER_NOT_FOUND']);
    const backdoor = createBackdoor(h.fake);
    expect(await backdoor.members('group', id)).toEqual([
      { uid: owner, role: 'owner' },
      { uid: m1, role: 'admin' },
      { uid: m2, role: 'member' },
      { uid: m3, role: 'member' },
    ]);
    expect((await failure(h.backend.rooms.members.setRole(ref, owner!, 'member'))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(h.backend.rooms.members.setRole(ref, rid('x'), 'member'))).code).toBe('USER_NOT_FOUND');
    const outsider = (await users(h, 'out'))[0]!;
    expect((await failure(h.backend.rooms.members.setRole(ref, outsider, 'admin'))).code).toBe('NOT_MEMBER');
    expect((await failure(h.backend.messages.send({ from: outsider, to: { type: 'group', id }, text: 'x' }))).code).toBe('NOT_MEMBER');

    expect((await h.backend.rooms.setMuteAll(ref, true)).muteAll).toBe(true);
    expect((await backdoor.room('group', id))!.muteAll).toBe(true);
    expect((await failure(h.backend.messages.send({ from: m2!, to: { type: 'group', id }, text: 'x' }))).code).toBe('MUTED');
    await h.backend.messages.send({ from: m1!, to: { type: 'group', id }, text: 'admin talks' });
    await h.backend.messages.send({ from: owner!, to: { type: 'group', id }, text: 'owner talks' });
    expect(await backdoor.conversations(m3!)).toEqual([{ type: 'group', id }]);
    expect((await h.backend.rooms.setMuteAll(ref, false)).muteAll).toBe(false);

    const removed = await h.backend.rooms.members.remove(ref, [m2!, owner!, outsider]);
    expect(removed.results.map((item) => item.error?.code ?? 'ok')).toEqual(['ok', 'INVALID_ARGUMENT', 'ok']);
    expect((await h.backend.rooms.get(ref)).memberCount).toBe(3);
    expect((await h.backend.rooms.members.list(ref, {})).items.map((member) => member.uid)).toEqual([owner, m1, m3]);

    await h.backend.rooms.dismiss(ref);
    expect(await backdoor.room('group', id)).toBeNull();
    expect((await failure(h.backend.rooms.get(ref))).code).toBe('GROUP_NOT_FOUND');
    expect((await failure(h.backend.rooms.dismiss(ref))).code).toBe('GROUP_NOT_FOUND');
  });

  it('community: pro-only and missing operations are UNSUPPORTED before any vendor call', async () => {
    const [o, m] = await users(h, 'o', 'm');
    const id = rid('g');
    await h.backend.rooms.create('group', { id, name: 'G', owner: o!, members: [m!] });
    const ref = { kind: 'group' as const, id };
    h.fake.control.clearRequests();
    for (const call of [
      h.backend.rooms.mutes.set(ref, m!, null),
      h.backend.rooms.mutes.list(ref, {}),
      h.backend.rooms.whitelist.add(ref, [m!]),
      h.backend.conversations.delete(o!, 'user', m!),
      h.backend.conversations.list(o!, {}),
      h.backend.userWhitelist.list(o!, {}),
      h.backend.rooms.blocks.add(ref, [m!]),
      h.backend.rooms.get({ kind: 'chatroom', id }),
      h.backend.messages.send({ from: o!, to: { type: 'chatroom', id }, text: 'x' }),
    ]) {
      const error = await failure(call);
      expect(error.code === 'UNSUPPORTED' || error.code === 'UNSUPPORTED_OPTION').toBe(true);
    }
    expect(h.fake.control.requests).toHaveLength(0);
    expect(h.backend.capabilities['groups.mutes.set']).toBe(false);
    expect(h.backend.capabilities['conversations.delete']).toBe(false);
    expect(h.backend.capabilities['friends.remove']).toEqual({ oneWay: true });
  });

  it('health is ok with the right secret', async () => {
    expect((await h.backend.health()).ok).toBe(true);
  });
});

describe.each(['community', 'pro'] as const)('wildfire backend: friend rows after friend/status (%s)', (edition) => {
  let h: Harness;
  beforeAll(async () => {
    h = await setup({ fake: { edition }, config: { edition } });
  });
  afterAll(async () => h.close());

  // friend/status rewrites a's extra with its own, "" when absent (audit W-1): the adapter must set it again.
  it('a mutual put over a one-way entry keeps a\'s extra', async () => {
    const [a, b, c] = await users(h, 'a', 'b', 'c');
    await h.backend.friends.put(a!, b!, { extra: 'x' }, 'one-way');
    expect((await h.backend.friends.put(a!, b!, {})).extra).toBe('x');
    expect(h.fake.state.row(a!, b!)).toMatchObject({ state: 0, extra: 'x' });
    expect((await h.backend.relations.get(a!, b!)).extra).toBe('x');
    // The same after b drops a one-way and a puts the friendship again.
    await h.backend.friends.put(a!, c!, { extra: 'y' });
    await h.backend.friends.remove(c!, a!, 'one-way');
    expect((await h.backend.friends.put(a!, c!, {})).extra).toBe('y');
    expect((await h.backend.friends.get(a!, c!)).extra).toBe('y');
  });

  // The one-row status 2 (undocumented, read from the community source; audit W-4) must leave b's row whole.
  it('a one-way removal leaves b\'s entry, alias and extra as they were', async () => {
    const [a, b] = await users(h, 'a', 'b');
    await h.backend.friends.put(a!, b!, { extra: 'ax' });
    await h.backend.friends.update(b!, a!, { alias: 'A', extra: 'bx' });
    await h.backend.friends.remove(a!, b!, 'one-way');
    expect(await h.backend.relations.get(b!, a!)).toMatchObject({ friend: true, friendOf: false, alias: 'A', extra: 'bx' });
    expect((await h.backend.friends.list(a!, {})).items).toEqual([]);
  });

  it('a re-added friend gets the extra asked for even when a stale row holds the same text', async () => {
    const [a, b] = await users(h, 'a', 'b');
    await h.backend.friends.put(a!, b!, { extra: 'x' });
    // b's mutual removal blanks only b's row: a's row keeps "x" in state 1.
    await h.backend.friends.remove(b!, a!, 'mutual');
    expect(h.fake.state.row(a!, b!)).toMatchObject({ state: 1, extra: 'x' });
    expect((await h.backend.friends.put(a!, b!, { extra: 'x' }, 'one-way')).extra).toBe('x');
    expect(h.fake.state.row(a!, b!)).toMatchObject({ state: 0, extra: 'x' });
  });
});

describe.each(['community', 'pro'] as const)('wildfire backend: friend request repeats (%s)', (edition) => {
  let h: Harness;
  // One clock for the fake server and the adapter, so a test can let 5 minutes pass.
  let clock = Date.now();
  beforeAll(async () => {
    h = await setup({ fake: { edition, now: () => clock }, config: { edition }, now: () => clock });
  });
  afterAll(async () => h.close());

  // Wildfire accepts (and rewrites) one repeat within 5 minutes of the last update (audit W-2).
  it('a quick repeat is REQUEST_PENDING and never reaches the server, which would rewrite the request', async () => {
    const [a, b] = await users(h, 'a', 'b');
    await h.backend.friendRequests.send(a!, b!, 'hi');
    h.fake.control.clearRequests();
    expect((await failure(h.backend.friendRequests.send(a!, b!, 'changed'))).code).toBe('REQUEST_PENDING');
    expect(h.fake.control.requestsTo('POST /admin/friend/send_request')).toHaveLength(0);
    expect(h.fake.state.requests.get(`${a}\u0000${b}`)).toMatchObject({ reason: 'hi', status: 0 });
    clock += 6 * 60_000;
    expect((await failure(h.backend.friendRequests.send(a!, b!, 'later'))).code).toBe('REQUEST_PENDING');
    expect(h.fake.state.requests.get(`${a}\u0000${b}`)).toMatchObject({ reason: 'hi' });
  });

  it('a pending request wins over a one-way entry: REQUEST_PENDING, not ALREADY_FRIENDS', async () => {
    const [a, b] = await users(h, 'a', 'b');
    await h.backend.friendRequests.send(a!, b!, null);
    await h.backend.friends.put(a!, b!, {}, 'one-way');
    clock += 6 * 60_000;
    expect((await failure(h.backend.friendRequests.send(a!, b!, null))).code).toBe('REQUEST_PENDING');
  });
});

describe('wildfire backend (pro)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await setup({ fake: { edition: 'pro' }, config: { edition: 'pro' } });
  });
  afterAll(async () => h.close());

  it('per-member mutes: forever only, enforced, listed; owner refused', async () => {
    const [o, m1, m2] = await users(h, 'o', 'm1', 'm2');
    const id = rid('g');
    const ref = { kind: 'group' as const, id };
    await h.backend.rooms.create('group', { id, name: 'G', owner: o!, members: [m1!, m2!] });
    expect(await h.backend.rooms.mutes.set(ref, m1!, null)).toEqual({ uid: m1, mutedUntil: 'forever' });
    expect((await failure(h.backend.rooms.mutes.set(ref, m2!, 60))).code).toBe('UNSUPPORTED_OPTION');
    expect((await failure(h.backend.rooms.mutes.set(ref, o!, null))).code).toBe('INVALID_ARGUMENT');
    const outsider = (await users(h, 'x'))[0]!;
    expect((await failure(h.backend.rooms.mutes.set(ref, outsider, null))).code).toBe('NOT_MEMBER');
    expect((await h.backend.rooms.mutes.list(ref, {})).items).toEqual([{ uid: m1, mutedUntil: 'forever' }]);
    expect(await createBackdoor(h.fake).mutedMembers('group', id)).toEqual([m1]);
    expect((await failure(h.backend.messages.send({ from: m1!, to: { type: 'group', id }, text: 'x' }))).code).toBe('MUTED');
    await h.backend.rooms.mutes.remove(ref, m1!);
    await h.backend.rooms.mutes.remove(ref, m1!);
    expect(await createBackdoor(h.fake).mutedMembers('group', id)).toEqual([]);
    await h.backend.messages.send({ from: m1!, to: { type: 'group', id }, text: 'free' });
  });

  it('group whitelist lets members talk during mute-all; replace is all-or-nothing', async () => {
    const [o, m1, m2, m3] = await users(h, 'o', 'm1', 'm2', 'm3');
    const id = rid('g');
    const ref = { kind: 'group' as const, id };
    await h.backend.rooms.create('group', { id, name: 'G', owner: o!, members: [m1!, m2!, m3!] });
    await h.backend.rooms.setMuteAll(ref, true);
    const added = await h.backend.rooms.whitelist.add(ref, [m1!, rid('ghost')]);
    expect(added.results.map((item) => item.error?.code ?? 'ok')).toEqual(['ok', 'USER_NOT_FOUND']);
    await h.backend.messages.send({ from: m1!, to: { type: 'group', id }, text: 'allowed' });
    expect((await failure(h.backend.messages.send({ from: m2!, to: { type: 'group', id }, text: 'x' }))).code).toBe('MUTED');
    const outsider = (await users(h, 'x'))[0]!;
    expect((await failure(h.backend.rooms.whitelist.replace(ref, [m2!, outsider]))).code).toBe('NOT_MEMBER');
    expect(await createBackdoor(h.fake).roomWhitelist('group', id)).toEqual([m1]);
    expect((await h.backend.rooms.whitelist.replace(ref, [m2!, m3!])).items).toEqual([{ uid: m2 }, { uid: m3 }]);
    expect(await createBackdoor(h.fake).roomWhitelist('group', id)).toEqual([m2, m3]);
    await h.backend.rooms.whitelist.remove(ref, m2!);
    expect((await h.backend.rooms.whitelist.list(ref, {})).items).toEqual([{ uid: m3 }]);
  });

  it('conversation delete hides it for that user only; the next message brings it back', async () => {
    const [a, b] = await users(h, 'a', 'b');
    await h.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'hi' });
    await h.backend.conversations.delete(b!, 'user', a!);
    const backdoor = createBackdoor(h.fake);
    expect(await backdoor.conversations(b!)).toEqual([]);
    expect(await backdoor.conversations(a!)).toEqual([{ type: 'user', id: b }]);
    await h.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'again' });
    expect(await backdoor.conversations(b!)).toEqual([{ type: 'user', id: a }]);
  });
});

describe('pro configured against a community server', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await setup({ fake: { edition: 'community' }, config: { edition: 'pro' } });
  });
  afterAll(async () => h.close());

  it('the HTTP 500 empty body of a pro path becomes UNSUPPORTED, not a crash', async () => {
    const [o, m] = await users(h, 'o', 'm');
    const id = rid('g');
    await h.backend.rooms.create('group', { id, name: 'G', owner: o!, members: [m!] });
    const error = await failure(h.backend.rooms.mutes.set({ kind: 'group', id }, m!, null));
    expect(error.code).toBe('UNSUPPORTED');
    expect(error.upstream).toMatchObject({ vendor: 'wildfire', status: 500 });
    expect((await failure(h.backend.conversations.delete(o!, 'user', m!))).code).toBe('UNSUPPORTED');
  });
});
