/**
 * Fault-hook tests: a failure in the second call of a two-call change leaves both sides as they
 * were (the first call undone) or answers PARTIAL_FAILURE with each side's exact state; only
 * idempotent calls are retried; throttles (HTTP 429 with Retry-After, Wildfire code 250) are
 * retried after their delay.
 */
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

const EXCEPTION = { kind: 'status' as const, status: 500, body: 'java.lang.NullPointerException' };

describe('wildfire two-call changes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await setup({ fake: { edition: 'pro' }, config: { edition: 'pro' } });
  });
  afterAll(async () => h.close());

  it('friends.put: set_alias fails after friend/status → the friendship is undone on both sides', async () => {
    const [a, b] = await users(h, 'a', 'b');
    h.fake.control.clearFaults();
    h.fake.control.addFault({ route: 'POST /admin/friend/set_alias', ...EXCEPTION });
    const error = await failure(h.backend.friends.put(a!, b!, { alias: 'B' }));
    expect(error.code).toBe('UPSTREAM_ERROR');
    const backdoor = createBackdoor(h.fake);
    expect(await backdoor.friends(a!)).toEqual([]);
    expect(await backdoor.friends(b!)).toEqual([]);
    expect(h.fake.control.requestsTo('POST /admin/friend/status').map((request) => JSON.parse(request.rawBody).status).slice(-2)).toEqual([0, 1]);
  });

  it('friends.put on a one-way pair: the undo restores exactly the one-way state', async () => {
    const [a, b] = await users(h, 'a', 'b');
    await h.backend.friends.put(a!, b!, {});
    await h.backend.friends.remove(b!, a!, 'one-way');
    h.fake.control.clearFaults();
    h.fake.control.addFault({ route: 'POST /admin/friend/set_extra', ...EXCEPTION });
    await failure(h.backend.friends.put(a!, b!, { extra: 'x' }));
    const backdoor = createBackdoor(h.fake);
    expect(await backdoor.friends(a!)).toEqual([{ friend: b, alias: null }]);
    expect(await backdoor.friends(b!)).toEqual([]);
  });

  it('friends.put on a one-way pair: a failing set_alias leaves a\'s extra as it was (friend/status blanked it)', async () => {
    const [a, b] = await users(h, 'a', 'b');
    await h.backend.friends.put(a!, b!, { extra: 'x' }, 'one-way');
    h.fake.control.clearFaults();
    h.fake.control.addFault({ route: 'POST /admin/friend/set_alias', ...EXCEPTION });
    expect((await failure(h.backend.friends.put(a!, b!, { alias: 'B' }))).code).toBe('UPSTREAM_ERROR');
    expect(h.fake.state.row(a!, b!)).toMatchObject({ state: 0, alias: '', extra: 'x' });
    expect(await createBackdoor(h.fake).friends(b!)).toEqual([]);
  });

  it('friends.put: when the undo fails too → PARTIAL_FAILURE with each step exact, matching the fake', async () => {
    const [a, b] = await users(h, 'a', 'b');
    h.fake.control.clearFaults();
    h.fake.control.addFault({ route: 'POST /admin/friend/set_alias', ...EXCEPTION });
    // The first friend/status (apply) succeeds, the second (undo) fails.
    h.fake.control.addFault({ route: 'POST /admin/friend/status', nth: 2, ...EXCEPTION });
    const error = await failure(h.backend.friends.put(a!, b!, { alias: 'B' }));
    expect(error.code).toBe('PARTIAL_FAILURE');
    const steps = (error.details as { steps: Array<{ step: string; state: string }> }).steps;
    expect(steps.map((step) => [step.step, step.state])).toEqual([
      [`friend/status ${a}↔${b} = friends`, 'applied'],
      [`set_alias ${a}→${b}`, 'not-applied'],
    ]);
    const backdoor = createBackdoor(h.fake);
    expect(await backdoor.friends(a!)).toEqual([{ friend: b, alias: null }]);
    expect(await backdoor.friends(b!)).toEqual([{ friend: a, alias: null }]);
  });

  it('friends.put: a second call with no answer (timeouts) → PARTIAL_FAILURE even though the undo worked', async () => {
    const [a, b] = await users(h, 'a', 'b');
    h.fake.control.clearFaults();
    h.fake.control.addFault({ route: 'POST /admin/friend/set_alias', kind: 'hang', times: 3 });
    const error = await failure(h.backend.friends.put(a!, b!, { alias: 'B' }));
    expect(error.code).toBe('PARTIAL_FAILURE');
    const steps = (error.details as { steps: Array<{ state: string }> }).steps;
    expect(steps.map((step) => step.state)).toEqual(['not-applied', 'unknown']);
    expect(await createBackdoor(h.fake).friends(a!)).toEqual([]);
    h.fake.control.releaseHanging();
  });

  it('friends.update: set_extra fails after set_alias → the alias is restored', async () => {
    const [a, b] = await users(h, 'a', 'b');
    await h.backend.friends.put(a!, b!, { alias: 'old', extra: 'e' });
    h.fake.control.clearFaults();
    h.fake.control.addFault({ route: 'POST /admin/friend/set_extra', ...EXCEPTION });
    await failure(h.backend.friends.update(a!, b!, { alias: 'new', extra: 'f' }));
    expect(h.fake.state.row(a!, b!)).toMatchObject({ alias: 'old', extra: 'e', state: 0 });
  });

  it('groups whitelist.replace: the second switch fails → the first is undone', async () => {
    const [o, m1, m2] = await users(h, 'o', 'm1', 'm2');
    const id = rid('g');
    const ref = { kind: 'group' as const, id };
    await h.backend.rooms.create('group', { id, name: 'G', owner: o!, members: [m1!, m2!] });
    await h.backend.rooms.whitelist.add(ref, [m1!]);
    h.fake.control.clearFaults();
    h.fake.control.addFault({ route: 'POST /admin/group/manager/allow', nth: 2, ...EXCEPTION });
    await failure(h.backend.rooms.whitelist.replace(ref, [m2!]));
    expect(await createBackdoor(h.fake).roomWhitelist('group', id)).toEqual([m1]);
  });
});

describe('wildfire retries', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await setup();
  });
  afterAll(async () => h.close());

  it('non-idempotent calls are never retried: message/send, group/create, friend/send_request, group/del', async () => {
    const [a, b] = await users(h, 'a', 'b');
    const id = rid('g');
    await h.backend.rooms.create('group', { id, name: 'G', owner: a! });
    h.fake.control.clearFaults();
    h.fake.control.clearRequests();
    for (const route of ['/admin/message/send', '/admin/group/create', '/admin/friend/send_request', '/admin/group/del']) {
      h.fake.control.addFault({ route: `POST ${route}`, kind: 'status', status: 503, times: 3 });
    }
    const messages = h.fake.state.messages.length;
    expect((await failure(h.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'x' }))).code).toBe('UPSTREAM_UNAVAILABLE');
    expect((await failure(h.backend.rooms.create('group', { id: rid('g'), name: 'G', owner: a! }))).code).toBe('UPSTREAM_UNAVAILABLE');
    expect((await failure(h.backend.friendRequests.send(a!, b!, null))).code).toBe('UPSTREAM_UNAVAILABLE');
    expect((await failure(h.backend.rooms.dismiss({ kind: 'group', id }))).code).toBe('UPSTREAM_UNAVAILABLE');
    for (const route of ['/admin/message/send', '/admin/group/create', '/admin/friend/send_request', '/admin/group/del']) {
      expect(h.fake.control.requestsTo(`POST ${route}`), route).toHaveLength(1);
    }
    expect(h.fake.state.messages.length).toBe(messages);
  });

  it('idempotent calls are retried on 503, a dropped connection, and a hang past the timeout', async () => {
    const [a, b] = await users(h, 'a', 'b');
    h.fake.control.clearFaults();
    h.fake.control.clearRequests();
    h.fake.control.addFault({ route: 'POST /admin/blacklist/status', kind: 'status', status: 503 });
    h.fake.control.addFault({ route: 'POST /admin/relation/get', kind: 'drop' });
    await h.backend.blocks.put(a!, b!);
    expect(await createBackdoor(h.fake).blocks(a!)).toEqual([b]);
    expect(h.fake.control.requestsTo('POST /admin/blacklist/status')).toHaveLength(2);
    h.fake.control.addFault({ route: 'POST /admin/blacklist/list', kind: 'hang' });
    expect((await h.backend.blocks.list(a!, {})).items.map((block) => block.blocked)).toEqual([b]);
    expect(h.fake.control.requestsTo('POST /admin/blacklist/list')).toHaveLength(2);
    h.fake.control.releaseHanging();
  });

  it('a hang on message/send is UPSTREAM_UNAVAILABLE after the timeout, with one attempt', async () => {
    const [a, b] = await users(h, 'a', 'b');
    h.fake.control.clearFaults();
    h.fake.control.clearRequests();
    h.fake.control.addFault({ route: 'POST /admin/message/send', kind: 'hang' });
    const started = Date.now();
    const error = await failure(h.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'x' }));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(h.fake.control.requestsTo('POST /admin/message/send')).toHaveLength(1);
    h.fake.control.releaseHanging();
  });

  it('an HTTP 429 is retried after its Retry-After delay', async () => {
    const [a] = await users(h, 'a');
    h.fake.control.clearFaults();
    h.fake.control.clearRequests();
    h.fake.control.addFault({ route: 'POST /admin/friend/list', kind: 'status', status: 429, headers: { 'Retry-After': '1' } });
    expect((await h.backend.friends.list(a!, {})).items).toEqual([]);
    const attempts = h.fake.control.requestsTo('POST /admin/friend/list');
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('code 250 "over frequency" is retried after backoff on idempotent calls, RATE_LIMITED at once on a send', async () => {
    const [a, b] = await users(h, 'a', 'b');
    const throttled = { code: 250, msg: 'over frequency', result: { code: 250, msg: 'over frequency' } };
    h.fake.control.clearFaults();
    h.fake.control.clearRequests();
    h.fake.control.addFault({ route: 'POST /admin/friend/list', kind: 'status', status: 200, times: 2, body: throttled });
    expect((await h.backend.friends.list(a!, {})).items).toEqual([]);
    expect(h.fake.control.requestsTo('POST /admin/friend/list')).toHaveLength(3);
    h.fake.control.addFault({ route: 'POST /admin/message/send', kind: 'status', status: 200, body: throttled });
    const error = await failure(h.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'x' }));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(h.fake.control.requestsTo('POST /admin/message/send')).toHaveLength(1);
  });

  it('the real rate limiter of the fake (code 250) surfaces as RATE_LIMITED once retries are spent', async () => {
    const limited = await setup({ fake: { rateLimit: 1 } });
    try {
      await limited.backend.health();
      const error = await failure(limited.backend.users.get(rid()));
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.upstream).toMatchObject({ code: '250' });
    } finally {
      await limited.close();
    }
  });
});
