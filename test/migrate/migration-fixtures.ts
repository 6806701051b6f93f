/**
 * What the migration tests share: backends built from config blocks as `imbridge migrate` builds
 * them, vendor fakes on free ports, the graph sizes the issue asks for, and one `migrate` with the
 * options every test would otherwise spell out. Everything opened is closed after the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { createBackends } from '../../src/server/create-backends.js';
import { createLogger } from '../../src/server/create-logger.js';
import { runMigration, type MigrateOptions, type MigrationReport } from '../../src/migrate/run-migration.js';
import { createProgress } from '../../src/migrate/migration-progress.js';
import type { Backend } from '../../src/spec/index.js';
import { findVendor } from '../../adapters/index.js';
import type { RunningFake } from '../../src/vendor-kit/index.js';

/** The seeded graph of the issue: ≥ 1,000 users, 5,000 friendships, 1,000 blocks, 50 rooms. */
export const SIZES = { users: 1_000, friendships: 5_000, blocks: 1_000, rooms: 50, membersPerRoom: 8 };

export const VENDORS = ['wukongim', 'agora', 'openim', 'wildfire'] as const;

export const NATIVE_IN_MEMORY = { vendor: 'native', store: { driver: 'memory' } };

export interface MigrationFixtures {
  /** A source and a target backend, from config blocks. */
  pair(source: Record<string, unknown>, target: Record<string, unknown>): Promise<{ source: Backend; target: Backend }>;
  fake(vendor: string): Promise<RunningFake>;
  /** `runMigration` from source to target with the defaults a test does not care about. */
  migrate(name: string, options: Pick<MigrateOptions, 'source' | 'target'> & Partial<MigrateOptions>): Promise<MigrationReport>;
}

export function useMigrationFixtures(): MigrationFixtures {
  const directory = mkdtempSync(join(tmpdir(), 'imbridge-migrate-'));
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    rmSync(directory, { recursive: true, force: true });
  });
  return {
    async pair(source, target) {
      const config = validateConfig({ defaultBackend: 'source', backends: { source, target } }, {});
      const backends = await createBackends(config.backends, { logger: createLogger('silent'), changes: { emit() {} } });
      closers.push(async () => {
        for (const backend of backends.values()) await backend.close();
      });
      return { source: backends.get('source')!, target: backends.get('target')! };
    },
    async fake(vendor) {
      const running = await findVendor(vendor)!.fake!.start({ port: 0 });
      closers.push(() => running.close());
      return running;
    },
    migrate(name, options) {
      return runMigration({
        from: 'source',
        to: 'target',
        idMap: new Map(),
        onGap: 'skip',
        dryRun: false,
        checkpointPath: join(directory, `${name}.checkpoint`),
        concurrency: 8,
        progress: createProgress(process.stderr, true),
        ...options,
      });
    },
  };
}
