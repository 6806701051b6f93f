/** `imbridge fake wildfire --port N` prints, as its first line, the backend block that reaches the fake. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { createBackend, type WildfireConfig } from '../../backend/index.js';

const silent = () => undefined;

describe('imbridge fake wildfire', () => {
  it('prints a working backend block first, for either edition', async () => {
    const child = spawn(process.execPath, ['bin/imbridge.js', 'fake', 'wildfire', '--port', '0'], {
      cwd: new URL('../../../../', import.meta.url),
      env: { ...process.env, IMBRIDGE_WILDFIRE_EDITION: 'pro' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const lines = createInterface({ input: child.stdout! });
      const [first] = (await once(lines, 'line')) as [string];
      const block = JSON.parse(first) as Record<string, unknown>;
      expect(Object.keys(block).sort()).toEqual(['baseUrl', 'edition', 'secret', 'vendor']);
      expect(block).toMatchObject({ vendor: 'wildfire', edition: 'pro', secret: '123456' });
      const backend = await createBackend(block as unknown as WildfireConfig, {
        name: 'cli',
        logger: { debug: silent, info: silent, warn: silent, error: silent },
        changes: { emit: silent },
        now: Date.now,
      });
      try {
        expect(await backend.health()).toEqual({ ok: true, detail: 'wildfire pro' });
        expect((await backend.users.put('cli-user', { name: 'C' })).name).toBe('C');
      } finally {
        await backend.close();
      }
    } finally {
      child.kill('SIGTERM');
    }
  }, 20_000);
});
