/**
 * A backdoor that reads one side of a mirror through that side's own Backend object, never
 * through the mirror: what the mirror wrote is proven by the backend it wrote to. It shares no
 * code with the mirror under test; the side's own adapter is held to the contract by its own
 * conformance suite. A side that does not know a user or a room reads as empty.
 */
import { ImBridgeError, type Backend, type ListOptions, type Page, type RoomKind } from '../../../src/spec/index.js';
import { listAll } from '../../../src/facade-kit/index.js';
import type { Backdoor } from '../../../src/testing/index.js';

const ABSENT = new Set(['USER_NOT_FOUND', 'GROUP_NOT_FOUND', 'NOT_FOUND']);

async function orEmpty<T>(read: () => Promise<T>, empty: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ImBridgeError && ABSENT.has(error.code)) return empty;
    throw error;
  }
}

function every<T>(fetchPage: (options: ListOptions) => Promise<Page<T>>): Promise<T[]> {
  return orEmpty(() => listAll(fetchPage), [] as T[]);
}

export function unifiedBackdoor(backend: Backend): Backdoor {
  const room = (kind: RoomKind, id: string) => ({ kind, id });
  return {
    user: (uid) => orEmpty(async () => {
      const user = await backend.users.get(uid);
      return { uid: user.uid, name: user.name };
    }, null),
    friends: async (uid) => (await every((options) => backend.friends.list(uid, options))).map((entry) => ({ friend: entry.friend, alias: entry.alias })),
    blocks: async (uid) => (await every((options) => backend.blocks.list(uid, options))).map((entry) => entry.blocked),
    pendingRequest: async (from, to) =>
      (await every((options) => backend.friendRequests.list(from, 'outgoing', options))).some((request) => request.to === to && request.status === 'pending'),
    userWhitelist: async (uid) => (await every((options) => backend.userWhitelist.list(uid, options))).map((entry) => entry.uid),
    room: (kind, id) => orEmpty(async () => {
      const found = await backend.rooms.get(room(kind, id));
      return { name: found.name, owner: found.owner, muteAll: found.muteAll };
    }, null),
    members: async (kind, id) => (await every((options) => backend.rooms.members.list(room(kind, id), options))).map((member) => ({ uid: member.uid, role: member.role })),
    mutedMembers: async (kind, id) => (await every((options) => backend.rooms.mutes.list(room(kind, id), options))).map((mute) => mute.uid),
    roomWhitelist: async (kind, id) => (await every((options) => backend.rooms.whitelist.list(room(kind, id), options))).map((entry) => entry.uid),
    roomBlocks: async (kind, id) => (await every((options) => backend.rooms.blocks.list(room(kind, id), options))).map((entry) => entry.uid),
    conversations: async (uid) => (await every((options) => backend.conversations.list(uid, options))).map((conversation) => conversation.peer),
  };
}
