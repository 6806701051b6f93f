// Done-when 1 and 4 on the native backend: a signature-verifying receiver sees every event of a
// scripted session once and in order, also after being down a while; the SSE stream resumes
// from Last-Event-ID with exactly the events after it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { startServer, type RunningImbridge } from '../../src/server/start-server.js';
import { startWebhookReceiver, TEST_WEBHOOK_SECRET, type WebhookReceiver } from '../support/webhook-receiver.js';
import { byOrderKey, readEvents, scriptedSession, SCRIPTED_TYPES, waitUntil } from './event-session.js';
import pino from 'pino';

const directory = mkdtempSync(join(tmpdir(), 'imbridge-events-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let running: RunningImbridge | undefined;
let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await running?.close();
  await receiver?.close();
  running = undefined;
  receiver = undefined;
});

async function start(name: string, webhookUrl: string): Promise<RunningImbridge> {
  const config = validateConfig({
    server: { port: 0, logLevel: 'silent' },
    backends: { local: { vendor: 'native', store: { driver: 'sqlite', path: join(directory, `${name}.db`) } } },
    events: {
      outbox: { path: join(directory, `${name}-events.db`) },
      webhooks: [{ url: webhookUrl, secret: TEST_WEBHOOK_SECRET }],
      delivery: { initialDelayMs: 50, maxDelayMs: 200, pollIntervalMs: 25, retryForMs: 60_000 },
    },
  });
  return startServer(config, { logger: pino({ level: 'silent' }) });
}

describe('webhooks from the native backend', () => {
  it('delivers every event of a scripted session once, in order, signed', async () => {
    receiver = await startWebhookReceiver();
    running = await start('in-order', receiver.url);
    const session = await scriptedSession(running.url, 'n');
    const events = await receiver.waitFor(session.expected.length);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(byOrderKey(receiver.events.map((event) => [event.type, event.data.target] as const))).toEqual(byOrderKey(session.expected));
    expect(receiver.events).toHaveLength(session.expected.length);
    expect(receiver.rejected).toBe(0);
    expect(new Set(events.map((event) => event.webhookId)).size).toBe(events.length);
    expect(events.every((event) => event.webhookId === event.data.id && event.data.backend === 'local' && event.data.source === 'imbridge')).toBe(true);
    expect(events.find((event) => event.type === 'block.added')?.data.actor).toBe(session.users[1]);
    expect(running.events.outbox.depth()).toBe(0);
  }, 30_000);

  it('gets every event, none twice, after the receiver was down for a while; the outbox drains', async () => {
    receiver = await startWebhookReceiver();
    receiver.failWith = 503;
    running = await start('down-then-up', receiver.url);
    const session = await scriptedSession(running.url, 'd');
    await waitUntil(() => (running!.events.outbox.depth() === session.expected.length ? true : undefined));
    // A few failed rounds, so that retries (with backoff) are what brings the events.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(receiver.events).toEqual([]);
    const metricsDown = await (await fetch(`${running.url}/metrics`)).text();
    expect(metricsDown).toMatch(new RegExp(`imbridge_events_outbox_depth ${session.expected.length}`));
    expect(metricsDown).toMatch(/imbridge_events_retried_total\{webhook="[^"]+"\} [1-9]/);
    receiver.failWith = undefined;
    await receiver.waitFor(session.expected.length);
    await waitUntil(() => (running!.events.outbox.depth() === 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Each pair's events in order; all of them, once.
    expect(byOrderKey(receiver.events.map((event) => [event.type, event.data.target] as const))).toEqual(byOrderKey(session.expected));
    expect(receiver.events).toHaveLength(session.expected.length);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/imbridge_events_outbox_depth 0/);
    expect(metrics).toMatch(new RegExp(`imbridge_events_delivered_total\\{webhook="[^"]+"\\} ${session.expected.length}`));
    expect(metrics).toMatch(/imbridge_events_delivery_latency_seconds_count\{webhook="[^"]+"\} \d+/);
  }, 30_000);

  it('dead-letters a delivery past its retry window, lists it, and delivers it on replay', async () => {
    receiver = await startWebhookReceiver();
    receiver.failWith = 500;
    const config = validateConfig({
      server: { port: 0, logLevel: 'silent' },
      backends: { local: { vendor: 'native', store: { driver: 'memory' } } },
      events: { outbox: { path: ':memory:' }, webhooks: [{ url: receiver.url, secret: TEST_WEBHOOK_SECRET }], delivery: { initialDelayMs: 20, maxDelayMs: 40, pollIntervalMs: 10, retryForMs: 150 } },
    });
    running = await startServer(config, { logger: pino({ level: 'silent' }) });
    await fetch(`${running.url}/v1/users/dl_a`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    const dead = await waitUntil(async () => {
      const page = (await (await fetch(`${running!.url}/v1/events/dead`)).json()) as { items: Array<{ id: number; attempts: number; lastError: string; event: { type: string } }> };
      return page.items.length > 0 ? page.items : undefined;
    });
    expect(dead).toEqual([expect.objectContaining({ attempts: expect.any(Number), lastError: 'the receiver answered 500', event: expect.objectContaining({ type: 'user.updated' }) })]);
    expect(dead[0]!.attempts).toBeGreaterThan(1);
    expect(await (await fetch(`${running.url}/metrics`)).text()).toMatch(/imbridge_events_dead_lettered_total\{webhook="[^"]+"\} 1/);
    receiver.failWith = undefined;
    const replay = await fetch(`${running.url}/v1/events/dead/${dead[0]!.id}/replay`, { method: 'POST' });
    expect(replay.status).toBe(202);
    await receiver.waitFor(1);
    expect(receiver.events[0]!.type).toBe('user.updated');
    expect(((await (await fetch(`${running.url}/v1/events/dead`)).json()) as { items: unknown[] }).items).toEqual([]);
    const again = await fetch(`${running.url}/v1/events/dead/${dead[0]!.id}/replay`, { method: 'POST' });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  }, 30_000);
});

describe('GET /v1/events (SSE)', () => {
  it('resumes with Last-Event-ID with exactly the events after that id, filtered by type and user', async () => {
    receiver = await startWebhookReceiver();
    running = await start('sse', receiver.url);
    const session = await scriptedSession(running.url, 's');
    const all = await readEvents(running.url, { after: '0' }, session.expected.length);
    expect(all.map((event) => [event.type, event.target])).toEqual(session.expected);
    const middle = 4;
    const resumed = await readEvents(running.url, { lastEventId: all[middle]!.id }, session.expected.length - middle - 1);
    expect(resumed.map((event) => event.id)).toEqual(all.slice(middle + 1).map((event) => event.id));

    const [alice, bob] = session.users;
    const blocks = await readEvents(running.url, { after: '0', query: `types=block.added,block.deleted&user=${bob}` }, 2);
    expect(blocks.map((event) => event.type)).toEqual(['block.added', 'block.deleted']);
    expect(blocks.every((event) => Object.values(event.target).includes(bob!))).toBe(true);
    expect(alice).toBeDefined();

    const unknown = await fetch(`${running.url}/v1/events`, { headers: { 'last-event-id': 'evt_nope' } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const badType = await fetch(`${running.url}/v1/events?types=nonsense`);
    expect(badType.status).toBe(400);
    expect(SCRIPTED_TYPES.length).toBeGreaterThan(5);
  }, 30_000);

  it('sends events appended while the stream is open', async () => {
    receiver = await startWebhookReceiver();
    running = await start('sse-live', receiver.url);
    const reading = readEvents(running.url, {}, 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await fetch(`${running.url}/v1/users/live_a`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    await fetch(`${running.url}/v1/users/live_b`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect((await reading).map((event) => event.target)).toEqual([{ uid: 'live_a' }, { uid: 'live_b' }]);
  }, 30_000);
});
