/**
 * Done-when 2 of issue 7 for Agora: wrong app tokens on `/compat/agora` get Agora's own 401s
 * (and a foreign org/app its 404), exactly as the Agora fake answers them; the upstream's
 * credentials — an App Certificate and app tokens of another app — never reach a client
 * (every answer is scanned) and never reach the log (the server logs into a buffer at debug).
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningImbridge } from '../../../../src/server/start-server.js';
import { startFake, type RunningAgoraFake } from '../../fake/index.js';
import { CREDENTIALS, NATIVE_BACKEND, appToken, call, fakeTarget, randomHex, serveFacade, userToken, type Answer, type Target } from './harness.js';

const require = createRequire(import.meta.url);
interface TokenBuilder {
  add_service(service: unknown): void;
  build(): string;
}
// agora-token's internals have no types; only the two classes used here are declared.
const { AccessToken2, ServiceChat } = require('agora-token/src/AccessToken2.js') as {
  AccessToken2: new (appId: string, certificate: string, issueTs: number, expire: number) => TokenBuilder;
  ServiceChat: (new (user: string) => { add_privilege(privilege: number, expire: number): void }) & { kPrivilegeApp: number };
};

/** An app token issued an hour ago for ten minutes. */
function expiredAppToken(): string {
  const token = new AccessToken2(CREDENTIALS.appId, CREDENTIALS.appCertificate, Math.floor(Date.now() / 1000) - 3600, 600);
  const chat = new ServiceChat('');
  chat.add_privilege(ServiceChat.kPrivilegeApp, 600);
  token.add_service(chat);
  return token.build();
}

const UPSTREAM = { orgName: 'up-org', appName: 'up-app', appId: 'abcdefabcdefabcdefabcdefabcdef01', appCertificate: '1234567890abcdef1234567890abcdef' };

describe('Agora compat: the vendor\'s auth, and upstream secrets kept inside', () => {
  let upstream: RunningAgoraFake;
  let server: RunningImbridge;
  let facade: Target;
  let fake: Target;
  const logs: string[] = [];
  const answers: Answer[] = [];
  const user = `u${randomHex(4)}`;

  const both = async (options: Parameters<typeof call>[1]): Promise<[Answer, Answer]> => {
    const pair = await Promise.all([call(fake, options), call(facade, options)]);
    answers.push(pair[1]);
    return pair;
  };

  beforeAll(async () => {
    upstream = await startFake({ port: 0, ...UPSTREAM });
    server = await serveFacade({ backend: NATIVE_BACKEND, upstream: { ...upstream.backendConfig, timeoutMs: 1000 }, logSink: logs });
    facade = { name: 'facade', base: `${server.url}/compat/agora`, close: () => server.close() };
    fake = await fakeTarget();
  });

  afterAll(async () => {
    await server.close();
    await upstream.close();
    await fake.close();
  });

  const refusals: Array<[string, string | null | undefined, string | undefined]> = [
    ['no Authorization header', null, undefined],
    ['a Basic header', 'Basic dXNlcjpwYXNz', undefined],
    ['a corrupt token', 'Bearer 007eJxnot-a-token', undefined],
    ['a token of another certificate', `Bearer ${appToken(CREDENTIALS.appId, 'ffffffffffffffffffffffffffffffff')}`, undefined],
    ['a token of another App ID', `Bearer ${appToken('ffffffffffffffffffffffffffffffff', CREDENTIALS.appCertificate)}`, undefined],
    ['a user token', `Bearer ${userToken('someone')}`, undefined],
    ['an expired app token', `Bearer ${expiredAppToken()}`, undefined],
    ['the upstream\'s own valid app token', `Bearer ${appToken(UPSTREAM.appId, UPSTREAM.appCertificate)}`, undefined],
    ['a valid token on another org/app', undefined, '/other-org/other-app'],
    ['a valid token on another App ID', undefined, `/app-id/${UPSTREAM.appId}`],
  ];

  for (const [name, authorization, prefix] of refusals) {
    it(`${name}: refused exactly as Agora refuses it`, async () => {
      const [expected, actual] = await both({ method: 'GET', path: `/users/${user}`, ...(authorization !== undefined ? { authorization } : {}), ...(prefix ? { prefix } : {}) });
      expect(expected.status === 401 || expected.status === 404).toBe(true);
      const strip = (body: unknown) => ({ ...(body as Record<string, unknown>), timestamp: '<time>' });
      expect({ status: actual.status, body: strip(actual.body) }).toEqual({ status: expected.status, body: strip(expected.body) });
    });
  }

  it('a refused call reaches neither the backend nor the upstream', async () => {
    const before = upstream.control.requests.length;
    await both({ method: 'POST', path: '/users', body: { username: user, password: 'pw' }, authorization: 'Bearer 007eJxnot-a-token' });
    await both({ method: 'GET', path: `/users/${user}/status`, authorization: null });
    expect(upstream.control.requests.length).toBe(before);
    const [, lookup] = await both({ method: 'GET', path: `/users/${user}` });
    expect(lookup.status).toBe(404);
  });

  it('the right app token works on both prefixes', async () => {
    const [, created] = await both({ method: 'POST', path: '/users', body: { username: user, password: 'pw' } });
    expect(created.status).toBe(200);
    const [, byAppId] = await both({ method: 'GET', path: `/users/${user}`, prefix: `/app-id/${CREDENTIALS.appId}` });
    expect(byAppId.status).toBe(200);
  });

  it('the upstream\'s credentials never reach a client nor the log', async () => {
    // A pass-through call makes the facade use the upstream's token; its answer comes back.
    const [, passed] = await both({ method: 'DELETE', path: `/users/${user}-nobody` });
    expect(passed.status).toBe(404);
    const secrets = [UPSTREAM.appCertificate, CREDENTIALS.appCertificate];
    const upstreamTokens = upstream.control.requests.map((request) => String(request.headers.authorization ?? '').replace(/^Bearer\s+/i, '')).filter((token) => token.length > 20);
    expect(upstreamTokens.length).toBeGreaterThan(0);
    const everything = [...answers.map((answer) => `${answer.text}\n${JSON.stringify([...answer.headers])}`), ...logs].join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [...secrets, ...upstreamTokens]) expect(everything).not.toContain(secret);
  });
});
