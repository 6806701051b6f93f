/**
 * `imbridge mirror-check`: both sides of a mirror read through the unified API, every difference
 * printed. Two sides the mirror kept in step agree (also across vendors: native and WuKongIM);
 * a difference planted on one side is found, named, and makes the command exit 1.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compareBackends } from '../../../src/cli/compare-backends.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { createBackends } from '../../../src/server/create-backends.js';
import { createLogger } from '../../../src/server/create-logger.js';
import type { Backend } from '../../../src/spec/index.js';
import { runToExit } from '../../../test/support/spawn-imbridge.js';
import { startMirror } from './harness.js';

const directory = mkdtempSync(join(tmpdir(), 'imbridge-mirror-check-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

/** The same small world, written through the mirror. */
async function populate(mirror: Backend): Promise<void> {
  for (const uid of ['alice', 'bob', 'carol']) await mirror.users.put(uid, { name: uid.toUpperCase() });
  await mirror.friends.put('alice', 'bob', { alias: 'Bobby' });
  await mirror.blocks.put('carol', 'alice');
  await mirror.rooms.create('group', { id: 'team', name: 'Team', owner: 'alice', members: ['bob', 'carol'] });
  await mirror.rooms.members.setRole({ kind: 'group', id: 'team' }, 'bob', 'admin');
  await mirror.rooms.mutes.set({ kind: 'group', id: 'team' }, 'carol', null);
  await mirror.messages.send({ from: 'alice', to: { type: 'group', id: 'team' }, text: 'hello' });
}

describe('comparing the two sides', () => {
  it('finds nothing when the mirror kept them in step, and every fact planted on one side', async () => {
    const running = await startMirror('native', 'native', { http: false });
    closing.push(running.close);
    await populate(running.mirror);
    const agreed = await compareBackends(running.primary, running.secondary, { users: ['alice', 'bob', 'carol'] });
    expect(agreed).toMatchObject({ users: 3, rooms: 1, differences: [], notCompared: [] });

    const team = { kind: 'group' as const, id: 'team' };
    await running.secondary.friends.update('alice', 'bob', { alias: 'Bob' });
    await running.primary.blocks.put('bob', 'carol');
    await running.secondary.rooms.members.setRole(team, 'bob', 'member');
    await running.secondary.rooms.mutes.remove(team, 'carol');
    await running.secondary.users.put('dora', { name: 'Dora' });
    const differing = await compareBackends(running.primary, running.secondary, { users: ['alice', 'bob', 'carol', 'dora'] });
    expect(differing.differences).toEqual([
      'block bob → carol: only on the primary (blocked)',
      'friend alice → bob: {"alias":"Bobby","extra":null} on the primary, {"alias":"Bob","extra":null} on the secondary',
      'member of group team: bob: admin on the primary, member on the secondary',
      'mute in group team: carol: only on the primary (forever)',
      'user dora: only on the secondary ({"name":"Dora","extra":null})',
    ]);
  });

  it('finds nothing between native and WuKongIM kept in step, and says what it could not compare', async () => {
    const running = await startMirror('native', 'wukongim', { http: false });
    closing.push(running.close);
    await populate(running.mirror);
    const comparison = await compareBackends(running.primary, running.secondary, { users: ['alice', 'bob', 'carol'] });
    expect(comparison.differences).toEqual([]);
    expect(comparison.rooms).toBe(1);
    expect(comparison.notCompared).toEqual(['user whitelists (users.whitelist.list is missing on s)', 'friend requests (friendRequests.list is missing on s)']);
  });
});

describe('imbridge mirror-check', () => {
  const config = join(directory, 'imbridge.yaml');
  const users = join(directory, 'users.txt');
  const rooms = join(directory, 'rooms.txt');
  const report = join(directory, 'report.txt');
  writeFileSync(
    config,
    [
      'defaultBackend: both',
      'backends:',
      `  p: { vendor: native, store: { driver: sqlite, path: "${join(directory, 'p.db')}" } }`,
      `  s: { vendor: native, store: { driver: sqlite, path: "${join(directory, 's.db')}" } }`,
      `  both: { vendor: mirror, primary: p, secondary: s, queue: { path: "${join(directory, 'queue.db')}" } }`,
      '',
    ].join('\n'),
  );
  writeFileSync(users, '# who to compare\nalice\nbob\n\ncarol\n');
  writeFileSync(rooms, 'group:team\n');

  async function withBackends(names: string[], work: (backends: Map<string, Backend>) => Promise<void>): Promise<void> {
    const backends = await createBackends(loadConfig(config).backends, { logger: createLogger('silent'), changes: { emit: () => undefined }, only: names });
    try {
      await work(backends);
    } finally {
      await Promise.all([...backends.values()].map((backend) => backend.close()));
    }
  }

  it('exits 0 when both sides agree, and 1 naming a difference planted on the secondary', async () => {
    await withBackends(['both'], (backends) => populate(backends.get('both')!));
    const same = await runToExit(['mirror-check', '--config', config, '--backend', 'both', '--users', users, '--rooms', rooms, '--report', report]);
    expect(same.stderr).toBe('');
    expect(same.code).toBe(0);
    expect(same.stdout).toBe('mirror-check both: primary p (native), secondary s (native)\ncompared 3 users and 1 room\nno differences\n');
    expect(readFileSync(report, 'utf8')).toBe(same.stdout);

    await withBackends(['s'], async (backends) => {
      await backends.get('s')!.blocks.put('bob', 'alice');
    });
    const differing = await runToExit(['mirror-check', '--config', config, '--backend', 'both', '--users', users, '--report', report]);
    expect(differing.code).toBe(1);
    expect(differing.stdout).toContain('1 difference:\n  - block bob → alice: only on the secondary (blocked)\n');
    expect(readFileSync(report, 'utf8')).toBe(differing.stdout);
  }, 60_000);

  it('exits 2 for a backend that is not a mirror; without --users it lists the users of sides that can', async () => {
    const notMirror = await runToExit(['mirror-check', '--config', config, '--backend', 'p']);
    expect(notMirror.code).toBe(2);
    expect(notMirror.stderr).toContain('backends.p is a native backend, not a mirror');
    expect(notMirror.stderr).toContain('usage: imbridge mirror-check');
    // Both sides are native, which lists its users (users.list): no --users needed.
    const listed = await runToExit(['mirror-check', '--config', config, '--backend', 'both']);
    expect([0, 1]).toContain(listed.code);
    expect(listed.stderr).not.toContain('cannot both list their users');
  }, 60_000);
});
