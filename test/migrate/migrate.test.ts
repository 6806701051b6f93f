/**
 * Migrations of a seeded graph, native → each vendor fake, read back and compared: 0 differences
 * beyond the gaps the target declares, and those gaps listed. Also the pre-flight: with
 * `onGap: 'fail'` a target that cannot hold the graph gets no write at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { createBackends } from '../../src/server/create-backends.js';
import { createLogger } from '../../src/server/create-logger.js';
import { runMigration } from '../../src/migrate/run-migration.js';
import { createProgress } from '../../src/migrate/migration-progress.js';
import type { Backend } from '../../src/spec/index.js';
import { findVendor } from '../../adapters/index.js';
import type { RunningFake } from '../../src/vendor-kit/index.js';
import { seedGraph } from './seed-graph.js';

const directory = mkdtempSync(join(tmpdir(), 'imbridge-migrate-'));
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  rmSync(directory, { recursive: true, force: true });
});

async function backendsFor(blocks: Record<string, Record<string, unknown>>): Promise<Map<string, Backend>> {
  const config = validateConfig({ defaultBackend: Object.keys(blocks)[0], backends: blocks }, {});
  const backends = await createBackends(config.backends, { logger: createLogger('silent'), changes: { emit() {} } });
  closers.push(async () => {
    for (const backend of backends.values()) await backend.close();
  });
  return backends;
}

async function fake(vendor: string): Promise<RunningFake> {
  const running = await findVendor(vendor)!.fake!.start({ port: 0 });
  closers.push(() => running.close());
  return running;
}

const REVERSE_SIZES = { users: 300, friendships: 1_200, blocks: 300, rooms: 10, membersPerRoom: 6 };
const SIZES = { users: 1_000, friendships: 5_000, blocks: 1_000, rooms: 50, membersPerRoom: 8 };

describe('imbridge migrate: native → each vendor fake', () => {
  for (const vendor of ['wukongim', 'agora', 'openim', 'wildfire']) {
    it(`${vendor}: every migrated item read back; what ${vendor} cannot hold is a listed gap`, async () => {
      const running = await fake(vendor);
      const backends = await backendsFor({ source: { vendor: 'native', store: { driver: 'memory' } }, target: { ...running.backendConfig, timeoutMs: 5_000 } });
      const source = backends.get('source')!;
      const target = backends.get('target')!;
      const seeded = await seedGraph(source, SIZES, `m${vendor.slice(0, 2)}`);
      const report = await runMigration({
        source,
        target,
        from: 'source',
        to: 'target',
        users: seeded.users,
        rooms: seeded.rooms.map((id) => ({ kind: 'group' as const, id })),
        idMap: new Map(),
        onGap: 'skip',
        dryRun: false,
        checkpointPath: join(directory, `${vendor}.checkpoint`),
        concurrency: 8,
        progress: createProgress(process.stderr, true),
      });
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
    const running = await fake('wildfire');
    const backends = await backendsFor({ source: { vendor: 'native', store: { driver: 'memory' } }, target: running.backendConfig });
    const source = backends.get('source')!;
    const seeded = await seedGraph(source, { users: 30, friendships: 60, blocks: 10, rooms: 2, membersPerRoom: 5 }, 'pf');
    running.control.clearRequests();
    const report = await runMigration({
      source,
      target: backends.get('target')!,
      from: 'source',
      to: 'target',
      users: seeded.users,
      rooms: seeded.rooms.map((id) => ({ kind: 'group' as const, id })),
      idMap: new Map([['pf_u3', 'bad id!']]),
      onGap: 'fail',
      dryRun: false,
      checkpointPath: join(directory, 'preflight.checkpoint'),
      concurrency: 4,
      progress: createProgress(process.stderr, true),
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

describe('imbridge migrate: each vendor fake → native', () => {
  for (const vendor of ['wukongim', 'agora', 'openim', 'wildfire']) {
    it(`${vendor} → native: the vendor's graph read back from native`, async () => {
      const running = await fake(vendor);
      const backends = await backendsFor({ source: { ...running.backendConfig, timeoutMs: 5_000 }, target: { vendor: 'native', store: { driver: 'memory' } } });
      const source = backends.get('source')!;
      const seeded = await seedGraph(source, REVERSE_SIZES, `r${vendor.slice(0, 2)}`);
      const report = await runMigration({
        source,
        target: backends.get('target')!,
        from: 'source',
        to: 'target',
        users: seeded.users,
        rooms: seeded.rooms.map((id) => ({ kind: 'group' as const, id })),
        idMap: new Map(),
        onGap: 'fail',
        dryRun: false,
        checkpointPath: join(directory, `${vendor}-native.checkpoint`),
        concurrency: 8,
        progress: createProgress(process.stderr, true),
      });
      // Native holds everything a vendor can: no gap at all.
      expect(report.gaps).toEqual([]);
      expect(report.failures).toEqual([]);
      expect(report.verify?.samples ?? []).toEqual([]);
      expect(report.result).toBe('verified');
      expect(report.written.users).toBe(REVERSE_SIZES.users);
    }, 180_000);
  }
});

describe('imbridge migrate: without --users and --rooms', () => {
  it('lists the source\'s users and rooms itself where the source can (users.list, groups.list)', async () => {
    const running = await fake('openim');
    const backends = await backendsFor({ source: { vendor: 'native', store: { driver: 'memory' } }, target: running.backendConfig });
    const source = backends.get('source')!;
    const seeded = await seedGraph(source, { users: 40, friendships: 80, blocks: 10, rooms: 3, membersPerRoom: 4 }, 'ls');
    const report = await runMigration({
      source,
      target: backends.get('target')!,
      from: 'source',
      to: 'target',
      idMap: new Map(),
      onGap: 'skip',
      dryRun: false,
      checkpointPath: join(directory, 'listed.checkpoint'),
      concurrency: 4,
      progress: createProgress(process.stderr, true),
    });
    expect(report.scope).toMatchObject({ users: seeded.users.length, rooms: seeded.rooms.length });
    expect(report.result).toBe('verified');
  }, 60_000);
});
