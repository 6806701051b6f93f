/**
 * The reference backend: every unified operation, with the meaning `docs/api.md` gives it,
 * answered from its own store (SQLite or PostgreSQL, through `sql-executor.ts`). Vendor adapters
 * are held to what this backend does.
 *
 * Every policy check and the write it allows run in one `transaction`, so no other request (of
 * this process or, on PostgreSQL, of another instance) can interleave between them. Change
 * records are handed on only once their transaction commits.
 *
 * Every list is a keyset walk in SQL: a page reads `limit + 1` rows from an index in the list's
 * order, starting after the cursor's position, so its cost does not grow with the list.
 */
import { randomUUID } from 'node:crypto';
import { placeholders, type SqlExecutor } from './sql-executor.js';
import { NativeOutbox } from './native-outbox.js';
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

/** The members' order; the same expression as the `members_in_order` index, so the index serves it. */
const ROLE_RANK = "(CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END)";

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
const ID_PART = '[A-Za-z0-9_.@:-]{1,64}';
/** Positions of lists ordered by more than an id: fields joined by `/`, which no id holds. */
const REQUEST_POSITION = new RegExp(`^\\d{1,16}/${ID_PART}$`);
const MEMBER_POSITION = new RegExp(`^[0-2]/\\d{1,16}/${ID_PART}$`);
const CONVERSATION_POSITION = new RegExp(`^\\d{1,16}/(?:user|group|chatroom)/${ID_PART}$`);

/** `%` and `_` in a search text match themselves, not any text. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

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
  /** The host's context, except that change records wait for their transaction to commit. */
  private readonly context: BackendContext;
  private readonly outbox: NativeOutbox;

  constructor(
    private readonly store: SqlExecutor,
    private readonly policy: NativePolicy,
    context: BackendContext,
  ) {
    this.name = context.name;
    if (policy.requireFriendship) this.sendPolicy = { requireFriendship: true };
    // A change rolled back (or a PostgreSQL transaction run again) must report nothing, or twice:
    // records are kept in the change's transaction and handed on once it commits.
    this.outbox = new NativeOutbox(store, context.changes, context.logger);
    this.context = { ...context, changes: { emit: (record) => this.outbox.record(record) } };
  }

  /** Hands over the records a previous run kept but could not deliver (it died in between). */
  handOverLeftRecords(): Promise<void> {
    return this.outbox.handOver();
  }

  /** Which database the backend runs on (`sqlite` also for the memory driver). */
  get dialect(): SqlExecutor['dialect'] {
    return this.store.dialect;
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.store.transaction(work);
  }

  private findUser(uid: string): Promise<UserRow | undefined> {
    return this.store.get<UserRow>('SELECT uid, name, extra FROM users WHERE uid = ?', [uid]);
  }

  private async requireUsers(...uids: string[]): Promise<void> {
    for (const uid of uids) {
      if (!(await this.findUser(uid))) throw new NotFoundError('USER_NOT_FOUND', `user "${uid}" is not registered`, { details: { uid } });
    }
  }

  private findFriend(owner: string, friend: string): Promise<FriendRow | undefined> {
    return this.store.get<FriendRow>('SELECT owner, friend, alias, extra, since FROM friends WHERE owner = ? AND friend = ?', [owner, friend]);
  }

  private async isBlocking(owner: string, blocked: string): Promise<boolean> {
    return (await this.store.get('SELECT 1 AS hit FROM blocks WHERE owner = ? AND blocked = ?', [owner, blocked])) !== undefined;
  }

  private findRoom(room: RoomRef): Promise<RoomRow | undefined> {
    return this.store.get<RoomRow>(
      `SELECT r.kind, r.id, r.name, r.owner, r.mute_all,
              (SELECT COUNT(*) FROM members m WHERE m.kind = r.kind AND m.room_id = r.id) AS member_count
         FROM rooms r WHERE r.kind = ? AND r.id = ?`,
      [room.kind, room.id],
    );
  }

  private async requireRoom(room: RoomRef): Promise<RoomRow> {
    const row = await this.findRoom(room);
    if (!row) throw new NotFoundError('GROUP_NOT_FOUND', `${room.kind} "${room.id}" does not exist`, { details: { kind: room.kind, id: room.id } });
    return row;
  }

  private findMember(room: RoomRef, uid: string): Promise<MemberRow | undefined> {
    return this.store.get<MemberRow>(
      `SELECT m.uid, m.role, mu.until_ms, CASE WHEN mu.uid IS NOT NULL AND (mu.until_ms IS NULL OR mu.until_ms > ?) THEN 1 ELSE 0 END AS muted
         FROM members m LEFT JOIN mutes mu ON mu.kind = m.kind AND mu.room_id = m.room_id AND mu.uid = m.uid
        WHERE m.kind = ? AND m.room_id = ? AND m.uid = ?`,
      [this.context.now(), room.kind, room.id, uid],
    );
  }

  private async requireMember(room: RoomRef, uid: string): Promise<MemberRow> {
    const member = await this.findMember(room, uid);
    if (!member) throw new PolicyError('NOT_MEMBER', `"${uid}" is not a member of ${room.kind} "${room.id}"`, { details: { uid } });
    return member;
  }

  private async isRoomBanned(room: RoomRef, uid: string): Promise<boolean> {
    return (await this.store.get('SELECT 1 AS hit FROM room_blocks WHERE kind = ? AND room_id = ? AND uid = ?', [room.kind, room.id, uid])) !== undefined;
  }

  /** Runs `work` per id inside one transaction per item, turning unified errors into item failures. */
  private async batch(ids: readonly string[], work: (id: string) => Promise<void>): Promise<BatchResult> {
    const results: BatchItemResult[] = [];
    for (const id of ids) {
      try {
        await this.transaction(() => work(id));
        results.push({ id, ok: true });
      } catch (error) {
        results.push(failedBatchItem(id, error));
      }
    }
    return { results };
  }

  // ---- users ----------------------------------------------------------------------------------

  private putUser(uid: string, input: UserInput): Promise<User> {
    // A transaction although one statement writes: the change record is kept in it (native-outbox.ts).
    return this.transaction(() => this.putUserNow(uid, input));
  }

  private async putUserNow(uid: string, input: UserInput): Promise<User> {
    const before = await this.findUser(uid);
    await this.store.run(
      `INSERT INTO users (uid, name, extra, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (uid) DO UPDATE SET
         name = CASE WHEN ? = 1 THEN excluded.name ELSE users.name END,
         extra = CASE WHEN ? = 1 THEN excluded.extra ELSE users.extra END`,
      [uid, input.name ?? null, input.extra ?? null, this.context.now(), input.name === undefined ? 0 : 1, input.extra === undefined ? 0 : 1],
    );
    const after = (await this.findUser(uid))!;
    emitChange(this.context, 'user.updated', { uid }, before ?? null, after);
    return { uid: after.uid, name: after.name, extra: after.extra };
  }

  readonly users = {
    put: async (uid: string, input: UserInput): Promise<User> => this.transaction(() => this.putUser(uid, input)),
    putMany: async (users: Array<{ uid: string; name?: string }>): Promise<BatchResult> =>
      this.transaction(async () => {
        const results: BatchItemResult[] = [];
        for (const user of users) {
          await this.putUser(user.uid, user.name === undefined ? {} : { name: user.name });
          results.push({ id: user.uid, ok: true });
        }
        return { results };
      }),
    get: async (uid: string): Promise<User> => {
      const row = await this.findUser(uid);
      if (!row) throw new NotFoundError('USER_NOT_FOUND', `user "${uid}" is not registered`, { details: { uid } });
      return { uid: row.uid, name: row.name, extra: row.extra };
    },
    // Keyset on the primary key: each page is one range read of its b-tree, whatever the offset.
    list: async (options: ListOptions): Promise<Page<User>> => {
      const limit = pageLimit(options);
      const after = decodePositionCursor(options.cursor, KEY_POSITION);
      const rows = await this.store.all<UserRow>('SELECT uid, name, extra FROM users WHERE uid > ? ORDER BY uid LIMIT ?', [after ?? '', limit + 1]);
      return keysetPage(rows, limit, (row) => row.uid, (row) => ({ uid: row.uid, name: row.name, extra: row.extra }));
    },
  };

  // ---- friends --------------------------------------------------------------------------------

  private async setFriendView(owner: string, friend: string, input: FriendshipInput): Promise<void> {
    await this.store.run(
      `UPDATE friends SET alias = CASE WHEN ? = 1 THEN ? ELSE alias END,
                          extra = CASE WHEN ? = 1 THEN ? ELSE extra END
        WHERE owner = ? AND friend = ?`,
      [input.alias === undefined ? 0 : 1, input.alias ?? null, input.extra === undefined ? 0 : 1, input.extra ?? null, owner, friend],
    );
  }

  /** Makes `owner`'s entry (and, unless one-way, the reverse) exist; sets `owner`'s view from `input`. Call inside a transaction. */
  private async linkFriends(owner: string, friend: string, input: FriendshipInput, mode: FriendAddMode = 'mutual'): Promise<FriendRow> {
    const now = this.context.now();
    const before = await this.findFriend(owner, friend);
    const insert = 'INSERT INTO friends (owner, friend, alias, extra, since) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING';
    if (before) await this.setFriendView(owner, friend, input);
    else await this.store.run(insert, [owner, friend, input.alias ?? null, input.extra ?? null, now]);
    const reverseExisted = mode === 'one-way' || (await this.findFriend(friend, owner)) !== undefined;
    if (!reverseExisted) await this.store.run(insert, [friend, owner, null, null, now]);
    const after = (await this.findFriend(owner, friend))!;
    if (!before || !reverseExisted) emitChange(this.context, 'friend.added', { uid: owner, friend, mode }, before ?? null, toFriendship(after));
    else if (before.alias !== after.alias || before.extra !== after.extra) {
      emitChange(this.context, 'friend.infoChanged', { uid: owner, friend }, toFriendship(before), toFriendship(after));
    }
    return after;
  }

  readonly friends = {
    put: async (uid: string, friend: string, input: FriendshipInput, mode: FriendAddMode = 'mutual'): Promise<Friendship> => {
      await this.requireUsers(uid, friend);
      return toFriendship(await this.transaction(() => this.linkFriends(uid, friend, input, mode)));
    },
    remove: async (uid: string, friend: string, mode: FriendRemoveMode): Promise<void> => {
      await this.requireUsers(uid, friend);
      await this.transaction(async () => {
        const remove = 'DELETE FROM friends WHERE owner = ? AND friend = ?';
        let removed = (await this.store.run(remove, [uid, friend])).changes;
        if (mode === 'mutual') removed += (await this.store.run(remove, [friend, uid])).changes;
        if (removed > 0) emitChange(this.context, 'friend.deleted', { uid, friend, mode }, null, null);
      });
    },
    // Keyset on (owner, friend), the primary key; `uids` and `q` narrow the walk in SQL.
    list: async (uid: string, options: ListOptions & { query?: string; uids?: string[] }): Promise<Page<Friendship>> => {
      await this.requireUsers(uid);
      const limit = pageLimit(options);
      const after = decodePositionCursor(options.cursor, KEY_POSITION);
      const conditions = ['f.owner = ?', 'f.friend > ?'];
      const parameters: unknown[] = [uid, after ?? ''];
      if (options.uids !== undefined) {
        if (options.uids.length === 0) return { items: [], nextCursor: null };
        conditions.push(`f.friend IN (${placeholders(options.uids.length)})`);
        parameters.push(...options.uids);
      }
      let join = '';
      if (options.query !== undefined && options.query !== '') {
        const pattern = likePattern(options.query);
        join = 'JOIN users u ON u.uid = f.friend';
        conditions.push("(lower(f.friend) LIKE ? ESCAPE '\\' OR lower(u.name) LIKE ? ESCAPE '\\' OR lower(f.alias) LIKE ? ESCAPE '\\')");
        parameters.push(pattern, pattern, pattern);
      }
      const rows = await this.store.all<FriendRow>(
        `SELECT f.owner, f.friend, f.alias, f.extra, f.since FROM friends f ${join} WHERE ${conditions.join(' AND ')} ORDER BY f.friend LIMIT ?`,
        [...parameters, limit + 1],
      );
      return keysetPage(rows, limit, (row) => row.friend, toFriendship);
    },
    get: async (uid: string, friend: string): Promise<Friendship> => {
      await this.requireUsers(uid, friend);
      const row = await this.findFriend(uid, friend);
      if (!row) throw new NotFoundError('NOT_FRIENDS', `"${friend}" is not in the friend list of "${uid}"`);
      return toFriendship(row);
    },
    update: async (uid: string, friend: string, input: FriendshipInput): Promise<Friendship> => {
      await this.requireUsers(uid, friend);
      return this.transaction(async () => {
        const before = await this.findFriend(uid, friend);
        if (!before) throw new NotFoundError('NOT_FRIENDS', `"${friend}" is not in the friend list of "${uid}"`);
        await this.setFriendView(uid, friend, input);
        const after = toFriendship((await this.findFriend(uid, friend))!);
        emitChange(this.context, 'friend.infoChanged', { uid, friend }, toFriendship(before), after);
        return after;
      });
    },
  };

  // ---- friend requests ------------------------------------------------------------------------

  private findPendingRequest(from: string, to: string): Promise<RequestRow | undefined> {
    return this.store.get<RequestRow>(
      "SELECT from_uid, to_uid, message, status, created_at FROM friend_requests WHERE from_uid = ? AND to_uid = ? AND status = 'pending'",
      [from, to],
    );
  }

  private async requirePendingRequest(from: string, to: string): Promise<RequestRow> {
    const row = await this.findPendingRequest(from, to);
    if (!row) throw new NotFoundError('REQUEST_NOT_FOUND', `no pending friend request from "${from}" to "${to}"`);
    return row;
  }

  readonly friendRequests = {
    send: async (from: string, to: string, message: string | null): Promise<FriendRequest> => {
      await this.requireUsers(from, to);
      return this.transaction(async () => {
        if (await this.isBlocking(to, from)) throw new PolicyError('BLOCKED', `"${to}" blocks "${from}"`);
        if ((await this.findFriend(from, to)) && (await this.findFriend(to, from))) {
          throw new ConflictError('ALREADY_FRIENDS', `"${from}" and "${to}" are already friends`);
        }
        if (await this.findPendingRequest(from, to)) throw new ConflictError('REQUEST_PENDING', `a request from "${from}" to "${to}" is already pending`);
        // One row per ordered pair: a new request replaces an answered one.
        await this.store.run(
          `INSERT INTO friend_requests (from_uid, to_uid, message, status, created_at) VALUES (?, ?, ?, 'pending', ?)
           ON CONFLICT (from_uid, to_uid) DO UPDATE SET message = excluded.message, status = 'pending', created_at = excluded.created_at`,
          [from, to, message, this.context.now()],
        );
        const request = toRequest((await this.findPendingRequest(from, to))!);
        emitChange(this.context, 'friendRequest.added', { from, to }, null, request);
        return request;
      });
    },
    // Newest first, then by the other user: keyset on the direction's index in that order.
    list: async (uid: string, direction: FriendRequestDirection, options: ListOptions): Promise<Page<FriendRequest>> => {
      await this.requireUsers(uid);
      const limit = pageLimit(options);
      const [mine, other] = direction === 'incoming' ? ['to_uid', 'from_uid'] : ['from_uid', 'to_uid'];
      const position = decodePositionCursor(options.cursor, REQUEST_POSITION);
      let after = '';
      const parameters: unknown[] = [uid];
      if (position !== null) {
        const [createdAt, otherUid] = position.split('/') as [string, string];
        after = ` AND (created_at < ? OR (created_at = ? AND ${other} > ?))`;
        parameters.push(Number(createdAt), Number(createdAt), otherUid);
      }
      const rows = await this.store.all<RequestRow>(
        `SELECT from_uid, to_uid, message, status, created_at FROM friend_requests
          WHERE ${mine} = ?${after} ORDER BY created_at DESC, ${other} LIMIT ?`,
        [...parameters, limit + 1],
      );
      return keysetPage(rows, limit, (row) => `${row.created_at}/${direction === 'incoming' ? row.from_uid : row.to_uid}`, toRequest);
    },
    withdraw: async (from: string, to: string): Promise<void> => {
      await this.requireUsers(from, to);
      await this.transaction(async () => {
        const request = await this.requirePendingRequest(from, to);
        await this.store.run('DELETE FROM friend_requests WHERE from_uid = ? AND to_uid = ?', [from, to]);
        emitChange(this.context, 'friendRequest.deleted', { from, to }, toRequest(request), null);
      });
    },
    accept: async (to: string, from: string): Promise<Friendship> => {
      await this.requireUsers(to, from);
      return this.transaction(async () => {
        const request = await this.requirePendingRequest(from, to);
        // Accepting settles a crossed request in the other direction too.
        await this.store.run(
          `UPDATE friend_requests SET status = 'accepted'
            WHERE status = 'pending' AND ((from_uid = ? AND to_uid = ?) OR (from_uid = ? AND to_uid = ?))`,
          [from, to, to, from],
        );
        const friendship = await this.linkFriends(to, from, {});
        emitChange(this.context, 'friendRequest.accepted', { from, to }, toRequest(request), { ...toRequest(request), status: 'accepted' });
        return toFriendship(friendship);
      });
    },
    reject: async (to: string, from: string): Promise<FriendRequest> => {
      await this.requireUsers(to, from);
      return this.transaction(async () => {
        const request = await this.requirePendingRequest(from, to);
        await this.store.run("UPDATE friend_requests SET status = 'rejected' WHERE from_uid = ? AND to_uid = ?", [from, to]);
        const after: FriendRequest = { ...toRequest(request), status: 'rejected' };
        emitChange(this.context, 'friendRequest.rejected', { from, to }, toRequest(request), after);
        return after;
      });
    },
  };

  // ---- blocks ---------------------------------------------------------------------------------

  private async putBlock(uid: string, blocked: string): Promise<Block> {
    await this.requireUsers(uid, blocked);
    const inserted = (await this.store.run('INSERT INTO blocks (owner, blocked, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [uid, blocked, this.context.now()]))
      .changes;
    const row = (await this.store.get<{ since: number }>('SELECT since FROM blocks WHERE owner = ? AND blocked = ?', [uid, blocked]))!;
    const block: Block = { uid, blocked, since: iso(row.since) };
    if (inserted > 0) emitChange(this.context, 'block.added', { uid, blocked }, null, block);
    return block;
  }

  readonly blocks = {
    put: async (uid: string, blocked: string): Promise<Block> => this.transaction(() => this.putBlock(uid, blocked)),
    putMany: async (uid: string, blocked: string[]): Promise<BatchResult> => {
      await this.requireUsers(uid);
      return this.batch(blocked, async (other) => void (await this.putBlock(uid, other)));
    },
    remove: async (uid: string, blocked: string): Promise<void> => {
      await this.requireUsers(uid, blocked);
      await this.transaction(async () => {
        const removed = (await this.store.run('DELETE FROM blocks WHERE owner = ? AND blocked = ?', [uid, blocked])).changes;
        if (removed > 0) emitChange(this.context, 'block.deleted', { uid, blocked }, null, null);
      });
    },
    list: async (uid: string, options: ListOptions): Promise<Page<Block>> => {
      await this.requireUsers(uid);
      const limit = pageLimit(options);
      const after = decodePositionCursor(options.cursor, KEY_POSITION);
      const rows = await this.store.all<{ blocked: string; since: number }>(
        'SELECT blocked, since FROM blocks WHERE owner = ? AND blocked > ? ORDER BY blocked LIMIT ?',
        [uid, after ?? '', limit + 1],
      );
      return keysetPage(rows, limit, (row) => row.blocked, (row) => ({ uid, blocked: row.blocked, since: iso(row.since) }));
    },
  };

  readonly relations = {
    // The hottest read of the API: one statement answers every flag and checks both users exist.
    get: async (uid: string, other: string): Promise<Relation> => {
      const row = (await this.store.get<{ known: number; friend: number; alias: string | null; extra: string | null; friendOf: number; blocking: number; blockedBy: number }>(
        `SELECT (SELECT COUNT(*) FROM users WHERE uid IN (?, ?)) AS known,
                CASE WHEN f.owner IS NULL THEN 0 ELSE 1 END AS friend, f.alias, f.extra,
                CASE WHEN EXISTS (SELECT 1 FROM friends WHERE owner = ? AND friend = ?) THEN 1 ELSE 0 END AS "friendOf",
                CASE WHEN EXISTS (SELECT 1 FROM blocks WHERE owner = ? AND blocked = ?) THEN 1 ELSE 0 END AS blocking,
                CASE WHEN EXISTS (SELECT 1 FROM blocks WHERE owner = ? AND blocked = ?) THEN 1 ELSE 0 END AS "blockedBy"
           FROM (SELECT 1 AS one) AS base LEFT JOIN friends f ON f.owner = ? AND f.friend = ?`,
        [uid, other, other, uid, uid, other, other, uid, uid, other],
      ))!;
      if (row.known < 2) await this.requireUsers(uid, other);
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

  private async userWhitelistPage(uid: string, options: ListOptions): Promise<Page<UidEntry>> {
    const limit = pageLimit(options);
    const after = decodePositionCursor(options.cursor, KEY_POSITION);
    const rows = await this.store.all<UidEntry>('SELECT allowed AS uid FROM user_whitelist WHERE owner = ? AND allowed > ? ORDER BY allowed LIMIT ?', [
      uid,
      after ?? '',
      limit + 1,
    ]);
    return keysetPage(rows, limit, (row) => row.uid, (row) => ({ uid: row.uid }));
  }

  readonly userWhitelist = {
    list: async (uid: string, options: ListOptions): Promise<Page<UidEntry>> => {
      await this.requireUsers(uid);
      return this.userWhitelistPage(uid, options);
    },
    replace: async (uid: string, uids: string[]): Promise<Page<UidEntry>> => {
      await this.requireUsers(uid, ...uids);
      return this.transaction(async () => {
        await this.store.run('DELETE FROM user_whitelist WHERE owner = ?', [uid]);
        for (const allowed of uids) await this.store.run('INSERT INTO user_whitelist (owner, allowed) VALUES (?, ?) ON CONFLICT DO NOTHING', [uid, allowed]);
        emitChange(this.context, 'userWhitelist.changed', { uid }, null, uids);
        return this.userWhitelistPage(uid, { limit: 500 });
      });
    },
    add: async (uid: string, uids: string[]): Promise<BatchResult> => {
      await this.requireUsers(uid);
      const result = await this.batch(uids, async (allowed) => {
        await this.requireUsers(allowed);
        await this.store.run('INSERT INTO user_whitelist (owner, allowed) VALUES (?, ?) ON CONFLICT DO NOTHING', [uid, allowed]);
      });
      emitChange(this.context, 'userWhitelist.changed', { uid }, null, uids);
      return result;
    },
    remove: async (uid: string, other: string): Promise<void> => {
      await this.requireUsers(uid, other);
      await this.transaction(async () => {
        if ((await this.store.run('DELETE FROM user_whitelist WHERE owner = ? AND allowed = ?', [uid, other])).changes > 0) {
          emitChange(this.context, 'userWhitelist.changed', { uid }, null, null);
        }
      });
    },
  };

  // ---- rooms ----------------------------------------------------------------------------------

  private async removeMembership(room: RoomRef, uid: string): Promise<number> {
    const args = [room.kind, room.id, uid];
    await this.store.run('DELETE FROM mutes WHERE kind = ? AND room_id = ? AND uid = ?', args);
    await this.store.run('DELETE FROM room_whitelist WHERE kind = ? AND room_id = ? AND uid = ?', args);
    return (await this.store.run('DELETE FROM members WHERE kind = ? AND room_id = ? AND uid = ?', args)).changes;
  }

  /** Members in role order (owner, admins, members), then by join time and uid: a keyset walk of `members_in_order`. */
  private async memberPage(room: RoomRef, options: ListOptions & { uid?: string }): Promise<Page<Member>> {
    const limit = pageLimit(options);
    const position = decodePositionCursor(options.cursor, MEMBER_POSITION);
    const parameters: unknown[] = [this.context.now(), room.kind, room.id];
    let after = '';
    if (options.uid !== undefined) {
      after = ' AND m.uid = ?';
      parameters.push(options.uid);
    }
    if (position !== null) {
      const [rank, joinedAt, uid] = position.split('/') as [string, string, string];
      after += ` AND (${ROLE_RANK}, m.joined_at, m.uid) > (?, ?, ?)`;
      parameters.push(Number(rank), Number(joinedAt), uid);
    }
    const rows = await this.store.all<MemberRow & { role_rank: number; joined_at: number }>(
      `SELECT m.uid, m.role, m.joined_at, ${ROLE_RANK} AS role_rank, mu.until_ms,
              CASE WHEN mu.uid IS NOT NULL AND (mu.until_ms IS NULL OR mu.until_ms > ?) THEN 1 ELSE 0 END AS muted
         FROM members m LEFT JOIN mutes mu ON mu.kind = m.kind AND mu.room_id = m.room_id AND mu.uid = m.uid
        WHERE m.kind = ? AND m.room_id = ?${after} ORDER BY ${ROLE_RANK}, m.joined_at, m.uid LIMIT ?`,
      [...parameters, limit + 1],
    );
    return keysetPage(
      rows,
      limit,
      (row) => `${row.role_rank}/${row.joined_at}/${row.uid}`,
      (row) => ({ uid: row.uid, role: row.role, mutedUntil: row.muted === 1 ? mutedUntil(row.until_ms) : null }),
    );
  }

  private async setMute(room: RoomRef, uid: string, durationSeconds: number | null): Promise<Mute> {
    await this.requireUsers(uid);
    const member = await this.requireMember(room, uid);
    if (member.role === 'owner') throw new InvalidArgumentError(`the owner of ${room.kind} "${room.id}" cannot be muted`);
    const until = durationSeconds === null ? null : this.context.now() + durationSeconds * 1000;
    await this.store.run(
      `INSERT INTO mutes (kind, room_id, uid, until_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind, room_id, uid) DO UPDATE SET until_ms = excluded.until_ms`,
      [room.kind, room.id, uid, until],
    );
    const mute: Mute = { uid, mutedUntil: mutedUntil(until) };
    emitChange(this.context, 'member.muted', { room: roomLabel(room), uid }, null, mute);
    return mute;
  }

  /** A keyset page of one of the room's uid lists (whitelist, bans), in uid order. */
  private async roomUidPage(table: 'room_whitelist' | 'room_blocks', room: RoomRef, options: ListOptions): Promise<Page<UidEntry>> {
    const limit = pageLimit(options);
    const after = decodePositionCursor(options.cursor, KEY_POSITION);
    const rows = await this.store.all<UidEntry>(`SELECT uid FROM ${table} WHERE kind = ? AND room_id = ? AND uid > ? ORDER BY uid LIMIT ?`, [
      room.kind,
      room.id,
      after ?? '',
      limit + 1,
    ]);
    return keysetPage(rows, limit, (row) => row.uid, (row) => ({ uid: row.uid }));
  }

  readonly rooms = {
    create: async (kind: RoomKind, input: RoomInput): Promise<Room> => {
      const members = [...new Set(input.members ?? [])].filter((uid) => uid !== input.owner);
      await this.requireUsers(input.owner, ...members);
      const id = input.id ?? `${kind === 'group' ? 'g' : 'c'}_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
      return this.transaction(async () => {
        if (await this.findRoom({ kind, id })) throw new ConflictError('ALREADY_EXISTS', `${kind} "${id}" already exists`, { details: { id } });
        const now = this.context.now();
        await this.store.run('INSERT INTO rooms (kind, id, name, owner, mute_all, created_at) VALUES (?, ?, ?, ?, 0, ?)', [kind, id, input.name, input.owner, now]);
        const insert = 'INSERT INTO members (kind, room_id, uid, role, joined_at) VALUES (?, ?, ?, ?, ?)';
        await this.store.run(insert, [kind, id, input.owner, 'owner', now]);
        for (const uid of members) await this.store.run(insert, [kind, id, uid, 'member', now]);
        const room = toRoom((await this.findRoom({ kind, id }))!);
        emitChange(this.context, 'room.created', { room: roomLabel({ kind, id }) }, null, room);
        return room;
      });
    },
    get: async (room: RoomRef): Promise<Room> => toRoom(await this.requireRoom(room)),
    // Keyset on the (kind, id) primary key, as users.list.
    list: async (kind: RoomKind, options: ListOptions): Promise<Page<Room>> => {
      const limit = pageLimit(options);
      const after = decodePositionCursor(options.cursor, KEY_POSITION);
      const rows = await this.store.all<RoomRow>(
        `SELECT r.kind, r.id, r.name, r.owner, r.mute_all,
                (SELECT COUNT(*) FROM members m WHERE m.kind = r.kind AND m.room_id = r.id) AS member_count
           FROM rooms r WHERE r.kind = ? AND r.id > ? ORDER BY r.id LIMIT ?`,
        [kind, after ?? '', limit + 1],
      );
      return keysetPage(rows, limit, (row) => row.id, toRoom);
    },
    dismiss: async (room: RoomRef): Promise<void> => {
      await this.transaction(async () => {
        const before = toRoom(await this.requireRoom(room));
        for (const table of ['members', 'mutes', 'room_whitelist', 'room_blocks']) {
          await this.store.run(`DELETE FROM ${table} WHERE kind = ? AND room_id = ?`, [room.kind, room.id]);
        }
        await this.store.run('DELETE FROM conversations WHERE peer_type = ? AND peer_id = ?', [room.kind, room.id]);
        await this.store.run('DELETE FROM rooms WHERE kind = ? AND id = ?', [room.kind, room.id]);
        emitChange(this.context, 'room.dismissed', { room: roomLabel(room) }, before, null);
      });
    },
    setMuteAll: async (room: RoomRef, on: boolean): Promise<Room> =>
      this.transaction(async () => {
        const before = toRoom(await this.requireRoom(room));
        await this.store.run('UPDATE rooms SET mute_all = ? WHERE kind = ? AND id = ?', [on ? 1 : 0, room.kind, room.id]);
        const after = toRoom(await this.requireRoom(room));
        if (before.muteAll !== on) emitChange(this.context, 'room.muteAllChanged', { room: roomLabel(room) }, before, after);
        return after;
      }),
    members: {
      list: async (room: RoomRef, options: ListOptions): Promise<Page<Member>> => {
        await this.requireRoom(room);
        return this.memberPage(room, options);
      },
      add: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
        await this.requireRoom(room);
        return this.batch(uids, async (uid) => {
          await this.requireUsers(uid);
          // Checked again inside the item's transaction: another instance may have dismissed it.
          await this.requireRoom(room);
          if (await this.isRoomBanned(room, uid)) throw new PolicyError('BLOCKED', `"${uid}" is banned from ${room.kind} "${room.id}"`);
          const added = (
            await this.store.run('INSERT INTO members (kind, room_id, uid, role, joined_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [
              room.kind,
              room.id,
              uid,
              'member',
              this.context.now(),
            ])
          ).changes;
          if (added > 0) emitChange(this.context, 'member.added', { room: roomLabel(room), uid }, null, { uid, role: 'member' });
        });
      },
      remove: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
        const row = await this.requireRoom(room);
        return this.batch(uids, async (uid) => {
          await this.requireUsers(uid);
          if (uid === row.owner) throw new InvalidArgumentError(`the owner cannot be removed from ${room.kind} "${room.id}"; dismiss it instead`);
          if ((await this.removeMembership(room, uid)) > 0) emitChange(this.context, 'member.removed', { room: roomLabel(room), uid }, null, null);
        });
      },
      setRole: async (room: RoomRef, uid: string, role: Exclude<MemberRole, 'owner'>): Promise<Member> => {
        await this.requireRoom(room);
        await this.requireUsers(uid);
        return this.transaction(async () => {
          const member = await this.requireMember(room, uid);
          if (member.role === 'owner') throw new InvalidArgumentError("the owner's role cannot be changed");
          await this.store.run('UPDATE members SET role = ? WHERE kind = ? AND room_id = ? AND uid = ?', [role, room.kind, room.id, uid]);
          const after = (await this.memberPage(room, { uid, limit: 1 })).items[0]!;
          if (member.role !== role) emitChange(this.context, 'member.roleChanged', { room: roomLabel(room), uid }, { uid, role: member.role }, after);
          return after;
        });
      },
    },
    mutes: {
      set: async (room: RoomRef, uid: string, durationSeconds: number | null): Promise<Mute> => {
        await this.requireRoom(room);
        return this.transaction(() => this.setMute(room, uid, durationSeconds));
      },
      setMany: async (room: RoomRef, uids: string[], durationSeconds: number | null): Promise<BatchResult> => {
        await this.requireRoom(room);
        return this.batch(uids, async (uid) => void (await this.setMute(room, uid, durationSeconds)));
      },
      remove: async (room: RoomRef, uid: string): Promise<void> => {
        await this.requireRoom(room);
        await this.requireUsers(uid);
        await this.transaction(async () => {
          if ((await this.store.run('DELETE FROM mutes WHERE kind = ? AND room_id = ? AND uid = ?', [room.kind, room.id, uid])).changes > 0) {
            emitChange(this.context, 'member.unmuted', { room: roomLabel(room), uid }, null, null);
          }
        });
      },
      list: async (room: RoomRef, options: ListOptions): Promise<Page<Mute>> => {
        await this.requireRoom(room);
        const limit = pageLimit(options);
        const after = decodePositionCursor(options.cursor, KEY_POSITION);
        const rows = await this.store.all<{ uid: string; until_ms: number | null }>(
          'SELECT uid, until_ms FROM mutes WHERE kind = ? AND room_id = ? AND uid > ? AND (until_ms IS NULL OR until_ms > ?) ORDER BY uid LIMIT ?',
          [room.kind, room.id, after ?? '', this.context.now(), limit + 1],
        );
        return keysetPage(rows, limit, (row) => row.uid, (row) => ({ uid: row.uid, mutedUntil: mutedUntil(row.until_ms) }));
      },
    },
    whitelist: {
      list: async (room: RoomRef, options: ListOptions): Promise<Page<UidEntry>> => {
        await this.requireRoom(room);
        return this.roomUidPage('room_whitelist', room, options);
      },
      add: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
        await this.requireRoom(room);
        const result = await this.batch(uids, async (uid) => {
          await this.requireUsers(uid);
          await this.requireMember(room, uid);
          await this.store.run('INSERT INTO room_whitelist (kind, room_id, uid) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [room.kind, room.id, uid]);
        });
        emitChange(this.context, 'roomWhitelist.changed', { room: roomLabel(room) }, null, uids);
        return result;
      },
      replace: async (room: RoomRef, uids: string[]): Promise<Page<UidEntry>> => {
        await this.requireRoom(room);
        await this.requireUsers(...uids);
        return this.transaction(async () => {
          for (const uid of uids) await this.requireMember(room, uid);
          await this.store.run('DELETE FROM room_whitelist WHERE kind = ? AND room_id = ?', [room.kind, room.id]);
          for (const uid of uids) {
            await this.store.run('INSERT INTO room_whitelist (kind, room_id, uid) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [room.kind, room.id, uid]);
          }
          emitChange(this.context, 'roomWhitelist.changed', { room: roomLabel(room) }, null, uids);
          return this.roomUidPage('room_whitelist', room, { limit: 500 });
        });
      },
      remove: async (room: RoomRef, uid: string): Promise<void> => {
        await this.requireRoom(room);
        await this.requireUsers(uid);
        await this.transaction(async () => {
          if ((await this.store.run('DELETE FROM room_whitelist WHERE kind = ? AND room_id = ? AND uid = ?', [room.kind, room.id, uid])).changes > 0) {
            emitChange(this.context, 'roomWhitelist.changed', { room: roomLabel(room) }, null, null);
          }
        });
      },
    },
    blocks: {
      list: async (room: RoomRef, options: ListOptions): Promise<Page<UidEntry>> => {
        await this.requireRoom(room);
        return this.roomUidPage('room_blocks', room, options);
      },
      add: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
        const row = await this.requireRoom(room);
        return this.batch(uids, async (uid) => {
          await this.requireUsers(uid);
          if (uid === row.owner) throw new InvalidArgumentError(`the owner cannot be banned from ${room.kind} "${room.id}"`);
          await this.removeMembership(room, uid);
          const added = (
            await this.store.run('INSERT INTO room_blocks (kind, room_id, uid, since) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [room.kind, room.id, uid, this.context.now()])
          ).changes;
          if (added > 0) emitChange(this.context, 'roomBlock.added', { room: roomLabel(room), uid }, null, { uid });
        });
      },
      remove: async (room: RoomRef, uid: string): Promise<void> => {
        await this.requireRoom(room);
        await this.requireUsers(uid);
        await this.transaction(async () => {
          if ((await this.store.run('DELETE FROM room_blocks WHERE kind = ? AND room_id = ? AND uid = ?', [room.kind, room.id, uid])).changes > 0) {
            emitChange(this.context, 'roomBlock.deleted', { room: roomLabel(room), uid }, null, null);
          }
        });
      },
    },
  };

  // ---- conversations and messages -------------------------------------------------------------

  readonly conversations = {
    // Most recent first, then by peer: keyset on `conversations_recent`.
    list: async (uid: string, options: ListOptions): Promise<Page<Conversation>> => {
      await this.requireUsers(uid);
      const limit = pageLimit(options);
      const position = decodePositionCursor(options.cursor, CONVERSATION_POSITION);
      const parameters: unknown[] = [uid];
      let after = '';
      if (position !== null) {
        const [at, peerType, peerId] = position.split('/') as [string, string, string];
        after = ' AND (last_message_at < ? OR (last_message_at = ? AND (peer_type, peer_id) > (?, ?)))';
        parameters.push(Number(at), Number(at), peerType, peerId);
      }
      // last_message_at is set with every row (a conversation exists once a message was sent).
      const rows = await this.store.all<{ peer_type: PeerType; peer_id: string; unread: number; last_message_at: number }>(
        `SELECT peer_type, peer_id, unread, last_message_at FROM conversations
          WHERE owner = ?${after} ORDER BY last_message_at DESC, peer_type, peer_id LIMIT ?`,
        [...parameters, limit + 1],
      );
      return keysetPage(
        rows,
        limit,
        (row) => `${row.last_message_at}/${row.peer_type}/${row.peer_id}`,
        (row) => ({
          peer: { type: row.peer_type, id: row.peer_id },
          unread: row.unread,
          lastMessageAt: row.last_message_at === null ? null : iso(row.last_message_at),
        }),
      );
    },
    delete: async (uid: string, peerType: PeerType, peerId: string): Promise<void> => {
      await this.requireUsers(uid);
      const exists = peerType === 'user' ? (await this.findUser(peerId)) !== undefined : (await this.findRoom({ kind: peerType, id: peerId })) !== undefined;
      if (!exists && looksLikeCompositePeerId(uid, peerId)) throw compositePeerIdError(uid, peerType, peerId);
      if (peerType === 'user') await this.requireUsers(peerId);
      else await this.requireRoom({ kind: peerType, id: peerId });
      await this.transaction(async () => {
        const removed = (await this.store.run('DELETE FROM conversations WHERE owner = ? AND peer_type = ? AND peer_id = ?', [uid, peerType, peerId])).changes;
        if (removed > 0) emitChange(this.context, 'conversation.deleted', { uid, peerType, peerId }, null, null);
      });
    },
  };

  /** Throws the 403 a direct message from `from` to `to` earns, if any. Order: block, friendship, whitelist. */
  private async checkDirectPolicy(from: string, to: string): Promise<void> {
    const whitelisted = (await this.store.get<{ restricted: number; allowed: number }>(
      `SELECT CASE WHEN EXISTS (SELECT 1 FROM user_whitelist WHERE owner = ?) THEN 1 ELSE 0 END AS restricted,
              CASE WHEN EXISTS (SELECT 1 FROM user_whitelist WHERE owner = ? AND allowed = ?) THEN 1 ELSE 0 END AS allowed`,
      [to, to, from],
    ))!;
    checkDirectSend(from, to, {
      blocked: await this.isBlocking(to, from),
      notFriends: this.policy.requireFriendship && !((await this.findFriend(from, to)) && (await this.findFriend(to, from))),
      notWhitelisted: whitelisted.restricted === 1 && whitelisted.allowed === 0,
    });
  }

  /** Throws the 403 a room message from `from` earns, if any. An individual mute wins over the whitelist. */
  private async checkRoomPolicy(room: RoomRow, from: string): Promise<void> {
    const ref: RoomRef = { kind: room.kind, id: room.id };
    // A banned user is no member, whatever row is left.
    const member = (await this.isRoomBanned(ref, from)) ? undefined : await this.findMember(ref, from);
    const muteAll = room.mute_all === 1;
    const whitelisted = async () =>
      (await this.store.get('SELECT 1 AS hit FROM room_whitelist WHERE kind = ? AND room_id = ? AND uid = ?', [room.kind, room.id, from])) !== undefined;
    checkRoomSend(ref, from, {
      member: member !== undefined,
      mutedUntil: member?.muted === 1 ? mutedUntil(member.until_ms) : null,
      muteAll,
      exemptFromMuteAll: member === undefined || member.role !== 'member' || (muteAll && (await whitelisted())),
    });
  }

  readonly messages = {
    send: async (message: MessageInput): Promise<SentMessage> => {
      const { from, to } = message;
      await this.requireUsers(from);
      return this.transaction(async () => {
        const now = this.context.now();
        if (to.type === 'user') {
          await this.requireUsers(to.id);
          await this.checkDirectPolicy(from, to.id);
        } else {
          await this.checkRoomPolicy(await this.requireRoom({ kind: to.type, id: to.id }), from);
        }
        const { id } = (await this.store.get<{ id: number }>(
          'INSERT INTO messages (from_uid, peer_type, peer_id, text, sent_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
          [from, to.type, to.id, message.text, now],
        ))!;
        const upsert = `INSERT INTO conversations (owner, peer_type, peer_id, unread, last_message_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (owner, peer_type, peer_id) DO UPDATE SET unread = conversations.unread + excluded.unread, last_message_at = excluded.last_message_at`;
        if (to.type === 'user') {
          await this.store.run(upsert, [from, 'user', to.id, 0, now]);
          await this.store.run(upsert, [to.id, 'user', from, 1, now]);
        } else {
          await this.store.run(
            `INSERT INTO conversations (owner, peer_type, peer_id, unread, last_message_at)
             SELECT uid, kind, room_id, CASE WHEN uid = ? THEN 0 ELSE 1 END, CAST(? AS BIGINT) FROM members WHERE kind = ? AND room_id = ?
             ON CONFLICT (owner, peer_type, peer_id) DO UPDATE SET unread = conversations.unread + excluded.unread, last_message_at = excluded.last_message_at`,
            [from, now, to.type, to.id],
          );
        }
        const sent: SentMessage = { id: String(id), sentAt: iso(now) };
        emitChange(this.context, 'message.sent', { from, to: `${to.type}:${to.id}` }, null, sent);
        return sent;
      });
    },
  };

  async health(): Promise<BackendHealth> {
    try {
      await this.store.get('SELECT 1 AS ok');
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}
