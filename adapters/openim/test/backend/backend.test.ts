/**
 * The Backend against the fake through loopback HTTP: unified outcomes, each write verified
 * through the fake's own state (the backdoor), never through the adapter's reads alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImBridgeError } from '../../../../src/spec/index.js';
import { createBackdoor } from '../../fake/backdoor.js';
import type { Backdoor } from '../../../../src/conformance/backdoor.js';
import { rid, seedUsers, startHarness, type Harness } from './harness.js';

let harness: Harness;
let backdoor: Backdoor;

beforeAll(async () => {
  harness = await startHarness();
  backdoor = createBackdoor(harness.fake);
});
afterAll(async () => harness.close());

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImBridgeError) return error.code;
    throw error;
  }
  return 'OK';
}

describe('users', () => {
  it('registers, updates only given fields, reads back; unknown is USER_NOT_FOUND', async () => {
    const { backend } = harness;
    const uid = rid();
    expect(await backend.users.put(uid, {})).toEqual({ uid, name: null, extra: null });
    expect(await backdoor.user(uid)).toEqual({ uid, name: null });
    await backend.users.put(uid, { name: 'Alice' });
    await backend.users.put(uid, { extra: 'x' });
    expect(await backend.users.get(uid)).toEqual({ uid, name: 'Alice', extra: 'x' });
    expect(await backdoor.user(uid)).toEqual({ uid, name: 'Alice' });
    expect(await codeOf(backend.users.get(rid()))).toBe('USER_NOT_FOUND');
    expect(await codeOf(backend.users.get('bad-id'))).toBe('INVALID_ID');
  });

  it('registers a user with an empty name (OpenIM needs a nickname: the uid stands in, audit O-7)', async () => {
    const { backend } = harness;
    const [a, b] = [rid(), rid()];
    expect(await backend.users.put(a, { name: '' })).toEqual({ uid: a, name: null, extra: null });
    expect(await backdoor.user(a)).toEqual({ uid: a, name: null });
    const batch = await backend.users.putMany([{ uid: b, name: '' }]);
    expect(batch.results).toEqual([{ id: b, ok: true }]);
    expect(await backdoor.user(b)).toEqual({ uid: b, name: null });
  });

  it('batch registers new users and updates existing ones, per item', async () => {
    const { backend } = harness;
    const [a, b] = [rid(), rid()];
    await backend.users.put(a, { name: 'old' });
    const result = await backend.users.putMany([{ uid: a, name: 'new' }, { uid: b, name: 'Bee' }, { uid: 'no:colon' }]);
    expect(result.results.map((item) => [item.id, item.ok, item.error?.code])).toEqual([
      [a, true, undefined],
      [b, true, undefined],
      ['no:colon', false, 'INVALID_ID'],
    ]);
    expect(await backdoor.user(a)).toEqual({ uid: a, name: 'new' });
    expect(await backdoor.user(b)).toEqual({ uid: b, name: 'Bee' });
  });
});

describe('enumeration', () => {
  it('lists ordinary users in stored order, never the admin account, across a change of limit', async () => {
    const fresh = await startHarness();
    try {
      const created = [rid(), rid(), rid(), rid(), rid()];
      for (const uid of created) await fresh.backend.users.put(uid, { name: uid });
      const all = await fresh.backend.users.list({});
      expect(all.items.map((user) => user.uid)).toEqual(created);
      expect(all.nextCursor).toBeNull();
      // An offset of 2 is not a multiple of 3: the window is read from pages 1 and 2 of 3.
      const first = await fresh.backend.users.list({ limit: 2 });
      fresh.fake.control.clearRequests();
      const second = await fresh.backend.users.list({ limit: 3, cursor: first.nextCursor });
      expect([...first.items, ...second.items].map((user) => user.uid)).toEqual(created);
      expect(second.nextCursor).toBeNull();
      expect(fresh.fake.control.requests.map((request) => JSON.parse(request.rawBody).pagination)).toEqual([
        { pageNumber: 1, showNumber: 3 },
        { pageNumber: 2, showNumber: 3 },
      ]);
    } finally {
      await fresh.close();
    }
  });

  it('lists groups newest first from 3.8.2, in stored order before, never a dismissed one', async () => {
    for (const [version, newestFirst] of [
      ['3.8.3', true],
      ['3.8.1', false],
    ] as const) {
      const fresh = await startHarness({ version });
      try {
        const owner = rid();
        await fresh.backend.users.put(owner, {});
        const ids = [rid('g'), rid('g'), rid('g')];
        for (const [index, id] of ids.entries()) {
          await fresh.backend.rooms.create('group', { id, name: `G${index}`, owner });
          // Distinct creation times, so that the newest-first order is one order.
          await new Promise((resolve) => setTimeout(resolve, 3));
        }
        await fresh.backend.rooms.dismiss({ kind: 'group', id: ids[1]! });
        const walked: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await fresh.backend.rooms.list('group', cursor === null ? { limit: 1 } : { limit: 1, cursor });
          walked.push(...page.items.map((room) => room.id));
          cursor = page.nextCursor;
        } while (cursor !== null);
        const live = [ids[0]!, ids[2]!];
        expect(walked, version).toEqual(newestFirst ? live.reverse() : live);
      } finally {
        await fresh.close();
      }
    }
  });
});

describe('friends', () => {
  it('put makes both friends, keeps since on repeats, alias is a\'s view only', async () => {
    const { backend, fake } = harness;
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    const first = await backend.friends.put(a, b, { alias: 'Bobby', extra: 'e' });
    expect(first).toMatchObject({ uid: a, friend: b, alias: 'Bobby', extra: 'e' });
    expect(await backdoor.friends(a)).toEqual([{ friend: b, alias: 'Bobby' }]);
    expect(await backdoor.friends(b)).toEqual([{ friend: a, alias: null }]);
    const again = await backend.friends.put(a, b, {});
    expect(again.since).toBe(first.since);
    expect(again.alias).toBe('Bobby');
    expect(await codeOf(backend.friends.put(a, rid(), {}))).toBe('USER_NOT_FOUND');
  });

  it('get / update / list with query and uids', async () => {
    const { backend, fake } = harness;
    const [a, b, c] = [rid(), rid(), rid()];
    seedUsers(fake, a, b, c);
    await backend.friends.put(a, b, {});
    await backend.friends.put(a, c, { alias: 'Charlie' });
    expect(await codeOf(backend.friends.get(b, c))).toBe('NOT_FRIENDS');
    expect(await codeOf(backend.friends.update(b, c, { alias: 'x' }))).toBe('NOT_FRIENDS');
    expect((await backend.friends.update(a, b, { alias: 'Bee' })).alias).toBe('Bee');
    expect((await backend.friends.update(a, b, { extra: 'z' })).extra).toBe('z');
    expect(await backend.friends.get(a, b)).toMatchObject({ alias: 'Bee', extra: 'z' });
    expect((await backend.friends.list(a, { query: 'charl' })).items.map((item) => item.friend)).toEqual([c]);
    expect((await backend.friends.list(a, { uids: [b, rid(), 'x-y'] })).items.map((item) => item.friend)).toEqual([b]);
    const paged = await backend.friends.list(a, { limit: 1 });
    expect(paged.items).toHaveLength(1);
    expect(paged.nextCursor).not.toBeNull();
  });

  it('remove mutual clears both lists, one-way only the caller\'s, both idempotent', async () => {
    const { backend, fake } = harness;
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    await backend.friends.put(a, b, {});
    await backend.friends.remove(a, b, 'one-way');
    expect(await backdoor.friends(a)).toEqual([]);
    expect(await backdoor.friends(b)).toEqual([{ friend: a, alias: null }]);
    expect(await backend.relations.get(a, b)).toMatchObject({ friend: false, friendOf: true });
    await backend.friends.put(a, b, {});
    await backend.friends.remove(a, b, 'mutual');
    await backend.friends.remove(a, b, 'mutual');
    expect(await backdoor.friends(a)).toEqual([]);
    expect(await backdoor.friends(b)).toEqual([]);
  });
});

describe('friend requests', () => {
  it('send / pending / accept makes mutual friends', async () => {
    const { backend, fake } = harness;
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    const request = await backend.friendRequests.send(a, b, 'hi');
    expect(request).toMatchObject({ from: a, to: b, message: 'hi', status: 'pending' });
    expect(await backdoor.pendingRequest(a, b)).toBe(true);
    expect(await codeOf(backend.friendRequests.send(a, b, 'again'))).toBe('REQUEST_PENDING');
    expect((await backend.friendRequests.list(b, 'incoming', {})).items.map((item) => item.from)).toEqual([a]);
    expect((await backend.friendRequests.list(a, 'outgoing', {})).items.map((item) => item.to)).toEqual([b]);
    const friendship = await backend.friendRequests.accept(b, a);
    expect(friendship).toMatchObject({ uid: b, friend: a });
    expect(await backdoor.friends(a)).toEqual([{ friend: b, alias: null }]);
    expect(await backdoor.friends(b)).toEqual([{ friend: a, alias: null }]);
    expect(await backdoor.pendingRequest(a, b)).toBe(false);
    expect(await codeOf(backend.friendRequests.send(a, b, null))).toBe('ALREADY_FRIENDS');
    expect(await codeOf(backend.friendRequests.accept(b, a))).toBe('REQUEST_NOT_FOUND');
  });

  it('reject, BLOCKED, and withdraw is UNSUPPORTED', async () => {
    const { backend, fake } = harness;
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    await backend.friendRequests.send(a, b, null);
    expect(await backend.friendRequests.reject(b, a)).toMatchObject({ from: a, to: b, status: 'rejected', message: null });
    expect(await codeOf(backend.friendRequests.reject(b, a))).toBe('REQUEST_NOT_FOUND');
    await backend.blocks.put(b, a);
    expect(await codeOf(backend.friendRequests.send(a, b, null))).toBe('BLOCKED');
    expect(await codeOf(backend.friendRequests.withdraw(a, b))).toBe('UNSUPPORTED');
  });
});

describe('blocks and relations', () => {
  it('block is one-way, idempotent (no vendor 500), keeps since, batch per item', async () => {
    const { backend, fake } = harness;
    const [a, b, c] = [rid(), rid(), rid()];
    seedUsers(fake, a, b, c);
    const first = await backend.blocks.put(a, b);
    const again = await backend.blocks.put(a, b);
    expect(again.since).toBe(first.since);
    expect(await backdoor.blocks(a)).toEqual([b]);
    expect(await backdoor.blocks(b)).toEqual([]);
    expect((await backend.blocks.list(a, {})).items).toEqual([first]);
    expect(await backend.relations.get(a, b)).toEqual({ uid: a, other: b, friend: false, friendOf: false, blocking: true, blockedBy: false, alias: null, extra: null });
    expect(await backend.relations.get(b, a)).toMatchObject({ blocking: false, blockedBy: true });
    const batch = await backend.blocks.putMany(a, [b, c, rid()]);
    expect(batch.results.map((item) => item.error?.code ?? 'ok')).toEqual(['ok', 'ok', 'USER_NOT_FOUND']);
    expect((await backdoor.blocks(a)).sort()).toEqual([b, c].sort());
    await backend.blocks.remove(a, b);
    await backend.blocks.remove(a, b);
    expect(await backdoor.blocks(a)).toEqual([c]);
  });
});

describe('groups', () => {
  it('create / get / members / roles / mutes / mute-all / dismiss', async () => {
    const { backend, fake } = harness;
    const [owner, m1, m2, m3] = [rid(), rid(), rid(), rid()];
    seedUsers(fake, owner, m1, m2, m3);
    const id = rid('g');
    const room = await backend.rooms.create('group', { id, name: 'G', owner, members: [m1] });
    expect(room).toEqual({ id, kind: 'group', name: 'G', owner, muteAll: false, memberCount: 2 });
    expect(await backdoor.room('group', id)).toEqual({ name: 'G', owner, muteAll: false });
    expect(await codeOf(backend.rooms.create('group', { id, name: 'G', owner }))).toBe('ALREADY_EXISTS');
    expect(await codeOf(backend.rooms.create('group', { id: rid('g'), name: 'G', owner, members: [rid()] }))).toBe('USER_NOT_FOUND');

    const added = await backend.rooms.members.add({ kind: 'group', id }, [m1, m2, rid()]);
    expect(added.results.map((item) => item.error?.code ?? 'ok')).toEqual(['ok', 'ok', 'USER_NOT_FOUND']);
    expect((await backdoor.members('group', id)).map((member) => member.uid).sort()).toEqual([owner, m1, m2].sort());

    expect(await backend.rooms.members.setRole({ kind: 'group', id }, m1, 'admin')).toEqual({ uid: m1, role: 'admin', mutedUntil: null });
    expect(await codeOf(backend.rooms.members.setRole({ kind: 'group', id }, m3, 'admin'))).toBe('NOT_MEMBER');
    expect(await codeOf(backend.rooms.members.setRole({ kind: 'group', id }, owner, 'member'))).toBe('INVALID_ARGUMENT');

    const mute = await backend.rooms.mutes.set({ kind: 'group', id }, m2, 600);
    expect(Date.parse(mute.mutedUntil) - Date.now()).toBeGreaterThan(590_000);
    expect((await backend.rooms.mutes.set({ kind: 'group', id }, m1, null)).mutedUntil).toBe('forever');
    expect(await codeOf(backend.rooms.mutes.set({ kind: 'group', id }, owner, 60))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(backend.rooms.mutes.set({ kind: 'group', id }, m3, 60))).toBe('NOT_MEMBER');
    expect((await backdoor.mutedMembers('group', id)).sort()).toEqual([m1, m2].sort());
    expect((await backend.rooms.mutes.list({ kind: 'group', id }, {})).items.map((item) => item.uid).sort()).toEqual([m1, m2].sort());
    await backend.rooms.mutes.remove({ kind: 'group', id }, m2);
    await backend.rooms.mutes.remove({ kind: 'group', id }, m2);
    expect(await backdoor.mutedMembers('group', id)).toEqual([m1]);

    expect((await backend.rooms.setMuteAll({ kind: 'group', id }, true)).muteAll).toBe(true);
    expect((await backdoor.room('group', id))?.muteAll).toBe(true);
    expect((await backend.rooms.setMuteAll({ kind: 'group', id }, false)).muteAll).toBe(false);

    const removed = await backend.rooms.members.remove({ kind: 'group', id }, [m2, m3, owner]);
    expect(removed.results.map((item) => item.error?.code ?? 'ok')).toEqual(['ok', 'ok', 'INVALID_ARGUMENT']);
    expect((await backdoor.members('group', id)).map((member) => member.uid).sort()).toEqual([owner, m1].sort());

    await backend.rooms.dismiss({ kind: 'group', id });
    expect(await backdoor.room('group', id)).toBeNull();
    expect(await codeOf(backend.rooms.get({ kind: 'group', id }))).toBe('GROUP_NOT_FOUND');
    expect(await codeOf(backend.rooms.dismiss({ kind: 'group', id }))).toBe('GROUP_NOT_FOUND');
  });

  it('chatrooms and group whitelists/blocks are UNSUPPORTED', async () => {
    const { backend } = harness;
    expect(await codeOf(backend.rooms.create('chatroom', { name: 'c', owner: rid() }))).toBe('UNSUPPORTED');
    expect(await codeOf(backend.rooms.whitelist.list({ kind: 'group', id: 'g' }, {}))).toBe('UNSUPPORTED');
    expect(await codeOf(backend.rooms.blocks.add({ kind: 'group', id: 'g' }, ['u']))).toBe('UNSUPPORTED');
    expect(await codeOf(backend.userWhitelist.list('u', {}))).toBe('UNSUPPORTED');
    expect(await codeOf(backend.conversations.delete('u', 'user', 'v'))).toBe('UNSUPPORTED');
  });
});

describe('messages and conversations', () => {
  it('direct: BLOCKED by the vendor, conversations on both sides with unread counts', async () => {
    const { backend, fake } = harness;
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    expect((await backend.conversations.list(a, {})).items).toEqual([]);
    const sent = await backend.messages.send({ from: a, to: { type: 'user', id: b }, text: 'hi' });
    expect(sent.id).toMatch(/^[0-9a-f]{32}$/);
    await backend.messages.send({ from: a, to: { type: 'user', id: b }, text: 'again' });
    const forA = await backend.conversations.list(a, {});
    const forB = await backend.conversations.list(b, {});
    expect(forA.items).toEqual([{ peer: { type: 'user', id: b }, unread: 0, lastMessageAt: expect.any(String) }]);
    expect(forB.items).toEqual([{ peer: { type: 'user', id: a }, unread: 2, lastMessageAt: expect.any(String) }]);
    expect(await backdoor.conversations(b)).toEqual([{ type: 'user', id: a }]);
    await backend.blocks.put(b, a);
    expect(await codeOf(backend.messages.send({ from: a, to: { type: 'user', id: b }, text: 'x' }))).toBe('BLOCKED');
    expect(await codeOf(backend.messages.send({ from: b, to: { type: 'user', id: a }, text: 'x' }))).toBe('OK');
    expect(await codeOf(backend.messages.send({ from: a, to: { type: 'user', id: rid() }, text: 'x' }))).toBe('USER_NOT_FOUND');
  });

  it('group: NOT_MEMBER, MUTED (member and mute-all), admins may send during mute-all', async () => {
    const { backend, fake } = harness;
    const [owner, admin, member, outsider] = [rid(), rid(), rid(), rid()];
    seedUsers(fake, owner, admin, member, outsider);
    const id = rid('g');
    await backend.rooms.create('group', { id, name: 'G', owner, members: [admin, member] });
    await backend.rooms.members.setRole({ kind: 'group', id }, admin, 'admin');
    const send = (from: string) => codeOf(backend.messages.send({ from, to: { type: 'group', id }, text: 't' }));
    expect(await send(member)).toBe('OK');
    expect(await send(outsider)).toBe('NOT_MEMBER');
    expect(await codeOf(backend.messages.send({ from: owner, to: { type: 'group', id: rid('g') }, text: 't' }))).toBe('GROUP_NOT_FOUND');
    await backend.rooms.mutes.set({ kind: 'group', id }, member, 60);
    expect(await send(member)).toBe('MUTED');
    await backend.rooms.mutes.remove({ kind: 'group', id }, member);
    await backend.rooms.setMuteAll({ kind: 'group', id }, true);
    expect(await send(member)).toBe('MUTED');
    expect(await send(admin)).toBe('OK');
    expect(await send(owner)).toBe('OK');
    const list = await backend.conversations.list(member, {});
    // member sent the first one itself: the two later ones are unread.
    expect(list.items).toEqual([{ peer: { type: 'group', id }, unread: 2, lastMessageAt: expect.any(String) }]);
  });

  it('a conversation without any stored message is left out, and finding it costs halvings, not a call per conversation (audit O-5)', async () => {
    const { backend, fake } = harness;
    const a = rid();
    const peers = Array.from({ length: 16 }, () => rid());
    seedUsers(fake, a, ...peers);
    for (const peer of peers) await backend.messages.send({ from: peer, to: { type: 'user', id: a }, text: 'hi' });
    // Distinct latest times, so the vendor's collapse of equal times plays no part here.
    peers.forEach((peer, index) => {
      for (const message of fake.state.messages.get(`si_${[a, peer].sort().join('_')}`)!) message.sendTime = 1_700_000_000_000 + index * 1000;
    });
    // A row no message made (an SDK's set_conversations, or history the retention cron destroyed).
    const silent = rid();
    seedUsers(fake, silent);
    fake.state.conversations.get(a)!.set(`si_${[a, silent].sort().join('_')}`, { ...fake.state.conversations.get(a)!.values().next().value!, conversationID: `si_${[a, silent].sort().join('_')}`, userID: silent });
    fake.control.clearRequests();
    const listed = (await backend.conversations.list(a, {})).items;
    expect(listed.map((item) => item.peer.id).sort()).toEqual([...peers].sort());
    expect(await backdoor.conversations(a)).toHaveLength(16);
    // The whole list, then two calls per halving down to the silent row: 1 + 2·⌈log2 17⌉.
    expect(fake.control.requestsTo('POST /conversation/get_sorted_conversation_list').length).toBeLessThanOrEqual(11);
  });

  it('a message carries the sender\'s current name, which OpenIM does not look up for REST sends (audit O-8)', async () => {
    const { backend, fake } = harness;
    const [a, b] = [rid(), rid()];
    await backend.users.put(a, { name: 'Alice' });
    await backend.users.put(b, {});
    const group = rid('g');
    await backend.rooms.create('group', { id: group, name: 'G', owner: a, members: [b] });
    await backend.messages.send({ from: a, to: { type: 'user', id: b }, text: 'hi' });
    await backend.users.put(a, { name: 'Alicia' });
    await backend.messages.send({ from: a, to: { type: 'group', id: group }, text: 'all' });
    await backend.messages.send({ from: b, to: { type: 'group', id: group }, text: 'back' });
    const [low, high] = [a, b].sort();
    expect(fake.state.messages.get(`si_${low}_${high}`)?.map((message) => message.senderName)).toEqual(['Alice']);
    // A user without a name is registered under its uid, and that is its name on the wire.
    expect(fake.state.messages.get(`sg_${group}`)?.map((message) => message.senderName)).toEqual(['Alicia', b]);
  });

  it('lists conversations whose last messages share a millisecond (vendor collapses them)', async () => {
    const { backend, fake } = harness;
    const [a, b, c] = [rid(), rid(), rid()];
    seedUsers(fake, a, b, c);
    await backend.messages.send({ from: b, to: { type: 'user', id: a }, text: '1' });
    await backend.messages.send({ from: c, to: { type: 'user', id: a }, text: '2' });
    // Force both conversations onto the same latest-message time, as a busy server would.
    for (const messages of fake.state.messages.values()) for (const message of messages) message.sendTime = 1_700_000_000_000;
    const items = (await backend.conversations.list(a, {})).items;
    expect(items.map((item) => item.peer.id).sort()).toEqual([b, c].sort());
  });
});

describe('change records and health', () => {
  it('one change record per successful write, none for an idempotent repeat', async () => {
    const { backend, fake, changes } = harness;
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    const before = changes.length;
    await backend.blocks.put(a, b);
    await backend.blocks.put(a, b);
    await backend.friends.put(a, b, {});
    const records = changes.slice(before).map((record) => [record.type, record.target, record.backend]);
    expect(records).toEqual([
      ['block.added', { uid: a, blocked: b }, 'oim'],
      // One record for a mutual add, as on every backend (it once emitted one per direction).
      ['friend.added', { uid: a, friend: b, mode: 'mutual' }, 'oim'],
    ]);
  });

  it('a one-way PUT over an existing entry writes nothing and records nothing', async () => {
    const { backend, fake, changes } = harness;
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    await backend.friends.put(a, b, {}, 'one-way');
    const before = changes.length;
    fake.control.clearRequests();
    await backend.friends.put(a, b, {}, 'one-way');
    expect(fake.control.requests.map((request) => request.path).filter((path) => ['/friend/import_friend', '/friend/delete_friend'].includes(path))).toEqual([]);
    expect(changes.length).toBe(before);
    expect(await backdoor.friends(b)).toEqual([]);
  });

  it('health is ok while the fake answers', async () => {
    expect(await harness.backend.health()).toEqual({ ok: true });
  });
});
