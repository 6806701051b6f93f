/**
 * The plan of a migration: the source graph turned into writes on the target, in the order
 * vendor migration guides import (users → friends → blocks → user whitelists → rooms → roles →
 * mutes → mute-all → room whitelists → room bans), after a pre-flight that checks every id
 * against the target's ID rule and every item against its capabilities. What the target cannot
 * hold is a gap, counted per facet with samples; nothing is written before the gaps are known.
 */
import { ImBridgeError, isOptionSupported, isSupported, roomCapability, type Backend, type BatchResult, type CapabilityName, type ErrorCode, type Friendship, type RoomKind } from '../spec/index.js';
import type { RoomSnapshot, SocialGraph } from './social-graph.js';

/** A batch write answers per item: a refused item is the step's failure, not a success. */
function requireAll(result: BatchResult, what: string): void {
  const refused = result.results.filter((item) => !item.ok);
  if (refused.length === 0) return;
  const first = refused[0]!;
  throw new ImBridgeError((first.error?.code ?? 'INTERNAL') as ErrorCode, `${what}: ${refused.length} item(s) refused, first ${first.id}: ${first.error?.message ?? 'no reason given'}`, { retryable: refused.every((item) => item.error?.retryable === true) });
}

export const FACET_ORDER = ['users', 'friends', 'blocks', 'user whitelists', 'rooms', 'roles', 'mutes', 'mute-all', 'room whitelists', 'room bans'] as const;
export type MigrationFacet = (typeof FACET_ORDER)[number];

export interface Gap {
  facet: MigrationFacet | 'ids';
  what: string;
  count: number;
  samples: string[];
}

/** What a step needs from the run: the target id of a source room (rooms may get new ids). */
export interface StepContext {
  target: Backend;
  roomId(kind: RoomKind, sourceId: string): string;
}

export interface MigrationStep {
  /** Stable across runs: the checkpoint's key. */
  key: string;
  facet: MigrationFacet;
  /** Performs the write; a created room's id is its result. */
  run(context: StepContext): Promise<string | void>;
  /** Whether the target already holds it (asked only of a step a killed run may have begun). */
  present(context: StepContext): Promise<boolean>;
  /** A room create names the room it creates (its result becomes that room's target id). */
  creates?: { kind: RoomKind; id: string };
}

/**
 * Whether a step may be redone whole after it failed half-way (a vendor 429 between two of its
 * calls): every write is idempotent as a whole except a create whose id the target picks, which
 * would make a second room.
 */
export function redoableWhole(step: MigrationStep, target: Backend): boolean {
  return !step.creates || isOptionSupported(target.capabilities, roomCapability(step.creates.kind, 'create'), 'id');
}

/** What the target should hold once every step ran (target ids; rooms by their source id). */
export interface ExpectedGraph {
  users: Map<string, { name: string | null; extra?: string | null }>;
  /** `uid\0friend` → that entry's alias, and its extra when the target keeps extras. */
  friends: Map<string, { alias: string | null; extra?: string | null }>;
  blocks: Set<string>;
  userWhitelists: Map<string, string[]>;
  rooms: Map<string, ExpectedRoom>;
}

export interface ExpectedRoom {
  kind: RoomKind;
  sourceId: string;
  name: string;
  owner: string;
  muteAll: boolean;
  /** uid → role, the owner included. */
  members: Map<string, 'owner' | 'admin' | 'member'>;
  mutes: Map<string, 'forever' | 'timed'>;
  whitelist: string[];
  bans: string[];
}

export interface MigrationPlan {
  steps: MigrationStep[];
  expected: ExpectedGraph;
  gaps: Gap[];
  /** Counts per facet of what will be written. */
  counts: Record<MigrationFacet, number>;
}

export interface PlanOptions {
  /** old → new ids, for ids the target refuses. */
  idMap: ReadonlyMap<string, string>;
  /** Time the remaining mute durations are measured from. */
  now: number;
}

class GapLog {
  private readonly gaps = new Map<string, Gap>();
  add(facet: Gap['facet'], what: string, sample: string): void {
    const key = `${facet}\u0000${what}`;
    const gap = this.gaps.get(key) ?? { facet, what, count: 0, samples: [] };
    gap.count += 1;
    if (gap.samples.length < 5) gap.samples.push(sample);
    this.gaps.set(key, gap);
  }
  list(): Gap[] {
    return [...this.gaps.values()];
  }
}

async function found(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch {
    return false;
  }
}

const sameSet = (left: readonly string[], right: readonly string[]) => left.length === right.length && [...left].sort().join('\u0000') === [...right].sort().join('\u0000');

export function planMigration(graph: SocialGraph, target: Backend, options: PlanOptions): MigrationPlan {
  const gaps = new GapLog();
  const can = (name: string) => isSupported(target.capabilities, name as CapabilityName);
  const option = (name: string, value: string) => can(name) && isOptionSupported(target.capabilities, name as CapabilityName, value);
  const idPattern = new RegExp(`^(?:${target.idRule.pattern})$`);
  const map = (id: string) => options.idMap.get(id) ?? id;
  const refused = new Set<string>();
  const checkId = (id: string, what: string) => {
    if (refused.has(id)) return false;
    if (idPattern.test(map(id))) return true;
    refused.add(id);
    gaps.add('ids', `${what} ids the target's ID rule refuses (${target.idRule.description}); map them with --id-map`, id);
    return false;
  };
  const steps: MigrationStep[] = [];
  const push = (step: MigrationStep) => steps.push(step);
  const expected: ExpectedGraph = { users: new Map(), friends: new Map(), blocks: new Set(), userWhitelists: new Map(), rooms: new Map() };

  // ---- users
  const users = new Set<string>();
  for (const user of graph.users) {
    if (!checkId(user.uid, 'user')) continue;
    if (!can('users.put')) {
      gaps.add('users', 'users (the target cannot register users)', user.uid);
      continue;
    }
    users.add(user.uid);
    const keepExtra = user.extra !== null && option('users.put', 'extra');
    if (user.extra !== null && !keepExtra) gaps.add('users', 'user extra data', user.uid);
    const input = { ...(user.name !== null ? { name: user.name } : {}), ...(keepExtra ? { extra: user.extra! } : {}) };
    const uid = map(user.uid);
    expected.users.set(uid, { name: user.name, ...(option('users.put', 'extra') ? { extra: user.extra } : {}) });
    push({
      key: `user ${user.uid}`,
      facet: 'users',
      run: async ({ target: backend }) => void (await backend.users.put(uid, input)),
      present: async ({ target: backend }) => {
        try {
          const stored = await backend.users.get(uid);
          return (input.name === undefined || stored.name === input.name) && (input.extra === undefined || stored.extra === input.extra);
        } catch {
          return false;
        }
      },
    });
  }
  const known = (uid: string) => users.has(uid);

  // ---- friends: both directions of a pair in one step, one-way entries on their own
  const entries = new Map(graph.friendships.map((entry) => [`${entry.uid}\u0000${entry.friend}`, entry]));
  const view = (entry: Friendship, keepExtra: boolean) => ({ ...(entry.alias !== null ? { alias: entry.alias } : {}), ...(entry.extra !== null && keepExtra ? { extra: entry.extra } : {}) });
  for (const entry of graph.friendships) {
    if (!known(entry.uid) || !known(entry.friend)) continue;
    const reverse = entries.get(`${entry.friend}\u0000${entry.uid}`);
    if (reverse && entry.uid > entry.friend) continue;
    if (!can('friends.put')) {
      gaps.add('friends', 'friendships (the target has no friends)', `${entry.uid}→${entry.friend}`);
      continue;
    }
    if (!reverse && !option('friends.put', 'oneWay')) {
      gaps.add('friends', 'one-way friend entries', `${entry.uid}→${entry.friend}`);
      continue;
    }
    const keepExtra = option('friends.put', 'extra');
    for (const side of reverse ? [entry, reverse] : [entry]) if (side.extra !== null && !keepExtra) gaps.add('friends', 'friend entry extra data', `${side.uid}→${side.friend}`);
    const [a, b] = [map(entry.uid), map(entry.friend)];
    const mine = view(entry, keepExtra);
    const theirs = reverse ? view(reverse, keepExtra) : undefined;
    expected.friends.set(`${a}\u0000${b}`, { alias: entry.alias, ...(keepExtra ? { extra: entry.extra } : {}) });
    if (reverse) expected.friends.set(`${b}\u0000${a}`, { alias: reverse.alias, ...(keepExtra ? { extra: reverse.extra } : {}) });
    push({
      key: `friend ${entry.uid} ${entry.friend}${reverse ? ' mutual' : ' one-way'}`,
      facet: 'friends',
      run: async ({ target: backend }) => {
        await backend.friends.put(a, b, mine, reverse ? 'mutual' : 'one-way');
        if (theirs && Object.keys(theirs).length > 0) await backend.friends.update(b, a, theirs);
        // A one-way add some vendors make in two calls (a mutual add, then taking the other side
        // back) can be cut between them and retried: make sure b did not keep a in its list.
        if (!reverse && (await found(() => backend.friends.get(b, a)))) await backend.friends.remove(b, a, 'one-way');
      },
      present: async ({ target: backend }) => {
        const matches = async (uid: string, friend: string, wanted: { alias?: string; extra?: string }) => {
          try {
            const stored = await backend.friends.get(uid, friend);
            return (wanted.alias ?? null) === stored.alias && (wanted.extra === undefined || wanted.extra === stored.extra);
          } catch {
            return false;
          }
        };
        return (await matches(a, b, mine)) && (!theirs || (await matches(b, a, theirs)));
      },
    });
  }

  // ---- blocks
  for (const block of graph.blocks) {
    if (!known(block.uid) || !known(block.blocked)) continue;
    if (!can('blocks.put')) {
      gaps.add('blocks', 'blocks (the target has no blocklist)', `${block.uid}→${block.blocked}`);
      continue;
    }
    const [uid, blocked] = [map(block.uid), map(block.blocked)];
    expected.blocks.add(`${uid}\u0000${blocked}`);
    push({
      key: `block ${block.uid} ${block.blocked}`,
      facet: 'blocks',
      run: async ({ target: backend }) => void (await backend.blocks.put(uid, blocked)),
      present: async ({ target: backend }) => (await backend.relations.get(uid, blocked)).blocking,
    });
  }

  // ---- user whitelists
  for (const list of graph.userWhitelists) {
    if (!known(list.uid)) continue;
    if (!can('users.whitelist.replace')) {
      gaps.add('user whitelists', 'user whitelists (the target has none)', list.uid);
      continue;
    }
    const uid = map(list.uid);
    const uids = list.uids.filter(known).map(map);
    expected.userWhitelists.set(uid, uids);
    push({
      key: `user whitelist ${list.uid}`,
      facet: 'user whitelists',
      run: async ({ target: backend }) => void (await backend.userWhitelist.replace(uid, uids)),
      present: async ({ target: backend }) => sameSet((await backend.userWhitelist.list(uid, { limit: 500 })).items.map((entry) => entry.uid), uids),
    });
  }

  // ---- rooms and everything in them
  for (const snapshot of graph.rooms) planRoom(snapshot);

  function planRoom(snapshot: RoomSnapshot): void {
    const { room } = snapshot;
    const kind = room.kind;
    const label = `${kind} ${room.id}`;
    const cap = (operation: Parameters<typeof roomCapability>[1]) => can(roomCapability(kind, operation));
    const capOption = (operation: Parameters<typeof roomCapability>[1], value: string) => option(roomCapability(kind, operation), value);
    if (!cap('create')) {
      gaps.add('rooms', `${kind}s (the target has none)`, room.id);
      return;
    }
    if (!known(room.owner)) {
      gaps.add('rooms', `${kind}s whose owner is not migrated`, room.id);
      return;
    }
    const choosesId = capOption('create', 'id');
    if (choosesId && !checkId(room.id, kind)) return;
    const members = snapshot.members.filter((member) => member.role !== 'owner').map((member) => member.uid);
    const movable = members.filter(known);
    for (const uid of members.filter((member) => !known(member))) gaps.add('rooms', 'room members who are not migrated', `${label}: ${uid}`);
    const name = room.name;
    const owner = map(room.owner);
    const targetMembers = movable.map(map);
    const wantedId = choosesId ? map(room.id) : undefined;
    push({
      key: `room ${kind} ${room.id}`,
      facet: 'rooms',
      creates: { kind, id: room.id },
      run: async ({ target: backend }) => (await backend.rooms.create(kind, { ...(wantedId ? { id: wantedId } : {}), name, owner, members: targetMembers })).id,
      // A room whose id the target picks cannot be found again: its create is re-done (declared).
      present: async ({ target: backend }) => (wantedId ? found(() => backend.rooms.get({ kind, id: wantedId })) : false),
    });
    if (!choosesId) gaps.add('rooms', `${kind} ids (the target picks its own; the report maps them)`, room.id);
    const ref = (context: StepContext) => ({ kind, id: context.roomId(kind, room.id) });
    const want: ExpectedRoom = {
      kind,
      sourceId: room.id,
      name,
      owner,
      muteAll: false,
      members: new Map([[owner, 'owner' as const], ...targetMembers.map((uid) => [uid, 'member'] as [string, 'member'])]),
      mutes: new Map(),
      whitelist: [],
      bans: [],
    };
    expected.rooms.set(`${kind}\u0000${room.id}`, want);
    const stacked = (operation: 'mutes.set' | 'whitelist.add' | 'members.setRole') => capOption(operation, 'stacked');

    const admins = snapshot.members.filter((member) => member.role === 'admin' && known(member.uid));
    const muted = new Map(snapshot.mutes.filter((mute) => known(mute.uid)).map((mute) => [mute.uid, mute.mutedUntil]));
    // A room whitelist names members only (replace refuses anyone else).
    const listed = snapshot.whitelist.filter((uid) => known(uid) && (uid === room.owner || movable.includes(uid)));
    for (const member of admins) {
      if (!cap('members.setRole')) {
        gaps.add('roles', 'admins (the target has no member roles)', `${label}: ${member.uid}`);
        continue;
      }
      if ((muted.has(member.uid) || listed.includes(member.uid)) && !stacked('members.setRole')) {
        gaps.add('roles', 'admins who are also muted or whitelisted (the target holds one state per member)', `${label}: ${member.uid}`);
        continue;
      }
      const uid = map(member.uid);
      want.members.set(uid, 'admin');
      push({
        key: `role ${kind} ${room.id} ${member.uid}`,
        facet: 'roles',
        run: async (context) => void (await context.target.rooms.members.setRole(ref(context), uid, 'admin')),
        present: async (context) => (await readMember(context, ref(context), uid))?.role === 'admin',
      });
    }
    for (const [sourceUid, until] of muted) {
      const seconds = until === 'forever' ? null : Math.ceil((Date.parse(until) - options.now) / 1000);
      if (seconds !== null && seconds <= 0) continue;
      if (!cap('mutes.set')) {
        gaps.add('mutes', 'member mutes (the target has none)', `${label}: ${sourceUid}`);
        continue;
      }
      if (seconds !== null && !capOption('mutes.set', 'duration')) {
        gaps.add('mutes', 'timed mutes (the target mutes forever only)', `${label}: ${sourceUid}`);
        continue;
      }
      if (listed.includes(sourceUid) && !stacked('mutes.set')) {
        gaps.add('mutes', 'muted members who are also whitelisted (the target holds one state per member)', `${label}: ${sourceUid}`);
        continue;
      }
      const uid = map(sourceUid);
      want.mutes.set(uid, seconds === null ? 'forever' : 'timed');
      push({
        key: `mute ${kind} ${room.id} ${sourceUid}`,
        facet: 'mutes',
        run: async (context) => void (await context.target.rooms.mutes.set(ref(context), uid, seconds)),
        present: async (context) => ((await readMember(context, ref(context), uid))?.mutedUntil ?? null) !== null,
      });
    }
    if (room.muteAll) {
      if (!cap('muteAll.set')) gaps.add('mute-all', 'mute-all (the target has none)', label);
      else {
        want.muteAll = true;
        push({
          key: `mute-all ${kind} ${room.id}`,
          facet: 'mute-all',
          run: async (context) => void (await context.target.rooms.setMuteAll(ref(context), true)),
          present: async (context) => (await context.target.rooms.get(ref(context))).muteAll,
        });
      }
    }
    if (listed.length > 0) {
      if (!cap('whitelist.replace')) gaps.add('room whitelists', 'room whitelists (the target has none)', label);
      else {
        const uids = listed.map(map);
        want.whitelist = uids;
        push({
          key: `room whitelist ${kind} ${room.id}`,
          facet: 'room whitelists',
          run: async (context) => void (await context.target.rooms.whitelist.replace(ref(context), uids)),
          present: async (context) => sameSet((await context.target.rooms.whitelist.list(ref(context), { limit: 500 })).items.map((entry) => entry.uid), uids),
        });
      }
    }
    const bans = snapshot.bans.filter(known);
    if (bans.length > 0) {
      if (!cap('blocks.add')) gaps.add('room bans', 'room bans (the target has none)', label);
      else {
        const uids = bans.map(map);
        want.bans = uids;
        push({
          key: `room bans ${kind} ${room.id}`,
          facet: 'room bans',
          run: async (context) => {
            const room = ref(context);
            const first = await context.target.rooms.blocks.add(room, uids);
            // Some vendors ban members only (NOT_MEMBER for anyone else): a ban removes the member anyway,
            // so those are added, then banned.
            const outsiders = first.results.filter((item) => !item.ok && item.error?.code === 'NOT_MEMBER').map((item) => item.id);
            if (outsiders.length === 0) return requireAll(first, `ban in ${label}`);
            requireAll({ results: first.results.filter((item) => !outsiders.includes(item.id)) }, `ban in ${label}`);
            requireAll(await context.target.rooms.members.add(room, outsiders), `add before banning in ${label}`);
            requireAll(await context.target.rooms.blocks.add(room, outsiders), `ban in ${label}`);
          },
          present: async (context) => {
            const stored = new Set((await context.target.rooms.blocks.list(ref(context), { limit: 500 })).items.map((entry) => entry.uid));
            return uids.every((uid) => stored.has(uid));
          },
        });
      }
    }
  }

  async function readMember(context: StepContext, room: { kind: RoomKind; id: string }, uid: string) {
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<Backend['rooms']['members']['list']>> = await context.target.rooms.members.list(room, { limit: 500, cursor });
      const member = page.items.find((entry) => entry.uid === uid);
      if (member) return member;
      cursor = page.nextCursor;
    } while (cursor !== null);
    return undefined;
  }

  const counts = Object.fromEntries(FACET_ORDER.map((facet) => [facet, 0])) as Record<MigrationFacet, number>;
  for (const step of steps) counts[step.facet] += 1;
  steps.sort((left, right) => FACET_ORDER.indexOf(left.facet) - FACET_ORDER.indexOf(right.facet));
  return { steps, expected, gaps: gaps.list(), counts };
}
