/**
 * Conformance targets on the native backend: direct (the Backend object) or through HTTP
 * (imbridge's express app, driven by supertest), on the memory, sqlite or postgres store. The
 * backdoor reads the store through its own connection, never through the backend under test.
 * A postgres target gets a new database of its own on the run's server (`inject('postgresUrl')`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import supertest from 'supertest';
import { inject } from 'vitest';
import { NativeBackend, SqliteExecutor, openDatabase, openPostgresStore } from '../backend/index.js';
import { numberedPlaceholders } from '../backend/sql-executor.js';
import { createNativeBackdoor, type BackdoorQuery } from './native-backdoor.js';
import { createTestDatabase } from '../../../src/testing/postgres-cluster.js';
import { StatementFaults } from './statement-faults.js';
import { HttpBackend, type Transport } from '../../../src/client/http-backend.js';
import type { ConformanceTarget } from '../../../src/conformance/index.js';
import { serveImbridge } from '../../../src/conformance/index.js';
import { ChangeLog } from '../../../src/server/change-log.js';
import { guardBackend } from '../../../src/runtime/index.js';
import type { ChangeRecord } from '../../../src/spec/index.js';
import { createLogger } from '../../../src/server/create-logger.js';

export type StoreKind = 'memory' | 'sqlite' | 'postgres';

export interface NativeFixture {
  backend: NativeBackend;
  /** The statement-level fault hook between the backend and its store. */
  faults: StatementFaults;
  /** Where the backend's change records go. */
  changes: ChangeLog;
  /** Reads through a second connection to the same store (the same database object for memory). */
  inspect: BackdoorQuery;
  close(): Promise<void>;
}

function sqliteQuery(database: Database.Database): BackdoorQuery {
  return async <Row>(sql: string, parameters: unknown[]) => database.prepare(sql).all(...parameters) as Row[];
}

export async function nativeFixture(store: StoreKind, policy = { requireFriendship: false }): Promise<NativeFixture> {
  const changes = new ChangeLog();
  const context = { name: 'local', logger: createLogger('silent'), changes, now: Date.now };
  const faults = new StatementFaults();
  if (store === 'memory') {
    const database = openDatabase({ driver: 'memory' });
    const backend = new NativeBackend(faults.wrap(new SqliteExecutor(database)), policy, context);
    return { backend, faults, changes, inspect: sqliteQuery(database), close: () => backend.close() };
  }
  if (store === 'postgres') {
    const database = await createTestDatabase(inject('postgresUrl'));
    const backend = new NativeBackend(faults.wrap(await openPostgresStore({ driver: 'postgres', url: database.url })), policy, context);
    const inspect = new pg.Pool({ connectionString: database.url, max: 2 });
    // The database is dropped with its connections at close; that must not fail the run.
    inspect.on('error', () => undefined);
    return {
      backend,
      faults,
      changes,
      inspect: async <Row>(sql: string, parameters: unknown[]) => (await inspect.query(numberedPlaceholders(sql), parameters)).rows as Row[],
      close: async () => {
        await inspect.end();
        await backend.close();
        await database.drop();
      },
    };
  }
  const directory = mkdtempSync(join(tmpdir(), 'imbridge-test-'));
  const path = join(directory, 'imbridge.db');
  const backend = new NativeBackend(faults.wrap(new SqliteExecutor(openDatabase({ driver: 'sqlite', path }))), policy, context);
  const inspect = new Database(path, { readonly: true });
  return {
    backend,
    faults,
    changes,
    inspect: sqliteQuery(inspect),
    close: async () => {
      inspect.close();
      await backend.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export function directTarget(store: StoreKind, policy?: { requireFriendship: boolean }): () => Promise<ConformanceTarget> {
  return async () => {
    const fixture = await nativeFixture(store, policy);
    const changes: ChangeRecord[] = [];
    fixture.changes.subscribe((record) => changes.push(record));
    // The guard the host puts in front of every backend: a direct run checks what callers get.
    return { backend: guardBackend(fixture.backend), backdoor: createNativeBackdoor(fixture.inspect), changes, faults: fixture.faults, close: fixture.close };
  };
}

function supertestTransport(agent: supertest.Agent): Transport {
  return async ({ method, url, headers, body }) => {
    const lower = method.toLowerCase() as 'get' | 'put' | 'post' | 'delete' | 'patch';
    let request = agent[lower](url.pathname + url.search).set(headers);
    if (body !== undefined) request = request.send(body);
    const response = await request;
    return { status: response.status, text: response.text };
  };
}

export function httpTarget(store: StoreKind, policy?: { requireFriendship: boolean }): () => Promise<ConformanceTarget> {
  return async () => {
    const fixture = await nativeFixture(store, policy);
    const running = await serveImbridge(
      { defaultBackend: 'local', backends: { local: { vendor: 'native', store: { driver: 'memory' } } } },
      { provided: new Map([['local', fixture.backend]]) },
    );
    const backend = await HttpBackend.connect({ url: running.url, transport: supertestTransport(supertest.agent(running.server)) });
    return {
      backend,
      backdoor: createNativeBackdoor(fixture.inspect),
      close: async () => {
        await running.close();
        await fixture.close();
      },
    };
  };
}
