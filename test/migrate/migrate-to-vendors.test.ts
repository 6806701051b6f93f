/**
 * Migrations of a seeded graph, native → each vendor fake, read back and compared: 0 differences
 * beyond the gaps the target declares, and those gaps listed. Also the pre-flight (with
 * `onGap: 'fail'` a target that cannot hold the graph gets no write at all) and a migration that
 * lists the source's users and rooms itself.
 */
import { describe, expect, it } from 'vitest';
import { NATIVE_IN_MEMORY, SIZES, VENDORS, useMigrationFixtures } from './migration-fixtures.js';
import { seedGraph } from './seed-graph.js';

const fixtures = useMigrationFixtures();

describe('imbridge migrate: native → each vendor fake', () => {
  for (const vendor of VENDORS) {
    it(`${vendor}: every migrated item read back; what ${vendor} cannot hold is a listed gap`, async () => {
      const running = await fixtures.fake(vendor);
      const { source, target } = await fixtures.pair(NATIVE_IN_MEMORY, { ...running.backendConfig, timeoutMs: 5_000 });
      const seeded = await seedGraph(source, SIZES, `m${vendor.slice(0, 2)}`);
      const report = await fixtures.migrate(vendor, { source, target, users: seeded.users, rooms: seeded.rooms.map((id) => ({ kind: 'group' as const, id })) });
      expect(report.failures).toEqual([]);
      expect(report.verify?.samples ?? []).toEqual([]);
      expect(report.result).toBe('verified');
      expect(report.written.users).toBe(SIZES.users);
      expect(report.written.rooms).toBe(SIZES.rooms);
      // What the target declares it cannot hold is counted, never silently dropped.
      for (const gap of report.gaps) expect(gap.count).toBeGreaterThan(0);
    }, 180_000);
  }
});

describe('imbridge migrate: pre-flight', () => {
  it('with onGap fail, a target that cannot hold part of the graph gets no write at all, and the gaps are counted', async () => {
    const running = await fixtures.fake('wildfire');
    const { source, target } = await fixtures.pair(NATIVE_IN_MEMORY, running.backendConfig);
    const seeded = await seedGraph(source, { users: 30, friendships: 60, blocks: 10, rooms: 2, membersPerRoom: 5 }, 'pf');
    running.control.clearRequests();
    const report = await fixtures.migrate('preflight', {
      source,
      target,
      users: seeded.users,
      rooms: seeded.rooms.map((id) => ({ kind: 'group' as const, id })),
      idMap: new Map([['pf_u3', 'bad id!']]),
      onGap: 'fail',
      concurrency: 4,
    });
    expect(report.result).toBe('gaps');
    // Community Wildfire has no member mutes nor room whitelists; the mapped id breaks its ID rule.
    const facets = report.gaps.map((gap) => gap.facet);
    expect(facets).toEqual(expect.arrayContaining(['mutes', 'room whitelists', 'ids']));
    expect(report.gaps.find((gap) => gap.facet === 'ids')).toMatchObject({ count: 1, samples: ['pf_u3'] });
    const written = (running.control.requests as Array<{ path: string }>).filter((request) => !/get_info|list|relation\/get|member\/get/.test(request.path));
    expect(written).toEqual([]);
  }, 60_000);
});

describe('imbridge migrate: without --users and --rooms', () => {
  it('lists the source\'s users and rooms itself where the source can (users.list, groups.list)', async () => {
    const running = await fixtures.fake('openim');
    const { source, target } = await fixtures.pair(NATIVE_IN_MEMORY, running.backendConfig);
    const seeded = await seedGraph(source, { users: 40, friendships: 80, blocks: 10, rooms: 3, membersPerRoom: 4 }, 'ls');
    const report = await fixtures.migrate('listed', { source, target, concurrency: 4 });
    expect(report.scope).toMatchObject({ users: seeded.users.length, rooms: seeded.rooms.length });
    expect(report.result).toBe('verified');
  }, 60_000);
});
