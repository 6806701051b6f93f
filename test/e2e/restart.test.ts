// The real process: data written on the sqlite store survives a stop and a start.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../support/spawn-imbridge.js';

const directory = mkdtempSync(join(tmpdir(), 'imbridge-e2e-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(new URL(path, url), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

describe('sqlite store across a restart', () => {
  it('reads back users, friendships, blocks, rooms, mutes and conversations after the process restarts', async () => {
    const config = join(directory, 'imbridge.yaml');
    const database = join(directory, 'nested', 'imbridge.db');
    writeFileSync(config, `backends:\n  local: { vendor: native, store: { driver: sqlite, path: "${database}" } }\n`);

    const first = await spawnServer(['serve', '--config', config]);
    for (const uid of ['alice', 'bob', 'carol']) expect((await call(first.url, 'PUT', `/v1/users/${uid}`, { name: uid.toUpperCase() })).status).toBe(200);
    expect((await call(first.url, 'PUT', '/v1/users/alice/friends/bob', { alias: 'Bobby' })).status).toBe(200);
    expect((await call(first.url, 'PUT', '/v1/users/carol/blocks/alice')).status).toBe(200);
    expect((await call(first.url, 'POST', '/v1/groups', { id: 'team', name: 'Team', owner: 'alice', members: ['bob'] })).status).toBe(201);
    expect((await call(first.url, 'PUT', '/v1/groups/team/mutes/bob', {})).status).toBe(200);
    expect((await call(first.url, 'POST', '/v1/messages', { from: 'bob', to: { type: 'user', id: 'alice' }, text: 'hi' })).status).toBe(201);
    expect(await first.stop()).toBe(0);

    const second = await spawnServer(['serve', '--config', config]);
    try {
      expect((await call(second.url, 'GET', '/v1/users/alice')).body).toEqual({ uid: 'alice', name: 'ALICE', extra: null });
      expect(await call(second.url, 'GET', '/v1/users/alice/relations/bob')).toMatchObject({ status: 200, body: { friend: true, friendOf: true, alias: 'Bobby' } });
      expect((await call(second.url, 'GET', '/v1/users/alice/relations/carol')).body).toMatchObject({ blockedBy: true });
      expect((await call(second.url, 'GET', '/v1/groups/team')).body).toMatchObject({ id: 'team', memberCount: 2 });
      expect((await call(second.url, 'GET', '/v1/groups/team/mutes')).body).toEqual({ items: [{ uid: 'bob', mutedUntil: 'forever' }], nextCursor: null });
      const conversations = (await call(second.url, 'GET', '/v1/users/alice/conversations')).body as { items: Array<{ peer: unknown; unread: number }> };
      expect(conversations.items).toEqual([expect.objectContaining({ peer: { type: 'user', id: 'bob' }, unread: 1 })]);
      const refused = await call(second.url, 'POST', '/v1/messages', { from: 'alice', to: { type: 'user', id: 'carol' }, text: 'x' });
      expect(refused).toMatchObject({ status: 403, body: { error: { code: 'BLOCKED' } } });
    } finally {
      await second.stop();
    }
  }, 90_000);
});
