/**
 * Faults injected through the fake's hook: a two-call change whose second call fails is undone
 * (or answers PARTIAL_FAILURE with each side's exact state); only idempotent calls are retried;
 * a 429 is retried after its delay; a 401 rebuilds the token once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Backdoor } from '../../../../src/conformance/backdoor.js';
import type { ImBridgeError, StepState } from '../../../../src/spec/index.js';
import { createBackdoor } from '../../fake/backdoor.js';
import { startHarness, users, type Harness } from './harness.js';

let harness: Harness;
let backdoor: Backdoor;
const prefix = () => `/${harness.fake.credentials.orgName}/${harness.fake.credentials.appName}`;
const serverError = { error: 'web_application', exception: 'javax.ws.rs.WebApplicationException', error_description: 'boom' };

beforeAll(async () => {
  harness = await startHarness({ config: { timeoutMs: 300 } });
  backdoor = createBackdoor(harness.fake);
});
afterEach(() => {
  harness.fake.control.clearFaults();
});
afterAll(async () => {
  await harness.close();
});

describe('two-call changes', () => {
  it('friends.put with an alias: the remark call fails → the contact add is undone on both sides', async () => {
    const [a, b] = await users(harness.backend, 2);
    harness.fake.control.addFault({ route: `PUT ${prefix()}/user/${a}/contacts/users/${b}`, kind: 'status', status: 500, body: serverError });
    await expect(harness.backend.friends.put(a!, b!, { alias: 'x' })).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(await backdoor.friends(a!)).toEqual([]);
    expect(await backdoor.friends(b!)).toEqual([]);
  });

  it('friends.put: remark fails and the undo fails too → PARTIAL_FAILURE with exact states, matching the fake', async () => {
    const [a, b] = await users(harness.backend, 2);
    harness.fake.control.addFault({ route: `PUT ${prefix()}/user/${a}/contacts/users/${b}`, kind: 'status', status: 500, body: serverError });
    harness.fake.control.addFault({ route: `DELETE ${prefix()}/users/${a}/contacts/users/${b}`, kind: 'status', status: 500, body: serverError });
    const failure = (await harness.backend.friends.put(a!, b!, { alias: 'x' }).catch((error: unknown) => error)) as ImBridgeError;
    expect(failure.code).toBe('PARTIAL_FAILURE');
    const steps = failure.details?.steps as StepState[];
    expect(steps.map((step) => [step.step, step.state])).toEqual([
      [`add contact ${a}↔${b}`, 'applied'],
      [`set ${a}'s remark for ${b}`, 'not-applied'],
    ]);
    expect(steps[0]!.error).toMatch(/^undo failed/);
    expect(await backdoor.friends(a!)).toEqual([{ friend: b, alias: null }]);
    expect(await backdoor.friends(b!)).toEqual([{ friend: a, alias: null }]);
  });

  it.each(['group', 'chatroom'] as const)('%s whitelist.replace: the add call fails → the removals are undone', async (kind) => {
    const [owner, m1, m2, m3] = await users(harness.backend, 4);
    const room = await harness.backend.rooms.create(kind, { name: 'r', owner: owner!, members: [m1!, m2!, m3!] });
    const ref = { kind, id: room.id };
    await harness.backend.rooms.whitelist.add(ref, [m1!, m2!]);
    const resource = kind === 'group' ? 'chatgroups' : 'chatrooms';
    harness.fake.control.addFault({ route: `POST ${prefix()}/${resource}/${room.id}/white/users`, kind: 'status', status: 500, body: serverError });
    await expect(harness.backend.rooms.whitelist.replace(ref, [m3!])).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect((await backdoor.roomWhitelist(kind, room.id)).sort()).toEqual([m1, m2].sort());
  });

  it('whitelist.replace: the add call gets no answer and the undo fails → PARTIAL_FAILURE with unknown/applied states', async () => {
    // Its own fake and backend: six dropped calls in a row open this backend's circuit breaker.
    const own = await startHarness({ config: { timeoutMs: 300 } });
    try {
      const ownBackdoor = createBackdoor(own.fake);
      const [owner, m1, m2] = await users(own.backend, 3);
      const room = await own.backend.rooms.create('group', { name: 'r', owner: owner!, members: [m1!, m2!] });
      await own.backend.rooms.whitelist.add({ kind: 'group', id: room.id }, [m1!]);
      const ownPrefix = `/${own.fake.credentials.orgName}/${own.fake.credentials.appName}`;
      // The add is POST (set-like, retried): every attempt is dropped, and so is the re-add undo.
      own.fake.control.addFault({ route: `POST ${ownPrefix}/chatgroups/${room.id}/white/users`, kind: 'drop', times: 10 });
      const failure = (await own.backend.rooms.whitelist.replace({ kind: 'group', id: room.id }, [m2!]).catch((error: unknown) => error)) as ImBridgeError;
      expect(failure.code).toBe('PARTIAL_FAILURE');
      const steps = failure.details?.steps as StepState[];
      expect(steps.map((step) => step.state)).toEqual(['applied', 'unknown']);
      expect(steps[0]!.error).toMatch(/^undo failed/);
      // Exactly what the states say: m1 removed, m2 never added.
      expect(await ownBackdoor.roomWhitelist('group', room.id)).toEqual([]);
    } finally {
      await own.close();
    }
  });
});

describe('retries', () => {
  it('retries an idempotent read after a 503 and succeeds', async () => {
    const [a] = await users(harness.backend, 1);
    const route = `GET ${prefix()}/users/${a}`;
    harness.fake.control.addFault({ route, kind: 'status', status: 503 });
    harness.fake.control.clearRequests();
    await expect(harness.backend.users.get(a!)).resolves.toMatchObject({ uid: a });
    expect(harness.fake.control.requestsTo(route)).toHaveLength(2);
  });

  it('retries an idempotent read that hangs past the timeout', async () => {
    const [a] = await users(harness.backend, 1);
    const route = `GET ${prefix()}/users/${a}`;
    harness.fake.control.addFault({ route, kind: 'hang' });
    harness.fake.control.clearRequests();
    await expect(harness.backend.users.get(a!)).resolves.toMatchObject({ uid: a });
    expect(harness.fake.control.requestsTo(route)).toHaveLength(2);
  });

  it('never retries a send (not idempotent): a dropped connection is UPSTREAM_UNAVAILABLE after one request', async () => {
    const [a, b] = await users(harness.backend, 2);
    const route = `POST ${prefix()}/messages/users`;
    harness.fake.control.addFault({ route, kind: 'drop' });
    harness.fake.control.clearRequests();
    await expect(harness.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'x' })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(harness.fake.control.requestsTo(route)).toHaveLength(1);
  });

  it('never retries a room create or a contact add after a 503', async () => {
    const [a, b] = await users(harness.backend, 2);
    const routes = [`POST ${prefix()}/chatrooms`, `POST ${prefix()}/users/${a}/contacts/users/${b}`];
    for (const route of routes) harness.fake.control.addFault({ route, kind: 'status', status: 503 });
    harness.fake.control.clearRequests();
    await expect(harness.backend.rooms.create('chatroom', { name: 'r', owner: a! })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    await expect(harness.backend.friends.put(a!, b!, {})).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    for (const route of routes) expect(harness.fake.control.requestsTo(route)).toHaveLength(1);
    expect(await backdoor.friends(a!)).toEqual([]);
  });

  it('retries a 429 reach_limit after its Retry-After delay', async () => {
    const [a] = await users(harness.backend, 1);
    const route = `GET ${prefix()}/users/${a}`;
    harness.fake.control.addFault({
      route,
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '0.25' },
      body: { error: 'reach_limit', exception: 'ReachLimitException', error_description: 'This request has reached API limit.' },
    });
    harness.fake.control.clearRequests();
    const started = performance.now();
    await expect(harness.backend.users.get(a!)).resolves.toMatchObject({ uid: a });
    const requests = harness.fake.control.requestsTo(route);
    expect(requests).toHaveLength(2);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(240);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('retries a 429 without Retry-After with backoff; a lasting one is RATE_LIMITED', async () => {
    const [a] = await users(harness.backend, 1);
    const route = `GET ${prefix()}/users/${a}`;
    const throttled = { error: 'reach_limit', error_description: 'This request has reached API limit.' };
    harness.fake.control.addFault({ route, kind: 'status', status: 429, body: throttled });
    await expect(harness.backend.users.get(a!)).resolves.toMatchObject({ uid: a });
    harness.fake.control.addFault({ route, kind: 'status', status: 429, body: throttled, times: 5 });
    harness.fake.control.clearRequests();
    await expect(harness.backend.users.get(a!)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(harness.fake.control.requestsTo(route)).toHaveLength(3);
  });

  it('does not wait out a plan quota (429 resource_limited): UPSTREAM_ERROR after one request', async () => {
    const [a] = await users(harness.backend, 1);
    const route = `GET ${prefix()}/users/${a}`;
    harness.fake.control.addFault({ route, kind: 'status', status: 429, body: { error: 'resource_limited', error_description: 'You have exceeded the limit of the Free edition' } });
    harness.fake.control.clearRequests();
    await expect(harness.backend.users.get(a!)).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(harness.fake.control.requestsTo(route)).toHaveLength(1);
  });

  it('rebuilds the app token once on a 401 and keeps using the new one', async () => {
    const [a, b] = await users(harness.backend, 2);
    const route = `POST ${prefix()}/messages/users`;
    harness.fake.control.addFault({ route, kind: 'status', status: 401, body: { error: 'unauthorized', error_description: 'Unable to authenticate due to expired access token' } });
    harness.fake.control.clearRequests();
    await expect(harness.backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'x' })).resolves.toMatchObject({ id: expect.any(String) });
    const sends = harness.fake.control.requestsTo(route);
    expect(sends).toHaveLength(2);
    expect(sends[0]!.headers.authorization).not.toBe(sends[1]!.headers.authorization);
    expect(harness.fake.state.messages.filter((message) => message.from === a)).toHaveLength(1);
    await harness.backend.users.get(b!);
    expect(harness.fake.control.requests.at(-1)!.headers.authorization).toBe(sends[1]!.headers.authorization);
  });
});
