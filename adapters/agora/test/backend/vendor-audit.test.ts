/**
 * The findings of the December 2026 vendor audit (NOTES.md, "Audit 2026-12"), each checked on
 * what a user of the adapter would notice: the state the fake holds after the call, or the error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../../../src/spec/index.js';
import { startHarness, users, type Harness } from './harness.js';

let harness: Harness;
let backend: Backend;

beforeAll(async () => {
  harness = await startHarness();
  backend = harness.backend;
});
afterAll(async () => {
  await harness.close();
});

describe('A1: a chat room is created with a description the server cannot take for missing', () => {
  it('creates the room on a server that refuses an empty description, and names it by the room', async () => {
    const [owner, member] = await users(backend, 2);
    const room = await backend.rooms.create('chatroom', { name: 'Lobby', owner: owner!, members: [member!] });
    expect(harness.fake.state.room('chatrooms', room.id)).toMatchObject({ name: 'Lobby', description: 'Lobby', owner });
  });
});

describe('A2: a group is private, so app users can neither find it nor join it unasked', () => {
  it('creates the group with public false', async () => {
    const [owner, member] = await users(backend, 2);
    const room = await backend.rooms.create('group', { name: 'Team', owner: owner!, members: [member!] });
    expect(harness.fake.state.room('chatgroups', room.id)).toMatchObject({ name: 'Team', public: false });
  });
});

describe.each([
  ['group', 'chatgroups'],
  ['chatroom', 'chatrooms'],
] as const)('A3: admins (%s)', (kind, resource) => {
  async function room(): Promise<{ id: string; owner: string; members: string[] }> {
    const [owner, ...members] = await users(backend, 4);
    const created = await backend.rooms.create(kind, { name: 'Room', owner: owner!, members });
    return { id: created.id, owner: owner!, members };
  }

  it('lists an admin made on the Agora side (console, client SDK) with role admin', async () => {
    const { id, owner, members } = await room();
    harness.fake.state.room(resource, id)!.admins.push(members[1]!);
    const listed = await backend.rooms.members.list({ kind, id }, {});
    expect(listed.items.map((member) => [member.uid, member.role])).toEqual([
      [owner, 'owner'],
      [members[0], 'member'],
      [members[1], 'admin'],
      [members[2], 'member'],
    ]);
  });

  it('sets and clears the role through the admin calls; a stranger is NOT_MEMBER, the owner INVALID_ARGUMENT', async () => {
    const { id, owner, members } = await room();
    const [stranger] = await users(backend, 1);
    expect(await backend.rooms.members.setRole({ kind, id }, members[0]!, 'admin')).toEqual({ uid: members[0], role: 'admin', mutedUntil: null });
    expect(harness.fake.state.room(resource, id)!.admins).toEqual([members[0]]);
    await expect(backend.rooms.members.setRole({ kind, id }, stranger!, 'admin')).rejects.toMatchObject({ code: 'NOT_MEMBER' });
    await expect(backend.rooms.members.setRole({ kind, id }, owner, 'member')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await backend.rooms.members.setRole({ kind, id }, members[0]!, 'member');
    expect(harness.fake.state.room(resource, id)!.admins).toEqual([]);
  });

  it('lets an admin send during mute-all (the unified rule; Easemob puts admins on the allow list)', async () => {
    const { id, members } = await room();
    harness.fake.state.room(resource, id)!.admins.push(members[0]!);
    await backend.rooms.setMuteAll({ kind, id }, true);
    await backend.messages.send({ from: members[0]!, to: { type: kind, id }, text: 'announcement' });
    await expect(backend.messages.send({ from: members[1]!, to: { type: kind, id }, text: 'me too' })).rejects.toMatchObject({ code: 'MUTED' });
  });
});

describe.each(['per-call', 'service-resource'] as const)('N11: a missing room answered the %s way is GROUP_NOT_FOUND everywhere', (missingRoom) => {
  let variant: Harness;
  beforeAll(async () => {
    variant = await startHarness({ fake: { missingRoom } });
  });
  afterAll(async () => {
    await variant.close();
  });

  it.each(['group', 'chatroom'] as const)('%s', async (kind) => {
    const [a, b] = await users(variant.backend, 2);
    const ref = { kind, id: '123456789' };
    const rooms = variant.backend.rooms;
    const calls: Array<[string, Promise<unknown>]> = [
      ['get', rooms.get(ref)],
      ['dismiss', rooms.dismiss(ref)],
      ['setMuteAll', rooms.setMuteAll(ref, true)],
      ['members.list', rooms.members.list(ref, {})],
      ['members.add', rooms.members.add(ref, [b!])],
      ['members.setRole', rooms.members.setRole(ref, b!, 'admin')],
      ['mutes.list', rooms.mutes.list(ref, {})],
      ['whitelist.list', rooms.whitelist.list(ref, {})],
      ['blocks.list', rooms.blocks.list(ref, {})],
      ['messages.send', variant.backend.messages.send({ from: a!, to: { type: kind, id: ref.id }, text: 'x' })],
    ];
    if (kind === 'group') calls.push(['conversations.delete', variant.backend.conversations.delete(a!, 'group', ref.id)]);
    const codes = await Promise.all(calls.map(async ([name, call]) => [name, await call.then(() => 'OK', (error: { code?: string }) => error.code)]));
    expect(codes).toEqual(calls.map(([name]) => [name, 'GROUP_NOT_FOUND']));
    await expect(variant.backend.users.get('nobody-here')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });
});
