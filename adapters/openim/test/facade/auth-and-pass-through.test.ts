/**
 * Done-when 2 and 3 for `/compat/openim`: the facade refuses credentials exactly as OpenIM does;
 * an unmapped route reaches the configured OpenIM upstream with the upstream backend's token (not
 * the client's), the same body, and its answer comes back unchanged; the upstream's credentials
 * show up in no answer and no log line; a hanging or absent upstream answers in OpenIM's envelope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFake, type RunningOpenImFake } from '../../fake/index.js';
import { signToken, verifyToken } from '../../protocol/jwt.js';
import { checkToken, credentialsOf } from '../../facade/auth.js';
import { WireError } from '../../protocol/wire.js';
import type { RunningImbridge } from '../../../../src/server/start-server.js';
import { SECRET, adminToken, post, randomSuffix, startImbridge, type OpenImAnswer, type Target } from './harness.js';

const UPSTREAM_SECRET = `upstream_${randomSuffix()}_secret`;

describe('openim facade auth and pass-through', () => {
  let upstream: RunningOpenImFake;
  let imbridge: RunningImbridge;
  let facade: Target;
  const logs: string[] = [];
  const answers: OpenImAnswer[] = [];
  let token = '';

  const call = async (path: string, body: unknown, headers: Record<string, string> = { operationID: `op-${randomSuffix()}`, token }) => {
    const answer = await post(facade.baseUrl, path, body, headers);
    answers.push(answer);
    return answer;
  };

  beforeAll(async () => {
    upstream = await startFake({ port: 0, secret: UPSTREAM_SECRET });
    imbridge = await startImbridge({
      backends: { mem: { vendor: 'native', store: { driver: 'memory' } }, up: { ...upstream.backendConfig, timeoutMs: 500 } },
      backend: 'mem',
      upstream: 'up',
      timeoutMs: 400,
      logs,
    });
    const baseUrl = `${imbridge.url}/compat/openim`;
    facade = { name: 'facade', baseUrl, call: (path, body, headers) => post(baseUrl, path, body, headers), close: async () => undefined };
    token = await adminToken(facade);
  });
  afterAll(async () => {
    await imbridge.close();
    await upstream.close();
  });

  it('refuses a wrong secret and a non-admin user at get_admin_token like OpenIM', async () => {
    expect((await call('/auth/get_admin_token', { secret: 'nope', userID: 'imAdmin' }, { operationID: 'op' })).body).toEqual({ errCode: 1002, errMsg: 'NoPermissionError', errDlt: 'secret invalid' });
    expect((await call('/auth/get_admin_token', { secret: SECRET, userID: 'someone' }, { operationID: 'op' })).body).toEqual({ errCode: 1001, errMsg: 'ArgsError', errDlt: 'userID is not admin' });
    // The upstream's own secret is not a facade credential.
    expect((await call('/auth/get_admin_token', { secret: UPSTREAM_SECRET, userID: 'imAdmin' }, { operationID: 'op' })).body).toMatchObject({ errCode: 1002 });
  });

  it('issues tokens with OpenIM 3.8.3\'s claims: no nbf, iat five seconds back (audit F-1)', async () => {
    const before = Math.floor(Date.now() / 1000);
    const issued = await adminToken(facade);
    const claims = JSON.parse(Buffer.from(issued.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(claims)).toEqual(['UserID', 'PlatformID', 'exp', 'iat']);
    expect(claims).toMatchObject({ UserID: 'imAdmin', PlatformID: 10 });
    expect(Number(claims['iat'])).toBeGreaterThanOrEqual(before - 5);
    expect(Number(claims['iat'])).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) - 5);
    expect(Number(claims['exp']) - Number(claims['iat'])).toBe(7_776_000 + 5);
    expect(verifyToken(issued, SECRET, Math.floor(Date.now() / 1000))).toMatchObject({ UserID: 'imAdmin' });
  });

  it('refuses wrong tokens with OpenIM token codes, on mapped and unmapped routes alike', async () => {
    const now = Math.floor(Date.now() / 1000);
    const upstreamToken = signToken({ UserID: 'imAdmin', PlatformID: 10, exp: now + 600, nbf: now - 1, iat: now }, UPSTREAM_SECRET);
    const expired = signToken({ UserID: 'imAdmin', PlatformID: 10, exp: now - 10, nbf: now - 100, iat: now - 100 }, SECRET);
    const notYet = signToken({ UserID: 'imAdmin', PlatformID: 10, exp: now + 600, nbf: now + 300, iat: now }, SECRET);
    const userToken = signToken({ UserID: 'alice', PlatformID: 1, exp: now + 600, nbf: now - 1, iat: now }, SECRET);
    for (const path of ['/user/get_users_info', '/msg/clear_conversation_msg']) {
      const body = { userIDs: ['x'] };
      expect((await call(path, body, { operationID: 'op', token: upstreamToken })).body).toMatchObject({ errCode: 1505, errMsg: 'TokenUnknownError' });
      expect((await call(path, body, { operationID: 'op', token: expired })).body).toMatchObject({ errCode: 1501, errMsg: 'TokenExpiredError' });
      expect((await call(path, body, { operationID: 'op', token: notYet })).body).toMatchObject({ errCode: 1504 });
      expect((await call(path, body, { operationID: 'op', token: userToken })).body).toMatchObject({ errCode: 1507, errMsg: 'TokenNotExistError' });
      expect((await call(path, body, { operationID: 'op', token: 'garbage' })).body).toMatchObject({ errCode: 1503 });
      expect((await call(path, body, { token })).body).toEqual({ errCode: 1001, errMsg: 'ArgsError', errDlt: 'header must have operationID' });
      expect((await call(path, body, { operationID: 'op' })).body).toEqual({ errCode: 1001, errMsg: 'ArgsError', errDlt: 'header must have token' });
    }
    // A refused pass-through never reached the upstream.
    expect(upstream.control.requestsTo('POST /msg/clear_conversation_msg')).toHaveLength(0);
  });

  it('a token accepted once (and kept as verified) is still refused 1501 once it expires, and 1504 before its nbf', () => {
    const credentials = credentialsOf({ secret: SECRET });
    const now = 1_800_000_000;
    const token = signToken({ UserID: 'imAdmin', PlatformID: 10, exp: now + 60, nbf: now - 1, iat: now }, SECRET);
    expect(checkToken(credentials, token, now * 1000)).toBe('imAdmin');
    expect(checkToken(credentials, token, (now + 30) * 1000)).toBe('imAdmin');
    const codeAt = (seconds: number) => {
      try {
        checkToken(credentials, token, seconds * 1000);
        return 0;
      } catch (error) {
        return (error as WireError).errCode;
      }
    };
    expect(codeAt(now + 61)).toBe(1501);
    expect(codeAt(now - 5)).toBe(1504);
    // Another secret's token with the same claims is not taken for the verified one.
    expect(() => checkToken(credentials, signToken({ UserID: 'imAdmin', PlatformID: 10, exp: now + 60, nbf: now - 1, iat: now }, 'other-secret'), now * 1000)).toThrow(WireError);
  });

  it('passes an unmapped route through with the upstream token, the same body, and the answer unchanged', async () => {
    const user = `pt_${randomSuffix()}`;
    const raw = JSON.stringify({ userID: user, conversationIDs: [`si_${user}_z`], deleteSyncOpt: { IsSyncSelf: true, IsSyncOther: false } });
    const answer = await call('/msg/clear_conversation_msg', raw, { operationID: 'trace-42', token, 'content-type': 'application/json' });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('{"errCode":0,"errMsg":"","errDlt":""}');
    const forwarded = upstream.control.requestsTo('POST /msg/clear_conversation_msg');
    expect(forwarded).toHaveLength(1);
    const arrived = forwarded[0]!;
    expect(arrived.rawBody).toBe(raw);
    expect(arrived.headers['operationid']).toBe('trace-42');
    const upstreamToken = arrived.headers['token'];
    expect(typeof upstreamToken).toBe('string');
    expect(upstreamToken).not.toBe(token);
    expect(verifyToken(upstreamToken as string, UPSTREAM_SECRET, Math.floor(Date.now() / 1000)).UserID).toBe('imAdmin');

    // The upstream's own refusal comes back as it was, and so does its plain 404.
    const refused = await call('/auth/get_user_token', { platformID: 1, userID: user }, { operationID: 'op', token });
    expect(refused.body).toMatchObject({ errCode: 1004 });
    const missing = await call('/friend/no_such_route', {}, { operationID: 'op', token });
    expect([missing.status, missing.text]).toEqual([404, '404 page not found']);

    // Mapped routes stay on the facade's backend: the upstream never sees them.
    await call('/user/user_register', { users: [{ userID: user, nickname: 'n' }] });
    expect(upstream.control.requestsTo('POST /user/user_register')).toHaveLength(0);
    expect(upstream.state.users.has(user)).toBe(false);
  });

  it('answers a hanging upstream with OpenIM NetworkError', async () => {
    upstream.control.addFault({ route: 'POST /msg/clear_conversation_msg', kind: 'hang' });
    const started = Date.now();
    const answer = await call('/msg/clear_conversation_msg', { userID: 'x', conversationIDs: ['si_x_y'] });
    upstream.control.releaseHanging();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ errCode: 90004, errMsg: 'NetworkError', errDlt: 'upstream OpenIM server timed out' });
  });

  it('never shows the upstream credentials in answers or logs', async () => {
    const forwardedTokens = upstream.control.requestsTo('POST /msg/clear_conversation_msg').map((request) => String(request.headers['token']));
    expect(forwardedTokens.length).toBeGreaterThan(0);
    const secrets = [UPSTREAM_SECRET, ...new Set(forwardedTokens)];
    expect(answers.length).toBeGreaterThan(10);
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      for (const answer of answers) expect(answer.text).not.toContain(secret);
      for (const line of logs) expect(line).not.toContain(secret);
    }
  });
});

describe('openim facade without an upstream, or with one that is down', () => {
  it("answers an unmapped route with gin's plain 404 when no upstream is configured", async () => {
    const imbridge = await startImbridge({ backends: { mem: { vendor: 'native', store: { driver: 'memory' } } }, backend: 'mem' });
    try {
      const baseUrl = `${imbridge.url}/compat/openim`;
      const token = await adminToken({ name: 'facade', baseUrl, call: (path, body, headers) => post(baseUrl, path, body, headers), close: async () => undefined });
      const answer = await post(baseUrl, '/msg/clear_conversation_msg', { userID: 'x' }, { operationID: 'op', token });
      expect([answer.status, answer.text]).toEqual([404, '404 page not found']);
    } finally {
      await imbridge.close();
    }
  });

  it('answers OpenIM NetworkError when the upstream is down', async () => {
    const upstream = await startFake({ port: 0 });
    const imbridge = await startImbridge({
      backends: { mem: { vendor: 'native', store: { driver: 'memory' } }, up: { ...upstream.backendConfig, timeoutMs: 300, retry: { maxAttempts: 1 } } },
      backend: 'mem',
      upstream: 'up',
      timeoutMs: 300,
    });
    try {
      await upstream.close();
      const baseUrl = `${imbridge.url}/compat/openim`;
      const token = await adminToken({ name: 'facade', baseUrl, call: (path, body, headers) => post(baseUrl, path, body, headers), close: async () => undefined });
      const answer = await post(baseUrl, '/msg/clear_conversation_msg', { userID: 'x' }, { operationID: 'op', token });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ errCode: 90004, errMsg: 'NetworkError' });
    } finally {
      await imbridge.close();
    }
  });
});
