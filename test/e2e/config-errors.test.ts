// A config error stops start-up with one line per problem, naming the key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runToExit } from '../support/spawn-imbridge.js';

const directory = mkdtempSync(join(tmpdir(), 'imbridge-config-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function configFile(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

describe('start-up with an invalid config', () => {
  it('exits non-zero naming each bad key, and never starts listening', async () => {
    const path = configFile(
      'bad.yaml',
      `server: { host: 127.0.0.1, port: 8080, colour: blue }
defaultBackend: nowhere
backends:
  local: { vendor: native, store: { driver: floppy } }
`,
    );
    const result = await runToExit(['serve', '--config', path]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('server.colour: is not a known key');
    expect(result.stderr).toContain('backends.local.store.driver: must be one of sqlite, memory');
    expect(result.stdout).not.toContain('listening');
  }, 60_000);

  it('names a missing environment variable and the key that uses it, without printing secrets', async () => {
    const path = configFile(
      'env.yaml',
      `auth:\n  apiKeys:\n    - { key: "\${IMBRIDGE_TEST_MISSING_KEY}", backends: ["*"] }\nbackends:\n  local: { vendor: native, store: { driver: memory } }\n`,
    );
    const result = await runToExit(['serve', '--config', path], { IMBRIDGE_TEST_MISSING_KEY: undefined });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('auth.apiKeys[0].key: environment variable IMBRIDGE_TEST_MISSING_KEY is not set (nor IMBRIDGE_TEST_MISSING_KEY_FILE)');
  }, 60_000);

  it('refuses a non-loopback host without API keys', async () => {
    const path = configFile('open.yaml', `server: { host: 0.0.0.0 }\nbackends:\n  local: { vendor: native, store: { driver: memory } }\n`);
    const result = await runToExit(['serve', '--config', path]);
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/server\.host: "0\.0\.0\.0" is not a loopback address/);
  }, 60_000);

  it('reports a YAML syntax error and an unreadable file by path', async () => {
    const broken = configFile('broken.yaml', 'backends: [unclosed\n');
    const syntax = await runToExit(['serve', '--config', broken]);
    expect(syntax.code).toBe(78);
    expect(syntax.stderr).toContain(`${broken}: YAML`);
    const missing = await runToExit(['serve', '--config', join(directory, 'absent.yaml')]);
    expect(missing.code).toBe(78);
    expect(missing.stderr).toContain('cannot be read (ENOENT)');
  }, 60_000);
});
