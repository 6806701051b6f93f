/**
 * Conformance targets on the native backend: direct (the Backend object) or through HTTP
 * (imbridge's express app, driven by supertest), on the memory or the sqlite store. The backdoor
 * reads the store through its own connection, never through the backend under test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import supertest from 'supertest';
import { NativeBackend, openDatabase } from '../backend/index.js';
import { createNativeBackdoor } from './native-backdoor.js';
import { StatementFaults } from './statement-faults.js';
import { HttpBackend, type Transport } from '../../../src/client/http-backend.js';
import type { ConformanceTarget } from '../../../src/conformance/index.js';
import { serveImbridge } from '../../../src/conformance/index.js';
import { ChangeLog } from '../../../src/server/change-log.js';
import { guardBackend } from '../../../src/runtime/index.js';
import type { ChangeRecord } from '../../../src/spec/index.js';
import { createLogger } from '../../../src/server/create-logger.js';

export type StoreKind = 'memory' | 'sqlite';

export interface NativeFixture {
  backend: NativeBackend;
  /** The statement-level fault hook between the backend and its store. */
  faults: StatementFaults;
  /** Where the backend's change records go. */
  changes: ChangeLog;
  /** A second connection to the same store (the same database object for memory). */
  inspect: Database.Database;
  close(): Promise<void>;
}

export function nativeFixture(store: StoreKind, policy = { requireFriendship: false }): NativeFixture {
  const changes = new ChangeLog();
  const context = { name: 'local', logger: createLogger('silent'), changes, now: Date.now };
  if (store === 'memory') {
    const database = openDatabase({ driver: 'memory' });
    const faults = new StatementFaults();
    const backend = new NativeBackend(faults.wrap(database), policy, context);
    return { backend, faults, changes, inspect: database, close: () => backend.close() };
  }
  const directory = mkdtempSync(join(tmpdir(), 'imbridge-test-'));
  const path = join(directory, 'imbridge.db');
  const faults = new StatementFaults();
  const backend = new NativeBackend(faults.wrap(openDatabase({ driver: 'sqlite', path })), policy, context);
  const inspect = new Database(path, { readonly: true });
  return {
    backend,
    faults,
    changes,
    inspect,
    close: async () => {
      inspect.close();
      await backend.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export function directTarget(store: StoreKind, policy?: { requireFriendship: boolean }): () => Promise<ConformanceTarget> {
  return async () => {
    const fixture = nativeFixture(store, policy);
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
    const fixture = nativeFixture(store, policy);
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
