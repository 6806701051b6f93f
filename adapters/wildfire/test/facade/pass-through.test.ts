/**
 * Done-when 3 for Wildfire: a route the facade does not translate reaches the configured Wildfire
 * upstream re-signed with the upstream's own secret (fresh nonce and timestamp), with the same
 * body, and its answer comes back unchanged; without an upstream the server's own "no handler"
 * answer; an upstream that hangs or is down answers in Wildfire's envelope.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFake, type RunningWildfireFake } from '../../fake/index.js';
import { checkSignature, signedHeaders } from '../../protocol/wire.js';
import { rid, startFacade, wildfireCall, type FacadeTarget } from './harness.js';

const running: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  while (running.length > 0) await running.pop()!.close();
});

async function upstreamFake(edition: 'community' | 'pro' = 'community'): Promise<RunningWildfireFake> {
  const fake = await startFake({ port: 0, edition, secret: `upstream-${rid('s')}` });
  running.push(fake);
  return fake;
}

async function facade(options: Parameters<typeof startFacade>[0]): Promise<FacadeTarget> {
  const target = await startFacade(options);
  running.push(target);
  return target;
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('wildfire facade pass-through', () => {
  it('forwards an untranslated route re-signed with the upstream secret, same body, and returns the answer unchanged', async () => {
    const upstream = await upstreamFake();
    const target = await facade({ edition: 'community', data: 'native', upstream });
    const user = rid('u').replace('-', '_');
    const group = rid('g').replace('-', '_');
    // State that only the upstream holds: a group the user belongs to.
    await wildfireCall(upstream.url, '/admin/group/create', { operator: user, group: { group_info: { target_id: group, name: 'Up', owner: user, type: 2 }, members: [] } }, { secret: upstream.secret });
    upstream.control.clearRequests();

    const body = `{"userId":"${user}"}`;
    const clientHeaders = signedHeaders(target.secret);
    const through = await wildfireCall(target.url, '/admin/group/of_user', body, { secret: target.secret, headers: clientHeaders });
    const direct = await wildfireCall(upstream.url, '/admin/group/of_user', body, { secret: upstream.secret });

    const arrived = upstream.control.requestsTo('POST /admin/group/of_user');
    expect(arrived).toHaveLength(2);
    const forwarded = arrived[0]!;
    expect(forwarded.rawBody).toBe(body);
    // The upstream's credentials, freshly made: valid for its secret, none of the client's values.
    expect(checkSignature(forwarded.headers, { secret: upstream.secret, now: Date.now })).toBe(0);
    expect(forwarded.headers.sign).not.toBe(clientHeaders.sign);
    expect(checkSignature(forwarded.headers, { secret: target.secret, now: Date.now })).toBe(244);

    expect(through.status).toBe(direct.status);
    expect(through.text).toBe(direct.text);
    expect(through.contentType).toBe(direct.contentType);
    expect(through.json).toEqual({ code: 0, msg: 'success', result: { groupIds: [group] } });
  });

  it('streams int64 bodies exactly both ways (message get_one)', async () => {
    const upstream = await upstreamFake();
    const target = await facade({ edition: 'community', data: 'native', upstream });
    const sent = await wildfireCall(upstream.url, '/admin/message/send', { sender: 'x1', conv: { type: 0, target: 'y1', line: 0 }, payload: { type: 1, searchableContent: 'hi' } }, { secret: upstream.secret });
    const uid = (sent.json as { result: { messageUid: bigint } }).result.messageUid;
    expect(uid > 2n ** 53n).toBe(true);
    const body = `{"messageUid":${uid}}`;
    const through = await wildfireCall(target.url, '/admin/message/get_one', body, { secret: target.secret });
    expect(upstream.control.requestsTo('POST /admin/message/get_one')[0]!.rawBody).toBe(body);
    expect(through.status).toBe(200);
    expect(through.text).toContain(`"messageId":${uid}`);
  });

  it('passes an upstream error answer through unchanged (status and body)', async () => {
    const upstream = await upstreamFake();
    const target = await facade({ edition: 'community', data: 'native', upstream });
    upstream.control.addFault({ route: 'POST /admin/user/destroy', kind: 'status', status: 503, body: 'busy' });
    const answer = await wildfireCall(target.url, '/admin/user/destroy', { userId: 'nobody' }, { secret: target.secret });
    expect(answer.status).toBe(503);
    expect(answer.text).toBe('busy');
  });

  it('refuses an unsigned or wrongly signed client before anything reaches the upstream', async () => {
    const upstream = await upstreamFake();
    const target = await facade({ edition: 'community', data: 'native', upstream });
    upstream.control.clearRequests();
    const unsigned = await wildfireCall(target.url, '/admin/group/of_user', { userId: 'x' }, { secret: target.secret, headers: {} });
    expect(unsigned.json).toEqual({ code: 239, msg: 'api not signed or sign parameter not completion', result: { code: 239, msg: 'api not signed or sign parameter not completion' } });
    // The upstream's own secret is not the facade's: an app cannot borrow it.
    const upstreamSigned = await wildfireCall(target.url, '/admin/group/of_user', { userId: 'x' }, { secret: upstream.secret });
    expect(upstreamSigned.json).toEqual({ code: 244, msg: 'auth failure', result: { code: 244, msg: 'auth failure' } });
    expect(upstream.control.requests).toHaveLength(0);
  });

  it('answers a pro route on a community facade itself, like a community server (HTTP 500, empty), without forwarding', async () => {
    const upstream = await upstreamFake('pro');
    const target = await facade({ edition: 'community', data: 'native', upstream });
    upstream.control.clearRequests();
    const answer = await wildfireCall(target.url, '/admin/group/manager/mute', { operator: 'a', group_id: 'g', members: ['b'], is_manager: true }, { secret: target.secret });
    expect(answer.status).toBe(500);
    expect(answer.text).toBe('');
    expect(upstream.control.requests).toHaveLength(0);
  });

  it('without an upstream: HTTP 500 with an empty body under /admin, 404 elsewhere', async () => {
    const target = await facade({ edition: 'pro', data: 'native' });
    const unmapped = await wildfireCall(target.url, '/admin/group/of_user', { userId: 'x' }, { secret: target.secret });
    expect([unmapped.status, unmapped.text]).toEqual([500, '']);
    const outside = await wildfireCall(target.url, '/elsewhere', {}, { secret: target.secret });
    expect([outside.status, outside.text]).toEqual([404, '']);
  });

  it('an upstream that hangs answers code 249 "timeout" in the envelope after the configured timeout', async () => {
    const upstream = await upstreamFake();
    const target = await facade({ edition: 'community', data: 'native', upstream, upstreamTimeoutMs: 300 });
    upstream.control.addFault({ route: 'POST /admin/group/of_user', kind: 'hang' });
    const started = Date.now();
    const answer = await wildfireCall(target.url, '/admin/group/of_user', { userId: 'x' }, { secret: target.secret });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json;charset=utf-8');
    expect(answer.json).toEqual({ code: 249, msg: 'timeout' });
  });

  it('an upstream that is down answers code 4 "server error" in the envelope', async () => {
    const upstream = await upstreamFake();
    const target = await facade({ edition: 'community', data: 'native', upstream, upstreamUrl: await closedPortUrl() });
    const answer = await wildfireCall(target.url, '/admin/group/of_user', { userId: 'x' }, { secret: target.secret });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ code: 4, msg: 'server error' });
  });
});
