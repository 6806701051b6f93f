/**
 * The unified meaning on WuKongIM, checked through the fake's own state (the backdoor), never
 * through the adapter's reads alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, startHarness, uid, users, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('users', () => {
  it('registers, updates only the given fields, and reads back', async () => {
    const id = uid();
    expect(await codeOf(h.backend.users.get(id))).toBe('USER_NOT_FOUND');
    expect(await h.backend.users.put(id, { name: 'Ann', extra: 'x' })).toEqual({ uid: id, name: 'Ann', extra: 'x' });
    await h.backend.users.put(id, { name: 'Anna' });
    expect(await h.backend.users.get(id)).toEqual({ uid: id, name: 'Anna', extra: 'x' });
    expect(await h.backdoor.user(id)).toEqual({ uid: id, name: 'Anna' });
  });

  it('batch-registers with per-item results in order', async () => {
    const [a, b] = [uid(), uid()];
    const result = await h.backend.users.putMany([{ uid: a, name: 'A' }, { uid: 'bad@id' }, { uid: b }]);
    expect(result.results.map((item) => [item.id, item.ok, item.error?.code])).toEqual([
      [a, true, undefined],
      ['bad@id', false, 'INVALID_ID'],
      [b, true, undefined],
    ]);
    expect(await h.backdoor.user(b)).toEqual({ uid: b, name: null });
  });
});

describe('enumeration (the channel search, note §11)', () => {
  /** Every page of a list, from no cursor to the end. */
  async function walk<T>(read: (options: { limit: number; cursor?: string }) => Promise<{ items: T[]; nextCursor: string | null }>, limit: number): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: T[]; nextCursor: string | null } = await read(cursor === null ? { limit } : { limit, cursor });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return items;
  }

  it('a user registered before imbridge listed users is listed after any PUT; that PUT writes only the info row and records nothing', async () => {
    const fresh = await startHarness();
    try {
      const [legacy] = await users(fresh, 1);
      // What an older imbridge left behind: the metadata without an info row.
      const channel = fresh.fake.state.channel(`~u~${legacy}`, 2)!;
      channel.hasInfo = false;
      channel.createdAt = null;
      expect((await walk((page) => fresh.backend.users.list(page), 2)).map((user) => user.uid)).toEqual([]);
      fresh.fake.control.clearRequests();
      fresh.changes.length = 0;
      await fresh.backend.users.put(legacy!, {});
      const writes = fresh.fake.control.requests.filter((request) => request.method === 'POST').map((request) => request.path);
      expect(writes).toEqual(['/channel/info']);
      expect(fresh.changes).toEqual([]);
      expect(await walk((page) => fresh.backend.users.list(page), 2)).toEqual([{ uid: legacy, name: `Name ${legacy}`, extra: null }]);
      // Listed once: a further PUT that changes nothing writes nothing at all.
      fresh.fake.control.clearRequests();
      await fresh.backend.users.put(legacy!, {});
      expect(fresh.fake.control.requests.filter((request) => request.method === 'POST')).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('fills a page of users from several search pages of mostly groups, newest first, and ends', async () => {
    const fresh = await startHarness();
    try {
      const registered = await users(fresh, 3);
      // 450 group channels created after the users, straight on the vendor: more than two search pages.
      for (let index = 0; index < 450; index += 1) {
        await fetch(`${fresh.fake.url}/channel`, {
          method: 'POST',
          headers: { token: String(fresh.fake.backendConfig.token), 'content-type': 'application/json' },
          body: JSON.stringify({ channel_id: `other${index}`, channel_type: 2, large: 0, ban: 0, disband: 0, send_ban: 0, allow_stranger: 0, reset: 0, subscribers: [] }),
        });
      }
      fresh.fake.control.clearRequests();
      const page = await fresh.backend.users.list({ limit: 10 });
      expect(page.items.map((user) => user.uid)).toEqual([...registered].reverse());
      expect(page.nextCursor).toBeNull();
      expect(fresh.fake.control.requests.filter((request) => request.path === '/cluster/channels').length).toBeGreaterThanOrEqual(3);
      // Channels that are no imbridge room (no room metadata) are not groups either.
      expect(await walk((options) => fresh.backend.rooms.list('group', options), 50)).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('before 2.0.4 (a search paged by page number) users.list and groups.list are UNSUPPORTED, and a PUT never searches', async () => {
    const old = await startHarness({ version: '2.0.3' });
    try {
      expect(old.backend.capabilities['users.list']).toBe(false);
      expect(old.backend.capabilities['groups.list']).toBe(false);
      old.fake.control.clearRequests();
      await old.backend.users.put(uid(), { name: 'n' });
      expect(old.fake.control.requests.map((request) => request.path)).not.toContain('/cluster/channels');
    } finally {
      await old.close();
    }
  });
});

describe('friends', () => {
  it('put makes both friends, keeps since on repeats, stores the alias in a view of its own', async () => {
    const [a, b] = await users(h, 2);
    const first = await h.backend.friends.put(a!, b!, { alias: 'Bee' });
    expect(first).toMatchObject({ uid: a, friend: b, alias: 'Bee', extra: null });
    expect(await h.backdoor.friends(a!)).toEqual([{ friend: b, alias: 'Bee' }]);
    expect(await h.backdoor.friends(b!)).toEqual([{ friend: a, alias: null }]);
    const again = await h.backend.friends.put(a!, b!, {});
    expect(again.since).toBe(first.since);
    expect(again.alias).toBe('Bee');
    expect(Date.parse(first.since)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('get, update, list with query and uids; NOT_FRIENDS when absent', async () => {
    const [a, b, c] = await users(h, 3);
    await h.backend.friends.put(a!, b!, {});
    await h.backend.friends.put(a!, c!, { alias: 'Cousin' });
    expect(await codeOf(h.backend.friends.get(b!, c!))).toBe('NOT_FRIENDS');
    expect(await codeOf(h.backend.friends.update(b!, c!, { alias: 'x' }))).toBe('NOT_FRIENDS');
    const updated = await h.backend.friends.update(a!, b!, { alias: 'Bobby', extra: 'e' });
    expect(updated).toMatchObject({ alias: 'Bobby', extra: 'e' });
    expect(await h.backend.friends.get(a!, b!)).toMatchObject({ alias: 'Bobby', extra: 'e' });
    expect((await h.backend.friends.list(a!, { query: 'cous' })).items.map((item) => item.friend)).toEqual([c]);
    expect((await h.backend.friends.list(a!, { query: `name ${b}`.toUpperCase() })).items.map((item) => item.friend)).toEqual([b]);
    expect((await h.backend.friends.list(a!, { uids: [c!, 'nobody'] })).items.map((item) => item.friend)).toEqual([c]);
    const page = await h.backend.friends.list(a!, { limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
  });

  it('remove mutual clears both lists, one-way only the caller’s, idempotent', async () => {
    const [a, b, c] = await users(h, 3);
    await h.backend.friends.put(a!, b!, { alias: 'B' });
    await h.backend.friends.remove(a!, b!, 'mutual');
    expect(await h.backdoor.friends(a!)).toEqual([]);
    expect(await h.backdoor.friends(b!)).toEqual([]);
    await h.backend.friends.remove(a!, b!, 'mutual');
    await h.backend.friends.put(a!, c!, {});
    await h.backend.friends.remove(a!, c!, 'one-way');
    expect(await h.backdoor.friends(a!)).toEqual([]);
    expect(await h.backdoor.friends(c!)).toEqual([{ friend: a, alias: null }]);
    const relation = await h.backend.relations.get(c!, a!);
    expect(relation).toMatchObject({ friend: true, friendOf: false });
  });

  it('unknown users are USER_NOT_FOUND for reads, writes and deletes', async () => {
    const [a] = await users(h, 1);
    const ghost = uid('ghost');
    expect(await codeOf(h.backend.friends.put(a!, ghost, {}))).toBe('USER_NOT_FOUND');
    expect(await codeOf(h.backend.friends.remove(ghost, a!, 'mutual'))).toBe('USER_NOT_FOUND');
    expect(await codeOf(h.backend.friends.list(ghost, {}))).toBe('USER_NOT_FOUND');
    expect(await codeOf(h.backend.blocks.put(a!, ghost))).toBe('USER_NOT_FOUND');
    expect(await h.backdoor.friends(a!)).toEqual([]);
  });

  it('friend requests and the user whitelist are UNSUPPORTED', async () => {
    const [a, b] = await users(h, 2);
    expect(await codeOf(h.backend.friendRequests.send(a!, b!, null))).toBe('UNSUPPORTED');
    expect(await codeOf(h.backend.userWhitelist.list(a!, {}))).toBe('UNSUPPORTED');
    expect(h.backend.capabilities['friendRequests.send']).toBe(false);
    expect(h.backend.capabilities['users.whitelist.replace']).toBe(false);
  });
});

describe('blocks and relations', () => {
  it('block is one-way, idempotent, listed, and removed', async () => {
    const [a, b, c] = await users(h, 3);
    const block = await h.backend.blocks.put(a!, b!);
    expect(await h.backend.blocks.put(a!, b!)).toEqual(block);
    expect(await h.backdoor.blocks(a!)).toEqual([b]);
    expect(await h.backdoor.blocks(b!)).toEqual([]);
    expect(await h.backend.relations.get(b!, a!)).toMatchObject({ blockedBy: true, blocking: false, friend: false, alias: null });
    const batch = await h.backend.blocks.putMany(a!, [c!, uid('ghost')]);
    expect(batch.results.map((item) => item.error?.code ?? 'ok')).toEqual(['ok', 'USER_NOT_FOUND']);
    expect((await h.backend.blocks.list(a!, {})).items.map((item) => item.blocked).sort()).toEqual([b, c].sort());
    await h.backend.blocks.remove(a!, b!);
    await h.backend.blocks.remove(a!, b!);
    expect(await h.backdoor.blocks(a!)).toEqual([c]);
  });
});

describe('groups', () => {
  it('create puts the owner and members in, memberCount counts the owner; existing id → ALREADY_EXISTS', async () => {
    const [owner, m1, m2] = await users(h, 3);
    const id = uid('g');
    const room = await h.backend.rooms.create('group', { id, name: 'Tea ☕', owner: owner!, members: [m1!, m2!] });
    expect(room).toEqual({ id, kind: 'group', name: 'Tea ☕', owner, muteAll: false, memberCount: 3 });
    expect(await h.backdoor.room('group', id)).toEqual({ name: 'Tea ☕', owner, muteAll: false });
    expect((await h.backdoor.members('group', id)).sort((l, r) => l.uid.localeCompare(r.uid))).toEqual(
      [
        { uid: owner, role: 'owner' },
        { uid: m1, role: 'member' },
        { uid: m2, role: 'member' },
      ].sort((l, r) => l.uid!.localeCompare(r.uid!)),
    );
    expect(await codeOf(h.backend.rooms.create('group', { id, name: 'x', owner: owner! }))).toBe('ALREADY_EXISTS');
    const ghostRoom = uid('g');
    expect(await codeOf(h.backend.rooms.create('group', { id: ghostRoom, name: 'x', owner: owner!, members: [uid('ghost')] }))).toBe('USER_NOT_FOUND');
    expect(await h.backdoor.room('group', ghostRoom)).toBeNull();
  });

  it('dismiss → GROUP_NOT_FOUND; the id can be used again, fresh', async () => {
    const [owner, member] = await users(h, 2);
    const id = uid('g');
    await h.backend.rooms.create('group', { id, name: 'n', owner: owner!, members: [member!] });
    await h.backend.rooms.mutes.set({ kind: 'group', id }, member!, null);
    await h.backend.rooms.dismiss({ kind: 'group', id });
    expect(await codeOf(h.backend.rooms.get({ kind: 'group', id }))).toBe('GROUP_NOT_FOUND');
    expect(await h.backdoor.room('group', id)).toBeNull();
    expect(h.fake.state.channel(id, 2)?.info.disband).toBe(1);
    await h.backend.rooms.create('group', { id, name: 'again', owner: member! });
    expect(await h.backend.rooms.get({ kind: 'group', id })).toMatchObject({ name: 'again', owner: member, memberCount: 1 });
    expect(h.fake.state.channel(id, 2)?.info.disband).toBe(0);
    expect(await h.backdoor.mutedMembers('group', id)).toEqual([]);
  });

  it('a dismissed group that had messages: its id stays used, and no member still lists its conversation (audit W6)', async () => {
    const [owner, member] = await users(h, 2);
    const id = uid('g');
    await h.backend.rooms.create('group', { id, name: 'n', owner: owner!, members: [member!] });
    await h.backend.messages.send({ from: owner!, to: { type: 'group', id }, text: 'history' });
    expect((await h.backend.conversations.list(member!, {})).items.map((item) => item.peer.id)).toContain(id);
    await h.backend.rooms.dismiss({ kind: 'group', id });
    // WuKongIM keeps the messages of a disbanded channel: a new room there would show them.
    expect(await codeOf(h.backend.rooms.create('group', { id, name: 'again', owner: member! }))).toBe('ALREADY_EXISTS');
    expect((await h.backend.conversations.list(member!, {})).items.map((item) => item.peer.id)).not.toContain(id);
    expect((await h.backend.conversations.list(owner!, {})).items.map((item) => item.peer.id)).not.toContain(id);
  });

  it('members: add (BLOCKED when banned), remove (owner refused), roles', async () => {
    const [owner, a, b, c] = await users(h, 4);
    const room = { kind: 'group' as const, id: uid('g') };
    await h.backend.rooms.create('group', { id: room.id, name: 'n', owner: owner! });
    const added = await h.backend.rooms.members.add(room, [a!, b!, uid('ghost')]);
    expect(added.results.map((item) => item.error?.code ?? 'ok')).toEqual(['ok', 'ok', 'USER_NOT_FOUND']);
    expect(await codeOf(h.backend.rooms.members.setRole(room, c!, 'admin'))).toBe('NOT_MEMBER');
    expect(await codeOf(h.backend.rooms.members.setRole(room, owner!, 'member'))).toBe('INVALID_ARGUMENT');
    expect(await h.backend.rooms.members.setRole(room, a!, 'admin')).toEqual({ uid: a, role: 'admin', mutedUntil: null });
    expect((await h.backdoor.members('group', room.id)).find((member) => member.uid === a)?.role).toBe('admin');
    const removed = await h.backend.rooms.members.remove(room, [owner!, a!, c!]);
    expect(removed.results.map((item) => item.error?.code ?? 'ok')).toEqual(['INVALID_ARGUMENT', 'ok', 'ok']);
    expect((await h.backdoor.members('group', room.id)).map((member) => member.uid).sort()).toEqual([owner, b].sort());
    const banned = await h.backend.rooms.blocks.add(room, [b!, owner!]);
    expect(banned.results.map((item) => item.error?.code ?? 'ok')).toEqual(['ok', 'INVALID_ARGUMENT']);
    expect(await h.backdoor.roomBlocks('group', room.id)).toEqual([b]);
    expect((await h.backdoor.members('group', room.id)).map((member) => member.uid)).toEqual([owner]);
    expect((await h.backend.rooms.members.add(room, [b!])).results[0]?.error?.code).toBe('BLOCKED');
    await h.backend.rooms.blocks.remove(room, b!);
    expect((await h.backend.rooms.members.add(room, [b!])).results[0]?.ok).toBe(true);
  });

  it('mutes: forever only (duration → UNSUPPORTED_OPTION), NOT_MEMBER, owner refused', async () => {
    const [owner, a, outsider] = await users(h, 3);
    const room = { kind: 'group' as const, id: uid('g') };
    await h.backend.rooms.create('group', { id: room.id, name: 'n', owner: owner!, members: [a!] });
    expect(await codeOf(h.backend.rooms.mutes.set(room, a!, 60))).toBe('UNSUPPORTED_OPTION');
    expect(await codeOf(h.backend.rooms.mutes.set(room, outsider!, null))).toBe('NOT_MEMBER');
    expect(await codeOf(h.backend.rooms.mutes.set(room, owner!, null))).toBe('INVALID_ARGUMENT');
    expect(await h.backend.rooms.mutes.set(room, a!, null)).toEqual({ uid: a, mutedUntil: 'forever' });
    expect(await h.backdoor.mutedMembers('group', room.id)).toEqual([a]);
    expect(await codeOf(h.backend.messages.send({ from: a!, to: { type: 'group', id: room.id }, text: 'hi' }))).toBe('MUTED');
    expect((await h.backend.rooms.mutes.list(room, {})).items).toEqual([{ uid: a, mutedUntil: 'forever' }]);
    await h.backend.rooms.mutes.remove(room, a!);
    expect(await h.backdoor.mutedMembers('group', room.id)).toEqual([]);
    await h.backend.messages.send({ from: a!, to: { type: 'group', id: room.id }, text: 'hi' });
  });

  it('mute-all and the room whitelist share the vendor whitelist without misreporting', async () => {
    const [owner, admin, vip, plain] = await users(h, 4);
    const room = { kind: 'group' as const, id: uid('g') };
    await h.backend.rooms.create('group', { id: room.id, name: 'n', owner: owner!, members: [admin!, vip!, plain!] });
    await h.backend.rooms.members.setRole(room, admin!, 'admin');
    // Whitelisting while mute-all is off: stored, the vendor whitelist stays empty (no restriction).
    await h.backend.rooms.whitelist.add(room, [vip!]);
    expect(await h.backdoor.roomWhitelist('group', room.id)).toEqual([vip]);
    expect([...(h.fake.state.channel(room.id, 2)?.whitelist.keys() ?? [])]).toEqual([]);
    expect((await h.backend.rooms.get(room)).muteAll).toBe(false);
    await h.backend.messages.send({ from: plain!, to: { type: 'group', id: room.id }, text: 'free' });

    const on = await h.backend.rooms.setMuteAll(room, true);
    expect(on.muteAll).toBe(true);
    expect(await h.backdoor.room('group', room.id)).toMatchObject({ muteAll: true });
    expect([...(h.fake.state.channel(room.id, 2)?.whitelist.keys() ?? [])].sort()).toEqual([owner, admin, vip].sort());
    expect(await codeOf(h.backend.messages.send({ from: plain!, to: { type: 'group', id: room.id }, text: 'x' }))).toBe('MUTED');
    for (const sender of [owner!, admin!, vip!]) await h.backend.messages.send({ from: sender, to: { type: 'group', id: room.id }, text: 'ok' });
    // An individual mute wins over the whitelist.
    await h.backend.rooms.mutes.set(room, vip!, null);
    expect(await codeOf(h.backend.messages.send({ from: vip!, to: { type: 'group', id: room.id }, text: 'x' }))).toBe('MUTED');
    await h.backend.rooms.mutes.remove(room, vip!);
    // Whitelist edits while on follow into the vendor list.
    await h.backend.rooms.whitelist.remove(room, vip!);
    expect(await codeOf(h.backend.messages.send({ from: vip!, to: { type: 'group', id: room.id }, text: 'x' }))).toBe('MUTED');
    expect(await h.backend.rooms.whitelist.replace(room, [plain!])).toEqual({ items: [{ uid: plain }], nextCursor: null });
    await h.backend.messages.send({ from: plain!, to: { type: 'group', id: room.id }, text: 'ok now' });
    expect(await codeOf(h.backend.rooms.whitelist.replace(room, [uid('ghost')]))).toBe('USER_NOT_FOUND');
    const [stranger] = await users(h, 1);
    expect(await codeOf(h.backend.rooms.whitelist.replace(room, [stranger!]))).toBe('NOT_MEMBER');
    expect(await h.backdoor.roomWhitelist('group', room.id)).toEqual([plain]);
    // Demoting the admin takes them out of the exempt set.
    await h.backend.rooms.members.setRole(room, admin!, 'member');
    expect(await codeOf(h.backend.messages.send({ from: admin!, to: { type: 'group', id: room.id }, text: 'x' }))).toBe('MUTED');

    const off = await h.backend.rooms.setMuteAll(room, false);
    expect(off.muteAll).toBe(false);
    expect(h.fake.state.channel(room.id, 2)?.whitelist.size).toBe(0);
    expect(await h.backdoor.roomWhitelist('group', room.id)).toEqual([plain]);
    await h.backend.messages.send({ from: admin!, to: { type: 'group', id: room.id }, text: 'free again' });
  });

  it('chatrooms are UNSUPPORTED', async () => {
    const [owner] = await users(h, 1);
    expect(await codeOf(h.backend.rooms.create('chatroom', { name: 'n', owner: owner! }))).toBe('UNSUPPORTED');
    expect(h.backend.capabilities['chatrooms.get']).toBe(false);
  });
});

describe('messages and conversations', () => {
  it('direct message: policy first (BLOCKED), then conversations on both sides', async () => {
    const [a, b] = await users(h, 2);
    await h.backend.blocks.put(b!, a!);
    expect(await codeOf(h.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'hi' }))).toBe('BLOCKED');
    expect(await h.backdoor.conversations(b!)).toEqual([]);
    const sent = await h.backend.messages.send({ from: b!, to: { type: 'user', id: a! }, text: 'hi' });
    expect(sent.id).toMatch(/^\d+$/);
    expect(BigInt(sent.id)).toBeGreaterThan(2n ** 53n);
    expect(await h.backdoor.conversations(a!)).toEqual([{ type: 'user', id: b }]);
    expect(await h.backdoor.conversations(b!)).toEqual([{ type: 'user', id: a }]);
    const listed = await h.backend.conversations.list(a!, {});
    expect(listed.items).toEqual([{ peer: { type: 'user', id: b }, unread: 1, lastMessageAt: expect.any(String) }]);
    expect((await h.backend.conversations.list(b!, {})).items[0]?.unread).toBe(0);
  });

  it('delete hides for that user only; the next message brings it back; a@b is INVALID_ID', async () => {
    const [a, b] = await users(h, 2);
    await h.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: '1' });
    expect(await codeOf(h.backend.conversations.delete(a!, 'user', `${a}@${b}`))).toBe('INVALID_ID');
    try {
      await h.backend.conversations.delete(a!, 'user', `${b}@${a}`);
    } catch (error) {
      expect((error as Error).message).toContain("pass the peer's bare uid");
    }
    await h.backend.conversations.delete(a!, 'user', b!);
    expect(await h.backdoor.conversations(a!)).toEqual([]);
    expect(await h.backdoor.conversations(b!)).toEqual([{ type: 'user', id: a }]);
    await h.backend.messages.send({ from: b!, to: { type: 'user', id: a! }, text: '2' });
    expect((await h.backend.conversations.list(a!, {})).items.map((item) => item.peer)).toEqual([{ type: 'user', id: b }]);
    expect(await codeOf(h.backend.conversations.delete(a!, 'user', uid('ghost')))).toBe('USER_NOT_FOUND');
    expect(await codeOf(h.backend.conversations.delete(a!, 'group', uid('g')))).toBe('GROUP_NOT_FOUND');
  });

  it('room message: NOT_MEMBER for outsiders and banned users, conversations for every member', async () => {
    const [owner, a, outsider] = await users(h, 3);
    const room = { kind: 'group' as const, id: uid('g') };
    await h.backend.rooms.create('group', { id: room.id, name: 'n', owner: owner!, members: [a!] });
    expect(await codeOf(h.backend.messages.send({ from: outsider!, to: { type: 'group', id: room.id }, text: 'x' }))).toBe('NOT_MEMBER');
    expect(await codeOf(h.backend.messages.send({ from: a!, to: { type: 'group', id: uid('g') }, text: 'x' }))).toBe('GROUP_NOT_FOUND');
    await h.backend.messages.send({ from: owner!, to: { type: 'group', id: room.id }, text: 'hello' });
    expect(await h.backdoor.conversations(a!)).toEqual([{ type: 'group', id: room.id }]);
    expect((await h.backend.conversations.list(a!, {})).items[0]).toMatchObject({ peer: { type: 'group', id: room.id }, unread: 1 });
    await h.backend.rooms.blocks.add(room, [a!]);
    expect(await codeOf(h.backend.messages.send({ from: a!, to: { type: 'group', id: room.id }, text: 'x' }))).toBe('NOT_MEMBER');
  });

  it('ids with @ are INVALID_ID (the WuKongIM rule)', async () => {
    expect(await codeOf(h.backend.users.put('a@b', {}))).toBe('INVALID_ID');
    expect(h.backend.idRule.pattern).not.toContain('@');
  });
});

describe('requireFriendship follows whitelistOffOfPerson=false', () => {
  let strict: Harness;
  beforeAll(async () => {
    strict = await startHarness({ whitelistOffOfPerson: false });
  });
  afterAll(async () => {
    await strict.close();
  });

  it('NOT_FRIENDS until mutual friends; then both see the conversation', async () => {
    const [a, b] = await users(strict, 2);
    expect(strict.backend.requireFriendship).toBe(true);
    expect(await codeOf(strict.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'x' }))).toBe('NOT_FRIENDS');
    await strict.backend.friends.put(a!, b!, {});
    await strict.backend.friends.remove(b!, a!, 'one-way');
    expect(await codeOf(strict.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'x' }))).toBe('NOT_FRIENDS');
    await strict.backend.friends.put(a!, b!, {});
    await strict.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'hi' });
    expect(await strict.backdoor.conversations(b!)).toEqual([{ type: 'user', id: a }]);
  });
});
