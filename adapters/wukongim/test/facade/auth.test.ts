/**
 * Done-when 2 (issue 7): a wrong or missing `token` on `/compat/wukongim` gets WuKongIM's own
 * refusal (401, empty body) on translated routes, pass-through routes and `/health` alike; the
 * upstream's managerToken never reaches a client (every response scanned) and never reaches the
 * log (imbridge run with a logger writing every level to a buffer).
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFake, type RunningWukongimFake } from '../../fake/index.js';
import { validateConfig } from '../../../../src/config/load-config.js';
import { createLogger } from '../../../../src/server/create-logger.js';
import { startServer, type RunningImbridge } from '../../../../src/server/start-server.js';
import { FACADE_TOKEN, call, randomSuffix, type VendorAnswer, type VendorCall, type VendorTarget } from './harness.js';

describe('WuKongIM facade: auth and secrets', () => {
  let fake: RunningWukongimFake;
  let server: RunningImbridge;
  let facade: VendorTarget;
  const logLines: string[] = [];
  const answers: VendorAnswer[] = [];

  /** Calls the facade and keeps the answer for the secret scan. */
  async function facadeCall(request: VendorCall): Promise<VendorAnswer> {
    const answer = await call(facade, request);
    answers.push(answer);
    return answer;
  }

  beforeAll(async () => {
    fake = await startFake({ port: 0 });
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    const config = validateConfig(
      {
        server: { host: '127.0.0.1', port: 0 },
        defaultBackend: 'local',
        backends: { local: { vendor: 'native', store: { driver: 'memory' } }, wk: { ...fake.backendConfig, timeoutMs: 1_000 } },
        compat: { wukongim: { backend: 'local', upstream: 'wk', token: FACADE_TOKEN, timeoutMs: 300 } },
      },
      {},
    );
    server = await startServer(config, { logger: createLogger('trace', destination) });
    facade = { name: 'facade', baseUrl: `${server.url}/compat/wukongim`, token: FACADE_TOKEN, close: () => server.close() };
  });

  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  const uid = () => `u_${randomSuffix()}`;

  it('a wrong token gets 401 with an empty body on translated routes, pass-through routes and /health', async () => {
    const owner = uid();
    const calls: VendorCall[] = [
      { method: 'POST', path: '/channel/whitelist_add', body: { channel_id: owner, channel_type: 1, uids: [uid()] }, auth: 'wrong' },
      { method: 'GET', path: `/channel/whitelist?channel_id=${owner}&channel_type=1`, auth: 'none' },
      { method: 'POST', path: '/user/systemuids_add', body: { uids: [owner] }, auth: 'wrong' },
      { method: 'GET', path: '/health', auth: 'none' },
      { method: 'POST', path: '/no/such/route', body: {}, auth: 'wrong' },
    ];
    fake.control.clearRequests();
    for (const request of calls) {
      const answer = await facadeCall(request);
      expect(answer, request.path).toMatchObject({ status: 401, text: '' });
    }
    // A refused call is refused before the pass-through: nothing reached the upstream.
    expect(fake.control.requests).toHaveLength(0);
    // …and changed nothing.
    expect((await facadeCall({ method: 'GET', path: `/channel/whitelist?channel_id=${owner}&channel_type=1` })).body).toEqual([]);
  });

  it('the upstream token is refused by the facade (it is not the facade credential)', async () => {
    const answer = await call({ ...facade, token: fake.options.managerToken }, { method: 'GET', path: '/health' });
    answers.push(answer);
    expect(answer).toMatchObject({ status: 401, text: '' });
  });

  it('the upstream token never reaches a client or the log', async () => {
    const owner = uid();
    // Translated calls, pass-through calls (success, vendor error, unknown route), a pass-through timeout.
    await facadeCall({ method: 'POST', path: '/user/token', body: { uid: owner, token: 'login' } });
    await facadeCall({ method: 'POST', path: '/channel/whitelist_add', body: { channel_id: owner, channel_type: 1, uids: [uid()] } });
    await facadeCall({ method: 'POST', path: '/channel/whitelist_add', body: { channel_id: owner, channel_type: 1, uids: [] } });
    await facadeCall({ method: 'POST', path: '/user/systemuids_add', body: { uids: [uid()] } });
    await facadeCall({ method: 'GET', path: '/user/systemuids' });
    await facadeCall({ method: 'POST', path: '/user/systemuids_add', body: '' });
    await facadeCall({ method: 'GET', path: '/no/such/route' });
    fake.control.addFault({ route: 'GET /user/systemuids', kind: 'hang' });
    const timedOut = await facadeCall({ method: 'GET', path: '/user/systemuids' });
    expect(timedOut.status).toBe(504);
    fake.control.clearFaults();

    // The scan covers headers too: fetch one pass-through answer raw.
    const raw = await fetch(`${facade.baseUrl}/user/systemuids`, { headers: { token: FACADE_TOKEN } });
    const rawHeaders = JSON.stringify([...raw.headers.entries()]);
    const rawText = await raw.text();

    const secret = fake.options.managerToken;
    expect(secret.length).toBeGreaterThan(8);
    for (const answer of answers) expect(answer.text).not.toContain(secret);
    expect(rawHeaders + rawText).not.toContain(secret);
    const log = logLines.join('');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(secret);
    expect(log).not.toContain(FACADE_TOKEN);
    // The upstream did get its own token on every forwarded call.
    expect(fake.control.requestsTo('POST /user/systemuids_add').every((request) => request.headers.token === secret)).toBe(true);
  });
});
