/**
 * Every SharedState behaves alike: the first claim of a key wins for everyone, expired values are
 * gone (and claimable again), a namespace keeps its keys to itself. Run on each implementation.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { MemorySharedState, type SharedState } from '../../src/runtime/index.js';
import { PostgresSharedState, RedisSharedState } from '../../src/coordination/index.js';
import { migrateCoordination } from '../../src/coordination/postgres-coordination.js';
import { connectRedis, type RedisClient } from '../../src/coordination/redis-coordination.js';
import { createTestDatabase } from '../../src/testing/postgres-cluster.js';

interface Subject {
  /** Two handles on one store, as two instances would hold; `clock` moves both. */
  make(clock: { now: number }): Promise<{ one: SharedState; two: SharedState }>;
  close?(): Promise<void>;
}

function sharedStateSuite(name: string, subject: () => Subject): void {
  describe(`SharedState on ${name}`, () => {
    let current: Subject;
    let clock: { now: number };
    let one: SharedState;
    let two: SharedState;
    const namespace = `test-${Math.random().toString(36).slice(2)}`;

    beforeAll(async () => {
      current = subject();
      clock = { now: 1_000_000 };
      ({ one, two } = await current.make(clock));
    });
    afterAll(async () => {
      await current.close?.();
    });

    it('reads back what was set, and nothing once deleted', async () => {
      await one.set(namespace, 'a', 'x');
      expect(await two.get(namespace, 'a')).toBe('x');
      expect(await two.get(`${namespace}-other`, 'a')).toBeUndefined();
      await two.delete(namespace, 'a');
      expect(await one.get(namespace, 'a')).toBeUndefined();
    });

    it('the first claim of a key is the value every later claim answers', async () => {
      const first = await one.claimMany(namespace, new Map([['c1', 'first'], ['c2', 'first']]));
      const second = await two.claimMany(namespace, new Map([['c1', 'second'], ['c3', 'second']]));
      expect(Object.fromEntries(first)).toEqual({ c1: 'first', c2: 'first' });
      expect(Object.fromEntries(second)).toEqual({ c1: 'first', c3: 'second' });
      expect(Object.fromEntries(await one.getMany(namespace, ['c1', 'c2', 'c3', 'c4']))).toEqual({ c1: 'first', c2: 'first', c3: 'second' });
    });

    it('of simultaneous claims on one key, all answer the same value', async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => (index % 2 ? one : two).claimMany(namespace, new Map([['race', `v${index}`]]))));
      const values = new Set(answers.map((answer) => answer.get('race')));
      expect(values.size).toBe(1);
      expect(await one.get(namespace, 'race')).toBe([...values][0]);
    });

    it('an expired value is gone and its key claimable again; set overwrites a live one', async () => {
      await one.set(namespace, 'e', 'old', 1_000);
      expect(await two.get(namespace, 'e')).toBe('old');
      expect(Object.fromEntries(await two.claimMany(namespace, new Map([['e', 'kept?']]), 1_000))).toEqual({ e: 'old' });
      clock.now += 1_001;
      expect(await two.get(namespace, 'e')).toBeUndefined();
      expect((await one.getMany(namespace, ['e'])).size).toBe(0);
      expect(Object.fromEntries(await two.claimMany(namespace, new Map([['e', 'new']])))).toEqual({ e: 'new' });
      await one.set(namespace, 'e', 'newer');
      expect(await two.get(namespace, 'e')).toBe('newer');
      expect(await one.getMany(namespace, [])).toEqual(new Map());
    });
  });
}

sharedStateSuite('memory', () => ({
  async make(clock) {
    const state = new MemorySharedState(() => clock.now);
    return { one: state, two: state };
  },
}));

sharedStateSuite('PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> } | undefined;
  const pools: pg.Pool[] = [];
  return {
    async make(clock) {
      database = await createTestDatabase(inject('postgresUrl'));
      const [first, second] = [0, 1].map(() => new pg.Pool({ connectionString: database!.url, max: 4 }));
      pools.push(first!, second!);
      // Dropping the database at the end ends what is still connected; that is not a test failure.
      for (const pool of pools) pool.on('error', () => undefined);
      await migrateCoordination(first!);
      return { one: new PostgresSharedState(first!, () => clock.now), two: new PostgresSharedState(second!, () => clock.now) };
    },
    async close() {
      await Promise.all(pools.map((pool) => pool.end()));
      await database?.drop();
    },
  };
});

sharedStateSuite('Redis', () => {
  const clients: RedisClient[] = [];
  return {
    async make(clock) {
      // Two connections, as two instances hold; a prefix of its own keeps the run apart from others.
      const [first, second] = await Promise.all([connectRedis(inject('redisUrl')), connectRedis(inject('redisUrl'))]);
      clients.push(first, second);
      const prefix = `test-${Math.random().toString(36).slice(2)}:`;
      return { one: new RedisSharedState(first, prefix, () => clock.now), two: new RedisSharedState(second, prefix, () => clock.now) };
    },
    async close() {
      await Promise.all(clients.map((client) => client.close()));
    },
  };
});
