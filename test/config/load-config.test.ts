// Config loading: interpolation, defaults, and one clear line per problem.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, validateConfig } from '../../src/config/load-config.js';
import { VENDORS } from '../../adapters/index.js';

const directory = mkdtempSync(join(tmpdir(), 'imbridge-config-unit-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function problemsOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('without a file: the native backend alone on ./data/imbridge.db, 127.0.0.1:8080', () => {
    const config = loadConfig(undefined, {});
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.defaultBackend).toBe('local');
    expect(config.backends.local).toEqual({ vendor: 'native', store: { driver: 'sqlite', path: './data/imbridge.db' } });
    expect(config.auth.apiKeys).toEqual([]);
  });

  it('PORT and HOST override the listen address', () => {
    expect(loadConfig(undefined, { PORT: '9999', HOST: '127.0.0.2' }).server).toMatchObject({ host: '127.0.0.2', port: 9999 });
    expect(problemsOf(() => loadConfig(undefined, { PORT: 'eighty' }))).toEqual(['server.port: PORT "eighty" is not a port number']);
  });

  it('replaces ${NAME} from the environment', () => {
    const path = join(directory, 'env.yaml');
    writeFileSync(path, 'auth:\n  apiKeys:\n    - { key: "${TEST_KEY}", name: ops }\nbackends:\n  local: { vendor: native }\n');
    const config = loadConfig(path, { TEST_KEY: 'a-very-long-secret-key-value' });
    expect(config.auth.apiKeys).toEqual([{ key: 'a-very-long-secret-key-value', name: 'ops', backends: ['*'] }]);
  });

  it('${NAME:-fallback} uses the fallback when NAME is unset or empty, and NAME when set', () => {
    const path = join(directory, 'fallback.yaml');
    writeFileSync(path, 'server: { logLevel: "${TEST_LEVEL:-warn}" }\nbackends:\n  local: { vendor: native, store: { driver: sqlite, path: "${TEST_DB:-./data/x.db}" } }\n');
    expect(loadConfig(path, {}).server.logLevel).toBe('warn');
    expect(loadConfig(path, { TEST_LEVEL: '' }).server.logLevel).toBe('warn');
    expect(loadConfig(path, { TEST_LEVEL: 'debug' }).server.logLevel).toBe('debug');
    expect(loadConfig(path, {}).backends.local).toMatchObject({ store: { path: './data/x.db' } });
  });

  it('reads ${NAME} from the file NAME_FILE names (a mounted secret), without its final newline', () => {
    const secret = join(directory, 'secret.txt');
    writeFileSync(secret, 'a-very-long-secret-from-a-file\n');
    const path = join(directory, 'file.yaml');
    writeFileSync(path, 'auth:\n  apiKeys:\n    - { key: "${TEST_SECRET}", name: ops }\nbackends:\n  local: { vendor: native }\n');
    expect(loadConfig(path, { TEST_SECRET_FILE: secret }).auth.apiKeys[0]!.key).toBe('a-very-long-secret-from-a-file');
    // The variable itself wins over its file.
    expect(loadConfig(path, { TEST_SECRET: 'a-very-long-secret-key-value', TEST_SECRET_FILE: secret }).auth.apiKeys[0]!.key).toBe('a-very-long-secret-key-value');
    const missing = join(directory, 'absent.txt');
    expect(problemsOf(() => loadConfig(path, { TEST_SECRET_FILE: missing }))).toContain(`auth.apiKeys[0].key: TEST_SECRET_FILE names ${missing}, which cannot be read (ENOENT)`);
    expect(problemsOf(() => loadConfig(path, {}))).toContain('auth.apiKeys[0].key: environment variable TEST_SECRET is not set (nor TEST_SECRET_FILE)');
  });

  it('lists every problem with its key path', () => {
    const problems = problemsOf(() =>
      validateConfig(
        {
          server: { port: 'x' },
          auth: { apiKeys: [{ key: 'short', backends: ['ghost'] }] },
          backends: { local: { vendor: 'native', store: { driver: 'sqlite', extra: 1 } }, other: { vendor: 'martian' } },
        },
        {},
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'server.port: must be integer',
        'auth.apiKeys[0].key: must NOT have fewer than 16 characters',
        'backends.local.store.extra: is not a known key',
        `backends.other.vendor: must be one of ${VENDORS.map((vendor) => vendor.name).join(', ')}`,
      ]),
    );
  });

  it('checks cross-references: the default backend and the backends a key names', () => {
    const problems = problemsOf(() =>
      validateConfig({ defaultBackend: 'nope', auth: { apiKeys: [{ key: 'k'.repeat(20), backends: ['ghost'] }] }, backends: { local: { vendor: 'native' } } }, {}),
    );
    expect(problems).toEqual([
      'defaultBackend: "nope" is not one of the configured backends (local)',
      'auth.apiKeys[0].backends: "ghost" is not a configured backend',
    ]);
  });

  it('checks compat facades: their backend exists, and an upstream is a backend of the same vendor', () => {
    const problems = problemsOf(() =>
      validateConfig(
        {
          backends: { local: { vendor: 'native' }, wf: { vendor: 'wildfire', baseUrl: 'http://127.0.0.1:1', secret: 's' } },
          compat: {
            wukongim: { backend: 'nowhere' },
            openim: { secret: 'x', upstream: 'wf' },
            wildfire: { secret: 'y', upstream: 'ghost' },
          },
        },
        {},
      ),
    );
    expect(problems).toEqual([
      'compat.wukongim.backend: "nowhere" is not a configured backend',
      'compat.openim.upstream: "wf" is a wildfire backend, not openim',
      'compat.wildfire.upstream: "ghost" is not a configured backend',
    ]);
  });

  it('defaults a facade to the default backend', () => {
    const config = validateConfig({ backends: { local: { vendor: 'native' } }, compat: { wukongim: { token: 't' } } }, {});
    expect(config.compat.wukongim).toEqual({ token: 't', backend: 'local' });
  });
});

