/**
 * Ten imbridge processes started at the same moment on one new database, SQLite file and
 * PostgreSQL: each migrates or finds the schema migrated, none fails ("database is locked", a
 * duplicate CREATE), and all serve from the same data afterwards.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../src/testing/postgres-cluster.js';
import { runToExit, spawnServer, type SpawnedImbridge } from '../support/spawn-imbridge.js';

const INSTANCES = 10;
const directory = mkdtempSync(join(tmpdir(), 'imbridge-starts-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function startTogether(store: string): Promise<void> {
  const config = join(directory, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(config, `backends:\n  local: { vendor: native, store: ${store} }\n`);
  const started = await Promise.allSettled(Array.from({ length: INSTANCES }, () => spawnServer(['serve', '--config', config], { LOG_LEVEL: 'warn' })));
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  try {
    expect(started.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []))).toEqual([]);
    // One write through the first, read back through every other: one database behind them all.
    const put = await fetch(new URL('/v1/users/starter', running[0]!.url), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"name":"S"}' });
    expect(put.status).toBe(200);
    for (const instance of running as SpawnedImbridge[]) {
      expect((await fetch(new URL('/v1/users/starter', instance.url))).status).toBe(200);
    }
  } finally {
    await Promise.all(running.map((instance) => instance.stop()));
  }
}

describe(`${INSTANCES} simultaneous first starts on one new database`, () => {
  it('SQLite: all start and share the file', async () => {
    await startTogether(`{ driver: sqlite, path: "${join(directory, 'new', 'imbridge.db')}" }`);
  }, 120_000);

  it('PostgreSQL: all start and share the database', async () => {
    const database = await createTestDatabase(inject('postgresUrl'));
    try {
      await startTogether(`{ driver: postgres, url: "${database.url}" }`);
    } finally {
      await database.drop();
    }
  }, 120_000);
});

/** Starts imbridge on `yaml`, expects it to exit non-zero, and answers what it printed. */
async function failedStart(name: string, yaml: string): Promise<string> {
  const config = join(directory, `${name}.yaml`);
  writeFileSync(config, yaml);
  const result = await runToExit(['serve', '--config', config]);
  expect(result.code).not.toBe(0);
  return result.stdout + result.stderr;
}

describe('an unreachable PostgreSQL', () => {
  it('stops start-up with an error naming the store and the server, not the password', async () => {
    // Port 1 on loopback: nothing listens there.
    const output = await failedStart(
      'unreachable',
      'backends:\n  local: { vendor: native, store: { driver: postgres, url: "postgres://imbridge:s3cret@127.0.0.1:1/imbridge", pool: { connectionTimeoutMs: 2000 } } }\n',
    );
    expect(output).toContain('backends.local: cannot open the PostgreSQL store at 127.0.0.1:1/imbridge');
    expect(output).toContain('ECONNREFUSED');
    expect(output).not.toContain('s3cret');
  }, 60_000);

  it('the same for coordination', async () => {
    const output = await failedStart(
      'unreachable-coordination',
      'backends:\n  local: { vendor: native, store: { driver: memory } }\ncoordination: { driver: postgres, url: "postgres://imbridge:s3cret@127.0.0.1:1/imbridge" }\n',
    );
    expect(output).toContain('coordination: cannot reach PostgreSQL at 127.0.0.1:1/imbridge');
    expect(output).not.toContain('s3cret');
  }, 60_000);

  it('the same for a Redis coordination, and a url of the wrong kind is refused before any connection', async () => {
    const output = await failedStart(
      'unreachable-redis',
      'backends:\n  local: { vendor: native, store: { driver: memory } }\ncoordination: { driver: redis, url: "redis://imbridge:s3cret@127.0.0.1:1/0" }\n',
    );
    expect(output).toContain('coordination: cannot reach Redis at 127.0.0.1:1/0');
    expect(output).toContain('ECONNREFUSED');
    expect(output).not.toContain('s3cret');

    const refused = await failedStart(
      'wrong-kind',
      'backends:\n  local: { vendor: native, store: { driver: memory } }\ncoordination: { driver: redis, url: "postgres://127.0.0.1:1/imbridge", pool: { max: 3 } }\n',
    );
    expect(refused).toContain('coordination.url: must match pattern "^rediss?://"');
    expect(refused).toContain('coordination.pool: does not apply here');
  }, 60_000);
});
