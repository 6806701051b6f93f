/**
 * A backend's social graph, read through the unified API only: users, friend entries (each
 * direction on its own, so one-way entries stay one-way), blocks, user whitelists and rooms with
 * members, roles, mutes, mute-all, whitelist and bans. What the backend declares it cannot list
 * is left out and named in `unreadable`, so a migration says what it could not see.
 */
import { mapLimited } from '../runtime/index.js';
import { withRetries } from './with-retries.js';
import { isSupported, listAll, roomCapability, type Backend, type Block, type Friendship, type ListOptions, type Member, type Mute, type Page, type Room, type RoomKind, type User } from '../spec/index.js';

export interface RoomSnapshot {
  room: Room;
  members: Member[];
  mutes: Mute[];
  whitelist: string[];
  bans: string[];
}

export interface SocialGraph {
  users: User[];
  friendships: Friendship[];
  blocks: Block[];
  /** Non-empty user whitelists only. */
  userWhitelists: Array<{ uid: string; uids: string[] }>;
  rooms: RoomSnapshot[];
  /** Facets the backend cannot list, so they were not read. */
  unreadable: string[];
}

export interface RoomId {
  kind: RoomKind;
  id: string;
}

/** Every page of a list, in order; a page the source answers retryable is read again. */
export function readAll<Item>(page: (options: ListOptions) => Promise<Page<Item>>): Promise<Item[]> {
  return listAll((options) => withRetries(() => page(options)));
}

/** The users of `backend`: `listed` when given (a `--users` file), else its enumeration. */
export async function userIds(backend: Backend, listed?: readonly string[]): Promise<string[]> {
  if (listed) return [...listed];
  if (!isSupported(backend.capabilities, 'users.list')) {
    throw new Error(`backend "${backend.name}" (${backend.vendor}) cannot list its users: give them with --users FILE`);
  }
  return (await readAll((options) => backend.users.list(options))).map((user) => user.uid);
}

/** The rooms of `backend`: `listed` when given (a `--rooms` file), else each kind it can list. */
export async function roomIds(backend: Backend, listed?: readonly RoomId[]): Promise<{ rooms: RoomId[]; unlisted: RoomKind[] }> {
  if (listed) return { rooms: [...listed], unlisted: [] };
  const rooms: RoomId[] = [];
  const unlisted: RoomKind[] = [];
  for (const kind of ['group', 'chatroom'] as const) {
    if (!isSupported(backend.capabilities, roomCapability(kind, 'create'))) continue;
    if (!isSupported(backend.capabilities, roomCapability(kind, 'list'))) {
      unlisted.push(kind);
      continue;
    }
    for (const room of await readAll((options) => backend.rooms.list(kind, options))) rooms.push({ kind, id: room.id });
  }
  return { rooms, unlisted };
}

/** Reads the graph of the given users and rooms (ids as they are on `backend`). */
export async function readGraph(backend: Backend, users: readonly string[], rooms: readonly RoomId[], concurrency = 8): Promise<SocialGraph> {
  const can = (name: string) => isSupported(backend.capabilities, name as never);
  const unreadable: string[] = [];
  if (!can('friends.list')) unreadable.push('friends');
  if (!can('blocks.list')) unreadable.push('blocks');
  if (!can('users.whitelist.list')) unreadable.push('user whitelists');
  const perUser = await mapLimited(users, concurrency, async (uid) => {
    const user = await withRetries(() => backend.users.get(uid));
    const friendships = can('friends.list') ? await readAll((options) => backend.friends.list(uid, options)) : [];
    const blocks = can('blocks.list') ? await readAll((options) => backend.blocks.list(uid, options)) : [];
    const whitelist = can('users.whitelist.list') ? (await readAll((options) => backend.userWhitelist.list(uid, options))).map((entry) => entry.uid) : [];
    return { user, friendships, blocks, whitelist };
  });
  const snapshots = await mapLimited(rooms, concurrency, async ({ kind, id }): Promise<RoomSnapshot> => {
    const ref = { kind, id };
    const has = (operation: Parameters<typeof roomCapability>[1]) => isSupported(backend.capabilities, roomCapability(kind, operation));
    return {
      room: await withRetries(() => backend.rooms.get(ref)),
      members: has('members.list') ? await readAll((options) => backend.rooms.members.list(ref, options)) : [],
      mutes: has('mutes.list') ? await readAll((options) => backend.rooms.mutes.list(ref, options)) : [],
      whitelist: has('whitelist.list') ? (await readAll((options) => backend.rooms.whitelist.list(ref, options))).map((entry) => entry.uid) : [],
      bans: has('blocks.list') ? (await readAll((options) => backend.rooms.blocks.list(ref, options))).map((entry) => entry.uid) : [],
    };
  });
  return {
    users: perUser.map((entry) => entry.user),
    friendships: perUser.flatMap((entry) => entry.friendships),
    blocks: perUser.flatMap((entry) => entry.blocks),
    userWhitelists: perUser.filter((entry) => entry.whitelist.length > 0).map((entry) => ({ uid: entry.user.uid, uids: entry.whitelist })),
    rooms: snapshots,
    unreadable,
  };
}
