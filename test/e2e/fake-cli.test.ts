// `imbridge fake <vendor>` prints a working backend block first; `imbridge serve` with it serves /v1 on that vendor.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { firstLine, runCli, spawnServer } from '../support/spawn-imbridge.js';
import { VENDORS } from '../../adapters/index.js';

const directory = mkdtempSync(join(tmpdir(), 'imbridge-fake-cli-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
  rmSync(directory, { recursive: true, force: true });
});

describe.each(VENDORS.filter((vendor) => vendor.fake).map((vendor) => vendor.name))('imbridge fake %s', (vendor) => {
  it('prints its backend block as the first line, and imbridge serves /v1 on it', async () => {
    const fake = runCli(['fake', vendor, '--port', '0']);
    children.push(fake);
    const block = JSON.parse(await firstLine(fake)) as Record<string, unknown>;
    expect(block.vendor).toBe(vendor);
    expect(String(block.baseUrl)).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);

    const config = join(directory, `${vendor}.yaml`);
    writeFileSync(config, `defaultBackend: v\nbackends:\n  v: ${JSON.stringify(block)}\n`);
    const server = await spawnServer(['serve', '--config', config], { LOG_LEVEL: 'warn' });
    try {
      const capabilities = (await (await fetch(`${server.url}/v1/capabilities`)).json()) as { vendor: string };
      expect(capabilities.vendor).toBe(vendor);
      const put = await fetch(`${server.url}/v1/users/cli_user_1`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"name":"Cli"}' });
      expect(put.status).toBe(200);
      const read = (await (await fetch(`${server.url}/v1/users/cli_user_1`)).json()) as { uid: string; name: string };
      expect(read).toMatchObject({ uid: 'cli_user_1', name: 'Cli' });
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect(server.output()).not.toContain(String(block.token ?? block.secret ?? block.appCertificate));
    } finally {
      await server.stop();
      fake.kill('SIGTERM');
    }
  }, 60_000);
});
