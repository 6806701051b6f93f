/**
 * The Agora backend against its fake: unified meaning, checked through the fake's own state
 * (the backdoor), never through the adapter's answers alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backdoor } from '../../../../src/conformance/backdoor.js';
import type { Backend, ImBridgeError, RoomRef } from '../../../../src/spec/index.js';
import { createBackdoor } from '../../fake/backdoor.js';
import { startHarness, uid, users, type Harness } from './harness.js';

let harness: Harness;
let backend: Backend;
let backdoor: Backdoor;

beforeAll(async () => {
  harness = await startHarness();
  backend = harness.backend;
  backdoor = createBackdoor(harness.fake);
});
afterAll(async () => {
  await harness.close();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return (error as ImBridgeError).code ?? String(error);
  }
}

describe('users', () => {
  it('registers, then updates only the given fields', async () => {
    const id = uid();
    expect(await backend.users.put(id, { name: 'Ann' })).toEqual({ uid: id, name: 'Ann', extra: null });
    expect(await backdoor.user(id)).toEqual({ uid: id, name: 'Ann' });
    await backend.users.put(id, {});
    expect(await backdoor.user(id)).toEqual({ uid: id, name: 'Ann' });
    await backend.users.put(id, { name: 'Bea' });
    expect((await backend.users.get(id)).name).toBe('Bea');
  });

  it('enforces the Agora ID rule (INVALID_ID) and answers USER_NOT_FOUND for strangers', async () => {
    expect(await codeOf(backend.users.put('Upper', {}))).toBe('INVALID_ID');
    expect(await codeOf(backend.users.put('a@b', {}))).toBe('INVALID_ID');
    expect(await codeOf(backend.users.get('x'.repeat(65)))).toBe('INVALID_ID');
    expect(await codeOf(backend.users.get(uid()))).toBe('USER_NOT_FOUND');
    expect(await backdoor.user('Upper')).toBeNull();
  });

  it('refuses extra with UNSUPPORTED_OPTION and changes nothing', async () => {
    const id = uid();
    expect(await codeOf(backend.users.put(id, { extra: 'x' }))).toBe('UNSUPPORTED_OPTION');
    expect(await backdoor.user(id)).toBeNull();
  });

  it('batch-registers more than 60 users in chunks with per-item results', async () => {
    const ids = Array.from({ length: 65 }, () => uid('b'));
    const existing = ids[3]!;
    await backend.users.put(existing, { name: 'old' });
    harness.fake.control.clearRequests();
    const result = await backend.users.putMany([...ids.map((id) => ({ uid: id, name: `n-${id}` })), { uid: 'Bad' }]);
    expect(result.results).toHaveLength(66);
    expect(result.results.slice(0, 65).every((item) => item.ok)).toBe(true);
    expect(result.results[65]).toMatchObject({ id: 'Bad', ok: false, error: { code: 'INVALID_ID' } });
    const registers = harness.fake.control.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/users'));
    expect(registers.map((request) => (JSON.parse(request.rawBody) as unknown[]).length)).toEqual([60, 4]);
    expect(await backdoor.user(existing)).toEqual({ uid: existing, name: `n-${existing}` });
    expect(await backdoor.user(ids[64]!)).toEqual({ uid: ids[64], name: `n-${ids[64]}` });
  });

  it('fills a page over the vendor\'s 100 users from several vendor pages, oldest first, and ends', async () => {
    const ids = await users(backend, 130, 'l');
    harness.fake.control.clearRequests();
    const page = await backend.users.list({ limit: 500 });
    expect(page.nextCursor).toBeNull();
    const listed = page.items.map((user) => user.uid);
    expect(listed.slice(-130)).toEqual(ids);
    expect(new Set(listed).size).toBe(listed.length);
    const reads = harness.fake.control.requests.filter((request) => request.method === 'GET' && request.path.endsWith('/users'));
    expect(reads.every((request) => Number(request.query.limit) <= 100)).toBe(true);
    expect(reads.length).toBeGreaterThanOrEqual(2);
  });

  it('answers INVALID_ARGUMENT for a cursor it did not issue, before calling Agora', async () => {
    harness.fake.control.clearRequests();
    expect(await codeOf(backend.users.list({ cursor: Buffer.from('p:not a vendor cursor!').toString('base64url') }))).toBe('INVALID_ARGUMENT');
    expect(harness.fake.control.requests).toEqual([]);
  });
});

describe('friends, blocks, relations', () => {
  it('adds both directions at once, keeps the alias on a\'s side only, and is idempotent', async () => {
    const [a, b] = await users(backend, 2);
    const first = await backend.friends.put(a!, b!, { alias: 'bee' });
    expect(first).toMatchObject({ uid: a, friend: b, alias: 'bee', extra: null });
    expect(await backdoor.friends(a!)).toEqual([{ friend: b, alias: 'bee' }]);
    expect(await backdoor.friends(b!)).toEqual([{ friend: a, alias: null }]);
    const again = await backend.friends.put(a!, b!, {});
    expect(again).toMatchObject({ alias: 'bee', since: first.since });
    expect(await backend.friends.get(b!, a!)).toMatchObject({ alias: null });
  });

  it('friends.update changes a\'s view only; NOT_FRIENDS without an entry', async () => {
    const [a, b, c] = await users(backend, 3);
    await backend.friends.put(a!, b!, {});
    expect(await backend.friends.update(a!, b!, { alias: 'x' })).toMatchObject({ alias: 'x' });
    expect(await backdoor.friends(b!)).toEqual([{ friend: a, alias: null }]);
    expect(await codeOf(backend.friends.update(a!, c!, { alias: 'x' }))).toBe('NOT_FRIENDS');
    expect(await codeOf(backend.friends.get(a!, c!))).toBe('NOT_FRIENDS');
    expect(await codeOf(backend.friends.update(a!, b!, { extra: 'e' }))).toBe('UNSUPPORTED_OPTION');
  });

  it('removes mutually and idempotently; one-way is UNSUPPORTED_OPTION and changes nothing', async () => {
    const [a, b] = await users(backend, 2);
    await backend.friends.put(a!, b!, {});
    expect(await codeOf(backend.friends.remove(a!, b!, 'one-way'))).toBe('UNSUPPORTED_OPTION');
    expect(await backdoor.friends(a!)).toHaveLength(1);
    await backend.friends.remove(a!, b!, 'mutual');
    await backend.friends.remove(a!, b!, 'mutual');
    expect(await backdoor.friends(a!)).toEqual([]);
    expect(await backdoor.friends(b!)).toEqual([]);
    expect(await codeOf(backend.friends.remove(a!, uid(), 'mutual'))).toBe('USER_NOT_FOUND');
  });

  it('lists with query (uid, name or alias) and uids filters', async () => {
    const [a, b, c, d] = await users(backend, 4);
    await backend.users.put(c!, { name: 'Zebra Person' });
    await backend.friends.put(a!, b!, { alias: 'Buddy' });
    await backend.friends.put(a!, c!, {});
    await backend.friends.put(a!, d!, {});
    const byAlias = await backend.friends.list(a!, { query: 'buddy' });
    expect(byAlias.items.map((item) => item.friend)).toEqual([b]);
    const byName = await backend.friends.list(a!, { query: 'zebra' });
    expect(byName.items.map((item) => item.friend)).toEqual([c]);
    const chosen = await backend.friends.list(a!, { uids: [d!, 'nobody'] });
    expect(chosen.items.map((item) => item.friend)).toEqual([d]);
    const paged = await backend.friends.list(a!, { limit: 2 });
    expect(paged.items).toHaveLength(2);
    expect(paged.nextCursor).not.toBeNull();
  });

  it('blocks one-way, keeps friendship, and reports relations from both sides', async () => {
    const [a, b] = await users(backend, 2);
    await backend.friends.put(a!, b!, { alias: 'bb' });
    const block = await backend.blocks.put(a!, b!);
    expect((await backend.blocks.put(a!, b!)).since).toBe(block.since);
    expect(await backdoor.blocks(a!)).toEqual([b]);
    expect(await backend.relations.get(a!, b!)).toEqual({ uid: a, other: b, friend: true, friendOf: true, blocking: true, blockedBy: false, alias: 'bb', extra: null });
    expect(await backend.relations.get(b!, a!)).toMatchObject({ blocking: false, blockedBy: true, alias: null });
    expect(await codeOf(backend.messages.send({ from: b!, to: { type: 'user', id: a! }, text: 'hi' }))).toBe('BLOCKED');
    expect(await codeOf(backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'hi' }))).toBe('OK');
    await backend.blocks.remove(a!, b!);
    await backend.blocks.remove(a!, b!);
    expect(await backdoor.blocks(a!)).toEqual([]);
  });

  it('batch-blocks in chunks of 50 with per-item results', async () => {
    const [owner] = await users(backend, 1);
    const targets = await users(backend, 55, 't');
    harness.fake.control.clearRequests();
    const result = await backend.blocks.putMany(owner!, [...targets, 'nobody-here']);
    expect(result.results.filter((item) => item.ok)).toHaveLength(55);
    expect(result.results[55]).toMatchObject({ id: 'nobody-here', ok: false, error: { code: 'USER_NOT_FOUND' } });
    const calls = harness.fake.control.requests.filter((request) => request.method === 'POST' && request.path.endsWith(`/users/${owner}/blocks/users`));
    expect(calls.map((request) => (JSON.parse(request.rawBody) as { usernames: string[] }).usernames.length)).toEqual([50, 5]);
    expect((await backdoor.blocks(owner!)).sort()).toEqual([...targets].sort());
    expect((await backend.blocks.list(owner!, { limit: 500 })).items).toHaveLength(55);
  });

  it('answers UNSUPPORTED for friend requests, the user whitelist and the conversation list', async () => {
    const [a, b] = await users(backend, 2);
    expect(await codeOf(backend.friendRequests.send(a!, b!, null))).toBe('UNSUPPORTED');
    expect(await codeOf(backend.userWhitelist.list(a!, {}))).toBe('UNSUPPORTED');
    expect(await codeOf(backend.conversations.list(a!, {}))).toBe('UNSUPPORTED');
    expect(backend.capabilities['friends.remove']).toEqual({ oneWay: false });
    expect(backend.capabilities['conversations.list']).toBe(false);
  });
});

describe.each(['group', 'chatroom'] as const)('rooms (%s)', (kind) => {
  async function room(memberCount = 2): Promise<{ ref: RoomRef; owner: string; members: string[] }> {
    const [owner, ...members] = await users(backend, memberCount + 1);
    const created = await backend.rooms.create(kind, { name: 'Room', owner: owner!, members });
    return { ref: { kind, id: created.id }, owner: owner!, members };
  }

  it('creates with the owner counted, reads, and dismisses', async () => {
    const { ref, owner, members } = await room(2);
    expect(await backend.rooms.get(ref)).toEqual({ id: ref.id, kind, name: 'Room', owner, muteAll: false, memberCount: 3 });
    expect(await backdoor.members(kind, ref.id)).toEqual([{ uid: owner, role: 'owner' }, ...members.map((member) => ({ uid: member, role: 'member' }))]);
    await backend.rooms.dismiss(ref);
    expect(await backdoor.room(kind, ref.id)).toBeNull();
    expect(await codeOf(backend.rooms.get(ref))).toBe('GROUP_NOT_FOUND');
  });

  it('creates nothing when a member is unknown, and refuses a caller-chosen id', async () => {
    const [owner] = await users(backend, 1);
    const before = harness.fake.state.rooms.size;
    expect(await codeOf(backend.rooms.create(kind, { name: 'x', owner: owner!, members: ['ghost-user'] }))).toBe('USER_NOT_FOUND');
    expect(await codeOf(backend.rooms.create(kind, { id: 'chosen', name: 'x', owner: owner! }))).toBe('UNSUPPORTED_OPTION');
    expect(harness.fake.state.rooms.size).toBe(before);
  });

  it('adds 130 members in chunks of 60 with per-item USER_NOT_FOUND / BLOCKED / existing ok', async () => {
    const { ref, members } = await room(2);
    const newcomers = await users(backend, 130, 'm');
    await backend.rooms.blocks.add(ref, [members[1]!]);
    harness.fake.control.clearRequests();
    const result = await backend.rooms.members.add(ref, [...newcomers, members[0]!, members[1]!, 'ghost-user']);
    expect(result.results.slice(0, 131).every((item) => item.ok)).toBe(true);
    expect(result.results[131]).toMatchObject({ id: members[1], ok: false, error: { code: 'BLOCKED' } });
    expect(result.results[132]).toMatchObject({ id: 'ghost-user', ok: false, error: { code: 'USER_NOT_FOUND' } });
    const adds = harness.fake.control.requests.filter((request) => request.method === 'POST' && request.path.endsWith(`/${ref.id}/users`));
    expect(adds.map((request) => (JSON.parse(request.rawBody) as { usernames: string[] }).usernames.length)).toEqual([60, 60, 10]);
    expect(await backdoor.members(kind, ref.id)).toHaveLength(1 + 1 + 130);
    const listed = await backend.rooms.members.list(ref, { limit: 500 });
    expect(listed.items).toHaveLength(132);
  });

  it('removes members idempotently; the owner is INVALID_ARGUMENT per item', async () => {
    const { ref, owner, members } = await room(2);
    const result = await backend.rooms.members.remove(ref, [members[0]!, owner, members[0]!]);
    expect(result.results.map((item) => [item.ok, item.error?.code])).toEqual([
      [true, undefined],
      [false, 'INVALID_ARGUMENT'],
      [true, undefined],
    ]);
    expect((await backdoor.members(kind, ref.id)).map((member) => member.uid)).toEqual([owner, members[1]]);
    expect((await backend.rooms.members.remove(ref, [members[0]!])).results[0]!.ok).toBe(true);
  });

  it('mutes with a duration or forever; NOT_MEMBER and owner refused; sends are MUTED', async () => {
    const { ref, owner, members } = await room(2);
    const [outsider] = await users(backend, 1);
    const timed = await backend.rooms.mutes.set(ref, members[0]!, 120);
    expect(Date.parse(timed.mutedUntil) - Date.now()).toBeGreaterThan(100_000);
    expect(await backend.rooms.mutes.set(ref, members[1]!, null)).toEqual({ uid: members[1], mutedUntil: 'forever' });
    expect((await backdoor.mutedMembers(kind, ref.id)).sort()).toEqual([...members].sort());
    expect(await codeOf(backend.rooms.mutes.set(ref, outsider!, 60))).toBe('NOT_MEMBER');
    expect(await codeOf(backend.rooms.mutes.set(ref, owner, 60))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(backend.messages.send({ from: members[0]!, to: { type: kind, id: ref.id }, text: 'hi' }))).toBe('MUTED');
    const muteBody = harness.fake.control.requests.filter((request) => request.method === 'POST' && request.path.endsWith(`/${ref.id}/mute`)).map((request) => JSON.parse(request.rawBody) as Record<string, unknown>);
    expect(muteBody.map((body) => body.mute_duration)).toEqual([120_000, -1]);
    await backend.rooms.mutes.remove(ref, members[0]!);
    expect((await backend.rooms.mutes.list(ref, {})).items).toEqual([{ uid: members[1], mutedUntil: 'forever' }]);
  });

  it('mute-all lets only owner and allow-listed members send; an individual mute still wins', async () => {
    const { ref, owner, members } = await room(3);
    const [listed, plain, mutedListed] = members as [string, string, string];
    await backend.rooms.whitelist.add(ref, [listed, mutedListed]);
    await backend.rooms.mutes.set(ref, mutedListed, null);
    expect((await backend.rooms.setMuteAll(ref, true)).muteAll).toBe(true);
    expect(await backdoor.room(kind, ref.id)).toMatchObject({ muteAll: true });
    const send = (from: string) => codeOf(backend.messages.send({ from, to: { type: kind, id: ref.id }, text: 'x' }));
    expect(await send(owner)).toBe('OK');
    expect(await send(listed)).toBe('OK');
    expect(await send(plain)).toBe('MUTED');
    expect(await send(mutedListed)).toBe('MUTED');
    expect((await backend.rooms.setMuteAll(ref, false)).muteAll).toBe(false);
    expect(await send(plain)).toBe('OK');
  });

  it('whitelist: members only (NOT_MEMBER per item), replace is all-or-nothing', async () => {
    const { ref, members } = await room(3);
    const [outsider] = await users(backend, 1);
    const added = await backend.rooms.whitelist.add(ref, [members[0]!, outsider!]);
    expect(added.results.map((item) => item.error?.code ?? 'ok')).toEqual(['ok', 'NOT_MEMBER']);
    expect(await codeOf(backend.rooms.whitelist.replace(ref, [members[1]!, outsider!]))).toBe('NOT_MEMBER');
    expect(await backdoor.roomWhitelist(kind, ref.id)).toEqual([members[0]]);
    const replaced = await backend.rooms.whitelist.replace(ref, [members[1]!, members[2]!]);
    expect(replaced.items).toEqual([{ uid: members[1] }, { uid: members[2] }]);
    expect((await backdoor.roomWhitelist(kind, ref.id)).sort()).toEqual([members[1], members[2]].sort());
    await backend.rooms.whitelist.remove(ref, members[1]!);
    await backend.rooms.whitelist.remove(ref, members[1]!);
    expect(await backdoor.roomWhitelist(kind, ref.id)).toEqual([members[2]]);
  });

  it('bans: removed from the room, cannot be re-added, sends get NOT_MEMBER, owner refused', async () => {
    const { ref, owner, members } = await room(2);
    const result = await backend.rooms.blocks.add(ref, [members[0]!, owner]);
    expect(result.results.map((item) => item.error?.code ?? 'ok')).toEqual(['ok', 'INVALID_ARGUMENT']);
    expect(await backdoor.roomBlocks(kind, ref.id)).toEqual([members[0]]);
    expect((await backdoor.members(kind, ref.id)).map((member) => member.uid)).not.toContain(members[0]);
    expect(await codeOf(backend.messages.send({ from: members[0]!, to: { type: kind, id: ref.id }, text: 'x' }))).toBe('NOT_MEMBER');
    expect((await backend.rooms.members.add(ref, [members[0]!])).results[0]).toMatchObject({ ok: false, error: { code: 'BLOCKED' } });
    await backend.rooms.blocks.remove(ref, members[0]!);
    expect(await backdoor.roomBlocks(kind, ref.id)).toEqual([]);
    expect((await backend.rooms.members.add(ref, [members[0]!])).results[0]!.ok).toBe(true);
  });

  it('answers GROUP_NOT_FOUND for an unknown room on every facet', async () => {
    const ref: RoomRef = { kind, id: '123456789' };
    expect(await codeOf(backend.rooms.members.list(ref, {}))).toBe('GROUP_NOT_FOUND');
    expect(await codeOf(backend.rooms.setMuteAll(ref, true))).toBe('GROUP_NOT_FOUND');
    expect(await codeOf(backend.rooms.dismiss(ref))).toBe('GROUP_NOT_FOUND');
    expect(await codeOf(backend.rooms.whitelist.list(ref, {}))).toBe('GROUP_NOT_FOUND');
  });
});

describe('messages and conversations', () => {
  it('a message creates the conversation on both sides; delete hides it for one user only', async () => {
    const [a, b] = await users(backend, 2);
    const sent = await backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'hi' });
    expect(sent.id).toMatch(/^\d{16,}$/);
    expect(BigInt(sent.id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(await backdoor.conversations(a!)).toEqual([{ type: 'user', id: b }]);
    await backend.conversations.delete(b!, 'user', a!);
    expect(await backdoor.conversations(b!)).toEqual([]);
    expect(await backdoor.conversations(a!)).toEqual([{ type: 'user', id: b }]);
    await backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'again' });
    expect(await backdoor.conversations(b!)).toEqual([{ type: 'user', id: a }]);
  });

  it('a group message reaches every member\'s conversations; non-members get NOT_MEMBER', async () => {
    const [owner, member, outsider] = await users(backend, 3);
    const group = await backend.rooms.create('group', { name: 'g', owner: owner!, members: [member!] });
    await backend.messages.send({ from: owner!, to: { type: 'group', id: group.id }, text: 'hi' });
    expect(await backdoor.conversations(member!)).toEqual([{ type: 'group', id: group.id }]);
    expect(await codeOf(backend.messages.send({ from: outsider!, to: { type: 'group', id: group.id }, text: 'hi' }))).toBe('NOT_MEMBER');
    await backend.conversations.delete(member!, 'group', group.id);
    expect(await backdoor.conversations(member!)).toEqual([]);
    expect(await codeOf(backend.messages.send({ from: owner!, to: { type: 'user', id: uid() }, text: 'x' }))).toBe('USER_NOT_FOUND');
    expect(await codeOf(backend.messages.send({ from: owner!, to: { type: 'chatroom', id: '42424242' }, text: 'x' }))).toBe('GROUP_NOT_FOUND');
  });

  it('emits one change record per successful write', async () => {
    const [a, b] = await users(backend, 2);
    harness.changes.length = 0;
    await backend.friends.put(a!, b!, {});
    await backend.blocks.put(a!, b!);
    expect(harness.changes.map((change) => change.type)).toEqual(['friend.added', 'block.added']);
    expect(harness.changes[0]).toMatchObject({ backend: 'agora-test', target: { uid: a, friend: b } });
  });

  it('reports health ok', async () => {
    expect(await backend.health()).toEqual({ ok: true });
  });
});
