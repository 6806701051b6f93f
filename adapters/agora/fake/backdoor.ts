/**
 * The conformance backdoor for Agora Chat: reads the fake's own state and says it in unified
 * terms. It shares no code with the adapter — it speaks the fake's vocabulary (contacts with
 * remarks, chatgroups/chatrooms, mute expiries, user_channel conversations) directly.
 */
import type { Backdoor, BackdoorRoom } from '../../../src/testing/index.js';
import type { MemberRole, PeerType, RoomKind } from '../../../src/spec/index.js';
import type { AgoraFake } from './index.js';
import type { FakeRoom } from './fake-state.js';

export function createBackdoor(fake: Pick<AgoraFake, 'state' | 'now'>): Backdoor {
  const { state } = fake;
  const roomOf = (kind: RoomKind, id: string): FakeRoom | undefined => state.room(kind === 'group' ? 'chatgroups' : 'chatrooms', id);

  return {
    async user(uid) {
      const user = state.users.get(uid);
      return user ? { uid, name: user.nickname ?? null } : null;
    },
    async friends(uid) {
      return [...(state.contacts.get(uid) ?? new Map<string, string | null>())].map(([friend, remark]) => ({ friend, alias: remark }));
    },
    async blocks(uid) {
      return [...(state.blocks.get(uid) ?? [])];
    },
    // Agora has no friend requests (server-side adds are immediate).
    async pendingRequest() {
      return false;
    },
    // Agora has no per-user allow list.
    async userWhitelist() {
      return [];
    },
    async room(kind, id): Promise<BackdoorRoom | null> {
      const room = roomOf(kind, id);
      return room ? { name: room.name, owner: room.owner, muteAll: room.mute } : null;
    },
    async members(kind, id) {
      const room = roomOf(kind, id);
      if (!room) return [];
      return [
        { uid: room.owner, role: 'owner' as MemberRole },
        ...room.members.map((uid) => ({ uid, role: (room.admins.includes(uid) ? 'admin' : 'member') as MemberRole })),
      ];
    },
    async mutedMembers(kind, id) {
      const room = roomOf(kind, id);
      if (!room) return [];
      const now = fake.now();
      return [...room.mutes].filter(([uid, expire]) => (expire === -1 || expire > now) && state.isMember(room, uid)).map(([uid]) => uid);
    },
    async roomWhitelist(kind, id) {
      return [...(roomOf(kind, id)?.white ?? [])];
    },
    async roomBlocks(kind, id) {
      return [...(roomOf(kind, id)?.blocks ?? [])];
    },
    async conversations(uid) {
      const list = [...(state.conversations.get(uid)?.values() ?? [])].reverse();
      return list.map((conversation) => ({ type: (conversation.type === 'chat' ? 'user' : 'group') as PeerType, id: conversation.channel }));
    },
  };
}
