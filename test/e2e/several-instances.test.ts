/**
 * Two real imbridge processes on one PostgreSQL database (the native store), coordinated through
 * that database or through Redis: writes split across both keep every invariant, an
 * Idempotency-Key used on one is honoured by the other, and killing one under load loses no write
 * it acknowledged (read back through the other).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../src/testing/postgres-cluster.js';
import { spawnServer, type SpawnedImbridge } from '../support/spawn-imbridge.js';

interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

async function call(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(new URL(path, url), {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text), headers: response.headers };
}

describe.each(['postgres', 'redis'])('coordination %s', (coordination) => {
  const directory = mkdtempSync(join(tmpdir(), 'imbridge-instances-'));
  let database: { url: string; drop(): Promise<void> };
  let inspect: pg.Pool;
  let first: SpawnedImbridge;
  let second: SpawnedImbridge;

  beforeAll(async () => {
    database = await createTestDatabase(inject('postgresUrl'));
    inspect = new pg.Pool({ connectionString: database.url, max: 2 });
    inspect.on('error', () => undefined);
    const config = join(directory, 'imbridge.yaml');
    writeFileSync(
      config,
      `backends:\n  local: { vendor: native, store: { driver: postgres, url: "${database.url}" } }\ncoordination: { driver: ${coordination}, url: "${coordination === 'redis' ? inject('redisUrl') : database.url}"${coordination === 'redis' ? `, prefix: "test-${Math.random().toString(36).slice(2)}:"` : ''} }\n`,
    );
    // Started together: both run the migrations on the new database at once.
    [first, second] = await Promise.all([spawnServer(['serve', '--config', config], { LOG_LEVEL: 'warn' }), spawnServer(['serve', '--config', config], { LOG_LEVEL: 'warn' })]);
  }, 60_000);

  afterAll(async () => {
    // The kill test leaves `first` dead already; only a live process is stopped.
    await Promise.allSettled([first, second].filter((instance) => instance && instance.child.exitCode === null && instance.child.signalCode === null).map((instance) => instance.stop()));
    await inspect?.end();
    await database?.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  const rows = async <Row>(sql: string, parameters: unknown[] = []): Promise<Row[]> => (await inspect.query(sql, parameters)).rows as Row[];

  describe('two imbridge instances on one PostgreSQL', () => {
    it('friend PUT/DELETE storms split across both end on both sides or neither; the last rename wins', async () => {
      const instances = () => [first.url, second.url];
      for (let round = 0; round < 8; round += 1) {
        const [a, b] = [`s${round}_a`, `s${round}_b`];
        for (const uid of [a, b]) expect((await call(first.url, 'PUT', `/v1/users/${uid}`, { name: uid })).status).toBe(200);
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, index) => {
            const url = instances()[index % 2]!;
            return index % 3 === 0 ? call(url, 'DELETE', `/v1/users/${a}/friends/${b}`) : call(url, 'PUT', index % 4 === 1 ? `/v1/users/${b}/friends/${a}` : `/v1/users/${a}/friends/${b}`, {});
          }),
        );
        expect(results.map((result) => result.status).filter((status) => status >= 300)).toEqual([]);
        const entries = await rows<{ owner: string }>('SELECT owner FROM friends WHERE (owner = $1 AND friend = $2) OR (owner = $2 AND friend = $1)', [a, b]);
        expect([0, 2], `round ${round}: ${JSON.stringify(entries)}`).toContain(entries.length);

        await Promise.all(Array.from({ length: 6 }, (_, index) => call(instances()[index % 2]!, 'PUT', `/v1/users/${a}`, { name: `n${index}` })));
        expect((await call(second.url, 'PUT', `/v1/users/${a}`, { name: 'final' })).status).toBe(200);
        expect((await call(first.url, 'GET', `/v1/users/${a}`)).body).toMatchObject({ name: 'final' });
      }
    });

    it('a member added on one instance while banned on the other ends banned and not a member', async () => {
      for (const uid of ['g_owner', 'g_x']) await call(first.url, 'PUT', `/v1/users/${uid}`, {});
      for (let round = 0; round < 8; round += 1) {
        const id = `race_${round}`;
        expect((await call(first.url, 'POST', '/v1/groups', { id, name: id, owner: 'g_owner' })).status).toBe(201);
        await Promise.all([
          call(first.url, 'POST', `/v1/groups/${id}/members`, { uids: ['g_x'] }),
          call(second.url, 'POST', `/v1/groups/${id}/blocks`, { uids: ['g_x'] }),
          call(first.url, 'POST', `/v1/groups/${id}/members`, { uids: ['g_x'] }),
        ]);
        const member = await rows("SELECT 1 FROM members WHERE kind = 'group' AND room_id = $1 AND uid = 'g_x'", [id]);
        const banned = await rows("SELECT 1 FROM room_blocks WHERE kind = 'group' AND room_id = $1 AND uid = 'g_x'", [id]);
        expect(banned.length, `round ${round}`).toBe(1);
        expect(member.length, `round ${round}: banned and a member`).toBe(0);
      }
    });

    it('an Idempotency-Key used on one instance is honoured by the other, also when both calls race', async () => {
      await call(first.url, 'PUT', '/v1/users/idem_owner', {});
      const body = { name: 'Idempotent', owner: 'idem_owner' };
      const created = await call(first.url, 'POST', '/v1/groups', body, { 'idempotency-key': 'key-one' });
      expect(created.status).toBe(201);
      const repeated = await call(second.url, 'POST', '/v1/groups', body, { 'idempotency-key': 'key-one' });
      expect(repeated.status).toBe(201);
      expect(repeated.headers.get('idempotent-replayed')).toBe('true');
      expect(repeated.body).toEqual(created.body);
      const mismatch = await call(second.url, 'POST', '/v1/groups', { ...body, name: 'Other' }, { 'idempotency-key': 'key-one' });
      expect(mismatch).toMatchObject({ status: 422, body: { error: { code: 'IDEMPOTENCY_MISMATCH' } } });

      const raced = await Promise.all([first.url, second.url, first.url, second.url].map((url) => call(url, 'POST', '/v1/groups', { name: 'Raced', owner: 'idem_owner' }, { 'idempotency-key': 'key-two' })));
      expect(raced.map((answer) => answer.status)).toEqual([201, 201, 201, 201]);
      expect(new Set(raced.map((answer) => (answer.body as { id: string }).id)).size).toBe(1);
      expect(await rows("SELECT id FROM rooms WHERE name = 'Raced'")).toHaveLength(1);
      expect(await rows("SELECT id FROM rooms WHERE name = 'Idempotent'")).toHaveLength(1);
    });

    it('SIGKILL of one instance under load loses no acknowledged write (read through the other)', async () => {
      const acknowledged: string[] = [];
      let next = 0;
      let stop = false;
      const worker = async () => {
        while (!stop) {
          const uid = `load_${(next += 1)}`;
          try {
            const answer = await call(first.url, 'PUT', `/v1/users/${uid}`, { name: uid });
            if (answer.status === 200) acknowledged.push(uid);
          } catch {
            // The connection died with the process: not acknowledged, nothing to check.
          }
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      while (acknowledged.length < 200) await new Promise((resolve) => setTimeout(resolve, 10));
      const exited = new Promise((resolve) => first.child.once('exit', resolve));
      first.child.kill('SIGKILL');
      await exited;
      stop = true;
      await Promise.all(workers);
      const missing: string[] = [];
      for (const uid of acknowledged) if ((await call(second.url, 'GET', `/v1/users/${uid}`)).status !== 200) missing.push(uid);
      expect(acknowledged.length).toBeGreaterThanOrEqual(200);
      expect(missing).toEqual([]);
    });
  });
});
