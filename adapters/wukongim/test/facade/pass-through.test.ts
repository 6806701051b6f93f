/**
 * Done-when 3 (issue 7): a route the facade does not translate, sent to `/compat/wukongim` with an
 * upstream configured, arrives at the upstream WuKongIM fake (its request log) with the upstream's
 * managerToken instead of the client's, and the same body; the answer comes back unchanged. No
 * upstream: the vendor's plain-text 404. An upstream that hangs or is down: a vendor-shaped error.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFake, type RunningWukongimFake } from '../../fake/index.js';
import { call, facadeTarget, randomSuffix, type VendorTarget } from './harness.js';

const NATIVE = { vendor: 'native', store: { driver: 'memory' } };

describe('WuKongIM facade: pass-through', () => {
  let upstream: RunningWukongimFake;
  let facade: VendorTarget;
  let direct: VendorTarget;

  beforeAll(async () => {
    upstream = await startFake({ port: 0 });
    facade = await facadeTarget('facade', { local: NATIVE, wk: { ...upstream.backendConfig, timeoutMs: 1_000 } }, 'local', { upstream: 'wk', timeoutMs: 300 });
    direct = { name: 'fake', baseUrl: upstream.url, token: upstream.options.managerToken, close: async () => {} };
  });

  afterAll(async () => {
    await facade.close();
    await upstream.close();
  });

  it('an unmapped route reaches the upstream with its token and the same body, and its answer comes back unchanged', async () => {
    const uid = `sys_${randomSuffix()}`;
    const body = `{"uids":["${uid}"],"note":"kept as sent: 12345678901234567890"}`;
    upstream.control.clearRequests();
    const answer = await call(facade, { method: 'POST', path: '/user/systemuids_add', body });
    const [forwarded, ...more] = upstream.control.requestsTo('POST /user/systemuids_add');
    expect(more).toHaveLength(0);
    expect(forwarded!.rawBody).toBe(body);
    expect(forwarded!.headers.token).toBe(upstream.options.managerToken);
    expect(forwarded!.headers.token).not.toBe(facade.token);
    expect(answer).toMatchObject({ status: 200, body: { status: 200 } });

    // The answer is the upstream's own: same status and bytes as calling the fake directly.
    const through = await call(facade, { method: 'GET', path: '/user/systemuids' });
    const straight = await call(direct, { method: 'GET', path: '/user/systemuids' });
    expect(through.status).toBe(straight.status);
    expect(through.text).toBe(straight.text);
    expect(through.body).toContain(uid);
  });

  it('vendor errors and unknown routes of the upstream reach the client unchanged', async () => {
    for (const request of [
      { method: 'POST' as const, path: '/user/systemuids_add', body: '' },
      { method: 'POST' as const, path: '/user/onlinestatus', body: '[]' },
      { method: 'GET' as const, path: '/no/such/route?x=1' },
    ]) {
      const through = await call(facade, request);
      const straight = await call(direct, request);
      expect({ status: through.status, text: through.text }, request.path).toEqual({ status: straight.status, text: straight.text });
    }
    expect(upstream.control.requestsTo('GET /no/such/route')[0]?.query).toEqual({ x: '1' });
  });

  it('headers of the client connection stay on it: hop-by-hop ones and those its Connection header names are not forwarded', async () => {
    upstream.control.clearRequests();
    // node:http, since fetch will not send a Connection header that names other headers.
    const status = await new Promise<number>((resolve, reject) => {
      const sent = httpRequest(`${facade.baseUrl}/user/onlinestatus`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', token: facade.token, connection: 'keep-alive, x-connection-note', 'x-connection-note': 'for imbridge only', 'x-end-to-end': 'kept', te: 'trailers' },
      });
      sent.on('response', (answer) => {
        answer.resume();
        resolve(answer.statusCode ?? 0);
      });
      sent.on('error', reject);
      sent.end('["nobody"]');
    });
    expect(status).toBe(200);
    const [forwarded] = upstream.control.requestsTo('POST /user/onlinestatus');
    expect(forwarded!.headers['x-end-to-end']).toBe('kept');
    expect(forwarded!.headers['x-connection-note']).toBeUndefined();
    expect(forwarded!.headers.te).toBeUndefined();
  });

  it('without an upstream an unmapped route gets the vendor 404', async () => {
    const alone = await facadeTarget('facade without upstream', { local: NATIVE }, 'local');
    try {
      const answer = await call(alone, { method: 'GET', path: '/user/systemuids' });
      expect(answer).toMatchObject({ status: 404, text: '404 page not found' });
    } finally {
      await alone.close();
    }
  });

  it('an upstream that hangs gets a vendor-shaped 504, one that is down a vendor-shaped 502', async () => {
    upstream.control.addFault({ route: 'GET /user/systemuids', kind: 'hang' });
    const started = Date.now();
    const hung = await call(facade, { method: 'GET', path: '/user/systemuids' });
    upstream.control.clearFaults();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(hung.status).toBe(504);
    expect(hung.body).toMatchObject({ status: 504, msg: expect.stringContaining('did not answer') });

    const gone = await startFake({ port: 0 });
    const goneConfig = { ...gone.backendConfig, timeoutMs: 1_000 };
    await gone.close();
    const down = await facadeTarget('facade, upstream down', { local: NATIVE, wk: goneConfig }, 'local', { upstream: 'wk', timeoutMs: 300 });
    try {
      const answer = await call(down, { method: 'GET', path: '/user/systemuids' });
      expect(answer.status).toBe(502);
      expect(answer.body).toMatchObject({ status: 502, msg: expect.stringContaining('unreachable') });
    } finally {
      await down.close();
    }
  });
});
