/**
 * A mirror's block: validated by its schema, its two backends built first whatever their place
 * in the file, and a name that is not configured, a cycle, or one backend on both sides refused
 * at start-up with a line naming the block.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../../src/config/load-config.js';
import { createBackends } from '../../../src/server/create-backends.js';
import { createLogger } from '../../../src/server/create-logger.js';
import { runToExit } from '../../../test/support/spawn-imbridge.js';

const directory = mkdtempSync(join(tmpdir(), 'imbridge-mirror-config-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const memory = { vendor: 'native', store: { driver: 'memory' } };
const queue = (name: string) => ({ path: join(directory, `${name}.db`) });

async function build(backends: Record<string, unknown>) {
  const config = validateConfig({ defaultBackend: Object.keys(backends)[0], backends }, {});
  return createBackends(config.backends, { logger: createLogger('silent'), changes: { emit: () => undefined } });
}

async function problems(backends: Record<string, unknown>): Promise<string[]> {
  try {
    const built = await build(backends);
    await Promise.all([...built.values()].map((backend) => backend.close()));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    return [`not a ConfigError: ${String(error)}`];
  }
  return [];
}

describe('the mirror block', () => {
  it('builds the two sides first, wherever they stand in the file, and each only once', async () => {
    const built = await build({ both: { vendor: 'mirror', primary: 'a', secondary: 'b', queue: queue('order') }, a: memory, b: memory });
    try {
      expect([...built.keys()]).toEqual(['both', 'a', 'b']);
      await built.get('both')!.users.put('alice', { name: 'A' });
      expect(await built.get('b')!.users.get('alice')).toMatchObject({ name: 'A' });
    } finally {
      await Promise.all([...built.values()].map((backend) => backend.close()));
    }
  });

  it('is checked by its schema', () => {
    const invalid = (block: Record<string, unknown>) => {
      try {
        validateConfig({ backends: { a: memory, b: memory, both: block } }, {});
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    };
    expect(invalid({ vendor: 'mirror', primary: 'a' })).toContain('backends.both.secondary: is required');
    expect(invalid({ vendor: 'mirror', primary: 'a', secondary: 'b', colour: 'blue' })).toContain('backends.both.colour: is not a known key');
    expect(invalid({ vendor: 'mirror', primary: 'a', secondary: 'b', retry: { maxAttempts: 0 } })).toContain('backends.both.retry.maxAttempts: must be >= 1');
  });

  it('refuses a side that is not configured', async () => {
    expect(await problems({ a: memory, both: { vendor: 'mirror', primary: 'a', secondary: 'nowhere', queue: queue('missing') } })).toEqual([
      'backends.both: needs backend "nowhere", which is not configured (configured: a, both)',
    ]);
  });

  it('refuses mirrors that need each other, and a mirror of itself', async () => {
    expect(
      await problems({
        a: memory,
        one: { vendor: 'mirror', primary: 'a', secondary: 'two', queue: queue('one') },
        two: { vendor: 'mirror', primary: 'one', secondary: 'a', queue: queue('two') },
      }),
    ).toEqual(['backends.two: backends cannot need each other in a cycle (one → two → one)']);
    expect(await problems({ a: memory, self: { vendor: 'mirror', primary: 'self', secondary: 'a', queue: queue('self') } })).toEqual([
      'backends.self: backends cannot need each other in a cycle (self → self)',
    ]);
  });

  it('refuses one backend as both sides', async () => {
    await expect(build({ a: memory, both: { vendor: 'mirror', primary: 'a', secondary: 'a', queue: queue('same') } })).rejects.toThrow(
      'backends.both: primary and secondary are both "a"; a mirror writes to two different backends',
    );
  });

  it('stops `imbridge serve` as a config error (exit 78) before it listens', async () => {
    const path = join(directory, 'missing.yaml');
    writeFileSync(path, `backends:\n  a: { vendor: native, store: { driver: memory } }\n  both: { vendor: mirror, primary: a, secondary: b, queue: { path: "${join(directory, 'serve.db')}" } }\ndefaultBackend: both\n`);
    const result = await runToExit(['serve', '--config', path]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('backends.both: needs backend "b", which is not configured (configured: a, both)');
    expect(result.stdout).not.toContain('listening');
  }, 60_000);

  it('`imbridge capabilities --backend <mirror>` builds its two sides and prints the mirror\'s document', async () => {
    const path = join(directory, 'capabilities.yaml');
    writeFileSync(path, `backends:\n  a: { vendor: native, store: { driver: memory } }\n  b: { vendor: native, store: { driver: memory } }\n  both: { vendor: mirror, primary: a, secondary: b, queue: { path: "${join(directory, 'capabilities.db')}" } }\ndefaultBackend: both\n`);
    const result = await runToExit(['capabilities', '--config', path, '--backend', 'both']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ backend: 'both', vendor: 'mirror', capabilities: { 'users.put': true } });
  }, 60_000);
});
