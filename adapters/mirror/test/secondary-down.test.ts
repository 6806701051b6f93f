/**
 * A cut-over from the native backend to WuKongIM (its fake, over real HTTP) while WuKongIM is in
 * trouble: answering 503, shut down, or hanging. Callers of the mirror get the primary's answers
 * throughout; `/metrics` shows the writes waiting; once the secondary is back every write reaches
 * it, in order (its change records follow the primary's, record for record), and the queue is empty.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findVendor } from '../../index.js';
import type { ChangeRecord, RoomRef } from '../../../src/spec/index.js';
import type { RunningFake } from '../../../src/vendor-kit/index.js';
import { scraped, startMirror, type RunningMirror } from './harness.js';

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function cutOver(mirror: Record<string, unknown> = {}): Promise<RunningMirror & { fake: RunningFake; depth(): Promise<number | undefined> }> {
  const running = await startMirror('native', 'wukongim', { mirror });
  closing.push(running.close);
  return {
    ...running,
    fake: running.setup.fakes.s!,
    depth: async () => scraped(await (await fetch(`${running.server!.url}/metrics`)).text(), 'imbridge_mirror_queue_depth'),
  };
}

/**
 * Each side's records per user and room they name, as `type target` in the order the side
 * emitted them: the order the mirror keeps is per key, so writes on unrelated users may land in
 * another order.
 */
function recordsByKey(changes: readonly ChangeRecord[], backend: string): Record<string, string[]> {
  const byKey: Record<string, string[]> = {};
  for (const record of changes.filter((change) => change.backend === backend)) {
    for (const [field, value] of Object.entries(record.target)) {
      if (field === 'mode') continue;
      (byKey[value] ??= []).push(`${record.type} ${JSON.stringify(record.target)}`);
    }
  }
  return byKey;
}

const team: RoomRef = { kind: 'group', id: 'team' };

describe('a secondary answering 503', () => {
  it('queues every write, shows the depth on /metrics, then delivers all of them in order', async () => {
    const running = await cutOver();
    const { mirror, fake } = running;
    fake.control.addFault({ route: '*', kind: 'status', status: 503, times: 1_000_000 });

    await mirror.users.put('alice', { name: 'Alice' });
    await mirror.users.put('bob', { name: 'Bob' });
    await mirror.users.put('carol', {});
    await mirror.friends.put('alice', 'bob', { alias: 'B' });
    await mirror.blocks.put('carol', 'alice');
    await mirror.users.put('alice', { name: 'Alice 2' });
    await mirror.friends.remove('alice', 'bob', 'mutual');
    await mirror.friends.put('bob', 'alice', {});
    await mirror.rooms.create('group', { id: 'team', name: 'Team', owner: 'alice', members: ['bob'] });
    await mirror.rooms.members.add(team, ['carol']);
    await mirror.rooms.mutes.set(team, 'carol', null);
    expect(await running.depth()).toBe(11);
    expect((await running.primary.users.get('alice')).name).toBe('Alice 2');

    fake.control.clearFaults();
    await expect.poll(() => running.depth(), { timeout: 15_000 }).toBe(0);

    const backdoor = findVendor('wukongim')!.fake!.backdoor(fake);
    expect(await backdoor.user('alice')).toMatchObject({ name: 'Alice 2' });
    expect((await backdoor.friends('alice')).map((entry) => entry.friend)).toEqual(['bob']);
    expect((await backdoor.friends('bob')).map((entry) => entry.friend)).toEqual(['alice']);
    expect(await backdoor.blocks('carol')).toEqual(['alice']);
    expect((await backdoor.members('group', 'team')).map((member) => member.uid).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(await backdoor.mutedMembers('group', 'team')).toEqual(['carol']);
    expect(recordsByKey(running.changes, 's')).toEqual(recordsByKey(running.changes, 'p'));
    expect(recordsByKey(running.changes, 's').alice).toHaveLength(6);
    const metrics = await (await fetch(`${running.server!.url}/metrics`)).text();
    expect(scraped(metrics, 'imbridge_mirror_queued_total')).toBe(11);
    expect(scraped(metrics, 'imbridge_mirror_delivered_total')).toBe(11);
    expect(scraped(metrics, 'imbridge_mirror_failed_permanently_total')).toBe(0);
  }, 30_000);
});

describe('a secondary that is shut down', () => {
  it('delivers what it missed to the server that comes back on its address', async () => {
    const running = await cutOver();
    const port = Number(new URL(running.fake.url).port);
    await running.fake.close();

    await running.mirror.users.put('dan', { name: 'Dan' });
    await running.mirror.users.put('erin', {});
    await running.mirror.friends.put('dan', 'erin', {});
    await running.mirror.users.put('dan', { name: 'Dan 2' });
    expect(await running.depth()).toBe(4);

    // A fresh server on the same address: everything it holds comes from the queue.
    const back = await findVendor('wukongim')!.fake!.start({ port, managerToken: running.setup.backends.s!.token });
    running.setup.fakes.s = back;
    // The adapter's circuit breaker pauses calls for 10 s after a dead vendor; then the queue drains.
    await expect.poll(() => running.depth(), { timeout: 25_000, interval: 200 }).toBe(0);
    const backdoor = findVendor('wukongim')!.fake!.backdoor(back);
    expect(await backdoor.user('dan')).toMatchObject({ name: 'Dan 2' });
    expect((await backdoor.friends('erin')).map((entry) => entry.friend)).toEqual(['dan']);
  }, 40_000);
});

describe('a secondary that hangs', () => {
  it('answers the caller after the mirror\'s timeout, and delivers the write once the secondary answers again', async () => {
    const running = await cutOver({ timeoutMs: 300 });
    running.fake.control.addFault({ route: '*', kind: 'hang', times: 1 });
    const started = Date.now();
    await running.mirror.users.put('fay', { name: 'Fay' });
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect.poll(() => running.depth(), { timeout: 15_000 }).toBe(0);
    expect(await findVendor('wukongim')!.fake!.backdoor(running.fake).user('fay')).toMatchObject({ name: 'Fay' });
  }, 30_000);
});
