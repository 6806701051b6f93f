/**
 * Where a mirror sends each call: reads to the primary alone, writes to the primary and then the
 * secondary, nothing to the secondary when the primary refuses. Methods are routed by name, so a
 * method the contract gains later is routed without a change. What a mirror declares is what
 * both sides can do, and its ID rule accepts only ids both rules accept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findVendor } from '../../index.js';
import { createLogger } from '../../../src/server/create-logger.js';
import { ImBridgeError, UNIFIED_ID_RULE, type Backend } from '../../../src/spec/index.js';
import { guardBackend } from '../../../src/runtime/index.js';
import { createMirrorBackend } from '../backend/mirror-backend.js';
import { WriteQueue } from '../backend/write-queue.js';
import { isReadMethod } from '../backend/is-read-method.js';
import { nativeMirror, startMirror, switchable } from './harness.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function mirrored() {
  const running = await nativeMirror();
  closing.push(running.close);
  return running;
}

describe('reads and writes', () => {
  it('answers reads from the primary alone', async () => {
    const { mirror, primary, secondary } = await mirrored();
    await primary.users.put('alice', { name: 'Only on the primary' });
    expect(await mirror.users.get('alice')).toEqual({ uid: 'alice', name: 'Only on the primary', extra: null });
    expect(await mirror.friends.list('alice', {})).toEqual({ items: [], nextCursor: null });
    expect(secondary.calls).toEqual([]);
  });

  it('writes to the primary, then the secondary, answering with the primary\'s result', async () => {
    const { mirror, primary, secondary } = await mirrored();
    await mirror.users.put('alice', { name: 'Alice' });
    await mirror.users.put('bob', {});
    const friendship = await mirror.friends.put('alice', 'bob', { alias: 'B' });
    expect(friendship).toMatchObject({ uid: 'alice', friend: 'bob', alias: 'B' });
    expect(await primary.friends.get('alice', 'bob')).toMatchObject({ alias: 'B' });
    expect(await secondary.backend.friends.get('alice', 'bob')).toMatchObject({ alias: 'B' });
    expect(secondary.calls.map((call) => call.method)).toEqual(['users.put', 'users.put', 'friends.put', 'friends.get']);
  });

  it('fails a write the primary refuses, and sends the secondary nothing', async () => {
    const { mirror, secondary } = await mirrored();
    await expect(mirror.friends.put('alice', 'bob', {})).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    await mirror.users.put('alice', {});
    await expect(mirror.blocks.put('alice', 'nobody')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    expect(secondary.calls.map((call) => call.method)).toEqual(['users.put']);
  });

  it('creates a room on the secondary under the id the primary chose', async () => {
    const { mirror, secondary } = await mirrored();
    await mirror.users.put('owner', {});
    const room = await mirror.rooms.create('group', { name: 'Team', owner: 'owner' });
    expect(room.id).not.toBe('');
    expect(await secondary.backend.rooms.get({ kind: 'group', id: room.id })).toMatchObject({ id: room.id, name: 'Team', owner: 'owner' });
  });
});

describe('methods the contract does not have yet', () => {
  /** A mirror over two native backends that each gained `users.list` (a read) and `users.archive` (a write). */
  async function extendedMirror() {
    const logger = createLogger('silent');
    const native = findVendor('native')!;
    const context = (name: string) => ({ name, logger, changes: { emit: () => undefined }, now: Date.now });
    const archived: { p: string[]; s: string[] } = { p: [], s: [] };
    const listed = { p: 0, s: 0 };
    const extend = (backend: Backend, side: 'p' | 's'): Backend =>
      ({
        ...backend,
        users: {
          ...backend.users,
          list: async () => {
            listed[side] += 1;
            return { items: [], nextCursor: null };
          },
          archive: async (uid: string) => {
            archived[side].push(uid);
          },
        },
      }) as Backend;
    const primary = extend(await native.createBackend({ vendor: 'native', store: { driver: 'memory' } }, context('p')), 'p');
    const secondary = switchable(extend(await native.createBackend({ vendor: 'native', store: { driver: 'memory' } }, context('s')), 's'));
    const directory = mkdtempSync(join(tmpdir(), 'imbridge-mirror-'));
    const mirror = createMirrorBackend({
      name: 'both',
      primary,
      secondary: secondary.backend,
      queue: WriteQueue.open(join(directory, 'queue.db'), 'both'),
      logger,
      now: Date.now,
      timeoutMs: 1_000,
      retry: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: null },
    });
    closing.push(async () => {
      await mirror.close();
      rmSync(directory, { recursive: true, force: true });
    });
    const users = mirror.users as unknown as { list(): Promise<unknown>; archive(uid: string): Promise<void> };
    return { mirror, users, secondary, archived, listed };
  }

  it('routes a new read (users.list) to the primary only', async () => {
    const { users, listed } = await extendedMirror();
    await users.list();
    expect(listed).toEqual({ p: 1, s: 0 });
  });

  it('mirrors a new write (users.archive), and queues it behind the queued writes of its user', async () => {
    const { mirror, users, secondary, archived } = await extendedMirror();
    await users.archive('dora');
    expect(archived).toEqual({ p: ['dora'], s: ['dora'] });

    secondary.off();
    await mirror.users.put('erin', { name: 'Erin' });
    secondary.on();
    // erin's rename is queued; the archive names erin too, so it must wait behind it.
    await users.archive('erin');
    expect(archived.s).toEqual(['dora']);
    await expect.poll(() => archived.s, { timeout: 5_000 }).toEqual(['dora', 'erin']);
    expect(secondary.calls.map((call) => call.method).slice(-2)).toEqual(['users.put', 'users.archive']);
  });

  it('reads by verb: get, list and their camel-case kin; anything else writes', () => {
    for (const name of ['get', 'list', 'getMany', 'listAll', 'count', 'search', 'findByName', 'isMember', 'hasRequest']) expect(isReadMethod(name), name).toBe(true);
    for (const name of ['put', 'putMany', 'setMuteAll', 'archive', 'lister', 'getaway', 'send', 'remove', 'delete', 'import']) expect(isReadMethod(name), name).toBe(false);
  });
});

describe('what a mirror declares', () => {
  it('can do only what both sides can: native over WuKongIM declares WuKongIM\'s table', async () => {
    const running = await startMirror('native', 'wukongim', { http: false });
    closing.push(running.close);
    const { capabilities } = running.mirror;
    expect(capabilities['friendRequests.send']).toBe(false);
    expect(capabilities['chatrooms.create']).toBe(false);
    expect(capabilities['groups.mutes.set']).toEqual({ duration: false, stacked: true });
    expect(capabilities['groups.create']).toEqual(running.secondary.capabilities['groups.create']);
    await expect(running.mirror.friendRequests.send('a', 'b', null)).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('cannot create rooms when the secondary always picks room ids itself', async () => {
    const running = await startMirror('native', 'agora', { http: false });
    closing.push(running.close);
    expect(running.mirror.capabilities['groups.create']).toBe(false);
    expect(running.mirror.capabilities['chatrooms.create']).toBe(false);
    expect(running.mirror.capabilities['groups.members.add']).toBe(true);
  });

  it('accepts an id only when both ID rules do', async () => {
    const running = await startMirror('native', 'openim', { http: false });
    closing.push(running.close);
    const rule = new RegExp(`^(?:${running.mirror.idRule.pattern})$`);
    expect(rule.test('alice_1')).toBe(true);
    // The unified rule takes dots and @; OpenIM's does not.
    expect(new RegExp(UNIFIED_ID_RULE.pattern).test('a.b@c')).toBe(true);
    expect(rule.test('a.b@c')).toBe(false);
    const refused = await running.mirror.users.put('a.b@c', {}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ImBridgeError);
    expect((refused as ImBridgeError).code).toBe('INVALID_ID');
    expect(await running.primary.users.get('a.b@c').catch((error: ImBridgeError) => error.code)).toBe('USER_NOT_FOUND');
  });

  it('is ready while the secondary misses writes, and says how many', async () => {
    const { mirror, secondary } = await mirrored();
    secondary.off();
    await mirror.users.put('alice', {});
    const health = await guardBackend(mirror).health();
    expect(health).toEqual({ ok: true, detail: 'primary p: ok; secondary s: ok; writes queued for the secondary: 1' });
  });
});
