/**
 * What differs between the OpenIM releases the adapter supports (3.7.x, 3.8.0 – 3.8.1, 3.8.2 and
 * later, the 3.8.3 hotfix builds), each against a fake of that release: the unified outcome is
 * the same everywhere, whatever the vendor answers on the way (December 2026 audit, NOTES.md).
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../../src/config/load-config.js';
import { ImBridgeError } from '../../../../src/spec/index.js';
import { createBackend } from '../../backend/index.js';
import { createBackdoor } from '../../fake/backdoor.js';
import { rid, seedUsers, startHarness, type Harness } from './harness.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImBridgeError) return error.code;
    throw error;
  }
  return 'OK';
}

async function withHarness(version: string, run: (harness: Harness) => Promise<void>, fakeOptions: Record<string, unknown> = {}): Promise<void> {
  const harness = await startHarness({ version, ...fakeOptions });
  try {
    await run(harness);
  } finally {
    await harness.close();
  }
}

describe('hotfix builds (audit O-10)', () => {
  it('a 3.8.3-patch.16 server is configured by its own version string and served like 3.8.3', async () => {
    const config = validateConfig({
      defaultBackend: 'oim',
      backends: { oim: { vendor: 'openim', baseUrl: 'http://127.0.0.1:10002', adminUserId: 'imAdmin', secret: 'openIM123', version: '3.8.3-patch.16' } },
    }, {});
    expect(config.backends['oim']).toMatchObject({ version: '3.8.3-patch.16' });
    await withHarness('3.8.3-patch.16', async ({ backend, fake }) => {
      const [a, b] = [rid(), rid()];
      await backend.users.put(a, { name: 'A' });
      await backend.users.put(b, {});
      await backend.blocks.put(a, b);
      expect(await backend.relations.get(b, a)).toMatchObject({ blockedBy: true });
      // 3.8.1+ routes: the admin token and the blacklist probe of the baseline.
      expect(fake.control.requestsTo('POST /auth/get_admin_token')).toHaveLength(1);
      expect(fake.control.requestsTo('POST /friend/get_specified_blacks').length).toBeGreaterThan(0);
    });
  });

  it('a version string that names no release is refused before any call', async () => {
    const config = { vendor: 'openim' as const, baseUrl: 'http://127.0.0.1:1', adminUserId: 'imAdmin', secret: 's', version: '3.8.x' };
    const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    await expect(createBackend(config, { name: 'x', logger: silent, changes: { emit: () => undefined }, now: Date.now })).rejects.toThrow(/not like 3\.8\.3/);
  });
});

describe('get_users_info up to 3.8.1 refuses the whole call for one unknown id (audit O-1)', () => {
  it.each(['3.7', '3.8.0', '3.8.1'])('%s: new users are registered, unknown ones are USER_NOT_FOUND per item', async (version) => {
    await withHarness(version, async ({ backend, fake }) => {
      const backdoor = createBackdoor(fake);
      const [a, b, c] = [rid(), rid(), rid()];
      expect(await backend.users.put(a, { name: 'A' })).toEqual({ uid: a, name: 'A', extra: null });
      expect(await backdoor.user(a)).toEqual({ uid: a, name: 'A' });
      const batch = await backend.users.putMany([{ uid: b, name: 'B' }, { uid: a, name: 'A2' }, { uid: c }]);
      expect(batch.results.map((item) => item.ok)).toEqual([true, true, true]);
      expect(await backdoor.user(a)).toEqual({ uid: a, name: 'A2' });
      expect(await codeOf(backend.users.get(rid()))).toBe('USER_NOT_FOUND');
      expect(await codeOf(backend.friends.put(a, rid(), {}))).toBe('USER_NOT_FOUND');
      // One unknown id among members fails its own item only.
      const group = rid('g');
      await backend.rooms.create('group', { id: group, name: 'G', owner: a });
      const added = await backend.rooms.members.add({ kind: 'group', id: group }, [b, rid(), c]);
      expect(added.results.map((item) => item.error?.code ?? 'ok')).toEqual(['ok', 'USER_NOT_FOUND', 'ok']);
      const blocked = await backend.blocks.putMany(a, [rid(), b]);
      expect(blocked.results.map((item) => item.error?.code ?? 'ok')).toEqual(['USER_NOT_FOUND', 'ok']);
    });
  });

  it('3.8.1: a batch of known users with one unknown costs a few halvings, not one call per user', async () => {
    await withHarness('3.8.1', async ({ backend, fake }) => {
      const known = Array.from({ length: 32 }, () => rid());
      seedUsers(fake, ...known);
      fake.control.clearRequests();
      const unknown = rid();
      const result = await backend.blocks.putMany(known[0]!, [...known.slice(1), unknown]);
      expect(result.results.at(-1)?.error?.code).toBe('USER_NOT_FOUND');
      expect(result.results.filter((item) => item.ok)).toHaveLength(31);
      // The owner alone, then 32 ids: the whole batch, and two calls per halving down to the unknown one.
      expect(fake.control.requestsTo('POST /user/get_users_info').length).toBeLessThanOrEqual(2 + 2 * 5);
    });
  });
});

describe('3.7 import_friend inserts existing rows again and answers 500 (audit O-2)', () => {
  const deployments = [
    { name: 'standalone MongoDB', transactions: false },
    { name: 'replica set (transactions)', transactions: true },
  ];

  it.each(deployments)('$name: a mutual PUT completes a one-way friendship, keeping the existing view', async ({ transactions }) => {
    await withHarness('3.7', async ({ backend, fake }) => {
      const backdoor = createBackdoor(fake);
      const [a, b] = [rid(), rid()];
      seedUsers(fake, a, b);
      const oneWay = await backend.friends.put(a, b, { alias: 'one side', extra: 'x' }, 'one-way');
      expect(await backdoor.friends(b)).toEqual([]);
      const completed = await backend.friends.put(b, a, { alias: 'other side' });
      expect(completed).toMatchObject({ uid: b, friend: a, alias: 'other side' });
      expect(await backdoor.friends(a)).toEqual([{ friend: b, alias: 'one side' }]);
      expect(await backdoor.friends(b)).toEqual([{ friend: a, alias: 'other side' }]);
      expect(fake.state.friendRow(a, b)?.ex).toBe('x');
      // Without a transaction a's row is never touched; with one it is rebuilt (a new since).
      if (!transactions) expect((await backend.friends.get(a, b)).since).toBe(oneWay.since);
      // The reverse order: a's own mutual PUT over its one-way entry.
      const [c, d] = [rid(), rid()];
      seedUsers(fake, c, d);
      await backend.friends.put(c, d, { alias: 'Dee' }, 'one-way');
      await backend.friends.put(c, d, {});
      expect(await backend.relations.get(c, d)).toMatchObject({ friend: true, friendOf: true, alias: 'Dee' });
    }, { transactions });
  });

  it.each(deployments)('$name: a failed mutual remove is undone with the alias and extra back', async ({ transactions }) => {
    await withHarness('3.7', async ({ backend, fake }) => {
      const backdoor = createBackdoor(fake);
      const [a, b] = [rid(), rid()];
      seedUsers(fake, a, b);
      await backend.friends.put(a, b, { alias: 'Bee', extra: 'x' });
      await backend.friends.update(b, a, { alias: 'Ay' });
      fake.control.addFault({ route: 'POST /friend/delete_friend', nth: 2, kind: 'status', status: 500, body: 'boom' });
      expect(await codeOf(backend.friends.remove(a, b, 'mutual'))).toBe('UPSTREAM_ERROR');
      expect(await backdoor.friends(a)).toEqual([{ friend: b, alias: 'Bee' }]);
      expect(await backdoor.friends(b)).toEqual([{ friend: a, alias: 'Ay' }]);
      expect(fake.state.friendRow(a, b)?.ex).toBe('x');
    }, { transactions });
  });
});

describe('a request handled between the pending check and the answer (audit O-3)', () => {
  it.each(['3.8.3', '3.8.3-patch.16', '3.7'])('%s: refusing it is REQUEST_NOT_FOUND, whatever the vendor code', async (version) => {
    await withHarness(version, async ({ backend, fake }) => {
      const [a, b] = [rid(), rid()];
      seedUsers(fake, a, b);
      await backend.friendRequests.send(a, b, 'hi');
      const pending = fake.state.request(a, b)!;
      // Someone else refuses it after the adapter saw it pending: the read answers the old state.
      const stale = { errCode: 0, errMsg: '', errDlt: '', data: { friendRequests: [{ fromUserID: a, toUserID: b, handleResult: 0, reqMsg: 'hi', createTime: pending.createTime }] } };
      pending.handleResult = -1;
      fake.control.addFault({ route: 'POST /friend/get_designated_friend_apply', kind: 'status', status: 200, body: stale });
      expect(await codeOf(backend.friendRequests.reject(b, a))).toBe('REQUEST_NOT_FOUND');
      fake.control.addFault({ route: 'POST /friend/get_designated_friend_apply', kind: 'status', status: 200, body: stale });
      expect(await codeOf(backend.friendRequests.accept(b, a))).toBe('REQUEST_NOT_FOUND');
    });
  });
});
