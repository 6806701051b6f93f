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
