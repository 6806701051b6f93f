/**
 * With the fake's fault hook: two-call changes are all-or-nothing or PARTIAL_FAILURE with exact
 * step states; only idempotent calls are retried; a 429 waits for its Retry-After; a refused
 * admin token is fetched anew once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ImBridgeError, toErrorBody } from '../../../../src/spec/index.js';
import { createBackdoor } from '../../fake/backdoor.js';
import { createBackend } from '../../backend/index.js';
import type { OpenImConfig } from '../../backend/config.js';
import { rid, seedUsers, startHarness, type Harness } from './harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => harness.close());
afterEach(() => {
  harness.fake.control.clearFaults();
});

async function failure(promise: Promise<unknown>): Promise<ImBridgeError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ImBridgeError)) throw new Error(`expected an ImBridgeError, got ${String(error)}`);
  return error;
}

describe('two-call changes', () => {
  it('mutual remove: the second delete_friend fails → the first is undone, alias and extra restored', async () => {
    const { backend, fake } = harness;
    const backdoor = createBackdoor(fake);
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    await backend.friends.put(a, b, { alias: 'Bee', extra: 'x' });
    fake.control.addFault({ route: 'POST /friend/delete_friend', nth: 2, kind: 'status', status: 500, body: 'boom' });
    const error = await failure(backend.friends.remove(a, b, 'mutual'));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(await backdoor.friends(a)).toEqual([{ friend: b, alias: 'Bee' }]);
    expect(await backdoor.friends(b)).toEqual([{ friend: a, alias: null }]);
    expect(fake.state.friendRow(a, b)?.ex).toBe('x');
  });

  it('mutual remove: the second call fails and the undo fails too → PARTIAL_FAILURE with each side\'s state', async () => {
    const { backend, fake } = harness;
    const backdoor = createBackdoor(fake);
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    await backend.friends.put(a, b, {});
    fake.control.addFault({ route: 'POST /friend/delete_friend', nth: 2, kind: 'status', status: 500, body: 'boom' });
    fake.control.addFault({ route: 'POST /friend/import_friend', nth: 1, kind: 'status', status: 500, body: 'boom' });
    const error = await failure(backend.friends.remove(a, b, 'mutual'));
    expect(error.code).toBe('PARTIAL_FAILURE');
    expect(toErrorBody(error).details?.['steps']).toEqual([
      { step: `delete_friend ${a}→${b}`, state: 'applied', error: expect.stringMatching(/^undo failed: UPSTREAM_ERROR/) },
      { step: `delete_friend ${b}→${a}`, state: 'not-applied', error: expect.stringMatching(/^UPSTREAM_ERROR/) },
    ]);
    // Exactly what the steps say: a no longer lists b, b still lists a.
    expect(await backdoor.friends(a)).toEqual([]);
    expect(await backdoor.friends(b)).toEqual([{ friend: a, alias: null }]);
  });

  it('friends.put with an alias: setting the alias fails → the import is undone on both sides', async () => {
    const { backend, fake } = harness;
    const backdoor = createBackdoor(fake);
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    fake.control.addFault({ route: 'POST /friend/set_friend_remark', kind: 'status', status: 500, body: 'boom' });
    const error = await failure(backend.friends.put(a, b, { alias: 'Bee' }));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(await backdoor.friends(a)).toEqual([]);
    expect(await backdoor.friends(b)).toEqual([]);
  });

  it('friends.put of an existing one-way friendship: the undo removes only the direction it created', async () => {
    const { backend, fake } = harness;
    const backdoor = createBackdoor(fake);
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    await backend.friends.put(a, b, {});
    await backend.friends.remove(b, a, 'one-way');
    fake.control.addFault({ route: 'POST /friend/update_friends', kind: 'status', status: 500, body: 'boom' });
    await failure(backend.friends.put(a, b, { extra: 'e' }));
    expect(await backdoor.friends(a)).toEqual([{ friend: b, alias: null }]);
    expect(await backdoor.friends(b)).toEqual([]);
  });
});

describe('retries', () => {
  it('an idempotent read is retried after a 503 and after a dropped connection', async () => {
    const { backend, fake } = harness;
    const a = rid();
    seedUsers(fake, a);
    fake.control.clearRequests();
    fake.control.addFault({ route: 'POST /user/get_users_info', kind: 'status', status: 503, body: 'busy' });
    // Every fault counts every call of its route: the second call gets the drop.
    fake.control.addFault({ route: 'POST /user/get_users_info', nth: 2, kind: 'drop' });
    expect(await backend.users.get(a)).toMatchObject({ uid: a });
    expect(fake.control.requestsTo('POST /user/get_users_info')).toHaveLength(3);
  });

  it('a non-idempotent call is never retried: send_msg answered 503 is sent once and stored nowhere', async () => {
    const { backend, fake } = harness;
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    fake.control.clearRequests();
    fake.control.addFault({ route: 'POST /msg/send_msg', kind: 'status', status: 503, body: 'busy' });
    const error = await failure(backend.messages.send({ from: a, to: { type: 'user', id: b }, text: 'x' }));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(fake.control.requestsTo('POST /msg/send_msg')).toHaveLength(1);
    expect(fake.state.conversations.get(b)).toBeUndefined();
  });

  it('a non-idempotent call that hangs past the timeout is not retried either', async () => {
    const { backend, fake } = harness;
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    fake.control.clearRequests();
    fake.control.addFault({ route: 'POST /friend/add_friend', kind: 'hang' });
    const error = await failure(backend.friendRequests.send(a, b, null));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(fake.control.requestsTo('POST /friend/add_friend')).toHaveLength(1);
  });

  it('a 429 is retried after its Retry-After delay', async () => {
    const { backend, fake } = harness;
    const a = rid();
    seedUsers(fake, a);
    fake.control.clearRequests();
    fake.control.addFault({ route: 'POST /user/get_users_info', kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: 'slow down' });
    const started = Date.now();
    expect(await backend.users.get(a)).toMatchObject({ uid: a });
    const [first, second] = fake.control.requestsTo('POST /user/get_users_info');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });
});

describe('admin token', () => {
  it('is fetched once and cached across calls', async () => {
    const { backend, fake } = harness;
    const a = rid();
    seedUsers(fake, a);
    await backend.users.get(a);
    fake.control.clearRequests();
    await backend.users.get(a);
    await backend.relations.get(a, 'imAdmin');
    expect(fake.control.requestsTo('POST /auth/get_admin_token')).toHaveLength(0);
  });

  it.each([1501, 1505, 1507])('is fetched anew once on %i and the call repeated (even a non-idempotent one)', async (errCode) => {
    const { backend, fake } = harness;
    const [a, b] = [rid(), rid()];
    seedUsers(fake, a, b);
    await backend.users.get(a);
    fake.control.clearRequests();
    fake.control.addFault({ route: 'POST /friend/add_friend', kind: 'status', status: 200, body: { errCode, errMsg: 'Token', errDlt: '' } });
    await backend.friendRequests.send(a, b, 'hi');
    expect(fake.control.requestsTo('POST /auth/get_admin_token')).toHaveLength(1);
    expect(fake.control.requestsTo('POST /friend/add_friend')).toHaveLength(2);
    expect(fake.state.request(a, b)?.handleResult).toBe(0);
  });

  it('refused twice → UPSTREAM_AUTH, without a third attempt', async () => {
    const { backend, fake } = harness;
    const a = rid();
    seedUsers(fake, a);
    fake.control.clearRequests();
    fake.control.addFault({ route: 'POST /user/get_users_info', kind: 'status', status: 200, times: 5, body: { errCode: 1501, errMsg: 'TokenExpiredError', errDlt: '' } });
    const error = await failure(backend.users.get(a));
    expect(error.code).toBe('UPSTREAM_AUTH');
    expect(fake.control.requestsTo('POST /user/get_users_info')).toHaveLength(2);
  });

  it('a wrong secret is UPSTREAM_AUTH; neither secret nor token appears in errors or logs', async () => {
    const { fake } = harness;
    const logs: string[] = [];
    const logger = { debug: (o: object) => logs.push(JSON.stringify(o)), info: (o: object) => logs.push(JSON.stringify(o)), warn: (o: object) => logs.push(JSON.stringify(o)), error: (o: object) => logs.push(JSON.stringify(o)) };
    const config = { ...(fake.backendConfig as unknown as OpenImConfig), secret: 'wrong-secret-123' };
    const backend = await createBackend(config, { name: 'bad', logger, changes: { emit: () => undefined }, now: Date.now });
    const error = await failure(backend.users.get('imAdmin'));
    expect(error.code).toBe('UPSTREAM_AUTH');
    expect(error.upstream).toMatchObject({ vendor: 'openim', code: '1002' });
    const text = JSON.stringify(toErrorBody(error)) + logs.join('\n');
    expect(text).not.toContain('wrong-secret-123');
    expect(text).not.toContain('openIM123');
    expect(await backend.health()).toMatchObject({ ok: false });
    await backend.close();
    // The working backend's logs never carry its secret or token either.
    const tokens = fake.control.requests.map((request) => request.headers['token']).filter((token): token is string => typeof token === 'string');
    const good = JSON.stringify(harness.logs);
    expect(good).not.toContain('openIM123');
    for (const token of new Set(tokens)) expect(good).not.toContain(token);
  });
});
