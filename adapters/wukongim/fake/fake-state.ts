/**
 * The WuKongIM fake's in-memory state, in WuKongIM's own terms (vendor note §2–§9, v2.2.5):
 * channels keyed by (channel_id, channel_type) with info flags, subscribers, a whitelist
 * (allowlist) and a blacklist (denylist); message logs keyed by the INTERNAL channel id (person
 * chats live under the `X@Y` fake id); conversation rows per user. Nothing here knows imbridge.
 */
import { SYSTEM_UID, fnv64a, personChannelId } from '../protocol/wire.js';

export { GROUP, PERSON, SYSTEM_UID, fnv64a } from '../protocol/wire.js';

export interface ChannelInfo {
  large: number;
  ban: number;
  disband: number;
  send_ban: number;
  allow_stranger: number;
}

export interface ListMember {
  /** FNV-64a hash of the uid (uint64): can exceed 2^53, as on the real server. */
  id: bigint;
  uid: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface FakeChannel {
  channelId: string;
  channelType: number;
  /** False until `/channel`, `/channel/info` or a subscriber call created the info row. */
  hasInfo: boolean;
  info: ChannelInfo;
  /**
   * The info row's creation time in ns, the key of the channel search's index (note §11): set
   * when `/channel` or `/channel/info` creates the row and kept by later updates; null for a row
   * `subscriber_add` created (it writes none) and for a channel without a row.
   */
  createdAt: bigint | null;
  subscribers: Set<string>;
  whitelist: Map<string, ListMember>;
  blacklist: Map<string, ListMember>;
}

export interface StoredMessage {
  messageId: bigint;
  messageSeq: number;
  clientMsgNo: string;
  fromUid: string;
  /** Channel id as the sender addressed it (peer uid for person chats). */
  channelId: string;
  channelType: number;
  timestamp: number;
  payload: string;
  header: { no_persist: number; red_dot: number; sync_once: number };
}

export interface MessageLog {
  lastSeq: number;
  messages: StoredMessage[];
}

export interface ConversationRow {
  /** Internal channel id (the fake `X@Y` id for person chats). */
  channelId: string;
  channelType: number;
  readSeq: number;
  /** Soft-delete mark (v2.1.4+): messages up to this seq are hidden. */
  deletedAtSeq: number;
  version: bigint;
  /**
   * Set while the row is only in the conversation manager's memory cache, not yet stored: until
   * this time (ms) `/conversations/delete` finds no row and does nothing (audit W1).
   */
  cachedUntil?: number;
}

export interface FakeServerOptions {
  /** `managerToken`; empty = no auth (the vendor default). */
  managerToken: string;
  /** Vendor default true: person whitelists are not enforced. */
  whitelistOffOfPerson: boolean;
  version: string;
  /** `conversation.syncInterval` in ms (code default 1 min): how often cached conversations are stored. */
  conversationSyncIntervalMs: number;
  /** Lag between answering `/message/send` and storing the message. */
  storeDelayMs: number;
}

export const EMPTY_INFO: ChannelInfo = { large: 0, ban: 0, disband: 0, send_ban: 0, allow_stranger: 0 };

/** The internal id of a 1:1 chat (note §2; the rule lives in the protocol). */
export const personFakeChannelId = personChannelId;

export class FakeState {
  users = new Map<string, { tokens: Map<number, string> }>();
  systemUids = new Set<string>([SYSTEM_UID]);
  channels = new Map<string, FakeChannel>();
  logs = new Map<string, MessageLog>();
  conversations = new Map<string, Map<string, ConversationRow>>();
  private nextMessageId = 2n ** 60n + 7n;
  private versionCounter = 0n;
  private lastCreatedAt = 0n;

  private readonly startedAt = Date.now();

  constructor(readonly options: FakeServerOptions) {}

  /**
   * The next tick of the server's conversation flush (a ticker every `syncInterval` since start,
   * `internal/manager/manager_conversation.go` loopStoreConversations).
   */
  nextConversationFlush(now = Date.now()): number {
    const interval = this.options.conversationSyncIntervalMs;
    return this.startedAt + (Math.floor((now - this.startedAt) / interval) + 1) * interval;
  }

  /** Whether `row` is still only cached (not stored) now. */
  static isCached(row: ConversationRow, now = Date.now()): boolean {
    return row.cachedUntil !== undefined && now < row.cachedUntil;
  }

  reset(): void {
    this.users.clear();
    this.systemUids = new Set([SYSTEM_UID]);
    this.channels.clear();
    this.logs.clear();
    this.conversations.clear();
  }

  static key(channelId: string, channelType: number): string {
    return `${channelType}/${channelId}`;
  }

  channel(channelId: string, channelType: number): FakeChannel | undefined {
    return this.channels.get(FakeState.key(channelId, channelType));
  }

  ensureChannel(channelId: string, channelType: number): FakeChannel {
    const key = FakeState.key(channelId, channelType);
    let channel = this.channels.get(key);
    if (!channel) {
      channel = {
        channelId,
        channelType,
        hasInfo: false,
        info: { ...EMPTY_INFO },
        createdAt: null,
        subscribers: new Set(),
        whitelist: new Map(),
        blacklist: new Map(),
      };
      this.channels.set(key, channel);
    }
    return channel;
  }

  upsertListMember(list: Map<string, ListMember>, uid: string): void {
    const now = new Date();
    const existing = list.get(uid);
    if (existing) existing.updatedAt = now;
    else list.set(uid, { id: fnv64a(uid), uid, createdAt: now, updatedAt: now });
  }

  log(internalId: string, channelType: number): MessageLog {
    const key = FakeState.key(internalId, channelType);
    let log = this.logs.get(key);
    if (!log) {
      log = { lastSeq: 0, messages: [] };
      this.logs.set(key, log);
    }
    return log;
  }

  lastSeq(internalId: string, channelType: number): number {
    return this.logs.get(FakeState.key(internalId, channelType))?.lastSeq ?? 0;
  }

  rowsOf(uid: string): Map<string, ConversationRow> {
    let rows = this.conversations.get(uid);
    if (!rows) {
      rows = new Map();
      this.conversations.set(uid, rows);
    }
    return rows;
  }

  conversation(uid: string, internalId: string, channelType: number): ConversationRow | undefined {
    return this.conversations.get(uid)?.get(FakeState.key(internalId, channelType));
  }

  /** Creates the row when missing; the read position starts at `readSeq`. */
  ensureConversation(uid: string, internalId: string, channelType: number, readSeq: number): ConversationRow {
    const rows = this.rowsOf(uid);
    const key = FakeState.key(internalId, channelType);
    let row = rows.get(key);
    if (!row) {
      row = { channelId: internalId, channelType, readSeq, deletedAtSeq: 0, version: this.nextVersion() };
      rows.set(key, row);
    }
    return row;
  }

  deleteConversation(uid: string, internalId: string, channelType: number): void {
    this.conversations.get(uid)?.delete(FakeState.key(internalId, channelType));
  }

  nextVersion(): bigint {
    this.versionCounter += 1n;
    return BigInt(Date.now()) * 1_000_000n + this.versionCounter;
  }

  /** `time.Now().UnixNano()` for a new info row: strictly increasing, as on one node. */
  nextCreatedAt(): bigint {
    const now = BigInt(Date.now()) * 1_000_000n;
    this.lastCreatedAt = now > this.lastCreatedAt ? now : this.lastCreatedAt + 1n;
    return this.lastCreatedAt;
  }

  newMessageId(): bigint {
    this.nextMessageId += 1n;
    return this.nextMessageId;
  }
}
