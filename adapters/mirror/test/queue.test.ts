/**
 * The queue: what the secondary misses is kept and delivered in order per user and room, a write
 * behind queued writes of its keys waits for them, writes on other keys go straight through, and
 * what the secondary refuses for good is set aside and counted. Each write answers as the
 * primary did, whatever the secondary does. The secondary here is a native backend that the test
 * switches off (its calls fail like a vendor answering 503) and on again.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ImBridgeError, UpstreamError } from '../../../src/spec/index.js';
import { metric, nativeMirror } from './harness.js';

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function mirrored(options: Record<string, unknown> = {}) {
  const running = await nativeMirror(options);
  closing.push(running.close);
  return running;
}

const writesOf = (calls: Array<{ method: string; args: unknown[] }>) => calls.filter((call) => !/\.(get|list)$/.test(call.method));
const depth = (running: { mirror: Parameters<typeof metric>[0] }) => metric(running.mirror, 'imbridge_mirror_queue_depth');

describe('while the secondary is down', () => {
  it('answers every write from the primary, queues them, and delivers them in order once it is back', async () => {
    const running = await mirrored();
    const { mirror, primary, secondary } = running;
    secondary.off();
    await mirror.users.put('alice', { name: 'n1' });
    await mirror.users.put('bob', {});
    await mirror.friends.put('alice', 'bob', { alias: 'B' });
    await mirror.users.put('alice', { name: 'n2' });
    await mirror.blocks.put('bob', 'alice');
    await mirror.friends.remove('alice', 'bob', 'mutual');
    await mirror.users.put('alice', { name: 'n3' });
    expect((await primary.users.get('alice')).name).toBe('n3');
    expect(depth(running)).toBe(7);
    expect(secondary.calls).toEqual([]);

    secondary.on();
    await expect.poll(() => depth(running), { timeout: 10_000 }).toBe(0);
    expect(writesOf(secondary.calls).map((call) => `${call.method} ${JSON.stringify(call.args)}`)).toEqual([
      'users.put ["alice",{"name":"n1"}]',
      'users.put ["bob",{}]',
      'friends.put ["alice","bob",{"alias":"B"}]',
      'users.put ["alice",{"name":"n2"}]',
      'blocks.put ["bob","alice"]',
      'friends.remove ["alice","bob","mutual"]',
      'users.put ["alice",{"name":"n3"}]',
    ]);
    expect(await secondary.backend.users.get('alice')).toEqual({ uid: 'alice', name: 'n3', extra: null });
    expect(await secondary.backend.relations.get('bob', 'alice')).toMatchObject({ friend: false, friendOf: false, blocking: true });
    expect(metric(mirror, 'imbridge_mirror_queued_total')).toBe(7);
    expect(metric(mirror, 'imbridge_mirror_delivered_total')).toBe(7);
    expect(metric(mirror, 'imbridge_mirror_retried_total')).toBeGreaterThanOrEqual(7);
    expect(metric(mirror, 'imbridge_mirror_failed_permanently_total')).toBe(0);
  });

  it('delivers an argument given as undefined as undefined, not as null', async () => {
    const running = await mirrored();
    running.secondary.off();
    await running.mirror.users.put('alice', {});
    await running.mirror.users.put('bob', {});
    await running.mirror.friends.put('alice', 'bob', {}, undefined);
    running.secondary.on();
    await expect.poll(() => depth(running), { timeout: 10_000 }).toBe(0);
    const put = running.secondary.calls.find((call) => call.method === 'friends.put')!;
    expect(put.args).toHaveLength(4);
    expect(put.args[3]).toBeUndefined();
  });
});

describe('order per key', () => {
  it('sends a write on other keys straight through, and one on a queued key behind the queued writes', async () => {
    const running = await mirrored();
    const { mirror, secondary } = running;
    await mirror.users.put('carol', {});
    // Only calls naming alice fail.
    secondary.off({ when: (_method, args) => JSON.stringify(args).includes('alice') });
    await mirror.users.put('alice', { name: 'A' });
    await mirror.users.put('carol', { name: 'C1' });
    expect(await secondary.backend.users.get('carol')).toMatchObject({ name: 'C1' });
    await mirror.friends.put('alice', 'carol', {});
    // carol now has a queued write (the friendship), so her next rename must wait behind it.
    await mirror.users.put('carol', { name: 'C2' });
    expect((await secondary.backend.users.get('carol')).name).toBe('C1');
    expect(depth(running)).toBe(3);

    secondary.on();
    await expect.poll(() => depth(running), { timeout: 10_000 }).toBe(0);
    expect(writesOf(secondary.calls).map((call) => `${call.method} ${String(call.args[0])}`)).toEqual([
      'users.put carol',
      'users.put carol',
      'users.put alice',
      'friends.put alice',
      'users.put carol',
    ]);
    expect((await secondary.backend.users.get('carol')).name).toBe('C2');
    expect(metric(mirror, 'imbridge_mirror_queued_total')).toBe(3);
  });

  it('delivers a room and its members in the order the primary took them', async () => {
    const running = await mirrored();
    const { mirror, secondary } = running;
    secondary.off();
    await mirror.users.put('owner', {});
    await mirror.users.put('member', {});
    const room = await mirror.rooms.create('group', { name: 'Team', owner: 'owner' });
    const ref = { kind: 'group' as const, id: room.id };
    await mirror.rooms.members.add(ref, ['member']);
    await mirror.rooms.members.setRole(ref, 'member', 'admin');
    await mirror.rooms.setMuteAll(ref, true);
    secondary.on();
    await expect.poll(() => depth(running), { timeout: 10_000 }).toBe(0);
    expect(await secondary.backend.rooms.get(ref)).toMatchObject({ id: room.id, muteAll: true, memberCount: 2 });
    expect((await secondary.backend.rooms.members.list(ref, {})).items).toEqual(expect.arrayContaining([expect.objectContaining({ uid: 'member', role: 'admin' })]));
  });
});

describe('a secondary in trouble of its own', () => {
  it.each([
    ['refusing the mirror\'s credentials', () => new UpstreamError('UPSTREAM_AUTH', 'wrong token (test)')],
    ['failing with an error of no unified kind', () => new Error('disk I/O error (test)')],
  ])('keeps the writes queued while %s: an operator can cure the secondary, not the writes', async (_trouble, error) => {
    const running = await mirrored();
    running.secondary.off({ error });
    await running.mirror.users.put('alice', {});
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(depth(running)).toBe(1);
    expect(metric(running.mirror, 'imbridge_mirror_failed_permanently_total')).toBe(0);
    running.secondary.on();
    await expect.poll(() => depth(running), { timeout: 10_000 }).toBe(0);
    expect(await running.secondary.backend.users.get('alice')).toMatchObject({ uid: 'alice' });
  });
});

describe('writes the secondary refuses for good', () => {
  it('sets aside a write the secondary cannot take, counts it, and goes on with the next ones', async () => {
    const running = await mirrored();
    const { mirror, primary, secondary } = running;
    // A user only the primary knows: the secondary refuses the friendship as USER_NOT_FOUND.
    await primary.users.put('ghost', {});
    await mirror.users.put('alice', {});
    await mirror.friends.put('alice', 'ghost', {});
    await mirror.users.put('alice', { name: 'after' });
    expect(metric(mirror, 'imbridge_mirror_failed_permanently_total')).toBe(1);
    expect(depth(running)).toBe(0);
    expect((await secondary.backend.users.get('alice')).name).toBe('after');
    const inspect = new Database(running.queuePath, { readonly: true });
    try {
      expect(inspect.prepare('SELECT method, error FROM failed_writes').all()).toEqual([{ method: 'friends.put', error: expect.stringContaining('USER_NOT_FOUND') }]);
    } finally {
      inspect.close();
    }
  });

  it('counts a batch whose items the primary took but the secondary refused', async () => {
    const running = await mirrored();
    const { mirror, primary } = running;
    await primary.users.put('ghost', {});
    await mirror.users.put('alice', {});
    await mirror.users.put('bob', {});
    const result = await mirror.blocks.putMany('alice', ['bob', 'ghost']);
    expect(result.results.map((item) => item.ok)).toEqual([true, true]);
    expect(metric(mirror, 'imbridge_mirror_failed_permanently_total')).toBe(1);
    expect((await running.secondary.backend.blocks.list('alice', {})).items.map((block) => block.blocked)).toEqual(['bob']);
  });

  it('gives up after maxAttempts', async () => {
    const running = await mirrored({ retry: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 } });
    running.secondary.off();
    await running.mirror.users.put('alice', {});
    await expect.poll(() => metric(running.mirror, 'imbridge_mirror_failed_permanently_total'), { timeout: 5_000 }).toBe(1);
    expect(depth(running)).toBe(0);
    // The first attempt was direct; two more came from the queue.
    expect(metric(running.mirror, 'imbridge_mirror_retried_total')).toBe(2);
  });
});

describe('a secondary that answers late', () => {
  it('queues a write that outlasts the timeout, and counts a repeat answered "already exists" as delivered', async () => {
    const running = await mirrored({ timeoutMs: 200 });
    const { mirror, secondary } = running;
    await mirror.users.put('owner', {});
    secondary.delay(600);
    const created = await mirror.rooms.create('group', { id: 'late', name: 'Late', owner: 'owner' });
    expect(created.id).toBe('late');
    expect(metric(mirror, 'imbridge_mirror_queued_total')).toBe(1);
    secondary.delay(0);
    await expect.poll(() => depth(running), { timeout: 10_000 }).toBe(0);
    expect(metric(mirror, 'imbridge_mirror_delivered_total')).toBe(1);
    expect(metric(mirror, 'imbridge_mirror_failed_permanently_total')).toBe(0);
    expect(await secondary.backend.rooms.get({ kind: 'group', id: 'late' })).toMatchObject({ name: 'Late' });
  });

  it('gives a timed mute delivered late only the time left of it', async () => {
    const running = await mirrored();
    const { mirror, primary, secondary } = running;
    await mirror.users.put('owner', {});
    await mirror.users.put('member', {});
    await mirror.rooms.create('group', { id: 'quiet', name: 'Quiet', owner: 'owner', members: ['member'] });
    secondary.off();
    await mirror.rooms.mutes.set({ kind: 'group', id: 'quiet' }, 'member', 3_600);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    secondary.on();
    await expect.poll(() => depth(running), { timeout: 10_000 }).toBe(0);
    const [onPrimary] = (await primary.rooms.mutes.list({ kind: 'group', id: 'quiet' }, {})).items;
    const [onSecondary] = (await secondary.backend.rooms.mutes.list({ kind: 'group', id: 'quiet' }, {})).items;
    const gap = Date.parse(onSecondary!.mutedUntil) - Date.parse(onPrimary!.mutedUntil);
    expect(Math.abs(gap)).toBeLessThan(1_500);
  });
});

describe('a primary that refuses', () => {
  it('fails the call with the primary\'s error and queues nothing, even while the secondary is down', async () => {
    const running = await mirrored();
    running.secondary.off();
    const error = await running.mirror.friends.put('nobody', 'else', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImBridgeError);
    expect((error as ImBridgeError).code).toBe('USER_NOT_FOUND');
    expect(depth(running)).toBe(0);
    expect(metric(running.mirror, 'imbridge_mirror_queued_total')).toBe(0);
  });
});
