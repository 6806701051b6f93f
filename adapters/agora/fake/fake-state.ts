/**
 * The Agora Chat fake's in-memory state, in the vendor's own terms (usernames, contacts with
 * remarks, blacklists, chatgroups/chatrooms with affiliations, mute expiries in ms, allow lists,
 * user_channel conversations). Nothing here knows the unified API.
 */
import { randomUUID } from 'node:crypto';

export interface FakeUser {
  uuid: string;
  username: string;
  password: string;
  nickname?: string;
  created: number;
  modified: number;
  activated: boolean;
}

export type FakeRoomResource = 'chatgroups' | 'chatrooms';

export interface FakeRoom {
  id: string;
  resource: FakeRoomResource;
  name: string;
  description: string;
  owner: string;
  /** Members besides the owner, in join order. */
  members: string[];
  maxusers: number;
  public: boolean;
  custom: string;
  created: number;
  /** Mute-all (`/ban`). */
  mute: boolean;
  /** username → expiry in ms since epoch; -1 = permanent. Survives leaving (§11). */
  mutes: Map<string, number>;
  /** Admins (`/admin`), in the order added; the member list still shows them as `member`. */
  admins: string[];
  /** Allow list; owner and admins are allow-listed by default without appearing here. */
  white: string[];
  /** Banned users, newest first. */
  blocks: string[];
}

export interface FakeConversation {
  /** `chat` (peer user) or `groupchat` (group id). */
  type: 'chat' | 'groupchat';
  channel: string;
  unread: number;
  lastAt: number;
}

export interface FakeMessage {
  id: string;
  kind: 'users' | 'chatgroups' | 'chatrooms';
  from: string;
  to: string;
  msg: string;
  level?: string;
  at: number;
}

export class AgoraFakeState {
  readonly applicationUuid = randomUUID();
  users = new Map<string, FakeUser>();
  /** owner → (friend → remark); both directions are always stored (§6). */
  contacts = new Map<string, Map<string, string | null>>();
  /** owner → blocked usernames, newest first (§7). */
  blocks = new Map<string, string[]>();
  rooms = new Map<string, FakeRoom>();
  /** username → conversation key `${type}:${channel}` → conversation. */
  conversations = new Map<string, Map<string, FakeConversation>>();
  messages: FakeMessage[] = [];
  private sequence = 0;
  private messageSequence = 0n;

  reset(): void {
    this.users.clear();
    this.contacts.clear();
    this.blocks.clear();
    this.rooms.clear();
    this.conversations.clear();
    this.messages = [];
  }

  /** Group and chat room ids are numeric strings (`66213271109633`). */
  nextRoomId(): string {
    this.sequence += 1;
    return String(66_000_000_000_000 + Date.now() % 1_000_000_000 * 1000 + this.sequence);
  }

  /** Message ids exceed 2^53 (`1029457500870543736`), so they are exact strings. */
  nextMessageId(): string {
    this.messageSequence += 1n;
    return (1_029_457_500_870_543_736n + BigInt(Date.now()) * 1000n + this.messageSequence).toString();
  }

  contactsOf(username: string): Map<string, string | null> {
    let contacts = this.contacts.get(username);
    if (!contacts) {
      contacts = new Map();
      this.contacts.set(username, contacts);
    }
    return contacts;
  }

  blocksOf(username: string): string[] {
    let blocks = this.blocks.get(username);
    if (!blocks) {
      blocks = [];
      this.blocks.set(username, blocks);
    }
    return blocks;
  }

  conversationsOf(username: string): Map<string, FakeConversation> {
    let conversations = this.conversations.get(username);
    if (!conversations) {
      conversations = new Map();
      this.conversations.set(username, conversations);
    }
    return conversations;
  }

  room(resource: FakeRoomResource, id: string): FakeRoom | undefined {
    const room = this.rooms.get(id);
    return room?.resource === resource ? room : undefined;
  }

  isMember(room: FakeRoom, username: string): boolean {
    return room.owner === username || room.members.includes(username);
  }

  /** Active mutes only: the server drops an expired mute. */
  activeMutes(room: FakeRoom, now: number): Array<{ user: string; expire: number }> {
    const mutes: Array<{ user: string; expire: number }> = [];
    for (const [user, expire] of room.mutes) {
      if (expire === -1 || expire > now) mutes.push({ user, expire });
      else room.mutes.delete(user);
    }
    return mutes;
  }

  /** A plain JSON view for `GET /__fake/state`. */
  snapshot(): unknown {
    return {
      users: [...this.users.values()].map(({ password: _password, ...user }) => user),
      contacts: Object.fromEntries([...this.contacts].map(([owner, list]) => [owner, Object.fromEntries(list)])),
      blocks: Object.fromEntries(this.blocks),
      rooms: [...this.rooms.values()].map((room) => ({ ...room, mutes: Object.fromEntries(room.mutes) })),
      conversations: Object.fromEntries([...this.conversations].map(([owner, list]) => [owner, [...list.values()]])),
      messages: this.messages,
    };
  }
}
