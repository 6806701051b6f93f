/**
 * What an operator sees: the error code on each error's log line and in `/metrics`, facade calls
 * counted as translated or passed through, backend health as a metric, the request id and trace
 * reaching the vendor (unified calls and pass-through alike), and `/readyz` answered from the
 * background check with only critical backends deciding. Real HTTP to the WuKongIM fake, behind a
 * recorder that keeps the headers each vendor request carried.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { startServer, type RunningImbridge } from '../../src/server/start-server.js';
import { findVendor } from '../../adapters/index.js';
import type { RunningFake } from '../../src/vendor-kit/index.js';

interface Recorded {
  path: string;
  headers: IncomingHttpHeaders;
}

/** A reverse proxy in front of a vendor fake that records every request; `down` makes it refuse. */
async function startRecorder(target: string): Promise<{ url: string; seen: Recorded[]; setDown(down: boolean): void; close(): Promise<void> }> {
  const seen: Recorded[] = [];
  let down = false;
  const server: Server = createServer((incoming, outgoing) => {
    seen.push({ path: incoming.url ?? '', headers: incoming.headers });
    if (down) {
      outgoing.statusCode = 503;
      outgoing.end('down');
      return;
    }
    const forwarded = httpRequest(`${target}${incoming.url ?? ''}`, { method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    setDown: (value) => {
      down = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const lines: Array<Record<string, unknown>> = [];
const logger = pino(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  }),
);

let fake: RunningFake;
let recorder: Awaited<ReturnType<typeof startRecorder>>;
let running: RunningImbridge;

async function call(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${running.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...options.headers },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
}

describe('observability', () => {
  beforeAll(async () => {
    fake = await findVendor('wukongim')!.fake!.start({ port: 0 });
    recorder = await startRecorder(String(fake.backendConfig.baseUrl));
    const config = validateConfig(
      {
        server: { host: '127.0.0.1', port: 0 },
        defaultBackend: 'local',
        backends: {
          local: { vendor: 'native', store: { driver: 'memory' } },
          // The old vendor, kept during a migration: not critical unless said so.
          wk: { ...fake.backendConfig, baseUrl: recorder.url, timeoutMs: 1_000, retry: { maxAttempts: 1 } },
        },
        compat: { wukongim: { backend: 'local', upstream: 'wk', token: 'app-token-123' }, openim: { backend: 'local', secret: 'openim-secret-1' } },
      },
      {},
    );
    running = await startServer(config, { logger, healthIntervalMs: 200 });
  });
  afterAll(async () => {
    await running?.close();
    await recorder?.close();
    await fake?.close();
  });

  it('puts the error code on the log line of every error answer, and counts errors by code', async () => {
    const missing = await call('GET', '/v1/users/nobody-here', { headers: { 'x-request-id': 'log-404' } });
    expect(missing.status).toBe(404);
    const badJson = await fetch(`${running.url}/v1/users/alice`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-request-id': 'log-400' }, body: '{' });
    expect(badJson.status).toBe(400);
    const noRoute = await call('GET', '/nowhere', { headers: { 'x-request-id': 'log-nf' } });
    expect(noRoute.status).toBe(404);
    const ok = await call('PUT', '/v1/users/alice', { body: { name: 'Alice' }, headers: { 'x-request-id': 'log-200' } });
    expect(ok.status).toBe(200);
    const line = (id: string) => lines.find((entry) => entry.msg === 'request' && entry.requestId === id);
    expect(line('log-404')).toMatchObject({ status: 404, code: 'USER_NOT_FOUND', route: '/v1/users/{uid}' });
    expect(line('log-400')).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
    expect(line('log-nf')).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(line('log-200')).toMatchObject({ status: 200 });
    expect(line('log-200')).not.toHaveProperty('code');

    const metrics = await (await call('GET', '/metrics')).text();
    expect(metrics).toMatch(/imbridge_http_errors_total\{method="GET",route="\/v1\/users\/\{uid\}",status="404",code="USER_NOT_FOUND"\} 1/);
    expect(metrics).toMatch(/imbridge_http_errors_total\{method="GET",route="unmatched",status="404",code="NOT_FOUND"\} 1/);
  });

  it('counts facade requests as translated, passed through to the old vendor, or unmapped', async () => {
    const headers = { token: 'app-token-123' };
    const translated = await call('POST', '/compat/wukongim/user/token', { body: { uid: 'alice', token: 't', device_flag: 0 }, headers });
    expect(translated.status).toBe(200);
    const passed = await call('POST', '/compat/wukongim/user/onlinestatus', { body: ['alice'], headers: { ...headers, 'x-request-id': 'through-1' } });
    expect(passed.status).toBe(200);
    expect(lines.find((entry) => entry.requestId === 'through-1')).toMatchObject({ facade: 'pass_through', facadeRoute: '/user/onlinestatus' });

    const metrics = await (await call('GET', '/metrics')).text();
    expect(metrics).toMatch(/imbridge_facade_requests_total\{vendor="wukongim",outcome="translated",route="\/user\/token",status="200"\} 1/);
    expect(metrics).toMatch(/imbridge_facade_requests_total\{vendor="wukongim",outcome="pass_through",route="\/user\/onlinestatus",status="200"\} 1/);
  });

  it("puts the unified code behind a facade's vendor-shaped error on its log line, HTTP 200 errors included", async () => {
    const headers = { token: 'app-token-123' };
    await call('PUT', '/v1/users/dora', { body: {} });
    await call('PUT', '/v1/users/eve', { body: {} });
    await call('PUT', '/v1/users/dora/blocks/eve', { body: {} });
    const blocked = await call('POST', '/compat/wukongim/message/send', {
      body: { from_uid: 'eve', channel_id: 'dora', channel_type: 1, payload: 'aGk=' },
      headers: { ...headers, 'x-request-id': 'facade-blocked' },
    });
    expect(blocked.status).toBe(400);
    expect(lines.find((entry) => entry.requestId === 'facade-blocked')).toMatchObject({ code: 'BLOCKED', facade: 'translated', facadeRoute: '/message/send' });

    // OpenIM answers refusals with HTTP 200 and its own errCode; the log still names the unified code.
    const token = (await (await call('POST', '/compat/openim/auth/get_admin_token', { body: { secret: 'openim-secret-1', userID: 'imAdmin' }, headers: { operationID: 'op-1' } })).json()) as { data: { token: string } };
    const refused = await call('POST', '/compat/openim/msg/send_msg', {
      body: { sendID: 'eve', recvID: 'dora', sessionType: 1, contentType: 101, content: { content: 'hi' } },
      headers: { operationID: 'op-2', token: token.data.token, 'x-request-id': 'facade-openim' },
    });
    expect(refused.status).toBe(200);
    expect(((await refused.json()) as { errCode: number }).errCode).not.toBe(0);
    expect(lines.find((entry) => entry.requestId === 'facade-openim')).toMatchObject({ code: 'BLOCKED', facade: 'translated' });
    const metrics = await (await call('GET', '/metrics')).text();
    expect(metrics).toMatch(/imbridge_http_errors_total\{method="POST",route="\/compat\/wukongim",status="400",code="BLOCKED"\} 1/);
  });

  it('forwards the request id and the trace to the vendor, on unified calls and on pass-through', async () => {
    const traceparent = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
    recorder.seen.length = 0;
    const put = await call('PUT', '/v1/users/carol', { body: { name: 'Carol' }, headers: { 'x-im-backend': 'wk', 'x-request-id': 'req-to-vendor-1', traceparent } });
    expect(put.status).toBe(200);
    const unified = recorder.seen.filter((entry) => entry.headers['x-request-id'] === 'req-to-vendor-1');
    expect(unified.length).toBeGreaterThan(0);
    for (const entry of unified) {
      // Same trace, imbridge's own hop as the parent.
      expect(entry.headers.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
      expect(entry.headers.traceparent).not.toBe(traceparent);
    }
    const passed = await call('POST', '/compat/wukongim/user/onlinestatus', { body: ['carol'], headers: { token: 'app-token-123', 'x-request-id': 'req-to-vendor-2' } });
    expect(passed.status).toBe(200);
    expect(recorder.seen.some((entry) => entry.path.startsWith('/user/onlinestatus') && entry.headers['x-request-id'] === 'req-to-vendor-2')).toBe(true);
    // A request without an id still reaches the vendor named, by the id imbridge generated.
    const generated = await call('GET', '/v1/users/carol', { headers: { 'x-im-backend': 'wk' } });
    const id = generated.headers.get('x-request-id');
    expect(recorder.seen.some((entry) => entry.headers['x-request-id'] === id)).toBe(true);
  });

  it('answers /readyz from the background check: a non-critical backend down is 200, and probes do not call the vendor', async () => {
    const ready = await call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect((await ready.json()).backends).toMatchObject({ local: { ok: true, critical: true }, wk: { ok: true, critical: false } });

    recorder.setDown(true);
    await expect.poll(async () => ((await (await call('GET', '/readyz')).json()) as { backends: { wk: { ok: boolean } } }).backends.wk.ok, { timeout: 5_000 }).toBe(false);
    const down = await call('GET', '/readyz');
    expect(down.status).toBe(200);
    expect(await down.json()).toMatchObject({ status: 'ready', backends: { wk: { ok: false, critical: false } } });
    const metrics = await (await call('GET', '/metrics')).text();
    expect(metrics).toMatch(/imbridge_backend_up\{backend="wk",critical="false"\} 0/);
    expect(metrics).toMatch(/imbridge_backend_up\{backend="local",critical="true"\} 1/);

    // 50 probes in a burst cost the vendor at most the background rounds running meanwhile.
    const before = recorder.seen.length;
    const started = Date.now();
    await Promise.all(Array.from({ length: 50 }, () => call('GET', '/readyz')));
    const rounds = Math.ceil((Date.now() - started) / 200) + 1;
    expect(recorder.seen.length - before).toBeLessThanOrEqual(rounds);
    recorder.setDown(false);
  });
});

describe('readiness with a critical backend down', () => {
  it('is 503 when a backend marked critical fails its check, and says which', async () => {
    const fakeServer = await findVendor('wukongim')!.fake!.start({ port: 0 });
    const config = validateConfig(
      {
        server: { host: '127.0.0.1', port: 0 },
        defaultBackend: 'local',
        backends: {
          local: { vendor: 'native', store: { driver: 'memory' } },
          wk: { ...fakeServer.backendConfig, critical: true, timeoutMs: 500, retry: { maxAttempts: 1 } },
        },
      },
      {},
    );
    expect(config.criticalBackends).toEqual(['local', 'wk']);
    expect(config.backends.wk).not.toHaveProperty('critical');
    const server = await startServer(config, { logger: pino({ level: 'silent' }), healthIntervalMs: 100 });
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      await fakeServer.close();
      await expect.poll(async () => (await fetch(`${server.url}/readyz`)).status, { timeout: 5_000 }).toBe(503);
      const body = await (await fetch(`${server.url}/readyz`)).json();
      expect(body).toMatchObject({ status: 'not ready', backends: { wk: { ok: false, critical: true }, local: { ok: true, critical: true } } });
      // Failure text stays off this unauthenticated route.
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|detail/);
    } finally {
      await server.close();
    }
  });

  it('makes only the default backend critical when no block says otherwise, and refuses a critical that is not a boolean', () => {
    const config = validateConfig({ defaultBackend: 'b', backends: { a: { vendor: 'native', store: { driver: 'memory' } }, b: { vendor: 'native', store: { driver: 'memory' } } } }, {});
    expect(config.criticalBackends).toEqual(['b']);
    const optedOut = validateConfig({ backends: { a: { vendor: 'native', critical: false, store: { driver: 'memory' } } } }, {});
    expect(optedOut.criticalBackends).toEqual([]);
    expect(() => validateConfig({ backends: { a: { vendor: 'native', critical: 'yes', store: { driver: 'memory' } } } }, {})).toThrow(/backends\.a\.critical: must be boolean/);
  });
});

describe('the request id in OpenIM calls', () => {
  it("starts OpenIM's operationID (its own trace id) with imbridge's request id", async () => {
    const openim = await findVendor('openim')!.fake!.start({ port: 0 });
    const seen = await startRecorder(String(openim.backendConfig.baseUrl));
    const config = validateConfig({ server: { host: '127.0.0.1', port: 0 }, defaultBackend: 'oim', backends: { oim: { ...openim.backendConfig, baseUrl: seen.url } } }, {});
    const server = await startServer(config, { logger: pino({ level: 'silent' }) });
    try {
      const put = await fetch(`${server.url}/v1/users/frank`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-request-id': 'oim-req-7' }, body: JSON.stringify({ name: 'Frank' }) });
      expect(put.status).toBe(200);
      const calls = seen.seen.filter((entry) => entry.headers['x-request-id'] === 'oim-req-7');
      expect(calls.length).toBeGreaterThan(0);
      for (const entry of calls) expect(entry.headers.operationid).toMatch(/^oim-req-7-[0-9a-f]{8}$/);
    } finally {
      await server.close();
      await seen.close();
      await openim.close();
    }
  });
});
