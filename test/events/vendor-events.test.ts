// Done-when 1 and 3 on each vendor fake: a signature-verifying receiver sees every event of a
// scripted session made through imbridge once and in order, with the fake's own callbacks
// turned on (so imbridge hears each change twice and must make it one event); and a change made
// directly on the fake, by a client that is not imbridge, reaches the same webhook as the same
// event (type, backend, target, actor) the same change made through imbridge produced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { VENDORS } from '../../adapters/index.js';
import type { Backend, BackendContext } from '../../src/spec/index.js';
import type { RunningFake } from '../../src/vendor-kit/index.js';
import type { CallbackEmitter } from '../../src/testing/index.js';
import { validateConfig } from '../../src/config/load-config.js';
import { startServer, type RunningImbridge } from '../../src/server/start-server.js';
import { startWebhookReceiver, TEST_WEBHOOK_SECRET, type ReceivedEvent, type WebhookReceiver } from '../support/webhook-receiver.js';
import { byOrderKey, scriptedSession } from './event-session.js';

const TOKEN = 'callback-token-0123456789';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

type FakeWithCallbacks = RunningFake & { callbacks: CallbackEmitter; callbackSecret?: string };

/** A change made straight on the fake by another client: the vendor's own API, nothing of imbridge's. */
type DirectChange = (vendorClient: Backend, users: [string, string, string]) => Promise<Array<{ type: string; target: Record<string, string> }>>;

const blockThenUnblock: DirectChange = async (client, [, b, c]) => {
  await client.blocks.put(b, c);
  await client.blocks.remove(b, c);
  return [
    { type: 'block.added', target: { uid: b, blocked: c } },
    { type: 'block.deleted', target: { uid: b, blocked: c } },
  ];
};

/** What each vendor reports by callback, and so what a direct change there must produce (NOTES.md of each). */
const DIRECT: Record<string, DirectChange> = {
  agora: blockThenUnblock,
  wildfire: blockThenUnblock,
  // OpenIM has no after-hook for adding a blacklist entry: only the removal is heard.
  openim: async (client, [, b, c]) => {
    await client.blocks.put(b, c);
    await client.blocks.remove(b, c);
    return [{ type: 'block.deleted', target: { uid: b, blocked: c } }];
  },
  // WuKongIM's only webhook about a change is msg.notify.
  wukongim: async (client, [a, b]) => {
    await client.messages.send({ from: a, to: { type: 'user', id: b }, text: 'direct' });
    return [{ type: 'message.sent', target: { from: a, to: `user:${b}` } }];
  },
};

const same = (event: ReceivedEvent) => ({ type: event.type, backend: event.data.backend, target: Object.fromEntries(Object.entries(event.data.target).filter(([key]) => key !== 'mode')), actor: event.data.actor });

for (const vendor of VENDORS.filter((candidate) => candidate.fake && candidate.callbacks)) {
  describe(`events on the ${vendor.name} fake`, () => {
    let fake: FakeWithCallbacks;
    let receiver: WebhookReceiver;
    let running: RunningImbridge;
    let client: Backend;

    beforeAll(async () => {
      fake = (await vendor.fake!.start({})) as FakeWithCallbacks;
      receiver = await startWebhookReceiver();
      const config = validateConfig({
        server: { port: 0, logLevel: 'silent' },
        backends: { im: fake.backendConfig },
        events: {
          outbox: { path: ':memory:' },
          webhooks: [{ url: receiver.url, secret: TEST_WEBHOOK_SECRET }],
          delivery: { initialDelayMs: 50, maxDelayMs: 200, pollIntervalMs: 25 },
          callbacks: { im: { token: TOKEN, ...(fake.callbackSecret ? { secret: fake.callbackSecret } : {}) } },
        },
      });
      running = await startServer(config, { logger: pino({ level: 'silent' }) });
      fake.callbacks.url = `${running.url}/callbacks/${vendor.name}/im?token=${TOKEN}`;
      const context: BackendContext = { name: 'direct', logger: silent, changes: { emit: () => {} }, now: Date.now };
      client = await vendor.createBackend(fake.backendConfig as never, context);
    }, 30_000);

    afterAll(async () => {
      await client?.close();
      await running?.close();
      await receiver?.close();
      await fake?.close();
    });

    it('a scripted session through imbridge: every event once, in order per pair, signed', async () => {
      const session = await scriptedSession(running.url, 'v');
      await receiver.waitFor(session.expected.length);
      await fake.callbacks.settled();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.rejected).toBe(0);
      expect(receiver.events).toHaveLength(session.expected.length);
      expect(byOrderKey(receiver.events.map((event) => [event.type, event.data.target] as const))).toEqual(byOrderKey(session.expected));
      // Each change once: imbridge's own sighting, the vendor's echo of it dropped whichever came first.
      expect(new Set(receiver.events.map((event) => event.data.source))).toEqual(new Set(['imbridge']));
      expect(fake.callbacks.sent).toBeGreaterThan(0);
      expect(running.events.outbox.depth()).toBe(0);

      // The same changes made directly on the fake: the same events, now from the vendor's callbacks.
      const throughImbridge = receiver.events.slice();
      receiver.events.length = 0;
      const expected = await DIRECT[vendor.name]!(client, session.users as [string, string, string]);
      await fake.callbacks.settled();
      await receiver.waitFor(expected.length);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.events.map((event) => ({ type: event.type, target: Object.fromEntries(Object.entries(event.data.target).filter(([key]) => key !== 'mode')) }))).toEqual(expected);
      expect(receiver.events.every((event) => event.data.source === 'vendor')).toBe(true);
      for (const direct of receiver.events) {
        const twin = throughImbridge.find((event) => event.type === direct.type && JSON.stringify(same(event).target) === JSON.stringify(same(direct).target));
        expect(twin, `${direct.type} also made through imbridge`).toBeDefined();
        expect(same(direct)).toEqual(same(twin!));
      }
    }, 60_000);

    it('refuses a callback without the configured credential, and changes nothing', async () => {
      const before = running.events.outbox.lastSeq();
      const response = await fetch(`${running.url}/callbacks/${vendor.name}/im?token=wrong-token-0000000000`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
      expect(running.events.outbox.lastSeq()).toBe(before);
    });
  });
}
