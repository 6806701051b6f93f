/**
 * Done-when 3 of issue 7 for Agora: a route the facade does not translate reaches the configured
 * upstream Agora backend — under the upstream's own `/{org}/{app}` prefix, with the upstream's
 * app token instead of the client's, the same method, query and body — and the upstream's answer
 * comes back unchanged. Without an upstream it is Agora's unknown-URL answer; an upstream that
 * hangs or is down gives an error in Agora's error body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningImbridge } from '../../../../src/server/start-server.js';
import { checkAuthorization } from '../../protocol/wire.js';
import { startFake, type RunningAgoraFake } from '../../fake/index.js';
import { CREDENTIALS, NATIVE_BACKEND, appToken, call, fakeTarget, randomHex, serveFacade, type Target } from './harness.js';

const UPSTREAM = { orgName: 'up-org', appName: 'up-app', appId: 'abcdefabcdefabcdefabcdefabcdef02', appCertificate: '0987654321abcdef0987654321abcdef' };
const UPSTREAM_PREFIX = `/${UPSTREAM.orgName}/${UPSTREAM.appName}`;

function facadeOf(server: RunningImbridge): Target {
  return { name: 'facade', base: `${server.url}/compat/agora`, close: () => server.close() };
}

describe('Agora compat: pass-through of untranslated routes', () => {
  let upstream: RunningAgoraFake;
  let server: RunningImbridge;
  let facade: Target;

  beforeAll(async () => {
    upstream = await startFake({ port: 0, ...UPSTREAM });
    server = await serveFacade({ backend: NATIVE_BACKEND, upstream: { ...upstream.backendConfig, timeoutMs: 1000 }, compat: { timeoutMs: 400 } });
    facade = facadeOf(server);
  });

  afterAll(async () => {
    await server.close();
    await upstream.close();
  });

  it('arrives upstream with the upstream\'s prefix, token, query and body; the answer comes back unchanged', async () => {
    const route = `POST ${UPSTREAM_PREFIX}/users/batch/status`;
    const answer = { data: [{ [`x${randomHex()}`]: 'online' }], action: 'get batch user status', count: 1 };
    upstream.control.addFault({ route, kind: 'status', status: 207, headers: { 'x-upstream-mark': 'kept' }, body: answer });
    const clientToken = appToken();
    const body = JSON.stringify({ usernames: ['u1', `u${randomHex()}`] });
    const response = await call(facade, { method: 'POST', path: '/users/batch/status?source=app', raw: body, authorization: `Bearer ${clientToken}` });
    expect(response.status).toBe(207);
    expect(response.body).toEqual(answer);
    expect(response.headers.get('x-upstream-mark')).toBe('kept');

    const [arrived] = upstream.control.requestsTo(route);
    expect(arrived).toBeDefined();
    expect(arrived!.rawBody).toBe(body);
    expect(arrived!.query).toEqual({ source: 'app' });
    const authorization = String(arrived!.headers.authorization);
    expect(authorization).not.toContain(clientToken);
    // The upstream's token: valid for the upstream app, and not for the facade's.
    expect(checkAuthorization(authorization, UPSTREAM.appId, UPSTREAM.appCertificate, Math.floor(Date.now() / 1000))).toEqual({ ok: true });
    expect(checkAuthorization(authorization, CREDENTIALS.appId, CREDENTIALS.appCertificate, Math.floor(Date.now() / 1000)).ok).toBe(false);
  });

  it('a real vendor route the facade does not translate (user delete) works on the upstream', async () => {
    const user = `u${randomHex()}`;
    upstream.state.users.set(user, { uuid: 'x', username: user, password: 'pw', created: 1, modified: 1, activated: true });
    const response = await call(facade, { method: 'DELETE', path: `/users/${user}`, prefix: `/app-id/${CREDENTIALS.appId}` });
    expect(response.status).toBe(200);
    expect((response.body as { entities: Array<{ username: string }> }).entities[0]!.username).toBe(user);
    expect(upstream.state.users.has(user)).toBe(false);
    expect(upstream.control.requestsTo(`DELETE ${UPSTREAM_PREFIX}/users/${user}`)).toHaveLength(1);
    // The upstream's error answers pass unchanged too.
    const again = await call(facade, { method: 'DELETE', path: `/users/${user}` });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ error: 'service_resource_not_found', error_description: 'Service resource not found' });
  });

  it('translated routes never reach the upstream', async () => {
    const before = upstream.control.requests.length;
    const user = `u${randomHex()}`;
    expect((await call(facade, { method: 'POST', path: '/users', body: { username: user, password: 'pw' } })).status).toBe(200);
    expect((await call(facade, { method: 'GET', path: `/users/${user}` })).status).toBe(200);
    expect(upstream.control.requests.length).toBe(before);
  });

  it('an upstream that hangs: 504 in Agora\'s error body', async () => {
    upstream.control.addFault({ route: `GET ${UPSTREAM_PREFIX}/users/slow/status`, kind: 'hang' });
    const started = Date.now();
    const response = await call(facade, { method: 'GET', path: '/users/slow/status' });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(response.status).toBe(504);
    expect(response.body).toMatchObject({ error: 'gateway_timeout', exception: expect.any(String), duration: 0, error_description: expect.any(String) });
  });

  it('an upstream that is down: 502 in Agora\'s error body', async () => {
    const gone = await startFake({ port: 0, ...UPSTREAM });
    const config = gone.backendConfig;
    await gone.close();
    const downServer = await serveFacade({ backend: NATIVE_BACKEND, upstream: { ...config, timeoutMs: 500 }, compat: { timeoutMs: 400 } });
    try {
      const response = await call(facadeOf(downServer), { method: 'GET', path: '/users/someone/status' });
      expect(response.status).toBe(502);
      expect(response.body).toMatchObject({ error: 'bad_gateway', exception: expect.any(String), error_description: expect.any(String) });
    } finally {
      await downServer.close();
    }
  });

  it('no upstream configured: Agora\'s own unknown-URL answer, as the fake gives it', async () => {
    const plain = await serveFacade({ backend: NATIVE_BACKEND });
    const fake = await fakeTarget();
    try {
      const path = `/users/${randomHex()}/status`;
      const [expected, actual] = await Promise.all([call(fake, { method: 'GET', path }), call(facadeOf(plain), { method: 'GET', path })]);
      expect(actual.status).toBe(500);
      const strip = (body: unknown) => ({ ...(body as Record<string, unknown>), timestamp: '<time>' });
      expect({ status: actual.status, body: strip(actual.body) }).toEqual({ status: expected.status, body: strip(expected.body) });
    } finally {
      await plain.close();
      await fake.close();
    }
  });
});
