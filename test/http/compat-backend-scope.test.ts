/**
 * A facade credential reaches the facade's own backend only (reliability review S-1): naming
 * another configured backend in X-IM-Backend is 403 FORBIDDEN_BACKEND unless compat.<vendor>.backends
 * lists it, and a facade that would let anyone in is refused at start-up once API keys are set.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { serveImbridge } from '../../src/conformance/index.js';
import { ConfigError, validateConfig } from '../../src/config/load-config.js';
import type { RunningImbridge } from '../../src/server/start-server.js';

const servers: RunningImbridge[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

const memory = { vendor: 'native', store: { driver: 'memory' } };

async function register(server: RunningImbridge, uid: string, backend?: string): Promise<Response> {
  return fetch(`${server.url}/compat/wukongim/user/token`, {
    method: 'POST',
    headers: { token: 'facade-token', 'content-type': 'application/json', ...(backend ? { 'x-im-backend': backend } : {}) },
    body: JSON.stringify({ uid, token: 'device-token', device_flag: 0 }),
  });
}

describe('facade backend scope', () => {
  it('refuses X-IM-Backend naming another backend with 403, and writes nothing there', async () => {
    const server = await serveImbridge({ defaultBackend: 'local', backends: { local: memory, other: memory }, compat: { wukongim: { token: 'facade-token' } } });
    servers.push(server);
    const refused = await register(server, 'scoped_a', 'other');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN_BACKEND');
    await expect(server.backends.get('other')!.users.get('scoped_a')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    // Its own backend, named or not, is fine.
    expect((await register(server, 'scoped_b', 'local')).status).toBe(200);
    expect((await register(server, 'scoped_c')).status).toBe(200);
    // An unknown name is the facade's own vendor-shaped answer, as before.
    expect((await register(server, 'scoped_d', 'nope')).status).toBe(400);
  });

  it('allows the backends compat.<vendor>.backends lists', async () => {
    const server = await serveImbridge({
      defaultBackend: 'local',
      backends: { local: memory, other: memory },
      compat: { wukongim: { token: 'facade-token', backends: ['other'] } },
    });
    servers.push(server);
    expect((await register(server, 'listed_a', 'other')).status).toBe(200);
    expect((await server.backends.get('other')!.users.get('listed_a')).uid).toBe('listed_a');
  });

  it('refuses at start-up a facade without a credential once API keys are set, and an unknown backend in backends', () => {
    const problems = (config: Record<string, unknown>): string[] => {
      try {
        validateConfig(config, {});
        return [];
      } catch (error) {
        return error instanceof ConfigError ? error.problems : [String(error)];
      }
    };
    const keys = { apiKeys: [{ key: 'k'.repeat(24) }] };
    expect(problems({ auth: keys, backends: { local: memory }, compat: { wukongim: {} } })).toEqual([
      'compat.wukongim: without a credential this facade lets anyone in; set one (required once auth.apiKeys is set or the server listens beyond loopback)',
    ]);
    expect(problems({ auth: keys, backends: { local: memory }, compat: { wukongim: { token: '' } } })).toHaveLength(1);
    expect(problems({ auth: keys, backends: { local: memory }, compat: { wukongim: { token: 't' } } })).toEqual([]);
    // On loopback without keys, the vendor's own default (no token) stays possible.
    expect(problems({ backends: { local: memory }, compat: { wukongim: {} } })).toEqual([]);
    expect(problems({ backends: { local: memory }, compat: { wukongim: { token: 't', backends: ['ghost'] } } })).toEqual(['compat.wukongim.backends: "ghost" is not a configured backend']);
  });
});

describe('facade body limit', () => {
  it('a body over server.bodyLimitBytes is 413 PAYLOAD_TOO_LARGE on facade routes, pass-through ones included', async () => {
    const server = await serveImbridge({ server: { bodyLimitBytes: 1024 }, defaultBackend: 'local', backends: { local: memory }, compat: { wukongim: { token: 'facade-token' } } });
    servers.push(server);
    for (const path of ['/compat/wukongim/user/token', '/compat/wukongim/some/untranslated/route']) {
      const answer = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { token: 'facade-token', 'content-type': 'application/json' },
        body: JSON.stringify({ uid: 'big_a', token: 'x'.repeat(2048), device_flag: 0 }),
      });
      expect(answer.status, path).toBe(413);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    }
    await expect(server.backends.get('local')!.users.get('big_a')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });
});
