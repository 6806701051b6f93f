/**
 * Idempotency and keyed locks behave alike on every shared coordination driver, seen from two
 * handles on one server as two instances hold them: a key's first answer is replayed by the
 * other, a racing repeat waits instead of running twice, a failed first call frees its key, a
 * dead first caller's key is taken over after its lease; a lock excludes the other handle, and
 * callers taking keys in opposite orders do not deadlock.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase } from '../../src/testing/postgres-cluster.js';
import { PostgresIdempotencyStore, PostgresKeyedLock, RedisIdempotencyStore, RedisKeyedLock } from '../../src/coordination/index.js';
import { migrateCoordination } from '../../src/coordination/postgres-coordination.js';
import { connectRedis } from '../../src/coordination/redis-coordination.js';
import type { Idempotency, KeyedLock } from '../../src/runtime/index.js';

interface Handles {
  idempotency: [Idempotency, Idempotency];
  /** Stores whose lease has run out at once: a first call that never ends is taken over. */
  shortLease: [Idempotency, Idempotency];
  lock: [KeyedLock, KeyedLock];
}

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

const drivers: Record<string, () => Promise<Handles>> = {
  PostgreSQL: async () => {
    const database = await createTestDatabase(inject('postgresUrl'));
    const pools = [0, 1].map(() => new pg.Pool({ connectionString: database.url, max: 6 })) as [pg.Pool, pg.Pool];
    // Dropping the database at the end ends what is still connected; that is not a test failure.
    for (const pool of pools) pool.on('error', () => undefined);
    closers.push(() => database.drop(), () => Promise.all(pools.map((pool) => pool.end())).then(() => undefined));
    await migrateCoordination(pools[0]);
    return {
      idempotency: [new PostgresIdempotencyStore(pools[0]), new PostgresIdempotencyStore(pools[1])],
      shortLease: [new PostgresIdempotencyStore(pools[0], { leaseMs: 50 }), new PostgresIdempotencyStore(pools[1], { leaseMs: 50 })],
      lock: [new PostgresKeyedLock(pools[0]), new PostgresKeyedLock(pools[1])],
    };
  },
  Redis: async () => {
    const clients = await Promise.all([connectRedis(inject('redisUrl')), connectRedis(inject('redisUrl'))]);
    closers.push(() => Promise.all(clients.map((client) => client.close())).then(() => undefined));
    const prefix = `test-${Math.random().toString(36).slice(2)}:`;
    return {
      idempotency: [new RedisIdempotencyStore(clients[0], { prefix }), new RedisIdempotencyStore(clients[1], { prefix })],
      shortLease: [new RedisIdempotencyStore(clients[0], { prefix, leaseMs: 50 }), new RedisIdempotencyStore(clients[1], { prefix, leaseMs: 50 })],
      lock: [new RedisKeyedLock(clients[0], { prefix }), new RedisKeyedLock(clients[1], { prefix })],
    };
  },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const key = () => Math.random().toString(36).slice(2);

describe.each(Object.keys(drivers))('coordination on %s', (driver) => {
  let handles: Handles;
  it('connects', async () => {
    handles = await drivers[driver]!();
  });

  it('the first answer is replayed by the other instance; another body is IDEMPOTENCY_MISMATCH', async () => {
    const [one, two] = handles.idempotency;
    const id = key();
    let runs = 0;
    const work = async () => ({ status: 201, body: { id: `g${(runs += 1)}` } });
    expect(await one.run('scope', id, { name: 'x' }, work)).toEqual({ status: 201, body: { id: 'g1' }, replayed: false });
    expect(await two.run('scope', id, { name: 'x' }, work)).toEqual({ status: 201, body: { id: 'g1' }, replayed: true });
    await expect(two.run('scope', id, { name: 'y' }, work)).rejects.toMatchObject({ code: 'IDEMPOTENCY_MISMATCH' });
    expect(runs).toBe(1);
  });

  it('repeats racing on both instances run the work once and all answer its result', async () => {
    const [one, two] = handles.idempotency;
    const id = key();
    let runs = 0;
    const work = async () => {
      runs += 1;
      await sleep(60);
      return { status: 201, body: { run: runs } };
    };
    const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 ? one : two).run('scope', id, {}, work)));
    expect(runs).toBe(1);
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body)))).toEqual(new Set(['{"run":1}']));
    expect(answers.filter((answer) => !answer.replayed)).toHaveLength(1);
  });

  it('a failed first call frees its key for a retry on the other instance', async () => {
    const [one, two] = handles.idempotency;
    const id = key();
    await expect(one.run('scope', id, {}, async () => Promise.reject(new Error('vendor down')))).rejects.toThrow('vendor down');
    expect(await two.run('scope', id, {}, async () => ({ status: 201, body: 'second' }))).toEqual({ status: 201, body: 'second', replayed: false });
  });

  it('a first call that never finishes (its instance died) is taken over once its lease ends', async () => {
    const [one, two] = handles.shortLease;
    const id = key();
    // Once its work has begun, the first call holds the key and never lets it go.
    let begun!: () => void;
    const started = new Promise<void>((resolve) => (begun = resolve));
    void one.run('scope', id, {}, () => {
      begun();
      return new Promise(() => undefined);
    });
    await started;
    expect(await two.run('scope', id, {}, async () => ({ status: 201, body: 'taken over' }))).toEqual({ status: 201, body: 'taken over', replayed: false });
  });

  it('a lock held on one instance excludes the other; keys taken in opposite orders do not deadlock', async () => {
    const [one, two] = handles.lock;
    const [a, b] = [key(), key()];
    let inside = 0;
    let most = 0;
    const work = async () => {
      inside += 1;
      most = Math.max(most, inside);
      await sleep(5);
      inside -= 1;
    };
    await Promise.all(Array.from({ length: 16 }, (_, index) => (index % 2 ? one : two).run(index % 4 < 2 ? [a, b] : [b, a], work)));
    expect(most).toBe(1);
    // Released: both keys can be taken again at once.
    expect(await Promise.race([one.run([a, b], async () => 'free'), sleep(2_000).then(() => 'still held')])).toBe('free');
  });
});

describe('a Redis lock whose instance died', () => {
  it('frees itself once its lease runs out, and not before', async () => {
    const [dying, living] = await Promise.all([connectRedis(inject('redisUrl')), connectRedis(inject('redisUrl'))]);
    closers.push(() => living.close());
    const prefix = `test-${Math.random().toString(36).slice(2)}:`;
    const lock = key();
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    void new RedisKeyedLock(dying, { prefix, leaseMs: 300 }).run([lock], () => {
      entered();
      return new Promise(() => undefined);
    });
    await inside;
    // The process is gone: its connection drops and nothing renews the lease any more.
    dying.destroy();
    const started = Date.now();
    await new RedisKeyedLock(living, { prefix }).run([lock], async () => undefined);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(2_000);
  });
});
