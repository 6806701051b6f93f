// imbridge/client: time limits, retries of what the server marks retryable (waiting its
// Retry-After), nothing retried that is unsafe to repeat, and Idempotency-Key against a real server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, idempotencyKey, ImbridgeClient, NoAnswerError, RemoteError } from '../../src/client/index.js';
import { serveImbridge } from '../../src/conformance/index.js';
import type { RunningImbridge } from '../../src/server/start-server.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  at: number;
}

/** A stand-in server answering from a script, one entry per request, recording what it saw. */
async function scriptedServer(script: Array<(response: ServerResponse) => void>): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      seen.push({ method: request.method!, url: request.url!, headers: request.headers, at: Date.now() });
      const answer = script[Math.min(seen.length - 1, script.length - 1)]!;
      answer(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (response: ServerResponse) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};
const unavailable = (headers: Record<string, string> = {}) =>
  json(503, { error: { code: 'UPSTREAM_UNAVAILABLE', message: 'the vendor is down', retryable: true } }, { 'x-request-id': 'req-1', ...headers });
const rateLimited = (seconds: number) => json(429, { error: { code: 'RATE_LIMITED', message: 'slow down', retryable: true } }, { 'retry-after': String(seconds) });
const user = json(200, { uid: 'alice', name: 'Alice', extra: null });

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});
async function scripted(script: Array<(response: ServerResponse) => void>) {
  const started = await scriptedServer(script);
  servers.push(started.server);
  return started;
}
const fast = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5_000 };

describe('ImbridgeClient retries', () => {
  it('retries a GET answered retryable until it succeeds', async () => {
    const stub = await scripted([unavailable(), unavailable(), user]);
    const client = new ImbridgeClient({ url: stub.url, retry: fast });
    expect(await client.request('GET', '/v1/users/alice')).toEqual({ uid: 'alice', name: 'Alice', extra: null });
    expect(stub.seen).toHaveLength(3);
  });

  it('waits the Retry-After the server sent before the next attempt', async () => {
    const stub = await scripted([rateLimited(1), user]);
    const client = new ImbridgeClient({ url: stub.url, retry: fast });
    await client.request('PUT', '/v1/users/alice', { body: { name: 'Alice' } });
    expect(stub.seen).toHaveLength(2);
    expect(stub.seen[1]!.at - stub.seen[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once on a Retry-After longer than it may wait, and says when to come back', async () => {
    const stub = await scripted([rateLimited(120), user]);
    const client = new ImbridgeClient({ url: stub.url, retry: fast });
    const error = await client.request('GET', '/v1/users/alice').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', httpStatus: 429, retryable: true, retryAfterSeconds: 120 });
    expect(stub.seen).toHaveLength(1);
  });

  it('throws the last error with its status and request id after the last attempt', async () => {
    const stub = await scripted([unavailable()]);
    const client = new ImbridgeClient({ url: stub.url, retry: fast });
    const error = await client.request('DELETE', '/v1/users/alice/blocks/bob').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', httpStatus: 503, requestId: 'req-1' });
    expect(stub.seen).toHaveLength(3);
  });

  it('never retries what is not retryable', async () => {
    const stub = await scripted([json(404, { error: { code: 'USER_NOT_FOUND', message: 'no alice', retryable: false } }), user]);
    const client = new ImbridgeClient({ url: stub.url, retry: fast });
    await expect(client.request('GET', '/v1/users/alice')).rejects.toMatchObject({ code: 'USER_NOT_FOUND', httpStatus: 404 });
    expect(stub.seen).toHaveLength(1);
  });

  it('sends a POST without an Idempotency-Key once, and one with a key again, the same key each time', async () => {
    const once = await scripted([unavailable(), json(200, { results: [] })]);
    const client = new ImbridgeClient({ url: once.url, retry: fast });
    await expect(client.request('POST', '/v1/groups/g1/members', { body: { uids: ['bob'] } })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(once.seen).toHaveLength(1);

    const keyed = await scripted([unavailable(), json(201, { id: 'g1' })]);
    const key = idempotencyKey();
    const retried = new ImbridgeClient({ url: keyed.url, retry: fast });
    expect(await retried.request('POST', '/v1/groups', { body: { name: 'T', owner: 'alice' }, idempotencyKey: key })).toEqual({ id: 'g1' });
    expect(keyed.seen.map((request) => request.headers['idempotency-key'])).toEqual([key, key]);
  });

  it('ends an attempt that gets no answer within timeoutMs, and retries it when it is safe to', async () => {
    const stub = await scripted([() => {}, user]);
    const client = new ImbridgeClient({ url: stub.url, timeoutMs: 200, retry: fast });
    const started = Date.now();
    expect(await client.request('GET', '/v1/users/alice')).toMatchObject({ uid: 'alice' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(stub.seen).toHaveLength(2);

    const silent = await scripted([() => {}]);
    const once = new ImbridgeClient({ url: silent.url, timeoutMs: 200 });
    const error = await once.request('GET', '/v1/users/alice').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoAnswerError);
    expect(error).toMatchObject({ timedOut: true });
  });

  it('sends the backend, the API key and the configured headers', async () => {
    const stub = await scripted([user]);
    await new ImbridgeClient({ url: stub.url, backend: 'oim', apiKey: 'sk-0123456789abcdef', headers: { traceparent: '00-abc-def-01' } }).request('GET', '/v1/users/alice');
    expect(stub.seen[0]!.headers).toMatchObject({ 'x-im-backend': 'oim', authorization: 'Bearer sk-0123456789abcdef', traceparent: '00-abc-def-01' });
  });
});

describe('createClient against imbridge', () => {
  let server: RunningImbridge;
  beforeAll(async () => {
    server = await serveImbridge({ defaultBackend: 'local', backends: { local: { vendor: 'native', store: { driver: 'memory' } } } });
  });
  afterAll(() => server?.close());

  it('a repeated create with the same key answers the first room; without one, a second room', async () => {
    const im = await createClient({ url: server.url });
    await im.users.put('carol', { name: 'Carol' });
    const key = idempotencyKey();
    const first = await im.withIdempotencyKey(key).rooms.create('group', { name: 'Team', owner: 'carol' });
    const again = await im.withIdempotencyKey(key).rooms.create('group', { name: 'Team', owner: 'carol' });
    expect(again.id).toBe(first.id);
    const other = await im.rooms.create('group', { name: 'Team', owner: 'carol' });
    expect(other.id).not.toBe(first.id);
    await expect(im.withIdempotencyKey(key).rooms.create('group', { name: 'Other', owner: 'carol' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_MISMATCH', httpStatus: 422 });
  });

  it('an error carries the contract code, its status and the request id of the answer', async () => {
    const im = await createClient({ url: server.url });
    const error = await im.users.get('nobody').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'USER_NOT_FOUND', httpStatus: 404, retryable: false });
    expect((error as RemoteError).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
