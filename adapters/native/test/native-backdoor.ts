/**
 * Reads the native store's tables directly, bypassing the backend's code paths, so the
 * conformance suite can verify every write independently. Test use only.
 */
import type Database from 'better-sqlite3';
import type { Backdoor } from '../../../src/testing/index.js';
import type { MemberRole, PeerType, RoomKind } from '../../../src/spec/index.js';

export function createNativeBackdoor(database: Database.Database, now: () => number = Date.now): Backdoor {
  const all = <T>(sql: string, ...parameters: unknown[]): T[] => database.prepare(sql).all(...parameters) as T[];
  const uids = (sql: string, ...parameters: unknown[]): string[] => all<{ uid: string }>(sql, ...parameters).map((row) => row.uid);
  return {
    user: async (uid) => (database.prepare('SELECT uid, name FROM users WHERE uid = ?').get(uid) as { uid: string; name: string | null } | undefined) ?? null,
    friends: async (uid) => all<{ friend: string; alias: string | null }>('SELECT friend, alias FROM friends WHERE owner = ?', uid),
    blocks: async (uid) => uids('SELECT blocked AS uid FROM blocks WHERE owner = ?', uid),
    pendingRequest: async (from, to) =>
      database.prepare("SELECT 1 FROM friend_requests WHERE from_uid = ? AND to_uid = ? AND status = 'pending'").get(from, to) !== undefined,
    userWhitelist: async (uid) => uids('SELECT allowed AS uid FROM user_whitelist WHERE owner = ?', uid),
    room: async (kind: RoomKind, id: string) => {
      const row = database.prepare('SELECT name, owner, mute_all FROM rooms WHERE kind = ? AND id = ?').get(kind, id) as
        | { name: string; owner: string; mute_all: number }
        | undefined;
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
