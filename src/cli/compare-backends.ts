/**
 * Reads the same users and rooms from two backends through the unified API and lists every
 * fact that differs: a user, a friend entry and its alias, a block, a whitelist entry, a pending
 * friend request, a room, a member and its role, a mute, a room whitelist or ban entry. Each side
 * is read into a flat map of facts (`friend alice → bob` → its view), so a difference is a fact
 * held by one side only or held with another value.
 *
 * What a side cannot list (a capability it declares missing) is compared on neither side and
 * named in `notCompared`. Times are not compared (a copy is made later than its original), nor
 * conversations and unread counts (they follow from messages each side stamps itself); a timed
 * mute compares as timed.
 */
import {
  ImBridgeError,
  isSupported,
  listAll,
  roomCapability,
  type Backend,
  type CapabilityName,
  type ListOptions,
  type Page,
  type Room,
  type RoomKind,
  type RoomRef,
  type User,
} from '../spec/index.js';

export interface CompareScope {
  /** Users to compare; absent = every user either side lists (when both can list users). */
  users?: readonly string[];
  /** Rooms to compare, besides those found in the users' conversations and in room lists. */
  rooms?: readonly RoomRef[];
}

/** Neither the scope names users nor can both sides list theirs. */
export class CannotListUsers extends Error {
  constructor() {
    super('the two backends cannot both list their users; name the users to compare');
    this.name = 'CannotListUsers';
  }
}

export interface Comparison {
  users: number;
  rooms: number;
  /** One line per difference, sorted. */
  differences: string[];
  /** What was left out, and why. */
  notCompared: string[];
}

type Facts = Map<string, string>;

const ABSENT_CODES = new Set(['USER_NOT_FOUND', 'GROUP_NOT_FOUND', 'NOT_FOUND']);
const PAGE_LIMIT = 500;
const PARALLEL = 8;

/** The lists a backend may add later (users.list, rooms.list); read when a backend has them. */
interface Enumerable {
  users: { list?: (options: ListOptions) => Promise<Page<User>> };
  rooms: { list?: (kind: RoomKind, options: ListOptions) => Promise<Page<Room>> };
}

function everyItem<T>(fetchPage: (options: ListOptions) => Promise<Page<T>>): Promise<T[]> {
  return listAll(fetchPage, PAGE_LIMIT);
}

/** `read`'s answer, or undefined when the side does not know the user or room. */
async function unlessAbsent<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ImBridgeError && ABSENT_CODES.has(error.code)) return undefined;
    throw error;
  }
}

async function eachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

const roomLabel = (room: RoomRef) => `${room.kind} ${room.id}`;

/** What both sides can read, so that a fact one side cannot show is never a difference. */
function bothSupport(primary: Backend, secondary: Backend, capability: CapabilityName): boolean {
  return isSupported(primary.capabilities, capability) && isSupported(secondary.capabilities, capability);
}

async function readUserFacts(backend: Backend, uid: string, readable: (capability: CapabilityName) => boolean, facts: Facts): Promise<void> {
  const user = readable('users.get') ? await unlessAbsent(() => backend.users.get(uid)) : undefined;
  if (readable('users.get')) {
    if (!user) return;
    facts.set(`user ${uid}`, JSON.stringify({ name: user.name, extra: user.extra }));
  }
  if (readable('friends.list')) {
    for (const entry of (await unlessAbsent(() => everyItem((options) => backend.friends.list(uid, options)))) ?? []) {
      facts.set(`friend ${uid} → ${entry.friend}`, JSON.stringify({ alias: entry.alias, extra: entry.extra }));
    }
  }
  if (readable('blocks.list')) {
    for (const entry of (await unlessAbsent(() => everyItem((options) => backend.blocks.list(uid, options)))) ?? []) facts.set(`block ${uid} → ${entry.blocked}`, 'blocked');
  }
  if (readable('users.whitelist.list')) {
    for (const entry of (await unlessAbsent(() => everyItem((options) => backend.userWhitelist.list(uid, options)))) ?? []) facts.set(`user whitelist of ${uid}: ${entry.uid}`, 'listed');
  }
  if (readable('friendRequests.list')) {
    for (const request of (await unlessAbsent(() => everyItem((options) => backend.friendRequests.list(uid, 'outgoing', options)))) ?? []) {
      if (request.status === 'pending') facts.set(`friend request ${uid} → ${request.to}`, JSON.stringify({ status: request.status, message: request.message }));
    }
  }
}

async function readRoomFacts(backend: Backend, room: RoomRef, readable: (capability: CapabilityName) => boolean, facts: Facts): Promise<void> {
  if (!readable(roomCapability(room.kind, 'get'))) return;
  const found = await unlessAbsent(() => backend.rooms.get(room));
  if (!found) return;
  const label = roomLabel(room);
  facts.set(label, JSON.stringify({ name: found.name, owner: found.owner, muteAll: found.muteAll }));
  if (readable(roomCapability(room.kind, 'members.list'))) {
    for (const member of await everyItem((options) => backend.rooms.members.list(room, options))) facts.set(`member of ${label}: ${member.uid}`, member.role);
  }
  if (readable(roomCapability(room.kind, 'mutes.list'))) {
    for (const mute of await everyItem((options) => backend.rooms.mutes.list(room, options))) {
      facts.set(`mute in ${label}: ${mute.uid}`, mute.mutedUntil === 'forever' ? 'forever' : 'timed');
    }
  }
  if (readable(roomCapability(room.kind, 'whitelist.list'))) {
    for (const entry of await everyItem((options) => backend.rooms.whitelist.list(room, options))) facts.set(`room whitelist of ${label}: ${entry.uid}`, 'listed');
  }
  if (readable(roomCapability(room.kind, 'blocks.list'))) {
    for (const entry of await everyItem((options) => backend.rooms.blocks.list(room, options))) facts.set(`room ban in ${label}: ${entry.uid}`, 'banned');
  }
}

/** Users both sides list, when both can list users. */
async function listedUsers(backends: readonly Backend[]): Promise<string[] | undefined> {
  const lists = backends.map((backend) => (backend as unknown as Enumerable).users.list);
  if (lists.some((list) => list === undefined)) return undefined;
  const uids = new Set<string>();
  for (const [index, backend] of backends.entries()) {
    for (const user of await everyItem((options) => lists[index]!.call(backend.users, options))) uids.add(user.uid);
  }
  return [...uids];
}

/** Rooms found without being named: in room lists and in the users' conversations, on either side. */
async function foundRooms(backends: readonly Backend[], uids: readonly string[]): Promise<RoomRef[]> {
  const rooms = new Map<string, RoomRef>();
  const add = (room: RoomRef) => rooms.set(roomLabel(room), room);
  for (const backend of backends) {
    const list = (backend as unknown as Enumerable).rooms.list;
    for (const kind of ['group', 'chatroom'] as const) {
      if (list && isSupported(backend.capabilities, roomCapability(kind, 'get'))) {
        for (const room of await everyItem((options) => list.call(backend.rooms, kind, options))) add({ kind, id: room.id });
      }
    }
    if (!isSupported(backend.capabilities, 'conversations.list')) continue;
    await eachLimited(uids, async (uid) => {
      for (const conversation of (await unlessAbsent(() => everyItem((options) => backend.conversations.list(uid, options)))) ?? []) {
        if (conversation.peer.type !== 'user') add({ kind: conversation.peer.type, id: conversation.peer.id });
      }
    });
  }
  return [...rooms.values()];
}

const USER_FACTS: ReadonlyArray<[CapabilityName, string]> = [
  ['users.get', 'users'],
  ['friends.list', 'friends'],
  ['blocks.list', 'blocks'],
  ['users.whitelist.list', 'user whitelists'],
  ['friendRequests.list', 'friend requests'],
];

function describeDifference(fact: string, primary: string | undefined, secondary: string | undefined): string {
  if (secondary === undefined) return `${fact}: only on the primary (${primary})`;
  if (primary === undefined) return `${fact}: only on the secondary (${secondary})`;
  return `${fact}: ${primary} on the primary, ${secondary} on the secondary`;
}

export async function compareBackends(primary: Backend, secondary: Backend, scope: CompareScope = {}): Promise<Comparison> {
  const sides = [primary, secondary] as const;
  const notCompared: string[] = [];
  const readable = (capability: CapabilityName) => bothSupport(primary, secondary, capability);
  for (const [capability, what] of USER_FACTS) {
    if (!readable(capability)) notCompared.push(`${what} (${capability} is missing on ${sides.filter((side) => !isSupported(side.capabilities, capability)).map((side) => side.name).join(' and ')})`);
  }
  const uids = scope.users ?? (await listedUsers(sides));
  if (uids === undefined) throw new CannotListUsers();
  const rooms = new Map<string, RoomRef>();
  for (const room of [...(scope.rooms ?? []), ...(await foundRooms(sides, uids))]) rooms.set(roomLabel(room), room);
  for (const kind of ['group', 'chatroom'] as const) {
    const capability = roomCapability(kind, 'get');
    if ([...rooms.values()].some((room) => room.kind === kind) && !readable(capability)) notCompared.push(`${kind}s (${capability} is missing on one side)`);
  }

  const facts = await Promise.all(
    sides.map(async (backend) => {
      const held: Facts = new Map();
      await eachLimited(uids, (uid) => readUserFacts(backend, uid, readable, held));
      await eachLimited([...rooms.values()], (room) => readRoomFacts(backend, room, readable, held));
      return held;
    }),
  );
  const [onPrimary, onSecondary] = facts as [Facts, Facts];
  const differences: string[] = [];
  for (const fact of new Set([...onPrimary.keys(), ...onSecondary.keys()])) {
    const first = onPrimary.get(fact);
    const second = onSecondary.get(fact);
    if (first !== second) differences.push(describeDifference(fact, first, second));
  }
  return { users: uids.length, rooms: rooms.size, differences: differences.sort(), notCompared };
}
