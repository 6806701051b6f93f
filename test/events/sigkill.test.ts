// Done-when 2: imbridge killed (SIGKILL) between a change and its delivery loses no event; it is
// delivered after the restart. And the native backend's own window: a record committed with its
// change but not yet handed to the outbox is handed over when the backend next opens.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChangeRecord } from '../../src/spec/index.js';
import { findVendor } from '../../adapters/index.js';
import { spawnServer } from '../support/spawn-imbridge.js';
import { startWebhookReceiver, TEST_WEBHOOK_SECRET } from '../support/webhook-receiver.js';
import { byOrderKey, scriptedSession, waitUntil } from './event-session.js';

const directory = mkdtempSync(join(tmpdir(), 'imbridge-sigkill-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const silentLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('a killed imbridge', () => {
  it('delivers after the restart the events whose delivery the SIGKILL cut', async () => {
    const receiver = await startWebhookReceiver();
    try {
      receiver.hang = true;
      const config = join(directory, 'imbridge.yaml');
      writeFileSync(
        config,
        [
          'backends:',
          `  local: { vendor: native, store: { driver: sqlite, path: "${join(directory, 'native.db')}" } }`,
          'events:',
          `  outbox: { path: "${join(directory, 'events.db')}" }`,
          `  webhooks: [{ url: "${receiver.url}", secret: "${TEST_WEBHOOK_SECRET}" }]`,
          '  delivery: { initialDelayMs: 50, maxDelayMs: 200, pollIntervalMs: 25, timeoutMs: 60000 }',
          '',
        ].join('\n'),
      );
      const first = await spawnServer(['serve', '--config', config]);
      const session = await scriptedSession(first.url, 'k');
      // The receiver holds the first deliveries open: they are in flight, not delivered.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.events).toEqual([]);
      const exited = new Promise((resolve) => first.child.once('exit', (_code, signal) => resolve(signal)));
      first.child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      receiver.hang = false;
      const second = await spawnServer(['serve', '--config', config]);
      try {
        await receiver.waitFor(session.expected.length);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(receiver.events).toHaveLength(session.expected.length);
        expect(byOrderKey(receiver.events.map((event) => [event.type, event.data.target] as const))).toEqual(byOrderKey(session.expected));
        const metrics = await (await fetch(`${second.url}/metrics`)).text();
        expect(metrics).toMatch(/imbridge_events_outbox_depth 0/);
      } finally {
        await second.stop();
      }
    } finally {
      await receiver.close();
    }
  }, 90_000);

  it('native: a record committed with its change but never handed over is handed over at the next open, with the same id', async () => {
    const native = findVendor('native')!;
    const path = join(directory, 'handover.db');
    const context = (emit: (record: ChangeRecord) => void) => ({ name: 'local', logger: silentLogger, changes: { emit }, now: Date.now });
    const refused: ChangeRecord[] = [];
    const first = await native.createBackend({ vendor: 'native', store: { driver: 'sqlite', path } }, context((record) => {
      refused.push(record);
      throw new Error('outbox unavailable');
    }));
    await first.users.put('ho_a', { name: 'A' });
    await first.users.put('ho_b', { name: 'B' });
    await first.friends.put('ho_a', 'ho_b', {});
    await first.close();
    expect(refused.length).toBeGreaterThan(0);

    const received: ChangeRecord[] = [];
    const second = await native.createBackend({ vendor: 'native', store: { driver: 'sqlite', path } }, context((record) => received.push(record)));
    try {
      expect(received.map((record) => [record.type, record.target])).toEqual([
        ['user.updated', { uid: 'ho_a' }],
        ['user.updated', { uid: 'ho_b' }],
        ['friend.added', { uid: 'ho_a', friend: 'ho_b', mode: 'mutual' }],
      ]);
      expect(received[0]!.id).toBe(refused[0]!.id);
      await second.users.put('ho_c', {});
      expect(received).toHaveLength(4);
    } finally {
      await second.close();
    }
    const third = await native.createBackend({ vendor: 'native', store: { driver: 'sqlite', path } }, context(() => expect.unreachable('everything was handed over')));
    await third.close();
    await waitUntil(() => true);
  }, 30_000);
});
