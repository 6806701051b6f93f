/**
 * The conformance suite's independent read path into the fake: OpenIM rows read straight from
 * the fake's state and said in unified terms. Shares no code with the adapter, so a write is
 * only proven when the vendor-side rows show it.
 */
import type { Backdoor, BackdoorRoom } from '../../../src/testing/index.js';
import type { MemberRole, PeerType, RoomKind } from '../../../src/spec/index.js';
import type { OpenImFakeState } from './fake-state.js';

export function createBackdoor(fake: { state: OpenImFakeState }): Backdoor {
  const { state } = fake;
  const now = () => state.options.now();
  const liveGroup = (kind: RoomKind, id: string) => {
    // OpenIM has no chat rooms; a dismissed group (status 2) no longer exists for the API.
    if (kind !== 'group') return undefined;
    const group = state.groups.get(id);
    return group && group.status !== 2 ? group : undefined;
  };
  return {
    async user(uid) {
      const user = state.users.get(uid);
      if (!user) return null;
      // OpenIM needs a nickname; a user registered without a name carries its uid as nickname.
      return { uid, name: user.nickname === '' || user.nickname === uid ? null : user.nickname };
    },
    async friends(uid) {
      return [...(state.friends.get(uid)?.values() ?? [])].map((row) => ({ friend: row.friendUserID, alias: row.remark === '' ? null : row.remark }));
    },
    async blocks(uid) {
      return [...(state.blacks.get(uid)?.keys() ?? [])];
    },
    async pendingRequest(from, to) {
      return state.friendRequests.get(`${from}\n${to}`)?.handleResult === 0;
    },
    async userWhitelist() {
      return [];
    },
    async room(kind, id): Promise<BackdoorRoom | null> {
      const group = liveGroup(kind, id);
      return group ? { name: group.groupName, owner: group.ownerUserID, muteAll: group.status === 3 } : null;
    },
    async members(kind, id) {
      if (!liveGroup(kind, id)) return [];
      return [...(state.members.get(id)?.values() ?? [])].map((member) => {
        const role: MemberRole = member.roleLevel === 100 ? 'owner' : member.roleLevel === 60 ? 'admin' : 'member';
        return { uid: member.userID, role };
      });
    },
    async mutedMembers(kind, id) {
      if (!liveGroup(kind, id)) return [];
      return [...(state.members.get(id)?.values() ?? [])].filter((member) => member.muteEndTime > now()).map((member) => member.userID);
    },
    async roomWhitelist() {
      return [];
    },
    async roomBlocks() {
      return [];
    },
    async conversations(uid) {
      // A conversation is visible to its owner once it holds a message (the sorted list skips
      // rows without one).
      const peers: Array<{ type: PeerType; id: string }> = [];
      for (const row of state.conversations.get(uid)?.values() ?? []) {
        if ((state.messages.get(row.conversationID)?.length ?? 0) === 0) continue;
        if (row.conversationType === 1) peers.push({ type: 'user', id: row.userID });
        else if (row.conversationType === 3) peers.push({ type: 'group', id: row.groupID });
      }
      return peers;
    },
  };
}
