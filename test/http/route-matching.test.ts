/**
 * The operations are found by src/http/route-matcher.ts, not by express's router: the rules
 * clients met under express still hold, through a real server (case, one trailing slash, HEAD,
 * percent-decoding, 404 against 405), and of two table paths that both match, the first wins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveImbridge } from '../../src/conformance/index.js';
import type { RunningImbridge } from '../../src/server/start-server.js';
import { RouteMatcher } from '../../src/http/route-matcher.js';
import type { RouteDefinition } from '../../src/http/routes.js';

let server: RunningImbridge;
const JSON_TYPE = { 'content-type': 'application/json' };

beforeAll(async () => {
  server = await serveImbridge({ defaultBackend: 'local', backends: { local: { vendor: 'native', store: { driver: 'memory' } } } });
  for (const uid of ['alice', 'bob']) await fetch(`${server.url}/v1/users/${uid}`, { method: 'PUT', headers: JSON_TYPE, body: JSON.stringify({ name: uid }) });
  await fetch(`${server.url}/v1/users/alice/friends/bob`, { method: 'PUT', headers: JSON_TYPE, body: JSON.stringify({ alias: 'Bee' }) });
});
afterAll(async () => {
  await server?.close();
});

async function get(path: string, method = 'GET'): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(server.url + path, { method });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

describe('finding the operation a request names', () => {
  it('a trailing slash and letter case do not change the answer', async () => {
    const plain = await get('/v1/users/alice/relations/bob');
    expect(plain.status).toBe(200);
    expect(JSON.parse(plain.body)).toMatchObject({ uid: 'alice', other: 'bob', friend: true, alias: 'Bee' });
    for (const path of ['/v1/users/alice/relations/bob/', '/V1/USERS/alice/Relations/bob']) {
      const other = await get(path);
      expect(other.status, path).toBe(200);
      expect(other.body, path).toBe(plain.body);
    }
  });

  it('HEAD is answered by the GET operation, headers and no body', async () => {
    const head = await get('/v1/users/alice/relations/bob', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^application\/json/);
    expect(head.body).toBe('');
  });

  it('path parameters are percent-decoded, and one that does not decode is 400 INVALID_ID', async () => {
    const decoded = await get('/v1/users/al%69ce/relations/b%6Fb');
    expect(decoded.status).toBe(200);
    expect(JSON.parse(decoded.body)).toMatchObject({ uid: 'alice', other: 'bob' });
    const broken = await get('/v1/users/%E0%A4%A/relations/bob');
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body).error.code).toBe('INVALID_ID');
  });

  it('a path no operation has is 404 NOT_FOUND; a known path with another method is 405 with Allow', async () => {
    for (const path of ['/v1/users/alice/relations', '/v1/users/alice//relations/bob', '/v1/users/alice/relations/bob/extra']) {
      const missing = await get(path);
      expect(missing.status, path).toBe(404);
      expect(JSON.parse(missing.body).error.code, path).toBe('NOT_FOUND');
    }
    const wrongMethod = await get('/v1/users/alice/relations/bob', 'POST');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect(JSON.parse(wrongMethod.body).error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('of two table paths that both match, the first in the table wins; {kind} stands for both room kinds', () => {
    const route = (path: string, operationId: string) => ({ method: 'GET', path, operationId }) as unknown as RouteDefinition;
    const matcher = new RouteMatcher([route('/v1/things/{id}', 'byId'), route('/v1/things/special', 'special'), route('/v1/{kind}/{id}', 'room')]);
    expect(matcher.match('GET', '/v1/things/special')?.route.operationId).toBe('byId');
    expect(matcher.match('GET', '/v1/things/special')?.params).toEqual({ id: 'special' });
    expect(matcher.match('GET', '/v1/chatrooms/r1')).toMatchObject({ path: '/v1/chatrooms/{id}', params: { id: 'r1' } });
    expect(matcher.match('GET', '/v1/rooms/r1')).toBeUndefined();
    expect(matcher.match('PUT', '/v1/things/x')).toBeUndefined();
  });
});
