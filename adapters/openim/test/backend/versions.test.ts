/**
 * What differs between the OpenIM releases the adapter supports (3.7.x, 3.8.0 – 3.8.1, 3.8.2 and
 * later, the 3.8.3 hotfix builds), each against a fake of that release: the unified outcome is
 * the same everywhere, whatever the vendor answers on the way (December 2026 audit, NOTES.md).
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../../src/config/load-config.js';
import { createBackend } from '../../backend/index.js';
import { rid, startHarness, type Harness } from './harness.js';

async function withHarness(version: string, run: (harness: Harness) => Promise<void>, fakeOptions: Record<string, unknown> = {}): Promise<void> {
  const harness = await startHarness({ version, ...fakeOptions });
  try {
    await run(harness);
  } finally {
    await harness.close();
  }
}

describe('hotfix builds (audit O-10)', () => {
  it('a 3.8.3-patch.16 server is configured by its own version string and served like 3.8.3', async () => {
    const config = validateConfig({
      defaultBackend: 'oim',
      backends: { oim: { vendor: 'openim', baseUrl: 'http://127.0.0.1:10002', adminUserId: 'imAdmin', secret: 'openIM123', version: '3.8.3-patch.16' } },
    }, {});
    expect(config.backends['oim']).toMatchObject({ version: '3.8.3-patch.16' });
    await withHarness('3.8.3-patch.16', async ({ backend, fake }) => {
      const [a, b] = [rid(), rid()];
      await backend.users.put(a, { name: 'A' });
      await backend.users.put(b, {});
      await backend.blocks.put(a, b);
      expect(await backend.relations.get(b, a)).toMatchObject({ blockedBy: true });
      // 3.8.1+ routes: the admin token and the blacklist probe of the baseline.
      expect(fake.control.requestsTo('POST /auth/get_admin_token')).toHaveLength(1);
      expect(fake.control.requestsTo('POST /friend/get_specified_blacks').length).toBeGreaterThan(0);
    });
  });

  it('a version string that names no release is refused before any call', async () => {
    const config = { vendor: 'openim' as const, baseUrl: 'http://127.0.0.1:1', adminUserId: 'imAdmin', secret: 's', version: '3.8.x' };
    const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    await expect(createBackend(config, { name: 'x', logger: silent, changes: { emit: () => undefined }, now: Date.now })).rejects.toThrow(/not like 3\.8\.3/);
  });
});
