/**
 * The independent read path the conformance suite verifies every write through: the native
 * store read directly, or a vendor fake's own state, translated into unified terms by test code
 * that shares nothing with the adapter under test. A write is only proven when the backdoor
 * sees it.
 */
import type { MemberRole, PeerType, RoomKind } from '../spec/types.js';

export interface BackdoorRoom {
  name: string;
  owner: string;
  muteAll: boolean;
}

export interface Backdoor {
  /** The stored user, or null when not registered. */
  user(uid: string): Promise<{ uid: string; name: string | null } | null>;
  /** Entries of `uid`'s friend list, with `uid`'s alias for each (null when none or not kept). */
  friends(uid: string): Promise<Array<{ friend: string; alias: string | null }>>;
  /** Users `uid` blocks. */
  blocks(uid: string): Promise<string[]>;
  /** Whether a pending friend request from `from` to `to` is stored. */
  pendingRequest(from: string, to: string): Promise<boolean>;
  /** Who may message `uid` (empty = anyone). */
  userWhitelist(uid: string): Promise<string[]>;
  room(kind: RoomKind, id: string): Promise<BackdoorRoom | null>;
  members(kind: RoomKind, id: string): Promise<Array<{ uid: string; role: MemberRole }>>;
  /** Members with an active mute. */
  mutedMembers(kind: RoomKind, id: string): Promise<string[]>;
  roomWhitelist(kind: RoomKind, id: string): Promise<string[]>;
  roomBlocks(kind: RoomKind, id: string): Promise<string[]>;
  /** Peers of `uid`'s visible conversations. */
  conversations(uid: string): Promise<Array<{ type: PeerType; id: string }>>;
}

/**
 * Thrown by a backdoor asked for state its vendor offers no read of (a live server without a
 * request list, say). A live conformance run reports the test as skipped with this reason rather
 * than passing or failing it on a guess.
 */
export class BackdoorCannotRead extends Error {
  constructor(what: string) {
    super(`the backdoor cannot read ${what}`);
    this.name = 'BackdoorCannotRead';
  }
}
