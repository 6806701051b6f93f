// Bad input to the event routes and the events config: a clear 4xx (or a config line naming the
// key), never a 500, and nothing appended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { ConfigError, validateConfig } from '../../src/config/load-config.js';
import { startServer, type RunningImbridge } from '../../src/server/start-server.js';
import { webhookLabel } from '../../src/events/webhook-dispatcher.js';

function configProblems(events: unknown, backends: Record<string, unknown> = { local: { vendor: 'native', store: { driver: 'memory' } } }): string[] {
  try {
    validateConfig({ backends, events });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('the events config', () => {
  it('names each bad key', () => {
    expect(configProblems({ webhooks: [{ url: 'http://127.0.0.1:9/hook', secret: 'not-a-whsec' }] })).toEqual([expect.stringMatching(/^events\.webhooks\[0\]\.secret: must match pattern/)]);
    expect(configProblems({ webhooks: [{ url: 'ftp://x', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }] })).toEqual([expect.stringMatching(/^events\.webhooks\[0\]\.url: must match pattern/)]);
    expect(configProblems({ webhooks: [{ url: 'http://127.0.0.1:9/hook', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', backends: ['nope'] }] })).toEqual([
      'events.webhooks[0].backends: "nope" is not a configured backend',
    ]);
    expect(configProblems({ callbacks: { nope: { token: 'token-0123456789abcdef' } } })).toEqual(['events.callbacks.nope: is not a configured backend']);
    expect(configProblems({ delivery: { retryForMs: 0 } })).toEqual([expect.stringMatching(/^events\.delivery\.retryForMs: must be >= 1/)]);
    expect(configProblems({ webhook: [] })).toEqual(['events.webhook: is not a known key']);
    const twice = { url: 'http://127.0.0.1:9/hook', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' };
    expect(configProblems({ webhooks: [twice, { ...twice, types: ['block.added'] }] })).toEqual([expect.stringMatching(/^events\.webhooks\[1\]\.url: "http:\/\/127\.0\.0\.1:9\/hook" is already listed/)]);
  });

  it('shows webhook URLs in metrics and dead letters without credentials or query', () => {
    expect(webhookLabel('https://user:pass@hooks.example.com/im?token=secret')).toBe('https://hooks.example.com/im');
  });
});

describe('bad input to the event routes', () => {
  let running: RunningImbridge;
  beforeAll(async () => {
    const config = validateConfig({
      server: { port: 0, logLevel: 'silent' },
      backends: {
        local: { vendor: 'native', store: { driver: 'memory' } },
        oim: { vendor: 'openim', baseUrl: 'http://127.0.0.1:9', secret: 'openIM123', adminUserId: 'imAdmin' },
        ag: { vendor: 'agora', baseUrl: 'http://127.0.0.1:9', orgName: 'o', appName: 'a', appId: '0123456789abcdef0123456789abcdef', appCertificate: 'fedcba9876543210fedcba9876543210' },
      },
      defaultBackend: 'local',
      events: { outbox: { path: ':memory:' }, callbacks: { oim: { token: 'token-0123456789abcdef' }, ag: { secret: 'agora-secret' } } },
    });
    running = await startServer(config, { logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await running.close();
  });

  async function post(path: string, body: string): Promise<{ status: number; code?: string }> {
    const response = await fetch(`${running.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await response.text();
    return { status: response.status, code: text.startsWith('{"error"') ? (JSON.parse(text) as { error: { code: string } }).error.code : undefined };
  }

  it('answers 4xx in the unified envelope and appends nothing', async () => {
    const before = running.events.outbox.lastSeq();
    expect(await post('/callbacks/nosuchvendor', '{}')).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(await post('/callbacks/wildfire', '{}')).toEqual({ status: 404, code: 'BACKEND_NOT_FOUND' });
    expect(await post('/callbacks/openim/local', '{}')).toEqual({ status: 404, code: 'BACKEND_NOT_FOUND' });
    expect(await post('/callbacks/openim/oim', '{}')).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await post('/callbacks/openim/oim?token=token-0123456789abcdef', 'not json')).toEqual({ status: 400, code: 'INVALID_ARGUMENT' });
    expect(await post('/callbacks/openim/oim?token=token-0123456789abcdef', '{"callbackCommand":"callbackAfterRemoveBlackCommand","ownerUserID":7}')).toEqual({ status: 400, code: 'INVALID_ARGUMENT' });
    expect(await post('/callbacks/agora', '{"callId":"x","timestamp":1,"chat_type":"roster","from":"a","to":"b","payload":{"operation":"ban"},"security":"0000"}')).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await fetch(`${running.url}/v1/events/dead?limit=abc`)).status).toBe(400);
    expect((await fetch(`${running.url}/v1/events/dead?cursor=x`)).status).toBe(400);
    expect((await fetch(`${running.url}/v1/events/dead/abc/replay`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${running.url}/v1/events?types=a,b`)).status).toBe(400);
    expect((await fetch(`${running.url}/v1/events?user=a&user=b`)).status).toBe(400);
    expect((await fetch(`${running.url}/v1/events`, { method: 'DELETE' })).status).toBe(405);
    expect(running.events.outbox.lastSeq()).toBe(before);
  });

  it('takes a well-formed OpenIM callback with its token and answers what OpenIM expects', async () => {
    const response = await fetch(`${running.url}/callbacks/openim/oim/callbackAfterRemoveBlackCommand?token=token-0123456789abcdef`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', operationID: '1' },
      body: JSON.stringify({ ownerUserID: 'x1', blackUserID: 'y1' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ actionCode: 0, errCode: 0, errMsg: '', errDlt: '', nextCode: 0 });
    const [stored] = running.events.outbox.eventsAfter(0, { types: ['block.deleted'] }, 10);
    expect(stored?.event).toMatchObject({ type: 'block.deleted', backend: 'oim', source: 'vendor', actor: 'x1', target: { uid: 'x1', blocked: 'y1' } });
  });
});
