/**
 * After a migration: the target read back through the unified API and compared with what the
 * plan meant it to hold (the source graph minus the declared gaps). Entries that refer to users
 * outside the migration are not the migration's business and are not compared; `since` times
 * cannot be written through the contract and are not compared either (docs say so).
 */
import type { Backend, RoomKind } from '../spec/index.js';
import type { ExpectedGraph } from './migration-plan.js';
import { mapLimited } from '../runtime/index.js';
import { readAll } from './social-graph.js';
import { withRetries } from './with-retries.js';

export interface Difference {
  facet: string;
  key: string;
  expected: unknown;
  found: unknown;
}

const sorted = (values: Iterable<string>) => [...values].sort();

export async function verifyMigration(target: Backend, expected: ExpectedGraph, roomId: (kind: RoomKind, sourceId: string) => string | undefined, concurrency = 8): Promise<Difference[]> {
  const differences: Difference[] = [];
  const differ = (facet: string, key: string, want: unknown, found: unknown) => {
    if (JSON.stringify(want) !== JSON.stringify(found)) differences.push({ facet, key, expected: want, found });
  };
  const migrated = new Set(expected.users.keys());
  const can = (name: string) => target.capabilities[name as keyof typeof target.capabilities] !== false;

  await mapLimited([...expected.users], concurrency, async ([uid, want]) => {
    let user;
    try {
      user = await withRetries(() => target.users.get(uid));
    } catch (error) {
      differences.push({ facet: 'users', key: uid, expected: want, found: (error as { code?: string }).code ?? String(error) });
      return;
    }
    differ('users', uid, want, { name: user.name, ...('extra' in want ? { extra: user.extra } : {}) });
    if (can('friends.list')) {
      const entries = (await readAll((options) => target.friends.list(uid, options))).filter((entry) => migrated.has(entry.friend));
      const found = Object.fromEntries(entries.map((entry) => [entry.friend, { alias: entry.alias, ...(keepsExtra(expected) ? { extra: entry.extra } : {}) }]));
      const wanted = Object.fromEntries(
        [...expected.friends].filter(([key]) => key.startsWith(`${uid}\u0000`)).map(([key, value]) => [key.slice(uid.length + 1), value]),
      );
      for (const friend of new Set([...Object.keys(found), ...Object.keys(wanted)])) differ('friends', `${uid}→${friend}`, wanted[friend] ?? null, found[friend] ?? null);
    }
    if (can('blocks.list')) {
      const found = sorted((await readAll((options) => target.blocks.list(uid, options))).map((entry) => entry.blocked).filter((other) => migrated.has(other)));
      const wanted = sorted([...expected.blocks].filter((key) => key.startsWith(`${uid}\u0000`)).map((key) => key.slice(uid.length + 1)));
      differ('blocks', uid, wanted, found);
    }
    if (can('users.whitelist.list')) {
      const found = sorted((await readAll((options) => target.userWhitelist.list(uid, options))).map((entry) => entry.uid));
      differ('user whitelists', uid, sorted(expected.userWhitelists.get(uid) ?? []), found);
    }
  });

  await mapLimited([...expected.rooms.values()], concurrency, async (want) => {
    const id = roomId(want.kind, want.sourceId);
    const label = `${want.kind} ${want.sourceId}${id !== undefined && id !== want.sourceId ? ` (now ${id})` : ''}`;
    if (id === undefined) {
      differences.push({ facet: 'rooms', key: label, expected: 'created', found: 'never created' });
      return;
    }
    const ref = { kind: want.kind, id };
    let room;
    try {
      room = await withRetries(() => target.rooms.get(ref));
    } catch (error) {
      differences.push({ facet: 'rooms', key: label, expected: 'present', found: (error as { code?: string }).code ?? String(error) });
      return;
    }
    differ('rooms', label, { name: want.name, owner: want.owner, muteAll: want.muteAll }, { name: room.name, owner: room.owner, muteAll: room.muteAll });
    const members = await readAll((options) => target.rooms.members.list(ref, options));
    differ('members', label, Object.fromEntries(sorted(want.members.keys()).map((uid) => [uid, want.members.get(uid)])), Object.fromEntries(members.sort((l, r) => (l.uid < r.uid ? -1 : 1)).map((member) => [member.uid, member.role])));
    const mutes = Object.fromEntries(members.filter((member) => member.mutedUntil !== null).sort((l, r) => (l.uid < r.uid ? -1 : 1)).map((member) => [member.uid, member.mutedUntil === 'forever' ? 'forever' : 'timed']));
    differ('mutes', label, Object.fromEntries(sorted(want.mutes.keys()).map((uid) => [uid, want.mutes.get(uid)])), mutes);
    const cap = (operation: string) => can(`${want.kind === 'group' ? 'groups' : 'chatrooms'}.${operation}`);
    if (cap('whitelist.list')) differ('room whitelists', label, sorted(want.whitelist), sorted((await readAll((options) => target.rooms.whitelist.list(ref, options))).map((entry) => entry.uid)));
    if (cap('blocks.list')) differ('room bans', label, sorted(want.bans), sorted((await readAll((options) => target.rooms.blocks.list(ref, options))).map((entry) => entry.uid)));
  });
  return differences;
}

function keepsExtra(expected: ExpectedGraph): boolean {
  for (const value of expected.friends.values()) return 'extra' in value;
  return false;
}
