// Every response says how its time split between vendor calls and imbridge (Server-Timing), and
// /metrics has the same split plus per-call vendor metrics: latency, outcome, retries, circuit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveImbridge } from '../../src/conformance/index.js';
import { findVendor } from '../../adapters/index.js';
import type { RunningFake } from '../../src/vendor-kit/index.js';
import type { RunningImbridge } from '../../src/server/start-server.js';

const TOKEN = 'timing-facade-token';

interface Timing {
  upstreamMs: number;
  calls: number;
  imbridgeMs: number;
}

function parseTiming(header: string | null): Timing {
  const match = /^upstream;dur=(\d+\.\d{3});desc="(\d+) calls?", imbridge;dur=(\d+\.\d{3})$/.exec(header ?? '');
  if (!match) throw new Error(`unexpected Server-Timing: ${header}`);
  return { upstreamMs: Number(match[1]), calls: Number(match[2]), imbridgeMs: Number(match[3]) };
}

describe('Server-Timing and vendor-call metrics', () => {
  let fake: RunningFake;
  let imbridge: RunningImbridge;
  let url: string;
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(url + path, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  beforeAll(async () => {
    fake = await findVendor('wukongim')!.fake!.start({ port: 0 });
    imbridge = await serveImbridge({
      defaultBackend: 'wk',
      backends: { wk: fake.backendConfig, local: { vendor: 'native', store: { driver: 'memory' } } },
      compat: { wukongim: { backend: 'local', upstream: 'wk', token: TOKEN } },
    });
    url = imbridge.url;
    for (const uid of ['st_a', 'st_b']) expect((await send('PUT', `/v1/users/${uid}`, { name: uid })).status).toBe(200);
  });
  afterAll(async () => {
    await imbridge?.close();
    await fake?.close();
  });

  it('counts the vendor calls of a read, each one the fake received', async () => {
    fake.control.clearRequests();
    const answer = await send('GET', '/v1/users/st_a/relations/st_b');
    expect(answer.status).toBe(200);
    const timing = parseTiming(answer.headers.get('server-timing'));
    expect(timing.calls).toBe(fake.control.requests.length);
    expect(timing.calls).toBeGreaterThan(0);
    expect(timing.upstreamMs).toBeGreaterThan(0);
  });

  it('counts the vendor calls of a write with a body (the scope survives body parsing)', async () => {
    fake.control.clearRequests();
    const answer = await send('PUT', '/v1/users/st_a/friends/st_b', { alias: 'Bee' });
    expect(answer.status).toBe(200);
    const timing = parseTiming(answer.headers.get('server-timing'));
    expect(timing.calls).toBe(fake.control.requests.length);
    expect(timing.calls).toBeGreaterThan(1);
  });

  it('keeps concurrent requests apart: each counts only its own calls', async () => {
    const single = parseTiming((await send('GET', '/v1/users/st_a/relations/st_b')).headers.get('server-timing')).calls;
    const answers = await Promise.all(Array.from({ length: 8 }, () => send('GET', '/v1/users/st_a/relations/st_b')));
    for (const answer of answers) expect(parseTiming(answer.headers.get('server-timing')).calls).toBe(single);
  });

  it('says 0 calls where no vendor was asked: the native backend, a 404, a refused id', async () => {
    for (const [method, path, status] of [
      ['PUT', '/v1/users/st_local', 200],
      ['GET', '/v1/nowhere', 404],
      ['GET', '/v1/users/bad%20id', 400],
    ] as const) {
      const answer = await send(method, path, method === 'PUT' ? { name: 'Local' } : undefined, method === 'PUT' ? { 'x-im-backend': 'local' } : {});
      expect(answer.status).toBe(status);
      expect(parseTiming(answer.headers.get('server-timing'))).toMatchObject({ upstreamMs: 0, calls: 0 });
    }
  });

  it('counts the pass-through leg of a facade route as one upstream call', async () => {
    fake.control.clearRequests();
    const answer = await send('POST', '/compat/wukongim/user/onlinestatus', ['st_a'], { token: TOKEN });
    expect(answer.status).toBe(200);
    const timing = parseTiming(answer.headers.get('server-timing'));
    expect(timing).toMatchObject({ calls: 1 });
    expect(timing.upstreamMs).toBeGreaterThan(0);
    expect(fake.control.requestsTo('POST /user/onlinestatus')).toHaveLength(1);
  });

  it('serves the split and the vendor calls on /metrics, labelled by backend, operation and outcome', async () => {
    await send('GET', '/v1/users/st_a/relations/st_b');
    const metrics = await (await send('GET', '/metrics')).text();
    expect(metrics).toMatch(/imbridge_http_upstream_duration_seconds_count\{backend="wk",route="\/v1\/users\/\{uid\}\/relations\/\{other\}"\} [1-9]/);
    expect(metrics).toMatch(/imbridge_http_overhead_duration_seconds_count\{backend="wk",route="\/v1\/users\/\{uid\}\/relations\/\{other\}"\} [1-9]/);
    expect(metrics).toMatch(/imbridge_vendor_call_duration_seconds_count\{backend="wk",vendor="wukongim",operation="relations.get",outcome="2xx"\} [1-9]/);
    expect(metrics).toMatch(/imbridge_vendor_calls_total\{backend="wk",vendor="wukongim",operation="friends.put",outcome="answered"\} [1-9]/);
    expect(metrics).toContain('imbridge_vendor_circuit_state{backend="wk",vendor="wukongim"} 0');
  });

  it('counts a retried attempt, with its reason and the failed attempt outcome', async () => {
    const retries = async () => Number(/imbridge_vendor_retries_total\{backend="wk",vendor="wukongim",operation="relations.get",reason="transient"\} (\d+)/.exec(await (await send('GET', '/metrics')).text())?.[1] ?? 0);
    const before = await retries();
    fake.control.addFault({ route: 'GET /channel/whitelist', kind: 'status', status: 503, body: '' });
    const answer = await send('GET', '/v1/users/st_a/relations/st_b');
    fake.control.clearFaults();
    expect(answer.status).toBe(200);
    expect(await retries()).toBe(before + 1);
    const metrics = await (await send('GET', '/metrics')).text();
    expect(metrics).toMatch(/imbridge_vendor_call_duration_seconds_count\{backend="wk",vendor="wukongim",operation="relations.get",outcome="5xx"\} [1-9]/);
  });
});
