/**
 * Done-when 2 for Wildfire: wrong credentials on the facade get Wildfire's own pre-check answers
 * (239, 243, 244, nested envelope, HTTP 200), and the upstream's credentials — its secret and the
 * signatures made with it — never reach the client and never appear in imbridge's logs (logger at
 * trace level writing to a buffer), through translated routes, pass-through, and failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFake, type RunningWildfireFake } from '../../fake/index.js';
import { signedHeaders, wildfireSign } from '../../protocol/wire.js';
import { rid, startFacade, wildfireCall, type FacadeTarget, type WireAnswer } from './harness.js';

function precheck(code: number, msg: string): unknown {
  return { code, msg, result: { code, msg } };
}

describe('wildfire facade credentials', () => {
  let upstream: RunningWildfireFake;
  let target: FacadeTarget;
  const answers: WireAnswer[] = [];
  const headerTexts: string[] = [];
  /** The signatures the client sent: the client's credentials, which must not be logged either. */
  const clientSigns: string[] = [];

  async function call(path: string, body: unknown, headers?: Record<string, string>): Promise<WireAnswer> {
    const sent = headers ?? signedHeaders(target.secret);
    if (sent.sign) clientSigns.push(sent.sign);
    const response = await fetch(target.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...sent },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    headerTexts.push(JSON.stringify([...response.headers.entries()]));
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const answer: WireAnswer = { status: response.status, contentType: response.headers.get('content-type'), text, json };
    answers.push(answer);
    return answer;
  }

  beforeAll(async () => {
    upstream = await startFake({ port: 0, secret: `upstream-secret-${rid('s')}` });
    target = await startFacade({ edition: 'pro', data: 'native', upstream, upstreamTimeoutMs: 300, logLevel: 'trace' });
  });

  afterAll(async () => {
    await target.close();
    await upstream.close();
  });

  it('refuses a wrong secret with 244 "auth failure"', async () => {
    const answer = await call('/admin/user/get_info', { userId: 'x' }, signedHeaders('wrong'));
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json;charset=utf-8');
    expect(answer.json).toEqual(precheck(244, 'auth failure'));
  });

  it("refuses the upstream's own secret: the facade has its own", async () => {
    expect((await call('/admin/user/get_info', { userId: 'x' }, signedHeaders(upstream.secret))).json).toEqual(precheck(244, 'auth failure'));
  });

  it('refuses an upper-case sign (the server compares lower-case hex exactly)', async () => {
    const headers = signedHeaders(target.secret);
    expect((await call('/admin/user/get_info', { userId: 'x' }, { ...headers, sign: headers.sign!.toUpperCase() })).json).toEqual(precheck(244, 'auth failure'));
  });

  it('refuses a timestamp more than 2 h old with 243, accepts one in the future', async () => {
    const old = signedHeaders(target.secret, () => Date.now() - 2 * 3_600_000 - 60_000);
    expect((await call('/admin/user/get_info', { userId: 'x' }, old)).json).toEqual(precheck(243, 'sign expired'));
    const future = signedHeaders(target.secret, () => Date.now() + 24 * 3_600_000);
    expect((await call('/admin/user/get_info', { userId: 'x' }, future)).json).toEqual({ code: 253, msg: 'not exist' });
  });

  it('refuses missing or empty headers and a timestamp that is not a long with 239', async () => {
    const { nonce: _nonce, ...noNonce } = signedHeaders(target.secret);
    expect((await call('/admin/user/get_info', { userId: 'x' }, noNonce)).json).toEqual(precheck(239, 'api not signed or sign parameter not completion'));
    expect((await call('/admin/user/get_info', { userId: 'x' }, { nonce: '1', timestamp: '', sign: 'x' })).json).toEqual(precheck(239, 'api not signed or sign parameter not completion'));
    expect((await call('/admin/user/get_info', { userId: 'x' }, { nonce: '1', timestamp: '1e3', sign: wildfireSign('1', target.secret, '1e3') })).json).toEqual(precheck(239, 'api not signed or sign parameter not completion'));
  });

  it('accepts the SDK test vector shape: nonce|secret|timestamp', async () => {
    const timestamp = String(Date.now());
    const answer = await call('/admin/user/create', { userId: 'vector_user', name: 'vector_user' }, { nonce: '76616', timestamp, sign: wildfireSign('76616', target.secret, timestamp) });
    expect(answer.json).toEqual({ code: 0, msg: 'success', result: { userId: 'vector_user', name: 'vector_user' } });
  });

  it("never shows the upstream's credentials to the client, and never logs any credential", async () => {
    // Translated calls, a refused one, pass-through (success, upstream error, hang).
    await call('/admin/friend/status', { userId: 'vector_user', friendUid: 'nobody', status: 0 });
    await call('/admin/group/of_user', { userId: 'vector_user' });
    upstream.control.addFault({ route: 'POST /admin/user/destroy', kind: 'status', status: 500, body: 'java.lang.NullPointerException' });
    await call('/admin/user/destroy', { userId: 'vector_user' });
    upstream.control.addFault({ route: 'POST /admin/group/transfer', kind: 'hang' });
    expect((await call('/admin/group/transfer', { operator: 'a', group_id: 'g', new_owner: 'b' })).json).toEqual({ code: 249, msg: 'timeout' });

    const forwarded = upstream.control.requests.filter((request) => request.headers.sign !== undefined);
    expect(forwarded.length).toBeGreaterThanOrEqual(3);
    const upstreamSigns = forwarded.map((request) => String(request.headers.sign));
    const secrets = [upstream.secret, target.secret];
    const seenByClient = answers.map((answer) => answer.text).join('\n') + headerTexts.join('\n');
    for (const secret of [...secrets, ...upstreamSigns]) expect(seenByClient).not.toContain(secret);

    const logs = target.logs.text();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toContain('pass-through failed');
    for (const secret of [...secrets, ...upstreamSigns, ...clientSigns.filter((sign) => sign.length === 40)]) expect(logs).not.toContain(secret);
  });
});
