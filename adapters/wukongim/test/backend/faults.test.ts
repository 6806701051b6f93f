/**
 * Fault hook tests: a two-call change whose second call fails leaves both sides as they were, or
 * answers PARTIAL_FAILURE with each side's exact state; only idempotent calls are retried; a 429
 * is retried after its Retry-After delay.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ImBridgeError, type StepState } from '../../../../src/spec/index.js';
import { startHarness, uid, users, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => {
  h.fake.control.clearFaults();
});
afterAll(async () => {
  await h.close();
});

async function rejection(promise: Promise<unknown>): Promise<ImBridgeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImBridgeError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('two-sided friend changes', () => {
  it('second whitelist_add fails → the first is undone, the caller gets the vendor error', async () => {
    const [a, b] = await users(h, 2);
    h.fake.control.addFault({ route: 'POST /channel/whitelist_add', nth: 2, kind: 'status', status: 500 });
    const error = await rejection(h.backend.friends.put(a!, b!, {}));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(await h.backdoor.friends(a!)).toEqual([]);
    expect(await h.backdoor.friends(b!)).toEqual([]);
    expect(h.fake.control.requestsTo('POST /channel/whitelist_remove').length).toBeGreaterThan(0);
  });

  it('second call fails and the undo fails too → PARTIAL_FAILURE with each side exact', async () => {
    const [a, b] = await users(h, 2);
    h.fake.control.addFault({ route: 'POST /channel/whitelist_add', nth: 2, kind: 'status', status: 500 });
    h.fake.control.addFault({ route: 'POST /channel/whitelist_remove', kind: 'status', status: 400, body: { msg: '获取频道所在节点失败！', status: 400 } });
    const error = await rejection(h.backend.friends.put(a!, b!, {}));
    expect(error.code).toBe('PARTIAL_FAILURE');
    const steps = error.details?.steps as StepState[];
    expect(steps.map((entry) => [entry.step, entry.state])).toEqual([
      [`whitelist_add ${b} to ${a}`, 'applied'],
      [`whitelist_add ${a} to ${b}`, 'not-applied'],
    ]);
    // The report matches the vendor's real state.
    expect((await h.backdoor.friends(a!)).map((entry) => entry.friend)).toEqual([b]);
    expect(await h.backdoor.friends(b!)).toEqual([]);
  });

  it('second call gets no answer at all → first undone, PARTIAL_FAILURE says the second is unknown', async () => {
    const [a, b] = await users(h, 2);
    h.fake.control.addFault({ route: 'POST /channel/whitelist_add', nth: 2, times: 3, kind: 'hang' });
    const error = await rejection(h.backend.friends.put(a!, b!, {}));
    expect(error.code).toBe('PARTIAL_FAILURE');
    expect((error.details?.steps as StepState[]).map((entry) => entry.state)).toEqual(['not-applied', 'unknown']);
    expect(await h.backdoor.friends(a!)).toEqual([]);
    h.fake.control.releaseHanging();
  });

  it('mutual remove: second whitelist_remove fails → the first side is restored', async () => {
    const [a, b] = await users(h, 2);
    await h.backend.friends.put(a!, b!, {});
    h.fake.control.addFault({ route: 'POST /channel/whitelist_remove', nth: 2, kind: 'status', status: 500 });
    expect((await rejection(h.backend.friends.remove(a!, b!, 'mutual'))).code).toBe('UPSTREAM_ERROR');
    expect((await h.backdoor.friends(a!)).map((entry) => entry.friend)).toEqual([b]);
    expect((await h.backdoor.friends(b!)).map((entry) => entry.friend)).toEqual([a]);
  });
});

describe('multi-call room changes', () => {
  it('create: the metadata write fails → the channel is emptied and disbanded, no room exists', async () => {
    const [owner, member] = await users(h, 2);
    const id = uid('g');
    h.fake.control.addFault({ route: 'POST /channel/whitelist_set', nth: 2, kind: 'status', status: 500 });
    expect((await rejection(h.backend.rooms.create('group', { id, name: 'n', owner: owner!, members: [member!] }))).code).toBe('UPSTREAM_ERROR');
    expect(await h.backdoor.room('group', id)).toBeNull();
    expect(await h.backdoor.members('group', id)).toEqual([]);
    expect(h.fake.state.channel(id, 2)?.subscribers.size).toBe(0);
    expect(h.fake.state.channel(id, 2)?.info.disband).toBe(1);
    await h.backend.rooms.create('group', { id, name: 'n', owner: owner! });
  });

  it('dismiss: clearing the metadata fails → the disband is undone with every flag sent', async () => {
    const [owner] = await users(h, 1);
    const room = { kind: 'group' as const, id: uid('g') };
    await h.backend.rooms.create('group', { id: room.id, name: 'n', owner: owner! });
    h.fake.control.addFault({ route: 'POST /channel/whitelist_set', kind: 'status', status: 500 });
    expect((await rejection(h.backend.rooms.dismiss(room))).code).toBe('UPSTREAM_ERROR');
    expect(await h.backdoor.room('group', room.id)).toMatchObject({ owner });
    expect(h.fake.state.channel(room.id, 2)?.info).toEqual({ large: 0, ban: 0, disband: 0, send_ban: 0, allow_stranger: 0 });
  });

  it('room whitelist add during mute-all: the vendor list update fails → the stored entry is undone', async () => {
    const [owner, member] = await users(h, 2);
    const room = { kind: 'group' as const, id: uid('g') };
    await h.backend.rooms.create('group', { id: room.id, name: 'n', owner: owner!, members: [member!] });
    await h.backend.rooms.setMuteAll(room, true);
    h.fake.control.addFault({ route: 'POST /channel/whitelist_add', nth: 2, kind: 'status', status: 500 });
    const result = await h.backend.rooms.whitelist.add(room, [member!]);
    expect(result.results[0]).toMatchObject({ id: member, ok: false, error: { code: 'UPSTREAM_ERROR' } });
    expect(await h.backdoor.roomWhitelist('group', room.id)).toEqual([]);
    expect([...(h.fake.state.channel(room.id, 2)?.whitelist.keys() ?? [])]).toEqual([owner]);
  });
});

describe('retries', () => {
  it('an idempotent read is retried after a 503 and a hang; the send is never retried', async () => {
    const [a, b] = await users(h, 2);
    h.fake.control.clearRequests();
    h.fake.control.addFault({ route: 'GET /channel/whitelist', kind: 'status', status: 503 });
    expect(await h.backend.users.get(a!)).toMatchObject({ uid: a });
    expect(h.fake.control.requestsTo('GET /channel/whitelist')).toHaveLength(2);

    h.fake.control.addFault({ route: 'GET /channel/whitelist', kind: 'hang' });
    expect(await h.backend.users.get(b!)).toMatchObject({ uid: b });

    h.fake.control.clearRequests();
    h.fake.control.addFault({ route: 'POST /message/send', kind: 'status', status: 503 });
    expect((await rejection(h.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'x' }))).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(h.fake.control.requestsTo('POST /message/send')).toHaveLength(1);

    h.fake.control.clearRequests();
    h.fake.control.addFault({ route: 'POST /message/send', kind: 'hang' });
    expect((await rejection(h.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'x' }))).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(h.fake.control.requestsTo('POST /message/send')).toHaveLength(1);
    expect(await h.backdoor.conversations(b!)).toEqual([]);
    h.fake.control.releaseHanging();
  });

  it('a 429 is retried after its Retry-After delay', async () => {
    const [a] = await users(h, 1);
    h.fake.control.clearRequests();
    h.fake.control.addFault({ route: 'GET /channel/whitelist', kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    expect(await h.backend.users.get(a!)).toMatchObject({ uid: a });
    const [first, second] = h.fake.control.requestsTo('GET /channel/whitelist');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('a 429 on the send is not retried: RATE_LIMITED with Retry-After for the caller', async () => {
    const [a, b] = await users(h, 2);
    h.fake.control.clearRequests();
    h.fake.control.addFault({ route: 'POST /message/send', kind: 'status', status: 429, headers: { 'retry-after': '3' } });
    const error = await rejection(h.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'x' }));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterSeconds).toBe(3);
    expect(h.fake.control.requestsTo('POST /message/send')).toHaveLength(1);
  });
});
