/**
 * The reference backend: every unified operation, with the meaning `docs/api.md` gives it,
 * answered from its own SQLite store. Vendor adapters are held to what this backend does.
 *
 * All statements are synchronous (better-sqlite3), so a write that touches several rows runs in
 * one `transaction`, and no other request can interleave between a policy check and its write.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
  PolicyError,
  SPEC_VERSION,
  UNIFIED_ID_RULE,
  defineCapabilities,
  failedBatchItem,
  type Backend,
  type BackendContext,
  type SendPolicy,
  type BackendHealth,
  type BatchItemResult,
  type BatchResult,
  type Block,
  type Conversation,
  type FriendAddMode,
  type FriendRemoveMode,
  type FriendRequest,
  type FriendRequestDirection,
  type FriendRequestStatus,
  type Friendship,
  type FriendshipInput,
  type ListOptions,
  type Member,
  type MemberRole,
  type MessageInput,
  type Mute,
  type MutedUntil,
  type Page,
  type PeerType,
  type Relation,
  type Room,
  type RoomInput,
  type RoomKind,
  type RoomRef,
  type SentMessage,
  type UidEntry,
  type User,
  type UserInput,
} from '../../../src/spec/index.js';
import {
  compositePeerIdError,
  looksLikeCompositePeerId,
  paginate,
  pageLimit,
  encodePositionCursor,
  decodePositionCursor,
  emitChange,
  checkDirectSend,
  checkRoomSend,
} from '../../../src/runtime/index.js';

export interface NativePolicy {
  /** Direct messages need mutual friendship. */
  requireFriendship: boolean;
}

interface UserRow {
  uid: string;
  name: string | null;
  extra: string | null;
}

interface FriendRow {
  owner: string;
  friend: string;
  alias: string | null;
  extra: string | null;
  since: number;
}

interface RequestRow {
  from_uid: string;
  to_uid: string;
  message: string | null;
  status: FriendRequestStatus;
  created_at: number;
}

interface RoomRow {
  kind: RoomKind;
  id: string;
  name: string;
  owner: string;
  mute_all: number;
  member_count: number;
}

interface MemberRow {
  uid: string;
  role: MemberRole;
  until_ms: number | null;
  muted: number;
}

const ROLE_ORDER = "CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END";

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function toFriendship(row: FriendRow): Friendship {
  return { uid: row.owner, friend: row.friend, alias: row.alias, extra: row.extra, since: iso(row.since) };
}

function toRequest(row: RequestRow): FriendRequest {
  return { from: row.from_uid, to: row.to_uid, message: row.message, status: row.status, createdAt: iso(row.created_at) };
}

/** A keyset cursor's position is the last id of its page: anything else was not issued here. */
const KEY_POSITION = new RegExp(UNIFIED_ID_RULE.pattern);

/**
 * A keyset page: `rows` were read with one row more than `limit`, ordered by `key`; the extra row
 * only says whether another page follows, and the cursor is the last key kept.
 */
function keysetPage<Row, Item>(rows: Row[], limit: number, key: (row: Row) => string, toItem: (row: Row) => Item): Page<Item> {
  const kept = rows.slice(0, limit);
  return { items: kept.map(toItem), nextCursor: rows.length > limit ? encodePositionCursor(key(kept[kept.length - 1]!)) : null };
}

function toRoom(row: RoomRow): Room {
  return { id: row.id, kind: row.kind, name: row.name, owner: row.owner, muteAll: row.mute_all === 1, memberCount: row.member_count };
}

function mutedUntil(untilMs: number | null): Exclude<MutedUntil, null> {
  return untilMs === null ? 'forever' : iso(untilMs);
}

function roomLabel(room: RoomRef): string {
  return `${room.kind}:${room.id}`;
}

export class NativeBackend implements Backend {
  readonly specVersion = SPEC_VERSION;
  readonly vendor = 'native';
  readonly capabilities = defineCapabilities(true);
  readonly idRule = UNIFIED_ID_RULE;
  readonly sendPolicy?: SendPolicy;
  readonly name: string;

  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly database: Database.Database,
    private readonly policy: NativePolicy,
    private readonly context: BackendContext,
  ) {
    this.name = context.name;
    if (policy.requireFriendship) this.sendPolicy = { requireFriendship: true };
  }

  // ---- plumbing -------------------------------------------------------------------------------

  /** Prepared once per SQL text; better-sqlite3 statements are reusable and fast. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.database.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  private transaction<T>(work: () => T): T {
    return this.database.transaction(work)();
  }

  private findUser(uid: string): UserRow | undefined {
    return this.sql('SELECT uid, name, extra FROM users WHERE uid = ?').get(uid) as UserRow | undefined;
  }

  private requireUsers(...uids: string[]): void {
    for (const uid of uids) {
      if (!this.findUser(uid)) throw new NotFoundError('USER_NOT_FOUND', `user "${uid}" is not registered`, { details: { uid } });
    }
  }

  private findFriend(owner: string, friend: string): FriendRow | undefined {
    return this.sql('SELECT * FROM friends WHERE owner = ? AND friend = ?').get(owner, friend) as FriendRow | undefined;
  }

  private isBlocking(owner: string, blocked: string): boolean {
    return this.sql('SELECT 1 FROM blocks WHERE owner = ? AND blocked = ?').get(owner, blocked) !== undefined;
  }

  private findRoom(room: RoomRef): RoomRow | undefined {
    return this.sql(
      `SELECT r.kind, r.id, r.name, r.owner, r.mute_all,
              (SELECT COUNT(*) FROM members m WHERE m.kind = r.kind AND m.room_id = r.id) AS member_count
         FROM rooms r WHERE r.kind = ? AND r.id = ?`,
    ).get(room.kind, room.id) as RoomRow | undefined;
  }

  private requireRoom(room: RoomRef): RoomRow {
    const row = this.findRoom(room);
    if (!row) throw new NotFoundError('GROUP_NOT_FOUND', `${room.kind} "${room.id}" does not exist`, { details: { kind: room.kind, id: room.id } });
    return row;
  }

  private findMember(room: RoomRef, uid: string): MemberRow | undefined {
    return this.sql(
      `SELECT m.uid, m.role, mu.until_ms, (mu.uid IS NOT NULL AND (mu.until_ms IS NULL OR mu.until_ms > ?)) AS muted
         FROM members m LEFT JOIN mutes mu ON mu.kind = m.kind AND mu.room_id = m.room_id AND mu.uid = m.uid
        WHERE m.kind = ? AND m.room_id = ? AND m.uid = ?`,
    ).get(this.context.now(), room.kind, room.id, uid) as MemberRow | undefined;
  }

  private requireMember(room: RoomRef, uid: string): MemberRow {
    const member = this.findMember(room, uid);
    if (!member) throw new PolicyError('NOT_MEMBER', `"${uid}" is not a member of ${room.kind} "${room.id}"`, { details: { uid } });
    return member;
  }

  private isRoomBanned(room: RoomRef, uid: string): boolean {
    return this.sql('SELECT 1 FROM room_blocks WHERE kind = ? AND room_id = ? AND uid = ?').get(room.kind, room.id, uid) !== undefined;
  }

  /** Runs `work` per id inside one transaction per item, turning unified errors into item failures. */
  private batch(ids: readonly string[], work: (id: string) => void): BatchResult {
    const results: BatchItemResult[] = [];
    for (const id of ids) {
      try {
        this.transaction(() => work(id));
        results.push({ id, ok: true });
      } catch (error) {
        results.push(failedBatchItem(id, error));
      }
    }
    return { results };
  }

  // ---- users ----------------------------------------------------------------------------------

  private putUser(uid: string, input: UserInput): User {
    const before = this.findUser(uid);
    this.sql(
      `INSERT INTO users (uid, name, extra, created_at) VALUES (@uid, @name, @extra, @now)
       ON CONFLICT (uid) DO UPDATE SET
         name = CASE WHEN @hasName THEN excluded.name ELSE users.name END,
         extra = CASE WHEN @hasExtra THEN excluded.extra ELSE users.extra END`,
    ).run({
      uid,
      name: input.name ?? null,
      extra: input.extra ?? null,
      hasName: input.name === undefined ? 0 : 1,
      hasExtra: input.extra === undefined ? 0 : 1,
      now: this.context.now(),
    });
    const after = this.findUser(uid)!;
    emitChange(this.context, 'user.updated', { uid }, before ?? null, after);
    return { uid: after.uid, name: after.name, extra: after.extra };
  }

  readonly users = {
    put: async (uid: string, input: UserInput): Promise<User> => this.putUser(uid, input),
    putMany: async (users: Array<{ uid: string; name?: string }>): Promise<BatchResult> => {
      const results: BatchItemResult[] = [];
      this.transaction(() => {
        for (const user of users) {
          this.putUser(user.uid, user.name === undefined ? {} : { name: user.name });
          results.push({ id: user.uid, ok: true });
        }
      });
      return { results };
    },
    get: async (uid: string): Promise<User> => {
      const row = this.findUser(uid);
      if (!row) throw new NotFoundError('USER_NOT_FOUND', `user "${uid}" is not registered`, { details: { uid } });
      return { uid: row.uid, name: row.name, extra: row.extra };
    },
    // Keyset on the primary key: WITHOUT ROWID tables are stored in uid order, so each page is one
    // range read of that b-tree, whatever the offset — no index beyond the key is needed.
    list: async (options: ListOptions): Promise<Page<User>> => {
      const limit = pageLimit(options);
      const after = decodePositionCursor(options.cursor, KEY_POSITION);
      const rows = this.sql('SELECT uid, name, extra FROM users WHERE uid > ? ORDER BY uid LIMIT ?').all(after ?? '', limit + 1) as UserRow[];
      return keysetPage(rows, limit, (row) => row.uid, (row) => ({ uid: row.uid, name: row.name, extra: row.extra }));
    },
  };

  // ---- friends --------------------------------------------------------------------------------

  /** Makes `owner`'s entry (and, unless one-way, the reverse) exist; sets `owner`'s view from `input`. Call inside a transaction. */
  private linkFriends(owner: string, friend: string, input: FriendshipInput, mode: FriendAddMode = 'mutual'): FriendRow {
    const now = this.context.now();
    const before = this.findFriend(owner, friend);
    const insert = this.sql('INSERT INTO friends (owner, friend, alias, extra, since) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
    if (before) {
      this.sql(
        `UPDATE friends SET alias = CASE WHEN @hasAlias THEN @alias ELSE alias END,
                            extra = CASE WHEN @hasExtra THEN @extra ELSE extra END
          WHERE owner = @owner AND friend = @friend`,
      ).run({
        owner,
        friend,
        alias: input.alias ?? null,
        extra: input.extra ?? null,
        hasAlias: input.alias === undefined ? 0 : 1,
        hasExtra: input.extra === undefined ? 0 : 1,
      });
    } else {
      insert.run(owner, friend, input.alias ?? null, input.extra ?? null, now);
    }
    const reverseExisted = mode === 'one-way' || this.findFriend(friend, owner) !== undefined;
    if (!reverseExisted) insert.run(friend, owner, null, null, now);
    const after = this.findFriend(owner, friend)!;
    if (!before || !reverseExisted) emitChange(this.context, 'friend.added', { uid: owner, friend, mode }, before ?? null, toFriendship(after));
    else if (before.alias !== after.alias || before.extra !== after.extra) {
      emitChange(this.context, 'friend.infoChanged', { uid: owner, friend }, toFriendship(before), toFriendship(after));
    }
    return after;
  }

  readonly friends = {
    put: async (uid: string, friend: string, input: FriendshipInput, mode: FriendAddMode = 'mutual'): Promise<Friendship> => {
      this.requireUsers(uid, friend);
      return toFriendship(this.transaction(() => this.linkFriends(uid, friend, input, mode)));
    },
    remove: async (uid: string, friend: string, mode: FriendRemoveMode): Promise<void> => {
      this.requireUsers(uid, friend);
      this.transaction(() => {
        const remove = this.sql('DELETE FROM friends WHERE owner = ? AND friend = ?');
        const removed = remove.run(uid, friend).changes + (mode === 'mutual' ? remove.run(friend, uid).changes : 0);
        if (removed > 0) emitChange(this.context, 'friend.deleted', { uid, friend, mode }, null, null);
      });
    },
    list: async (uid: string, options: ListOptions & { query?: string; uids?: string[] }): Promise<Page<Friendship>> => {
      this.requireUsers(uid);
      let rows = this.sql(
        'SELECT f.*, u.name AS friend_name FROM friends f JOIN users u ON u.uid = f.friend WHERE f.owner = ? ORDER BY f.friend',
      ).all(uid) as Array<FriendRow & { friend_name: string | null }>;
      if (options.uids !== undefined) {
        const wanted = new Set(options.uids);
        rows = rows.filter((row) => wanted.has(row.friend));
      }
      if (options.query !== undefined && options.query !== '') {
        const needle = options.query.toLowerCase();
        rows = rows.filter((row) => [row.friend, row.friend_name, row.alias].some((text) => text?.toLowerCase().includes(needle)));
      }
      return paginate(rows.map(toFriendship), options);
    },
    get: async (uid: string, friend: string): Promise<Friendship> => {
      this.requireUsers(uid, friend);
      const row = this.findFriend(uid, friend);
      if (!row) throw new NotFoundError('NOT_FRIENDS', `"${friend}" is not in the friend list of "${uid}"`);
      return toFriendship(row);
    },
    update: async (uid: string, friend: string, input: FriendshipInput): Promise<Friendship> => {
      this.requireUsers(uid, friend);
      return this.transaction(() => {
        const before = this.findFriend(uid, friend);
        if (!before) throw new NotFoundError('NOT_FRIENDS', `"${friend}" is not in the friend list of "${uid}"`);
        this.sql(
          `UPDATE friends SET alias = CASE WHEN @hasAlias THEN @alias ELSE alias END,
                              extra = CASE WHEN @hasExtra THEN @extra ELSE extra END
            WHERE owner = @owner AND friend = @friend`,
        ).run({
          owner: uid,
          friend,
          alias: input.alias ?? null,
          extra: input.extra ?? null,
          hasAlias: input.alias === undefined ? 0 : 1,
          hasExtra: input.extra === undefined ? 0 : 1,
        });
        const after = toFriendship(this.findFriend(uid, friend)!);
        emitChange(this.context, 'friend.infoChanged', { uid, friend }, toFriendship(before), after);
        return after;
      });
    },
  };

  // ---- friend requests ------------------------------------------------------------------------

  private findPendingRequest(from: string, to: string): RequestRow | undefined {
    return this.sql("SELECT * FROM friend_requests WHERE from_uid = ? AND to_uid = ? AND status = 'pending'").get(from, to) as
      | RequestRow
      | undefined;
  }

  private requirePendingRequest(from: string, to: string): RequestRow {
    const row = this.findPendingRequest(from, to);
    if (!row) throw new NotFoundError('REQUEST_NOT_FOUND', `no pending friend request from "${from}" to "${to}"`);
    return row;
  }

  readonly friendRequests = {
    send: async (from: string, to: string, message: string | null): Promise<FriendRequest> => {
      this.requireUsers(from, to);
      return this.transaction(() => {
        if (this.isBlocking(to, from)) throw new PolicyError('BLOCKED', `"${to}" blocks "${from}"`);
        if (this.findFriend(from, to) && this.findFriend(to, from)) {
          throw new ConflictError('ALREADY_FRIENDS', `"${from}" and "${to}" are already friends`);
        }
        if (this.findPendingRequest(from, to)) throw new ConflictError('REQUEST_PENDING', `a request from "${from}" to "${to}" is already pending`);
        // One row per ordered pair: a new request replaces an answered one.
        this.sql(
          `INSERT INTO friend_requests (from_uid, to_uid, message, status, created_at) VALUES (?, ?, ?, 'pending', ?)
           ON CONFLICT (from_uid, to_uid) DO UPDATE SET message = excluded.message, status = 'pending', created_at = excluded.created_at`,
        ).run(from, to, message, this.context.now());
        const request = toRequest(this.findPendingRequest(from, to)!);
        emitChange(this.context, 'friendRequest.added', { from, to }, null, request);
        return request;
      });
    },
    list: async (uid: string, direction: FriendRequestDirection, options: ListOptions): Promise<Page<FriendRequest>> => {
      this.requireUsers(uid);
      const column = direction === 'incoming' ? 'to_uid' : 'from_uid';
      const rows = this.sql(`SELECT * FROM friend_requests WHERE ${column} = ? ORDER BY created_at DESC, from_uid, to_uid`).all(uid) as RequestRow[];
      return paginate(rows.map(toRequest), options);
    },
    withdraw: async (from: string, to: string): Promise<void> => {
      this.requireUsers(from, to);
      this.transaction(() => {
        const request = this.requirePendingRequest(from, to);
        this.sql('DELETE FROM friend_requests WHERE from_uid = ? AND to_uid = ?').run(from, to);
        emitChange(this.context, 'friendRequest.deleted', { from, to }, toRequest(request), null);
      });
    },
    accept: async (to: string, from: string): Promise<Friendship> => {
      this.requireUsers(to, from);
      return this.transaction(() => {
        const request = this.requirePendingRequest(from, to);
        // Accepting settles a crossed request in the other direction too.
        this.sql(
          `UPDATE friend_requests SET status = 'accepted'
            WHERE status = 'pending' AND ((from_uid = ? AND to_uid = ?) OR (from_uid = ? AND to_uid = ?))`,
        ).run(from, to, to, from);
        const friendship = this.linkFriends(to, from, {});
        emitChange(this.context, 'friendRequest.accepted', { from, to }, toRequest(request), { ...toRequest(request), status: 'accepted' });
        return toFriendship(friendship);
      });
    },
    reject: async (to: string, from: string): Promise<FriendRequest> => {
      this.requireUsers(to, from);
      return this.transaction(() => {
        const request = this.requirePendingRequest(from, to);
        this.sql("UPDATE friend_requests SET status = 'rejected' WHERE from_uid = ? AND to_uid = ?").run(from, to);
        const after: FriendRequest = { ...toRequest(request), status: 'rejected' };
        emitChange(this.context, 'friendRequest.rejected', { from, to }, toRequest(request), after);
        return after;
      });
    },
  };

  // ---- blocks ---------------------------------------------------------------------------------

  private putBlock(uid: string, blocked: string): Block {
    this.requireUsers(uid, blocked);
    const inserted = this.sql('INSERT INTO blocks (owner, blocked, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(
      uid,
      blocked,
      this.context.now(),
    ).changes;
    const row = this.sql('SELECT since FROM blocks WHERE owner = ? AND blocked = ?').get(uid, blocked) as { since: number };
    const block: Block = { uid, blocked, since: iso(row.since) };
    if (inserted > 0) emitChange(this.context, 'block.added', { uid, blocked }, null, block);
    return block;
  }

  readonly blocks = {
    put: async (uid: string, blocked: string): Promise<Block> => this.transaction(() => this.putBlock(uid, blocked)),
    putMany: async (uid: string, blocked: string[]): Promise<BatchResult> => {
      this.requireUsers(uid);
      return this.batch(blocked, (other) => void this.putBlock(uid, other));
    },
    remove: async (uid: string, blocked: string): Promise<void> => {
      this.requireUsers(uid, blocked);
      const removed = this.sql('DELETE FROM blocks WHERE owner = ? AND blocked = ?').run(uid, blocked).changes;
      if (removed > 0) emitChange(this.context, 'block.deleted', { uid, blocked }, null, null);
    },
    list: async (uid: string, options: ListOptions): Promise<Page<Block>> => {
      this.requireUsers(uid);
      const rows = this.sql('SELECT blocked, since FROM blocks WHERE owner = ? ORDER BY blocked').all(uid) as Array<{ blocked: string; since: number }>;
      return paginate(
        rows.map((row) => ({ uid, blocked: row.blocked, since: iso(row.since) })),
        options,
      );
    },
  };

  readonly relations = {
    // The hottest read of the API: one statement answers every flag and checks both users exist.
    get: async (uid: string, other: string): Promise<Relation> => {
      const row = this.sql(
        `SELECT (SELECT COUNT(*) FROM users WHERE uid IN (@uid, @other)) AS known,
                f.owner IS NOT NULL AS friend, f.alias, f.extra,
                EXISTS (SELECT 1 FROM friends WHERE owner = @other AND friend = @uid) AS friendOf,
                EXISTS (SELECT 1 FROM blocks WHERE owner = @uid AND blocked = @other) AS blocking,
                EXISTS (SELECT 1 FROM blocks WHERE owner = @other AND blocked = @uid) AS blockedBy
           FROM (SELECT 1) LEFT JOIN friends f ON f.owner = @uid AND f.friend = @other`,
      ).get({ uid, other }) as { known: number; friend: number; alias: string | null; extra: string | null; friendOf: number; blocking: number; blockedBy: number };
      if (row.known < 2) this.requireUsers(uid, other);
      return {
        uid,
        other,
        friend: row.friend === 1,
        friendOf: row.friendOf === 1,
        blocking: row.blocking === 1,
        blockedBy: row.blockedBy === 1,
        alias: row.alias,
        extra: row.extra,
      };
    },
  };

  // ---- user whitelist -------------------------------------------------------------------------

  private userWhitelistPage(uid: string, options: ListOptions): Page<UidEntry> {
    const rows = this.sql('SELECT allowed AS uid FROM user_whitelist WHERE owner = ? ORDER BY allowed').all(uid) as UidEntry[];
    return paginate(rows, options);
  }

  readonly userWhitelist = {
    list: async (uid: string, options: ListOptions): Promise<Page<UidEntry>> => {
      this.requireUsers(uid);
      return this.userWhitelistPage(uid, options);
    },
    replace: async (uid: string, uids: string[]): Promise<Page<UidEntry>> => {
      this.requireUsers(uid, ...uids);
      return this.transaction(() => {
        this.sql('DELETE FROM user_whitelist WHERE owner = ?').run(uid);
        const insert = this.sql('INSERT INTO user_whitelist (owner, allowed) VALUES (?, ?) ON CONFLICT DO NOTHING');
        for (const allowed of uids) insert.run(uid, allowed);
        emitChange(this.context, 'userWhitelist.changed', { uid }, null, uids);
        return this.userWhitelistPage(uid, { limit: 500 });
      });
    },
    add: async (uid: string, uids: string[]): Promise<BatchResult> => {
      this.requireUsers(uid);
      const result = this.batch(uids, (allowed) => {
        this.requireUsers(allowed);
        this.sql('INSERT INTO user_whitelist (owner, allowed) VALUES (?, ?) ON CONFLICT DO NOTHING').run(uid, allowed);
      });
      emitChange(this.context, 'userWhitelist.changed', { uid }, null, uids);
      return result;
    },
    remove: async (uid: string, other: string): Promise<void> => {
      this.requireUsers(uid, other);
      if (this.sql('DELETE FROM user_whitelist WHERE owner = ? AND allowed = ?').run(uid, other).changes > 0) {
        emitChange(this.context, 'userWhitelist.changed', { uid }, null, null);
      }
    },
  };

  // ---- rooms ----------------------------------------------------------------------------------

  private removeMembership(room: RoomRef, uid: string): number {
    const args = [room.kind, room.id, uid];
    this.sql('DELETE FROM mutes WHERE kind = ? AND room_id = ? AND uid = ?').run(...args);
    this.sql('DELETE FROM room_whitelist WHERE kind = ? AND room_id = ? AND uid = ?').run(...args);
    return this.sql('DELETE FROM members WHERE kind = ? AND room_id = ? AND uid = ?').run(...args).changes;
  }

  private memberList(room: RoomRef): Member[] {
    const rows = this.sql(
      `SELECT m.uid, m.role, mu.until_ms, (mu.uid IS NOT NULL AND (mu.until_ms IS NULL OR mu.until_ms > ?)) AS muted
         FROM members m LEFT JOIN mutes mu ON mu.kind = m.kind AND mu.room_id = m.room_id AND mu.uid = m.uid
        WHERE m.kind = ? AND m.room_id = ? ORDER BY ${ROLE_ORDER}, m.joined_at, m.uid`,
    ).all(this.context.now(), room.kind, room.id) as MemberRow[];
    return rows.map((row) => ({ uid: row.uid, role: row.role, mutedUntil: row.muted ? mutedUntil(row.until_ms) : null }));
  }

  private setMute(room: RoomRef, uid: string, durationSeconds: number | null): Mute {
    this.requireUsers(uid);
    const member = this.requireMember(room, uid);
    if (member.role === 'owner') throw new InvalidArgumentError(`the owner of ${room.kind} "${room.id}" cannot be muted`);
    const until = durationSeconds === null ? null : this.context.now() + durationSeconds * 1000;
    this.sql(
      `INSERT INTO mutes (kind, room_id, uid, until_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind, room_id, uid) DO UPDATE SET until_ms = excluded.until_ms`,
    ).run(room.kind, room.id, uid, until);
    const mute: Mute = { uid, mutedUntil: mutedUntil(until) };
    emitChange(this.context, 'member.muted', { room: roomLabel(room), uid }, null, mute);
    return mute;
  }

  private roomWhitelistPage(room: RoomRef, options: ListOptions): Page<UidEntry> {
    const rows = this.sql('SELECT uid FROM room_whitelist WHERE kind = ? AND room_id = ? ORDER BY uid').all(room.kind, room.id) as UidEntry[];
    return paginate(rows, options);
  }

  readonly rooms = {
    create: async (kind: RoomKind, input: RoomInput): Promise<Room> => {
      const members = [...new Set(input.members ?? [])].filter((uid) => uid !== input.owner);
      this.requireUsers(input.owner, ...members);
      const id = input.id ?? `${kind === 'group' ? 'g' : 'c'}_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
      return this.transaction(() => {
        if (this.findRoom({ kind, id })) throw new ConflictError('ALREADY_EXISTS', `${kind} "${id}" already exists`, { details: { id } });
        const now = this.context.now();
        this.sql('INSERT INTO rooms (kind, id, name, owner, mute_all, created_at) VALUES (?, ?, ?, ?, 0, ?)').run(kind, id, input.name, input.owner, now);
        const insert = this.sql('INSERT INTO members (kind, room_id, uid, role, joined_at) VALUES (?, ?, ?, ?, ?)');
        insert.run(kind, id, input.owner, 'owner', now);
        for (const uid of members) insert.run(kind, id, uid, 'member', now);
        const room = toRoom(this.findRoom({ kind, id })!);
        emitChange(this.context, 'room.created', { room: roomLabel({ kind, id }) }, null, room);
        return room;
      });
    },
    get: async (room: RoomRef): Promise<Room> => toRoom(this.requireRoom(room)),
    // Keyset on the (kind, id) primary key, as users.list.
    list: async (kind: RoomKind, options: ListOptions): Promise<Page<Room>> => {
      const limit = pageLimit(options);
      const after = decodePositionCursor(options.cursor, KEY_POSITION);
      const rows = this.sql(
        `SELECT r.kind, r.id, r.name, r.owner, r.mute_all,
                (SELECT COUNT(*) FROM members m WHERE m.kind = r.kind AND m.room_id = r.id) AS member_count
           FROM rooms r WHERE r.kind = ? AND r.id > ? ORDER BY r.id LIMIT ?`,
      ).all(kind, after ?? '', limit + 1) as RoomRow[];
      return keysetPage(rows, limit, (row) => row.id, toRoom);
    },
    dismiss: async (room: RoomRef): Promise<void> => {
      this.transaction(() => {
        const before = toRoom(this.requireRoom(room));
        for (const table of ['members', 'mutes', 'room_whitelist', 'room_blocks']) {
          this.sql(`DELETE FROM ${table} WHERE kind = ? AND room_id = ?`).run(room.kind, room.id);
        }
        this.sql('DELETE FROM conversations WHERE peer_type = ? AND peer_id = ?').run(room.kind, room.id);
        this.sql('DELETE FROM rooms WHERE kind = ? AND id = ?').run(room.kind, room.id);
        emitChange(this.context, 'room.dismissed', { room: roomLabel(room) }, before, null);
      });
    },
    setMuteAll: async (room: RoomRef, on: boolean): Promise<Room> =>
      this.transaction(() => {
        const before = toRoom(this.requireRoom(room));
        this.sql('UPDATE rooms SET mute_all = ? WHERE kind = ? AND id = ?').run(on ? 1 : 0, room.kind, room.id);
        const after = toRoom(this.requireRoom(room));
        if (before.muteAll !== on) emitChange(this.context, 'room.muteAllChanged', { room: roomLabel(room) }, before, after);
        return after;
      }),
    members: {
      list: async (room: RoomRef, options: ListOptions): Promise<Page<Member>> => {
        this.requireRoom(room);
        return paginate(this.memberList(room), options);
      },
      add: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
        this.requireRoom(room);
        return this.batch(uids, (uid) => {
          this.requireUsers(uid);
          if (this.isRoomBanned(room, uid)) throw new PolicyError('BLOCKED', `"${uid}" is banned from ${room.kind} "${room.id}"`);
          const added = this.sql('INSERT INTO members (kind, room_id, uid, role, joined_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
            room.kind,
            room.id,
            uid,
            'member',
            this.context.now(),
          ).changes;
          if (added > 0) emitChange(this.context, 'member.added', { room: roomLabel(room), uid }, null, { uid, role: 'member' });
        });
      },
      remove: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
        const row = this.requireRoom(room);
        return this.batch(uids, (uid) => {
          this.requireUsers(uid);
          if (uid === row.owner) throw new InvalidArgumentError(`the owner cannot be removed from ${room.kind} "${room.id}"; dismiss it instead`);
          if (this.removeMembership(room, uid) > 0) emitChange(this.context, 'member.removed', { room: roomLabel(room), uid }, null, null);
        });
      },
      setRole: async (room: RoomRef, uid: string, role: Exclude<MemberRole, 'owner'>): Promise<Member> => {
        this.requireRoom(room);
        this.requireUsers(uid);
        return this.transaction(() => {
          const member = this.requireMember(room, uid);
          if (member.role === 'owner') throw new InvalidArgumentError("the owner's role cannot be changed");
          this.sql('UPDATE members SET role = ? WHERE kind = ? AND room_id = ? AND uid = ?').run(role, room.kind, room.id, uid);
          const after = this.memberList(room).find((entry) => entry.uid === uid)!;
          if (member.role !== role) emitChange(this.context, 'member.roleChanged', { room: roomLabel(room), uid }, { uid, role: member.role }, after);
          return after;
        });
      },
    },
    mutes: {
      set: async (room: RoomRef, uid: string, durationSeconds: number | null): Promise<Mute> => {
        this.requireRoom(room);
        return this.transaction(() => this.setMute(room, uid, durationSeconds));
      },
      setMany: async (room: RoomRef, uids: string[], durationSeconds: number | null): Promise<BatchResult> => {
        this.requireRoom(room);
        return this.batch(uids, (uid) => void this.setMute(room, uid, durationSeconds));
      },
      remove: async (room: RoomRef, uid: string): Promise<void> => {
        this.requireRoom(room);
        this.requireUsers(uid);
        if (this.sql('DELETE FROM mutes WHERE kind = ? AND room_id = ? AND uid = ?').run(room.kind, room.id, uid).changes > 0) {
          emitChange(this.context, 'member.unmuted', { room: roomLabel(room), uid }, null, null);
        }
      },
      list: async (room: RoomRef, options: ListOptions): Promise<Page<Mute>> => {
        this.requireRoom(room);
        const rows = this.sql(
          'SELECT uid, until_ms FROM mutes WHERE kind = ? AND room_id = ? AND (until_ms IS NULL OR until_ms > ?) ORDER BY uid',
        ).all(room.kind, room.id, this.context.now()) as Array<{ uid: string; until_ms: number | null }>;
        return paginate(
          rows.map((row) => ({ uid: row.uid, mutedUntil: mutedUntil(row.until_ms) })),
          options,
        );
      },
    },
    whitelist: {
      list: async (room: RoomRef, options: ListOptions): Promise<Page<UidEntry>> => {
        this.requireRoom(room);
        return this.roomWhitelistPage(room, options);
      },
      add: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
        this.requireRoom(room);
        const result = this.batch(uids, (uid) => {
          this.requireUsers(uid);
          this.requireMember(room, uid);
          this.sql('INSERT INTO room_whitelist (kind, room_id, uid) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(room.kind, room.id, uid);
        });
        emitChange(this.context, 'roomWhitelist.changed', { room: roomLabel(room) }, null, uids);
        return result;
      },
      replace: async (room: RoomRef, uids: string[]): Promise<Page<UidEntry>> => {
        this.requireRoom(room);
        this.requireUsers(...uids);
        return this.transaction(() => {
          for (const uid of uids) this.requireMember(room, uid);
          this.sql('DELETE FROM room_whitelist WHERE kind = ? AND room_id = ?').run(room.kind, room.id);
          const insert = this.sql('INSERT INTO room_whitelist (kind, room_id, uid) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
          for (const uid of uids) insert.run(room.kind, room.id, uid);
          emitChange(this.context, 'roomWhitelist.changed', { room: roomLabel(room) }, null, uids);
          return this.roomWhitelistPage(room, { limit: 500 });
        });
      },
      remove: async (room: RoomRef, uid: string): Promise<void> => {
        this.requireRoom(room);
        this.requireUsers(uid);
        if (this.sql('DELETE FROM room_whitelist WHERE kind = ? AND room_id = ? AND uid = ?').run(room.kind, room.id, uid).changes > 0) {
          emitChange(this.context, 'roomWhitelist.changed', { room: roomLabel(room) }, null, null);
        }
      },
    },
    blocks: {
      list: async (room: RoomRef, options: ListOptions): Promise<Page<UidEntry>> => {
        this.requireRoom(room);
        const rows = this.sql('SELECT uid FROM room_blocks WHERE kind = ? AND room_id = ? ORDER BY uid').all(room.kind, room.id) as UidEntry[];
        return paginate(rows, options);
      },
      add: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
        const row = this.requireRoom(room);
        return this.batch(uids, (uid) => {
          this.requireUsers(uid);
          if (uid === row.owner) throw new InvalidArgumentError(`the owner cannot be banned from ${room.kind} "${room.id}"`);
          this.removeMembership(room, uid);
          const added = this.sql('INSERT INTO room_blocks (kind, room_id, uid, since) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
            room.kind,
            room.id,
            uid,
            this.context.now(),
          ).changes;
          if (added > 0) emitChange(this.context, 'roomBlock.added', { room: roomLabel(room), uid }, null, { uid });
        });
      },
      remove: async (room: RoomRef, uid: string): Promise<void> => {
        this.requireRoom(room);
        this.requireUsers(uid);
        if (this.sql('DELETE FROM room_blocks WHERE kind = ? AND room_id = ? AND uid = ?').run(room.kind, room.id, uid).changes > 0) {
          emitChange(this.context, 'roomBlock.deleted', { room: roomLabel(room), uid }, null, null);
        }
      },
    },
  };

  // ---- conversations and messages -------------------------------------------------------------

  readonly conversations = {
    list: async (uid: string, options: ListOptions): Promise<Page<Conversation>> => {
      this.requireUsers(uid);
      const rows = this.sql(
        `SELECT peer_type, peer_id, unread, last_message_at FROM conversations
          WHERE owner = ? ORDER BY last_message_at DESC, peer_type, peer_id`,
      ).all(uid) as Array<{ peer_type: PeerType; peer_id: string; unread: number; last_message_at: number | null }>;
      return paginate(
        rows.map((row) => ({
          peer: { type: row.peer_type, id: row.peer_id },
          unread: row.unread,
          lastMessageAt: row.last_message_at === null ? null : iso(row.last_message_at),
        })),
        options,
      );
    },
    delete: async (uid: string, peerType: PeerType, peerId: string): Promise<void> => {
      this.requireUsers(uid);
      const exists = peerType === 'user' ? this.findUser(peerId) !== undefined : this.findRoom({ kind: peerType, id: peerId }) !== undefined;
      if (!exists && looksLikeCompositePeerId(uid, peerId)) throw compositePeerIdError(uid, peerType, peerId);
      if (peerType === 'user') this.requireUsers(peerId);
      else this.requireRoom({ kind: peerType, id: peerId });
      const removed = this.sql('DELETE FROM conversations WHERE owner = ? AND peer_type = ? AND peer_id = ?').run(uid, peerType, peerId).changes;
      if (removed > 0) emitChange(this.context, 'conversation.deleted', { uid, peerType, peerId }, null, null);
    },
  };

  /** Throws the 403 a direct message from `from` to `to` earns, if any. Order: block, friendship, whitelist. */
  private checkDirectPolicy(from: string, to: string): void {
    const whitelisted = this.sql('SELECT EXISTS (SELECT 1 FROM user_whitelist WHERE owner = ?) AS restricted, EXISTS (SELECT 1 FROM user_whitelist WHERE owner = ? AND allowed = ?) AS allowed').get(
      to,
      to,
      from,
    ) as { restricted: number; allowed: number };
    checkDirectSend(from, to, {
      blocked: this.isBlocking(to, from),
      notFriends: this.policy.requireFriendship && !(this.findFriend(from, to) && this.findFriend(to, from)),
      notWhitelisted: whitelisted.restricted === 1 && whitelisted.allowed === 0,
    });
  }

  /** Throws the 403 a room message from `from` earns, if any. An individual mute wins over the whitelist. */
  private checkRoomPolicy(room: RoomRow, from: string): void {
    const ref: RoomRef = { kind: room.kind, id: room.id };
    // A banned user is no member, whatever row is left.
    const member = this.isRoomBanned(ref, from) ? undefined : this.findMember(ref, from);
    const muteAll = room.mute_all === 1;
    checkRoomSend(ref, from, {
      member: member !== undefined,
      mutedUntil: member?.muted ? mutedUntil(member.until_ms) : null,
      muteAll,
      exemptFromMuteAll:
        member === undefined || member.role !== 'member' || (muteAll && this.sql('SELECT 1 FROM room_whitelist WHERE kind = ? AND room_id = ? AND uid = ?').get(room.kind, room.id, from) !== undefined),
    });
  }

  readonly messages = {
    send: async (message: MessageInput): Promise<SentMessage> => {
      const { from, to } = message;
      this.requireUsers(from);
      return this.transaction(() => {
        const now = this.context.now();
        if (to.type === 'user') {
          this.requireUsers(to.id);
          this.checkDirectPolicy(from, to.id);
        } else {
          this.checkRoomPolicy(this.requireRoom({ kind: to.type, id: to.id }), from);
        }
        const id = this.sql('INSERT INTO messages (from_uid, peer_type, peer_id, text, sent_at) VALUES (?, ?, ?, ?, ?)').run(
          from,
          to.type,
          to.id,
          message.text,
          now,
        ).lastInsertRowid;
        const upsert = this.sql(
          `INSERT INTO conversations (owner, peer_type, peer_id, unread, last_message_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (owner, peer_type, peer_id) DO UPDATE SET unread = unread + excluded.unread, last_message_at = excluded.last_message_at`,
        );
        if (to.type === 'user') {
          upsert.run(from, 'user', to.id, 0, now);
          upsert.run(to.id, 'user', from, 1, now);
        } else {
          this.sql(
            `INSERT INTO conversations (owner, peer_type, peer_id, unread, last_message_at)
             SELECT uid, kind, room_id, CASE WHEN uid = @from THEN 0 ELSE 1 END, @now FROM members WHERE kind = @kind AND room_id = @id
             ON CONFLICT (owner, peer_type, peer_id) DO UPDATE SET unread = unread + excluded.unread, last_message_at = excluded.last_message_at`,
          ).run({ from, now, kind: to.type, id: to.id });
        }
        const sent: SentMessage = { id: String(id), sentAt: iso(now) };
        emitChange(this.context, 'message.sent', { from, to: `${to.type}:${to.id}` }, null, sent);
        return sent;
      });
    },
  };

  async health(): Promise<BackendHealth> {
    try {
      this.sql('SELECT 1').get();
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  async close(): Promise<void> {
    if (this.database.open) this.database.close();
  }
}
