/**
 * Reads the native store's tables directly, bypassing the backend's code paths, so the
 * conformance suite can verify every write independently. Test use only.
 */
import type { Backdoor } from '../../../src/testing/index.js';
import type { MemberRole, PeerType, RoomKind } from '../../../src/spec/index.js';

/** Rows of one statement with `?` placeholders, read through the backdoor's own connection. */
export type BackdoorQuery = <Row>(sql: string, parameters: unknown[]) => Promise<Row[]>;

export function createNativeBackdoor(query: BackdoorQuery, now: () => number = Date.now): Backdoor {
  const all = <T>(sql: string, ...parameters: unknown[]): Promise<T[]> => query<T>(sql, parameters);
  const uids = async (sql: string, ...parameters: unknown[]): Promise<string[]> => (await all<{ uid: string }>(sql, ...parameters)).map((row) => row.uid);
  return {
    user: async (uid) => (await all<{ uid: string; name: string | null }>('SELECT uid, name FROM users WHERE uid = ?', uid))[0] ?? null,
    friends: async (uid) => all<{ friend: string; alias: string | null }>('SELECT friend, alias FROM friends WHERE owner = ?', uid),
    blocks: async (uid) => uids('SELECT blocked AS uid FROM blocks WHERE owner = ?', uid),
    pendingRequest: async (from, to) =>
      (await all("SELECT 1 AS hit FROM friend_requests WHERE from_uid = ? AND to_uid = ? AND status = 'pending'", from, to)).length > 0,
    userWhitelist: async (uid) => uids('SELECT allowed AS uid FROM user_whitelist WHERE owner = ?', uid),
    room: async (kind: RoomKind, id: string) => {
      const row = (await all<{ name: string; owner: string; mute_all: number }>('SELECT name, owner, mute_all FROM rooms WHERE kind = ? AND id = ?', kind, id))[0];
      return row ? { name: row.name, owner: row.owner, muteAll: row.mute_all === 1 } : null;
    },
    members: async (kind, id) => all<{ uid: string; role: MemberRole }>('SELECT uid, role FROM members WHERE kind = ? AND room_id = ?', kind, id),
    mutedMembers: async (kind, id) =>
      uids('SELECT uid FROM mutes WHERE kind = ? AND room_id = ? AND (until_ms IS NULL OR until_ms > ?)', kind, id, now()),
    roomWhitelist: async (kind, id) => uids('SELECT uid FROM room_whitelist WHERE kind = ? AND room_id = ?', kind, id),
    roomBlocks: async (kind, id) => uids('SELECT uid FROM room_blocks WHERE kind = ? AND room_id = ?', kind, id),
    conversations: async (uid) =>
      all<{ type: PeerType; id: string }>('SELECT peer_type AS type, peer_id AS id FROM conversations WHERE owner = ?', uid),
  };
}
