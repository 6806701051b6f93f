/**
 * The conformance backdoor for WuKongIM: reads the fake server's own state (channels, lists,
 * subscribers, conversation rows) and states it in unified terms. It shares no code with the
 * adapter: the metadata conventions of the adapter's README ("Where imbridge keeps what WuKongIM
 * has no field for") are decoded here independently.
 */
import type { Backdoor, BackdoorRoom } from '../../../src/testing/index.js';
import type { MemberRole, PeerType, RoomKind } from '../../../src/spec/index.js';
import { FakeState, GROUP, PERSON, SYSTEM_UID, type FakeChannel } from './fake-state.js';

interface FakeLike {
  state: FakeState;
}

function fromBase64Url(value: string): string {
  return Buffer.from(value, 'base64url').toString('utf8');
}

function metadataEntries(state: FakeState, channelId: string): string[] {
  return [...(state.channel(channelId, GROUP)?.whitelist.keys() ?? [])];
}

function roomMetadata(state: FakeState, id: string) {
  const entries = metadataEntries(state, `~g~${id}`);
  const value = (prefix: string) => entries.filter((entry) => entry.startsWith(prefix)).map((entry) => entry.slice(prefix.length));
  const name = value('room:')[0];
  const owner = value('owner:')[0];
  if (name === undefined || owner === undefined) return null;
  return { name: fromBase64Url(name), owner, admins: new Set(value('admin:')), whitelist: value('wl:'), bans: value('ban:') };
}

export function createBackdoor(fake: FakeLike): Backdoor {
  const { state } = fake;
  const groupChannel = (kind: RoomKind, id: string): FakeChannel | undefined => (kind === 'group' ? state.channel(id, GROUP) : undefined);
  return {
    async user(uid) {
      const entries = metadataEntries(state, `~u~${uid}`);
      if (!entries.includes('registered')) return null;
      const name = entries.find((entry) => entry.startsWith('name:'));
      return { uid, name: name === undefined ? null : fromBase64Url(name.slice(5)) };
    },
    async friends(uid) {
      const entries = metadataEntries(state, `~u~${uid}`);
      const friends = [...(state.channel(uid, PERSON)?.whitelist.keys() ?? [])].filter((friend) => friend !== uid);
      return friends.map((friend) => {
        const alias = entries.find((entry) => entry.startsWith(`alias:${friend}:`));
        return { friend, alias: alias === undefined ? null : fromBase64Url(alias.slice(`alias:${friend}:`.length)) };
      });
    },
    async blocks(uid) {
      return [...(state.channel(uid, PERSON)?.blacklist.keys() ?? [])];
    },
    async pendingRequest() {
      // WuKongIM has no friend requests.
      return false;
    },
    async userWhitelist() {
      // The person whitelist is the friend list on WuKongIM; no separate user whitelist exists.
      return [];
    },
    async room(kind, id): Promise<BackdoorRoom | null> {
      if (kind !== 'group') return null;
      const metadata = roomMetadata(state, id);
      if (!metadata) return null;
      // Mute-all is whatever the vendor enforces: a non-empty group whitelist.
      return { name: metadata.name, owner: metadata.owner, muteAll: (groupChannel(kind, id)?.whitelist.size ?? 0) > 0 };
    },
    async members(kind, id) {
      const metadata = roomMetadata(state, id);
      if (!metadata) return [];
      return [...(groupChannel(kind, id)?.subscribers ?? [])].map((uid) => {
        const role: MemberRole = uid === metadata.owner ? 'owner' : metadata.admins.has(uid) ? 'admin' : 'member';
        return { uid, role };
      });
    },
    async mutedMembers(kind, id) {
      return [...(groupChannel(kind, id)?.blacklist.keys() ?? [])];
    },
    async roomWhitelist(kind, id) {
      return kind === 'group' ? (roomMetadata(state, id)?.whitelist ?? []) : [];
    },
    async roomBlocks(kind, id) {
      return kind === 'group' ? (roomMetadata(state, id)?.bans ?? []) : [];
    },
    async conversations(uid) {
      const peers: Array<{ type: PeerType; id: string }> = [];
      for (const row of state.conversations.get(uid)?.values() ?? []) {
        const lastSeq = state.lastSeq(row.channelId, row.channelType);
        // Visible = has a message after the soft-delete mark (what /conversation/sync returns).
        if (lastSeq === 0 || lastSeq <= row.deletedAtSeq) continue;
        if (row.channelType === PERSON) {
          const [first, second] = row.channelId.split('@');
          const peer = first === uid ? second : first;
          if (peer !== undefined && peer !== SYSTEM_UID) peers.push({ type: 'user', id: peer });
        } else if (row.channelType === GROUP) {
          peers.push({ type: 'group', id: row.channelId });
        }
      }
      return peers;
    },
  };
}
