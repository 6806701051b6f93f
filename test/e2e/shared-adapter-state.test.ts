/**
 * What the Agora and Wildfire adapters keep beside the vendor (when a friendship or block began;
 * Wildfire's recently sent friend requests) is shared through the configured coordination: two
 * real imbridge processes on one PostgreSQL, or on one Redis, answer the same, also after the first one is killed
 * and after a restart. Each vendor fake runs as its own process, as a real server would.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../src/testing/postgres-cluster.js';
import { firstLine, runCli, spawnServer, type SpawnedImbridge } from '../support/spawn-imbridge.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(url: string, backend: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(new URL(path, url), {
    method,
    headers: { 'x-im-backend': backend, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
describe.each(['postgres', 'redis'])('coordination %s', (coordination) => {
  const directory = mkdtempSync(join(tmpdir(), 'imbridge-adapter-state-'));
  const run = Math.random().toString(36).slice(2, 8);
  const fakes: ChildProcess[] = [];
  let database: { url: string; drop(): Promise<void> };
  let configPath: string;
  let first: SpawnedImbridge;
  let second: SpawnedImbridge;
  const serve = () => spawnServer(['serve', '--config', configPath], { LOG_LEVEL: 'warn' });

  beforeAll(async () => {
    database = await createTestDatabase(inject('postgresUrl'));
    const blocks: string[] = [];
    for (const vendor of ['agora', 'wildfire']) {
      const fake = runCli(['fake', vendor, '--port', '0']);
      fakes.push(fake);
      blocks.push(await firstLine(fake));
    }
    configPath = join(directory, 'imbridge.yaml');
    writeFileSync(
      configPath,
      `backends:\n  chat: ${blocks[0]}\n  fire: ${blocks[1]}\ndefaultBackend: chat\ncoordination: { driver: ${coordination}, url: "${coordination === 'redis' ? inject('redisUrl') : database.url}"${coordination === 'redis' ? `, prefix: "test-${run}:"` : ''} }\n`,
    );
    [first, second] = await Promise.all([serve(), serve()]);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([first, second].filter((instance) => instance && instance.child.exitCode === null && instance.child.signalCode === null).map((instance) => instance.stop()));
    for (const fake of fakes) fake.kill('SIGTERM');
    await database?.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  describe.each(['chat', 'fire'])('adapter state shared by two instances (%s)', (backend) => {
    const uid = (name: string) => `${name}${run}${backend}`;

    it('a friendship and a block made through one instance carry the same `since` through the other', async () => {
      const [a, b, c] = [uid('a'), uid('b'), uid('c')];
      for (const user of [a, b, c]) expect((await call(first.url, backend, 'PUT', `/v1/users/${user}`, { name: user })).status).toBe(200);
      const friendship = await call(first.url, backend, 'PUT', `/v1/users/${a}/friends/${b}`, {});
      expect(friendship.status).toBe(200);
      const blocked = await call(first.url, backend, 'PUT', `/v1/users/${a}/blocks/${c}`);
      expect(blocked.status).toBe(200);
      // Later than the writes: a time stamped at first sight by the other instance would differ.
      await sleep(30);
      const read = await call(second.url, backend, 'GET', `/v1/users/${a}/friends/${b}`);
      expect(read.body.since).toBe(friendship.body.since);
      const reverse = await call(second.url, backend, 'GET', `/v1/users/${b}/friends/${a}`);
      expect(reverse.body.since).toBe(friendship.body.since);
      const list = await call(second.url, backend, 'GET', `/v1/users/${a}/blocks`);
      expect(list.body.items).toEqual([{ uid: a, blocked: c, since: blocked.body.since }]);
    });

    it('a friendship removed through one instance and made again through the other starts afresh', async () => {
      const [a, b] = [uid('d'), uid('e')];
      for (const user of [a, b]) await call(first.url, backend, 'PUT', `/v1/users/${user}`, { name: user });
      const before = await call(first.url, backend, 'PUT', `/v1/users/${a}/friends/${b}`, {});
      expect((await call(first.url, backend, 'DELETE', `/v1/users/${a}/friends/${b}`)).status).toBe(204);
      await sleep(30);
      const again = await call(second.url, backend, 'PUT', `/v1/users/${a}/friends/${b}`, {});
      expect(again.body.since).not.toBe(before.body.since);
      expect((await call(first.url, backend, 'GET', `/v1/users/${a}/friends/${b}`)).body.since).toBe(again.body.since);
    });
  });

  describe('Wildfire friend requests across instances', () => {
    it('a quick repeat sent through the other instance is REQUEST_PENDING, as through the first', async () => {
      const [a, b] = [`ra${run}`, `rb${run}`];
      for (const user of [a, b]) await call(first.url, 'fire', 'PUT', `/v1/users/${user}`, { name: user });
      expect((await call(first.url, 'fire', 'POST', `/v1/users/${a}/friend-requests`, { to: b, message: 'hi' })).status).toBe(201);
      const repeat = await call(second.url, 'fire', 'POST', `/v1/users/${a}/friend-requests`, { to: b, message: 'changed' });
      expect(repeat.status).toBe(409);
      expect((repeat.body.error as { code: string }).code).toBe('REQUEST_PENDING');
    });
  });

  describe('after the first instance dies', () => {
    it('the other and a restarted one answer the times the dead one stamped', async () => {
      const [a, b] = [`ka${run}`, `kb${run}`];
      for (const user of [a, b]) await call(first.url, 'fire', 'PUT', `/v1/users/${user}`, { name: user });
      const made = await call(first.url, 'fire', 'PUT', `/v1/users/${a}/friends/${b}`, {});
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      await sleep(30);
      expect((await call(second.url, 'fire', 'GET', `/v1/users/${a}/friends/${b}`)).body.since).toBe(made.body.since);
      first = await serve();
      expect((await call(first.url, 'fire', 'GET', `/v1/users/${a}/friends`)).body.items).toEqual([expect.objectContaining({ friend: b, since: made.body.since })]);
    });
  });
});
