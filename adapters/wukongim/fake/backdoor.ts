/**
 * The conformance backdoor for WuKongIM: reads the server's channel lists, subscribers and
 * conversations and states them in unified terms. It shares no code with the adapter: the
 * metadata conventions of the adapter's README ("Where imbridge keeps what WuKongIM has no field
 * for") are decoded here independently. The decoding is written once over `ChannelLists`; the
 * fake supplies them from its state, the live backdoor (`live/backdoor.ts`) from the server's own
 * read API.
 */
import type { Backdoor, BackdoorRoom } from '../../../src/testing/index.js';
import type { MemberRole, PeerType } from '../../../src/spec/index.js';
import { FakeState, GROUP, PERSON, SYSTEM_UID } from './fake-state.js';

/** What a backdoor reads from a WuKongIM server, fake or real. */
export interface ChannelLists {
  allowlist(channelId: string, channelType: number): Promise<string[]>;
  denylist(channelId: string, channelType: number): Promise<string[]>;
  subscribers(channelId: string, channelType: number): Promise<string[]>;
  /** The conversations `/conversation/sync` shows `uid` (those with a message after their delete mark). */
  conversations(uid: string): Promise<Array<{ channelId: string; channelType: number }>>;
}

interface FakeLike {
  state: FakeState;
}

function fromBase64Url(value: string): string {
  return Buffer.from(value, 'base64url').toString('utf8');
}

/** The channel lists of the fake's state, as the server's read API would show them. */
export function fakeChannelLists(state: FakeState): ChannelLists {
  return {
    allowlist: async (channelId, channelType) => [...(state.channel(channelId, channelType)?.whitelist.keys() ?? [])],
    denylist: async (channelId, channelType) => [...(state.channel(channelId, channelType)?.blacklist.keys() ?? [])],
    subscribers: async (channelId, channelType) => [...(state.channel(channelId, channelType)?.subscribers ?? [])],
    conversations: async (uid) => {
      const rows: Array<{ channelId: string; channelType: number }> = [];
      for (const row of state.conversations.get(uid)?.values() ?? []) {
        const lastSeq = state.lastSeq(row.channelId, row.channelType);
        if (lastSeq === 0 || lastSeq <= row.deletedAtSeq) continue;
        rows.push({ channelId: row.channelId, channelType: row.channelType });
      }
      return rows;
    },
  };
}

/** The unified reading of a WuKongIM server's lists. */
export function backdoorOver(lists: ChannelLists): Backdoor {
  const metadataEntries = (channelId: string) => lists.allowlist(channelId, GROUP);
  const roomMetadata = async (id: string) => {
    const entries = await metadataEntries(`~g~${id}`);
    const value = (prefix: string) => entries.filter((entry) => entry.startsWith(prefix)).map((entry) => entry.slice(prefix.length));
    const name = value('room:')[0];
    const owner = value('owner:')[0];
    if (name === undefined || owner === undefined) return null;
    return { name: fromBase64Url(name), owner, admins: new Set(value('admin:')), whitelist: value('wl:'), bans: value('ban:') };
  };
  return {
    async user(uid) {
      const entries = await metadataEntries(`~u~${uid}`);
      if (!entries.includes('registered')) return null;
      const name = entries.find((entry) => entry.startsWith('name:'));
      return { uid, name: name === undefined ? null : fromBase64Url(name.slice(5)) };
    },
    async friends(uid) {
      const entries = await metadataEntries(`~u~${uid}`);
      const friends = (await lists.allowlist(uid, PERSON)).filter((friend) => friend !== uid);
      return friends.map((friend) => {
        const alias = entries.find((entry) => entry.startsWith(`alias:${friend}:`));
        return { friend, alias: alias === undefined ? null : fromBase64Url(alias.slice(`alias:${friend}:`.length)) };
      });
    },
    async blocks(uid) {
      return lists.denylist(uid, PERSON);
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
      const metadata = await roomMetadata(id);
      if (!metadata) return null;
      // Mute-all is whatever the vendor enforces: a non-empty group whitelist.
      return { name: metadata.name, owner: metadata.owner, muteAll: (await lists.allowlist(id, GROUP)).length > 0 };
    },
    async members(kind, id) {
      if (kind !== 'group') return [];
      const metadata = await roomMetadata(id);
      if (!metadata) return [];
      return (await lists.subscribers(id, GROUP)).map((uid) => {
        const role: MemberRole = uid === metadata.owner ? 'owner' : metadata.admins.has(uid) ? 'admin' : 'member';
        return { uid, role };
      });
    },
    async mutedMembers(kind, id) {
      return kind === 'group' ? lists.denylist(id, GROUP) : [];
    },
    async roomWhitelist(kind, id) {
      return kind === 'group' ? ((await roomMetadata(id))?.whitelist ?? []) : [];
    },
    async roomBlocks(kind, id) {
      return kind === 'group' ? ((await roomMetadata(id))?.bans ?? []) : [];
    },
    async conversations(uid) {
      const peers: Array<{ type: PeerType; id: string }> = [];
      for (const row of await lists.conversations(uid)) {
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

export function createBackdoor(fake: FakeLike): Backdoor {
  return backdoorOver(fakeChannelLists(fake.state));
}
