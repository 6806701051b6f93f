/**
 * The conformance suite's independent read path into the fake Wildfire server: it reads the
 * fake's own state (rows, member types, conversation lists) and says what it means in unified
 * terms, sharing no code with the adapter under test.
 */
import type { Backdoor, BackdoorRoom } from '../../../src/testing/index.js';
import type { MemberRole, PeerType, RoomKind } from '../../../src/spec/index.js';
import type { WildfireFake } from './index.js';

const PEER_TYPES: Readonly<Record<number, PeerType>> = { 0: 'user', 1: 'group', 2: 'chatroom' };

function role(type: number): MemberRole {
  if (type === 2) return 'owner';
  if (type === 1) return 'admin';
  return 'member';
}

export function createBackdoor(fake: Pick<WildfireFake, 'state'>): Backdoor {
  const { state } = fake;
  const group = (kind: RoomKind, id: string) => (kind === 'group' ? state.groups.get(id) : undefined);
  const activeMembers = (kind: RoomKind, id: string) => [...(group(kind, id)?.members.values() ?? [])].filter((member) => member.type !== 4);
  return {
    async user(uid) {
      const user = state.users.get(uid);
      if (!user || user.deleted) return null;
      return { uid, name: user.displayName === '' ? null : user.displayName };
    },
    async friends(uid) {
      const rows = [...(state.friends.get(uid)?.entries() ?? [])].filter(([, row]) => row.state === 0);
      return rows.map(([friend, row]) => ({ friend, alias: row.alias === '' ? null : row.alias }));
    },
    async blocks(uid) {
      return [...(state.friends.get(uid)?.entries() ?? [])].filter(([, row]) => row.blacked === 1).map(([blocked]) => blocked);
    },
    async pendingRequest(from, to) {
      return state.requests.get(`${from}\u0000${to}`)?.status === 0;
    },
    async userWhitelist() {
      // Wildfire keeps no per-user message whitelist.
      return [];
    },
    async room(kind, id): Promise<BackdoorRoom | null> {
      // Chatrooms have no owner in Wildfire and are not served by the adapter.
      const found = group(kind, id);
      return found ? { name: found.info.name, owner: found.info.owner, muteAll: found.info.mute === 1 } : null;
    },
    async members(kind, id) {
      return activeMembers(kind, id).map((member) => ({ uid: member.member_id, role: role(member.type) }));
    },
    async mutedMembers(kind, id) {
      return activeMembers(kind, id).filter((member) => member.type === 3).map((member) => member.member_id);
    },
    async roomWhitelist(kind, id) {
      return activeMembers(kind, id).filter((member) => member.type === 5).map((member) => member.member_id);
    },
    async roomBlocks() {
      return [];
    },
    async conversations(uid) {
      return [...(state.conversations.get(uid)?.values() ?? [])]
        .filter((entry) => PEER_TYPES[entry.type] !== undefined)
        .sort((left, right) => right.timestamp - left.timestamp)
        .map((entry) => ({ type: PEER_TYPES[entry.type]!, id: entry.target }));
    },
  };
}
