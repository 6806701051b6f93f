// The real process: writes queued for a secondary that is down survive a stop of imbridge, and the
// next start delivers them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findVendor } from '../../index.js';
import { spawnServer } from '../../../test/support/spawn-imbridge.js';
import { scraped } from './harness.js';

const directory = mkdtempSync(join(tmpdir(), 'imbridge-mirror-restart-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function call(url: string, method: string, path: string, body?: unknown): Promise<number> {
  const response = await fetch(new URL(path, url), {
    method,
    headers: { 'x-im-backend': 'both', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await response.text();
  return response.status;
}

async function depth(url: string): Promise<number | undefined> {
  return scraped(await (await fetch(new URL('/metrics', url))).text(), 'imbridge_mirror_queue_depth');
}

describe('a restart with writes in the queue', () => {
  it('delivers them after the next start', async () => {
    const wukongim = findVendor('wukongim')!.fake!;
    const fake = await wukongim.start({ port: 0 });
    try {
      fake.control.addFault({ route: '*', kind: 'status', status: 503, times: 1_000_000 });
      const config = join(directory, 'imbridge.yaml');
      const secondary = JSON.stringify({ ...fake.backendConfig, timeoutMs: 1_000, retry: { maxAttempts: 1 } });
      writeFileSync(
        config,
        [
          'defaultBackend: both',
          'backends:',
          `  p: { vendor: native, store: { driver: sqlite, path: "${join(directory, 'primary.db')}" } }`,
          `  s: ${secondary}`,
          `  both: { vendor: mirror, primary: p, secondary: s, queue: { path: "${join(directory, 'queue.db')}" }, retry: { initialDelayMs: 50, maxDelayMs: 300 } }`,
          '',
        ].join('\n'),
      );

      const first = await spawnServer(['serve', '--config', config]);
      try {
        expect(await call(first.url, 'PUT', '/v1/users/alice', { name: 'Alice' })).toBe(200);
        expect(await call(first.url, 'PUT', '/v1/users/bob', { name: 'Bob' })).toBe(200);
        expect(await call(first.url, 'PUT', '/v1/users/alice/friends/bob', { alias: 'Bobby' })).toBe(200);
        expect(await call(first.url, 'POST', '/v1/groups', { id: 'team', name: 'Team', owner: 'alice', members: ['bob'] })).toBe(201);
        expect(await call(first.url, 'PUT', '/v1/users/alice', { name: 'Alice 2' })).toBe(200);
        expect(await depth(first.url)).toBe(5);
      } finally {
        expect(await first.stop()).toBe(0);
      }
      const backdoor = wukongim.backdoor(fake);
      expect(await backdoor.user('alice')).toBeNull();

      fake.control.clearFaults();
      const second = await spawnServer(['serve', '--config', config]);
      try {
        await expect.poll(() => depth(second.url), { timeout: 20_000, interval: 100 }).toBe(0);
        expect(scraped(await (await fetch(new URL('/metrics', second.url))).text(), 'imbridge_mirror_delivered_total')).toBe(5);
      } finally {
        expect(await second.stop()).toBe(0);
      }
      expect(await backdoor.user('alice')).toMatchObject({ name: 'Alice 2' });
      expect(await backdoor.friends('alice')).toEqual([{ friend: 'bob', alias: 'Bobby' }]);
      expect((await backdoor.members('group', 'team')).map((member) => member.uid).sort()).toEqual(['alice', 'bob']);
      expect(second.output()).toContain('mirror: delivering the writes queued before the restart');
    } finally {
      await fake.close();
    }
  }, 90_000);
});
