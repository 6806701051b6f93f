/**
 * The fake Wildfire server's state, in Wildfire's own terms (vendor note §5–§10): user records,
 * per-direction friend rows (state, blacked, alias, extra), friend requests, groups with typed
 * members, per-user conversation lists and stored messages. Nothing here knows the unified API.
 */

/** `InputOutputUserInfo` plus the soft-delete flag of /admin/user/destroy. */
export interface FakeUser {
  userId: string;
  name: string;
  displayName: string;
  portrait: string;
  gender: number;
  mobile: string;
  email: string;
  address: string;
  company: string;
  social: string;
  extra: string;
  type: number;
  updateDt: number;
  deleted: boolean;
}

/** One direction of a relation: owner → target. state 0 friend, 1 not friend, 2 legacy. */
export interface FriendRow {
  state: number;
  blacked: number;
  alias: string;
  extra: string;
  timestamp: number;
  /** Change order, to keep the timestamp order stable between rows changed in the same millisecond. */
  order: number;
}

/** Friend request status as the server keeps it: 0 sent, 1 accepted, 2 rejected. */
export interface FriendRequestRow {
  from: string;
  to: string;
  reason: string;
  status: number;
  timestamp: number;
}

export interface FakeGroupInfo {
  target_id: string;
  name: string;
  portrait: string;
  owner: string;
  type: number;
  extra: string;
  mute: number;
  join_type: number;
  private_chat: number;
  searchable: number;
  history_message: number;
  max_member_count: number;
  super_group: boolean;
}

/** Member types: 0 normal, 1 manager, 2 owner, 3 silent, 4 removed, 5 allowed (§6). */
export interface FakeMember {
  member_id: string;
  alias: string;
  type: number;
  extra: string;
  createDt: number;
}

export interface FakeGroup {
  info: FakeGroupInfo;
  /** In insertion order; removed members stay as type 4 rows. */
  members: Map<string, FakeMember>;
}

export interface FakeConversationEntry {
  type: number;
  target: string;
  line: number;
  unread: number;
  timestamp: number;
}

export interface FakeMessage {
  messageUid: bigint;
  sender: string;
  conv: { type: number; target: string; line: number };
  payload: Record<string, unknown>;
  timestamp: number;
}

export interface FakeChatroom {
  chatroomId: string;
  title: string;
  desc: string;
  portrait: string;
  extra: string;
  state: number;
  members: Set<string>;
  createDt: number;
  updateDt: number;
}

export class WildfireFakeState {
  readonly users = new Map<string, FakeUser>();
  /** owner → target → row. */
  readonly friends = new Map<string, Map<string, FriendRow>>();
  /** `from\0to` → request. */
  readonly requests = new Map<string, FriendRequestRow>();
  /** `from\0to` → when the one repeat allowed within 5 minutes was used (the server's in-memory `repeatFriendRequest`). */
  readonly requestRepeats = new Map<string, number>();
  readonly groups = new Map<string, FakeGroup>();
  /** userId → `type\0target\0line` → entry. */
  readonly conversations = new Map<string, Map<string, FakeConversationEntry>>();
  readonly messages: FakeMessage[] = [];
  readonly chatrooms = new Map<string, FakeChatroom>();
  /** Global user status of /admin/user/update_block_status: 0 normal, 1 muted, 2 banned. */
  readonly userStatus = new Map<string, number>();
  private rowOrder = 0;
  private messageSequence = 0;

  constructor() {
    this.seedDefaults();
  }

  /**
   * What a fresh server's database holds: the `admin` user (type 3) of the migration
   * `broker/migrate/{h2,mysql}/V10__create_default_admin.sql`, which `/admin/user/all` lists (§12).
   */
  private seedDefaults(): void {
    this.users.set('admin', {
      userId: 'admin',
      name: 'admin',
      displayName: '系统管理员',
      portrait: '',
      gender: 0,
      mobile: '',
      email: '',
      address: '',
      company: '',
      social: '',
      extra: '',
      type: 3,
      updateDt: 1,
      deleted: false,
    });
  }

  reset(): void {
    this.users.clear();
    this.friends.clear();
    this.requests.clear();
    this.requestRepeats.clear();
    this.groups.clear();
    this.conversations.clear();
    this.messages.length = 0;
    this.chatrooms.clear();
    this.userStatus.clear();
    this.seedDefaults();
  }

  /** A live (not destroyed) user. */
  liveUser(userId: string): FakeUser | undefined {
    const user = this.users.get(userId);
    return user && !user.deleted ? user : undefined;
  }

  row(owner: string, target: string): FriendRow | undefined {
    return this.friends.get(owner)?.get(target);
  }

  /** The row owner → target, created with `state` when missing. */
  upsertRow(owner: string, target: string, state: number, now: number): FriendRow {
    let rows = this.friends.get(owner);
    if (!rows) {
      rows = new Map();
      this.friends.set(owner, rows);
    }
    let row = rows.get(target);
    if (!row) {
      row = { state, blacked: 0, alias: '', extra: '', timestamp: now, order: this.rowOrder++ };
      rows.set(target, row);
    }
    return row;
  }

  /** A write to a row: its timestamp is the change time, so friend/list puts it last (ties: change order). */
  touchRow(row: FriendRow, now: number): void {
    row.timestamp = now;
    row.order = this.rowOrder++;
  }

  friendIds(owner: string): string[] {
    return [...(this.friends.get(owner)?.entries() ?? [])]
      .filter(([, row]) => row.state === 0)
      .sort(([, left], [, right]) => left.timestamp - right.timestamp || left.order - right.order)
      .map(([target]) => target);
  }

  blacklistIds(owner: string): string[] {
    return [...(this.friends.get(owner)?.entries() ?? [])].filter(([, row]) => row.blacked === 1).map(([target]) => target);
  }

  /** Members not removed (type 4 rows are hidden from every list, §6). */
  activeMembers(group: FakeGroup): FakeMember[] {
    return [...group.members.values()].filter((member) => member.type !== 4);
  }

  /** Wildfire message id layout: (ms since 2018-01-01 << 21) | node | sequence, above 2^53 (§3). */
  nextMessageUid(now: number): bigint {
    this.messageSequence = (this.messageSequence + 1) & 0xffff;
    return (BigInt(now - Date.UTC(2018, 0, 1)) << 21n) | (1n << 16n) | BigInt(this.messageSequence);
  }

  touchConversation(userId: string, type: number, target: string, line: number, unreadDelta: number, now: number): void {
    let entries = this.conversations.get(userId);
    if (!entries) {
      entries = new Map();
      this.conversations.set(userId, entries);
    }
    const key = `${type}\u0000${target}\u0000${line}`;
    const entry = entries.get(key) ?? { type, target, line, unread: 0, timestamp: now };
    entry.unread = unreadDelta === 0 ? entry.unread : entry.unread + unreadDelta;
    entry.timestamp = now;
    entries.set(key, entry);
  }

  deleteConversation(userId: string, type: number, target: string, line: number): void {
    this.conversations.get(userId)?.delete(`${type}\u0000${target}\u0000${line}`);
  }

  /** A JSON-friendly copy for `GET /__fake/state`. */
  snapshot(): Record<string, unknown> {
    return {
      users: [...this.users.values()],
      friends: Object.fromEntries([...this.friends].map(([owner, rows]) => [owner, Object.fromEntries(rows)])),
      requests: [...this.requests.values()],
      groups: [...this.groups.values()].map((group) => ({ info: group.info, members: [...group.members.values()] })),
      conversations: Object.fromEntries([...this.conversations].map(([owner, entries]) => [owner, [...entries.values()]])),
      messages: this.messages,
      chatrooms: [...this.chatrooms.values()].map((room) => ({ ...room, members: [...room.members] })),
      userStatus: Object.fromEntries(this.userStatus),
    };
  }
}
