/**
 * The reverse direction at the sizes: a graph seeded on each vendor fake (as much of it as
 * the vendor holds), migrated to native and read back. Native holds everything a vendor can, so
 * there is no gap at all, and `onGap: 'fail'` would have stopped the run before any write if
 * there were.
 */
import { describe, expect, it } from 'vitest';
import { NATIVE_IN_MEMORY, SIZES, VENDORS, useMigrationFixtures } from './migration-fixtures.js';
import { seedGraph } from './seed-graph.js';

const fixtures = useMigrationFixtures();

describe('imbridge migrate: each vendor fake → native', () => {
  for (const vendor of VENDORS) {
    it(`${vendor} → native: the vendor's graph read back from native`, async () => {
      const running = await fixtures.fake(vendor);
      const { source, target } = await fixtures.pair({ ...running.backendConfig, timeoutMs: 5_000 }, NATIVE_IN_MEMORY);
      const seeded = await seedGraph(source, SIZES, `r${vendor.slice(0, 2)}`);
      const report = await fixtures.migrate(`${vendor}-native`, {
        source,
        target,
        users: seeded.users,
        rooms: seeded.rooms.map((id) => ({ kind: 'group' as const, id })),
        onGap: 'fail',
      });
      expect(report.gaps).toEqual([]);
      expect(report.failures).toEqual([]);
      expect(report.verify?.samples ?? []).toEqual([]);
      expect(report.result).toBe('verified');
      expect(report.written.users).toBe(SIZES.users);
      expect(report.written.rooms).toBe(SIZES.rooms);
      // Every relation planned was written (the plan is read from the vendor: nothing dropped on the way).
      expect(report.written).toEqual(report.planned);
      expect(report.written.friends).toBeGreaterThanOrEqual(SIZES.friendships);
    }, 180_000);
  }
});
