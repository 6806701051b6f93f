/**
 * The read path of a black-box run (`imbridge conformance --url`): the deployment's own unified
 * API. It shares the server under test, so a write is checked against what that server answers
 * rather than against the vendor's store; the report says so. What the deployment declares it
 * cannot list is a test skipped with the reason, never a guess.
 */
import { ImBridgeError, isSupported, listAll, roomCapability, type Backend, type CapabilityName, type RoomKind } from '../spec/index.js';
import { BackdoorCannotRead, type Backdoor, type BackdoorRoom } from '../testing/index.js';

export function apiBackdoor(backend: Backend): Backdoor {
  const need = (capability: CapabilityName, what: string): void => {
    if (!isSupported(backend.capabilities, capability)) throw new BackdoorCannotRead(`${what} (the deployment declares no ${capability})`);
  };
  const absent = (error: unknown, ...codes: string[]): boolean => error instanceof ImBridgeError && codes.includes(error.code);
  const room = (kind: RoomKind, id: string) => ({ kind, id });
  return {
    async user(uid) {
      need('users.get', 'users');
      try {
        const user = await backend.users.get(uid);
        return { uid: user.uid, name: user.name };
      } catch (error) {
        if (absent(error, 'USER_NOT_FOUND')) return null;
        throw error;
      }
    },
    async friends(uid) {
      need('friends.list', 'friend lists');
      return (await listAll((options) => backend.friends.list(uid, options))).map((entry) => ({ friend: entry.friend, alias: entry.alias }));
    },
    async blocks(uid) {
      need('blocks.list', 'block lists');
      return (await listAll((options) => backend.blocks.list(uid, options))).map((entry) => entry.blocked);
    },
    async pendingRequest(from, to) {
      need('friendRequests.list', 'pending friend requests');
      const outgoing = await listAll((options) => backend.friendRequests.list(from, 'outgoing', options));
      return outgoing.some((request) => request.to === to && request.status === 'pending');
    },
    async userWhitelist(uid) {
      need('users.whitelist.list', 'user whitelists');
      return (await listAll((options) => backend.userWhitelist.list(uid, options))).map((entry) => entry.uid);
    },
    async room(kind, id): Promise<BackdoorRoom | null> {
      need(roomCapability(kind, 'get'), 'rooms');
      try {
        const found = await backend.rooms.get(room(kind, id));
        return { name: found.name, owner: found.owner, muteAll: found.muteAll };
      } catch (error) {
        if (absent(error, 'ROOM_NOT_FOUND')) return null;
        throw error;
      }
    },
    async members(kind, id) {
      need(roomCapability(kind, 'members.list'), 'room members');
      return (await listAll((options) => backend.rooms.members.list(room(kind, id), options))).map((member) => ({ uid: member.uid, role: member.role }));
    },
    async mutedMembers(kind, id) {
      need(roomCapability(kind, 'mutes.list'), 'room mutes');
      return (await listAll((options) => backend.rooms.mutes.list(room(kind, id), options))).map((mute) => mute.uid);
    },
    async roomWhitelist(kind, id) {
      need(roomCapability(kind, 'whitelist.list'), 'room whitelists');
      return (await listAll((options) => backend.rooms.whitelist.list(room(kind, id), options))).map((entry) => entry.uid);
    },
    async roomBlocks(kind, id) {
      need(roomCapability(kind, 'blocks.list'), 'room blocklists');
      return (await listAll((options) => backend.rooms.blocks.list(room(kind, id), options))).map((entry) => entry.uid);
    },
    async conversations(uid) {
      need('conversations.list', 'conversations');
      return (await listAll((options) => backend.conversations.list(uid, options))).map((conversation) => ({ type: conversation.peer.type, id: conversation.peer.id }));
    },
  };
}
