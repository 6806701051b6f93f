/**
 * A seeded social graph on a source backend, for migration tests: users with names (and extra
 * where the source keeps it), mutual friendships with aliases on both sides, one-way entries,
 * blocks, user whitelists, and groups with members, admins, timed and permanent mutes, mute-all,
 * whitelists and bans. Sizes are parameters; the ids are returned for `--users` / `--rooms`.
 */
import { isOptionSupported, isSupported, type Backend } from '../../src/spec/index.js';
import { mapLimited } from '../../src/runtime/index.js';
import { withRetries } from '../../src/migrate/with-retries.js';

/** Seeding waits out a rate-limited vendor (its fake throttles as the real one does), as migrate does. */
const retried = <Result>(work: () => Promise<Result>): Promise<Result> => withRetries(work, { partial: true });

export interface SeedSizes {
  users: number;
  friendships: number;
  blocks: number;
  rooms: number;
  membersPerRoom: number;
}

export interface SeededGraph {
  users: string[];
  rooms: string[];
}

export async function seedGraph(backend: Backend, sizes: SeedSizes, prefix: string): Promise<SeededGraph> {
  const users = Array.from({ length: sizes.users }, (_, index) => `${prefix}_u${index}`);
  const extra = isOptionSupported(backend.capabilities, 'users.put', 'extra');
  for (let start = 0; start < users.length; start += 500) {
    await retried(() => backend.users.putMany(users.slice(start, start + 500).map((uid) => ({ uid, name: `Name ${uid}` }))));
  }
  if (extra) await mapLimited(users.filter((_, index) => index % 10 === 0), 16, (uid) => retried(() => backend.users.put(uid, { extra: `extra of ${uid}` })));
  // Friendships: pairs (i, i+k) for growing k; every fifth one-way, every third with aliases.
  const pairs: Array<[string, string, number]> = [];
  for (let k = 1; pairs.length < sizes.friendships; k += 1) {
    for (let index = 0; index + k < users.length && pairs.length < sizes.friendships; index += 1) pairs.push([users[index]!, users[index + k]!, pairs.length]);
  }
  const oneWay = isOptionSupported(backend.capabilities, 'friends.put', 'oneWay');
  await mapLimited(pairs, 16, async ([a, b, n]) => {
    const alias = n % 3 === 0 ? { alias: `pal ${n}` } : {};
    if (oneWay && n % 5 === 0) {
      await retried(() => backend.friends.put(a, b, alias, 'one-way'));
      return;
    }
    await retried(() => backend.friends.put(a, b, alias));
    if (n % 3 === 0) await retried(() => backend.friends.update(b, a, { alias: `back ${n}` }));
  });
  const blocks = Array.from({ length: sizes.blocks }, (_, n): [string, string] => [users[(n * 7) % users.length]!, users[(n * 7 + 3 + Math.floor(n / users.length)) % users.length]!]);
  await mapLimited(blocks, 16, ([uid, other]) => (uid === other ? Promise.resolve() : retried(() => backend.blocks.put(uid, other)).then(() => undefined)));
  if (isSupported(backend.capabilities, 'users.whitelist.replace')) {
    await mapLimited(users.filter((_, index) => index % 50 === 1), 8, (uid) => retried(() => backend.userWhitelist.replace(uid, [users[0]!, users[2]!])));
  }
  const rooms = Array.from({ length: sizes.rooms }, (_, index) => `${prefix}_g${index}`);
  const roomIds = [...rooms];
  await mapLimited(rooms, 4, async (id) => {
    const index = rooms.indexOf(id);
    const members = Array.from({ length: sizes.membersPerRoom }, (_, offset) => users[(index * 13 + offset + 1) % users.length]!);
    const owner = users[(index * 13) % users.length]!;
    // Whatever this backend holds of rooms (a vendor source holds less than native).
    const can = (name: string) => isSupported(backend.capabilities, name as never);
    const created = await retried(() => backend.rooms.create('group', { ...(isOptionSupported(backend.capabilities, 'groups.create', 'id') ? { id } : {}), name: `Room ${index}`, owner, members }));
    roomIds[index] = created.id;
    const ref = { kind: 'group' as const, id: created.id };
    if (can('groups.members.setRole')) await retried(() => backend.rooms.members.setRole(ref, members[0]!, 'admin'));
    if (can('groups.mutes.set')) await retried(() => backend.rooms.mutes.set(ref, members[1]!, index % 2 === 0 || !isOptionSupported(backend.capabilities, 'groups.mutes.set', 'duration') ? null : 3_600));
    if (index % 3 === 0 && can('groups.muteAll.set')) await retried(() => backend.rooms.setMuteAll(ref, true));
    if (can('groups.whitelist.replace')) await retried(() => backend.rooms.whitelist.replace(ref, [members[2]!]));
    const banned = users[(index * 13 + sizes.membersPerRoom + 2) % users.length]!;
    if (can('groups.blocks.add') && banned !== owner && !members.includes(banned)) await retried(() => backend.rooms.blocks.add(ref, [banned]));
  });
  return { users, rooms: roomIds };
}
