/**
 * Hostile input answers a documented 4xx in the unified envelope, never a 500, and changes
 * nothing (the reproductions F1–F4 of the reliability review, through a real server).
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveImbridge } from '../../src/conformance/index.js';
import type { RunningImbridge } from '../../src/server/start-server.js';

let server: RunningImbridge;
beforeAll(async () => {
  server = await serveImbridge({ defaultBackend: 'local', backends: { local: { vendor: 'native', store: { driver: 'memory' } } } });
});
afterAll(async () => {
  await server?.close();
});

async function send(method: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as { error?: { code: string; message: string } }) };
}

/** A raw request, for what fetch would refuse to send or Node's parser refuses before routing. */
function raw(path: string): Promise<{ status: number; contentType: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    const outgoing = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET' }, (incoming) => {
      let body = '';
      incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, contentType: incoming.headers['content-type'], body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** A raw request with a body: node's client sends the path as written (fetch would resolve %2E). */
function rawRequest(method: string, path: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    const outgoing = httpRequest({ host: url.hostname, port: url.port, path, method, headers: { 'content-type': 'application/json' } }, (incoming) => {
      let text = '';
      incoming.on('data', (chunk: Buffer) => (text += chunk.toString()));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('hostile input', () => {
  it('a body nested 2,000 objects or 5,000 arrays deep is 400 INVALID_ARGUMENT, also where the route takes no body', async () => {
    const objects = `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`;
    const arrays = `{"name":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    for (const [method, path, body] of [
      ['PUT', '/v1/users/alice', objects],
      ['PUT', '/v1/users/alice', arrays],
      ['DELETE', '/v1/users/alice/whitelist/bob', arrays],
    ] as const) {
      const answer = await send(method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(400);
      expect(answer.json.error?.code).toBe('INVALID_ARGUMENT');
      expect(answer.json.error?.message).toContain('deeper than 32 levels');
    }
    expect((await fetch(`${server.url}/v1/users/alice`)).status).toBe(404);
  });

  it.each(['gzip', 'deflate', 'br'])('Content-Encoding: %s on a body that is not encoded is 400 INVALID_ARGUMENT', async (encoding) => {
    const answer = await send('PUT', '/v1/users/carol', '{}', { 'content-encoding': encoding });
    expect(answer.status).toBe(400);
    expect(answer.json.error?.code).toBe('INVALID_ARGUMENT');
    expect((await fetch(`${server.url}/v1/users/carol`)).status).toBe(404);
  });

  it('a lone surrogate in a name or alias is 400 INVALID_ARGUMENT and nothing is stored', async () => {
    const answer = await send('PUT', '/v1/users/dave', '{"name":"\\ud800"}');
    expect(answer.status).toBe(400);
    expect(answer.json.error?.code).toBe('INVALID_ARGUMENT');
    expect((await fetch(`${server.url}/v1/users/dave`)).status).toBe(404);
    // A well-formed pair (an emoji) is fine.
    const emoji = await send('PUT', '/v1/users/dave', '{"name":"\\ud83d\\ude00"}');
    expect(emoji.status).toBe(200);
    expect(emoji.json.name).toBe('😀');
    await send('PUT', '/v1/users/erin', '{}');
    await send('PUT', '/v1/users/dave/friends/erin', '{}');
    const alias = await send('PATCH', '/v1/users/dave/friends/erin', '{"alias":"x\\udc00"}');
    expect(alias.status).toBe(400);
    expect(((await (await fetch(`${server.url}/v1/users/dave/friends/erin`)).json()) as { alias: unknown }).alias).toBeNull();
  });

  it('"." and ".." are not ids: a URL cannot carry them, so they are 400 INVALID_ID in a path and in a body (found by the fuzz test)', async () => {
    for (const path of ['/v1/users/%2E', '/v1/users/%2E%2E']) {
      const answer = await rawRequest('PUT', path, '{"name":"dot"}');
      expect(answer.status, path).toBe(400);
      expect(JSON.parse(answer.body).error.code).toBe('INVALID_ID');
    }
    const batch = await send('POST', '/v1/users', JSON.stringify({ users: [{ uid: '.', name: 'dot' }] }));
    expect(batch.status).toBe(400);
    expect(batch.json.error?.code).toBe('INVALID_ID');
    // Dots inside an id are still fine.
    expect((await send('PUT', '/v1/users/a.b', '{"name":"ab"}')).status).toBe(200);
  });

  it('a count in the query is decimal digits: 0x10, " 1" and 1e1 are 400 INVALID_ARGUMENT (review F5)', async () => {
    for (const limit of ['0x10', '%201', '1e1', '+5', '-1']) {
      const response = await fetch(`${server.url}/v1/users/f5user/friends?limit=${limit}`);
      expect(response.status, limit).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('INVALID_ARGUMENT');
    }
    await send('PUT', '/v1/users/f5user', '{"name":"f"}');
    expect((await fetch(`${server.url}/v1/users/f5user/friends?limit=05`)).status).toBe(200);
  });

  it('a query with 400 long ids (about 18 KB) is served; one over 80 KiB is 431 in the JSON envelope', async () => {
    const ids = Array.from({ length: 400 }, (_, index) => `member-with-a-long-but-valid-identifier-${String(index).padStart(4, '0')}`);
    const served = await raw(`/v1/users/ghost/friends?uids=${ids.join(',')}`);
    expect(served.status).toBe(404); // USER_NOT_FOUND for the unknown owner: the request got through
    expect(JSON.parse(served.body).error.code).toBe('USER_NOT_FOUND');
    const tooLong = await raw(`/v1/users/ghost/friends?uids=${'x'.repeat(90 * 1024)}`);
    expect(tooLong.status).toBe(431);
    expect(tooLong.contentType).toContain('application/json');
    expect(JSON.parse(tooLong.body).error.code).toBe('INVALID_ARGUMENT');
  });
});
