/**
 * The send policy, decided once. Each backend reads the facts its vendor keeps (a denylist, two
 * friend lists, a whitelist; a member row, a mute, a mute-all flag) and these functions refuse in
 * the contract's order, with the same codes and texts on every backend:
 * direct — BLOCKED, then NOT_FRIENDS, then NOT_WHITELISTED; room — NOT_MEMBER, then MUTED (the
 * member's own mute), then MUTED (mute-all, unless exempt).
 */
import { PolicyError, type RoomRef } from '../spec/index.js';

export interface DirectSendFacts {
  /** The recipient blocks the sender. */
  blocked: boolean;
  /** Friendship is required to message, and the two are not friends both ways. */
  notFriends?: boolean;
  /** The recipient accepts messages only from a whitelist that does not hold the sender. */
  notWhitelisted?: boolean;
}

/** Throws the 403 a direct message from `from` to `to` earns, if any. */
export function checkDirectSend(from: string, to: string, facts: DirectSendFacts): void {
  if (facts.blocked) throw new PolicyError('BLOCKED', `"${to}" blocks "${from}"`, { details: { from, to } });
  if (facts.notFriends === true) {
    throw new PolicyError('NOT_FRIENDS', `"${from}" and "${to}" are not friends, and this backend requires friendship to message`, { details: { from, to } });
  }
  if (facts.notWhitelisted === true) throw new PolicyError('NOT_WHITELISTED', `"${to}" accepts messages only from its whitelist`, { details: { from, to } });
}

export interface RoomSendFacts {
  /** The sender is a member (a banned user is not). */
  member: boolean;
  /** The sender's own mute: its end (`forever` or an ISO time), or null when not muted. */
  mutedUntil: string | null;
  /** Mute-all is on. */
  muteAll: boolean;
  /** The sender may talk during mute-all (owner, admin or whitelisted, as the backend defines). */
  exemptFromMuteAll: boolean;
}

/** Throws the 403 a message from `from` to `room` earns, if any. An individual mute wins over the whitelist. */
export function checkRoomSend(room: RoomRef, from: string, facts: RoomSendFacts): void {
  if (!facts.member) throw new PolicyError('NOT_MEMBER', `"${from}" is not a member of ${room.kind} "${room.id}"`, { details: { uid: from } });
  if (facts.mutedUntil !== null) {
    throw new PolicyError('MUTED', `"${from}" is muted in ${room.kind} "${room.id}"`, { details: { uid: from, mutedUntil: facts.mutedUntil } });
  }
  if (facts.muteAll && !facts.exemptFromMuteAll) {
    throw new PolicyError('MUTED', `${room.kind} "${room.id}" is muted for everyone but its owner, admins and whitelist`, { details: { uid: from } });
  }
}
