/**
 * The value types of the unified API. Field names and meanings are exactly those of
 * `docs/api.md`; every backend returns these shapes and nothing vendor-specific.
 * Times are ISO-8601 strings in UTC with milliseconds (`2026-11-21T10:00:00.000Z`).
 */

/** A registered user. */
export interface User {
  /** Unified user id: 1–64 chars of `A-Z a-z 0-9 _ - . @ :` (a backend may be stricter). */
  uid: string;
  /** Display name; null when never set. */
  name: string | null;
  /** Free-form application data (opaque string); null when never set. */
  extra: string | null;
}

/** Fields a caller may set on a user; an absent field keeps its stored value. */
export interface UserInput {
  name?: string;
  extra?: string;
}

/** One entry of `uid`'s friend list: `uid` lists `friend`. */
export interface Friendship {
  uid: string;
  friend: string;
  /** `uid`'s private name for `friend` (the vendors' "remark"); null when unset. */
  alias: string | null;
  /** `uid`'s private data about `friend`; null when unset. */
  extra: string | null;
  /** When `friend` entered `uid`'s list. */
  since: string;
}

/** Fields of `uid`'s view of a friendship; an absent field keeps its stored value. */
export interface FriendshipInput {
  alias?: string;
  extra?: string;
}

/** `mutual` removes both entries; `one-way` removes the friend from the caller's list only. */
export type FriendRemoveMode = 'mutual' | 'one-way';

/** `mutual` (the default) writes both entries; `one-way` only the caller's. */
export type FriendAddMode = 'mutual' | 'one-way';

export type FriendRequestStatus = 'pending' | 'accepted' | 'rejected';

/** A friend request from `from` to `to`. At most one request per ordered pair is kept. */
export interface FriendRequest {
  from: string;
  to: string;
  message: string | null;
  status: FriendRequestStatus;
  createdAt: string;
}

export type FriendRequestDirection = 'incoming' | 'outgoing';

/** `uid` blocks `blocked`: one-way, independent of friendship. */
export interface Block {
  uid: string;
  blocked: string;
  since: string;
}

/** Everything `uid` and `other` are to each other, seen from `uid`. */
export interface Relation {
  uid: string;
  other: string;
  /** `other` is in `uid`'s friend list. */
  friend: boolean;
  /** `uid` is in `other`'s friend list. */
  friendOf: boolean;
  /** `uid` blocks `other`. */
  blocking: boolean;
  /** `other` blocks `uid`. */
  blockedBy: boolean;
  /** From `uid`'s friendship entry for `other`; null when `friend` is false. */
  alias: string | null;
  extra: string | null;
}

/** A user id alone, as listed by whitelists and room blocklists. */
export interface UidEntry {
  uid: string;
}

/** The two kinds of room. Groups are persistent; chatrooms are the vendors' live/large rooms. */
export type RoomKind = 'group' | 'chatroom';

/** The path segment of each kind: `/v1/groups`, `/v1/chatrooms`. */
export const ROOM_KIND_PATHS: Readonly<Record<RoomKind, 'groups' | 'chatrooms'>> = {
  group: 'groups',
  chatroom: 'chatrooms',
};

/** Identifies a room: its kind and its id. */
export interface RoomRef {
  kind: RoomKind;
  id: string;
}

export interface Room {
  id: string;
  kind: RoomKind;
  name: string;
  owner: string;
  /** Mute-all is on: only the owner, admins and whitelisted members may send. */
  muteAll: boolean;
  /** Members including the owner. */
  memberCount: number;
}

export interface RoomInput {
  /** Wanted id; the backend generates one when absent. */
  id?: string;
  name: string;
  owner: string;
  /** Initial members besides the owner. */
  members?: string[];
}

export type MemberRole = 'owner' | 'admin' | 'member';

/** When a mute ends: an ISO time, `forever`, or null for "not muted". */
export type MutedUntil = string | 'forever' | null;

export interface Member {
  uid: string;
  role: MemberRole;
  /** Active mute only: an expired mute reads as null. */
  mutedUntil: MutedUntil;
}

export interface Mute {
  uid: string;
  /** Never null here: only active mutes are listed. */
  mutedUntil: string | 'forever';
}

export type PeerType = 'user' | 'group' | 'chatroom';

/** The other side of a conversation: a user or a room, always by its bare id. */
export interface Peer {
  type: PeerType;
  id: string;
}

export interface Conversation {
  peer: Peer;
  unread: number;
  lastMessageAt: string | null;
}

export interface MessageInput {
  from: string;
  to: Peer;
  text: string;
}

export interface SentMessage {
  /** Backend message id as a string (vendor ids can exceed 2^53 and are kept exact). */
  id: string;
  sentAt: string;
}

/** Paging options of every list: `limit` 1..500 (default 100) and an opaque `cursor`. */
export interface ListOptions {
  limit?: number;
  cursor?: string | null;
}

/** One page of a list; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Per-item outcome of a batch call. `error` is the unified error body of that item. */
export interface BatchItemResult {
  id: string;
  ok: boolean;
  error?: { code: string; message: string; retryable: boolean; details?: Record<string, unknown> };
}

export interface BatchResult {
  results: BatchItemResult[];
}

/** Health of one backend as `/readyz` and `/v1/backends` report it. */
export interface BackendHealth {
  ok: boolean;
  /** Why not ok (secret-free), or a short status note. */
  detail?: string;
}
