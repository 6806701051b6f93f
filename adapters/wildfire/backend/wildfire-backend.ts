/**
 * The Wildfire IM backend: every unified operation composed from Wildfire's admin API (vendor note
 * `adapters/wildfire/NOTES.md`), adding the guarantees Wildfire leaves out — it never checks that users
 * exist (§4), its admin send bypasses every policy (§9), set_alias/set_extra create one-way
 * friend rows (§5), group member add is an upsert that demotes (§6), and user create overwrites
 * in full (§7).
 */
import { LRUCache } from 'lru-cache';
import {
  ConflictError,
  ImBridgeError,
  InvalidArgumentError,
  NotFoundError,
  PolicyError,
  ROOM_KIND_PATHS,
  SPEC_VERSION,
  UnsupportedError,
  UnsupportedOptionError,
  UpstreamError,
  requireCapability,
  toErrorBody,
  type Backend,
  type BackendContext,
  type BackendHealth,
  type BatchItemResult,
  type BatchResult,
  type Block,
  type Capabilities,
  type CapabilityName,
  type Conversation,
  type FriendAddMode,
  type FriendRemoveMode,
  type FriendRequestDirection,
  type FriendRequest,
  type Friendship,
  type FriendshipInput,
  type ListOptions,
  type Member,
  type MemberRole,
  type MessageInput,
  type Mute,
  type Page,
  type PeerType,
  type Relation,
  type Room,
  type RoomInput,
  type RoomKind,
  type RoomOperation,
  type RoomRef,
  type SentMessage,
  type UidEntry,
  type UpstreamAccess,
  type User,
  type UserInput,
} from '../../../src/spec/index.js';
import {
  assertId,
  decodePositionCursor,
  encodePositionCursor,
  fillPage,
  int64ToString,
  matchesIdRule,
  pageLimit,
  paginate,
  runSteps,
  type ChangeStep,
  type RetryOptions,
  type VendorPage,
  emitChange,
  checkDirectSend,
  checkRoomSend,
  FirstSeenTimes,
  MemorySharedState,
  type SharedState,
} from '../../../src/runtime/index.js';
import { wildfireCapabilities, type WildfireEdition } from './capabilities.js';
import { WildfireClient } from './client.js';
import { VENDOR } from './errors.js';
import { CONVERSATION_TYPE, MEMBER_TYPE, WILDFIRE_ID_RULE } from './ids.js';
import { SIGN_HEADERS, signedHeaders } from '../protocol/wire.js';

/** The validated config block (adapters/wildfire/backend.schema.json); a type alias so it fits the host's `BackendConfig`. */
export type WildfireConfig = {
  vendor: 'wildfire';
  baseUrl: string;
  /** `http.admin.secret_key` of the server. */
  secret: string;
  edition?: WildfireEdition;
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  policy?: { requireFriendship?: boolean };
};

/** `InputOutputUserInfo` (§7). */
export interface WildfireUser {
  userId: string;
  name: string;
  displayName?: string;
  portrait?: string;
  gender?: number;
  mobile?: string;
  email?: string;
  address?: string;
  company?: string;
  social?: string;
  extra?: string;
  type?: number;
  updateDt?: number;
}

/** `/admin/relation/get` result (§5): a's row about b. */
interface WildfireRelation {
  userId?: string;
  targetId?: string;
  isFriend?: boolean;
  isBlacked?: boolean;
  alias?: string;
  extra?: string;
}

interface WildfireGroupInfo {
  target_id: string;
  name?: string;
  owner?: string;
  mute?: number;
}

interface WildfireMember {
  member_id: string;
  alias?: string;
  type?: number;
  extra?: string;
  createDt?: number;
}

/** How long a positive user lookup is trusted (the vendor checks nothing itself, §4). */
const USER_CACHE_TTL_MS = 5_000;

/**
 * Wildfire lets one repeat of a friend request through when the request was last updated less
 * than 5 minutes ago, and rewrites it (a hard-coded window, MemoryMessagesStore.saveAddFriendRequest
 * :3343-3359; audit W-2). Beyond it the server answers 16 itself.
 */
const REQUEST_REPEAT_GRACE_MS = 5 * 60_000;

/** `ProtoConstants.PersistFlag.Persist_And_Count` (§9): stored, and counted as unread / in the push badge. */
const PERSIST_AND_COUNT = 3;

/** `/admin/user/update` flag bits (§7). */
const UPDATE_FLAG = { displayName: 0x01, extra: 0x100 } as const;
/** The position of a users.list cursor: the offset of the next user in `/admin/user/all` (§12). */
const OFFSET_POSITION = /^\d{1,9}$/;

function emptyToNull(value: string | undefined | null): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

function roleOf(type: number | undefined): MemberRole {
  if (type === MEMBER_TYPE.owner) return 'owner';
  if (type === MEMBER_TYPE.manager) return 'admin';
  return 'member';
}

function toMember(member: WildfireMember): Member {
  return { uid: member.member_id, role: roleOf(member.type), mutedUntil: member.type === MEMBER_TYPE.silent ? 'forever' : null };
}

function roomLabel(room: RoomRef): string {
  return `${room.kind}:${room.id}`;
}

/**
 * Wildfire keeps ONE type per member (§6): a mute, a whitelist entry and the admin role exclude
 * each other, so the capability option `stacked` is missing: the call is refused (422) rather than
 * silently dropping the member's other state.
 */
function exclusiveTypeError(uid: string, has: string, wanted: string, capability: string): UnsupportedOptionError {
  return new UnsupportedOptionError(
    capability as CapabilityName,
    'stacked',
    VENDOR,
    `Wildfire keeps one type per group member: "${uid}" is ${has}, so it cannot also be ${wanted} (that would silently drop the first); undo it first`,
  );
}

export class WildfireBackend implements Backend {
  readonly specVersion = SPEC_VERSION;
  readonly vendor = VENDOR;
  readonly name: string;
  readonly capabilities: Capabilities;
  readonly idRule = WILDFIRE_ID_RULE;
  readonly edition: WildfireEdition;
  /** How `/compat/wildfire` passes untranslated routes to this server: re-signed with this backend's secret per call. */
  readonly upstream: UpstreamAccess;
  private readonly client: WildfireClient;
  private readonly requireFriendship: boolean;
  private readonly userCache = new LRUCache<string, WildfireUser>({ max: 10_000, ttl: USER_CACHE_TTL_MS });
  /**
   * Wildfire exposes no "since" for friend and blacklist rows (§5, relation/get), so the adapter
   * keeps when each entry began (or was first seen) in the shared state: every instance on one
   * coordination answers the same time, and it survives a restart unless the state is memory.
   */
  private readonly times: FirstSeenTimes;
  /**
   * When this backend last sent each friend request (`from\0to` → context clock ms), so a repeat
   * inside the server's 5-minute allowance is REQUEST_PENDING as the contract says, not a rewrite.
   * Kept in the shared state, so a repeat sent through another instance is refused the same way.
   */
  private readonly state: SharedState;

  constructor(
    config: WildfireConfig,
    private readonly context: BackendContext,
  ) {
    this.name = context.name;
    this.state = context.state ?? new MemorySharedState(context.now);
    this.times = new FirstSeenTimes(this.state, `${this.name}:since`, context.now);
    this.edition = config.edition ?? 'community';
    this.capabilities = wildfireCapabilities(this.edition);
    this.requireFriendship = config.policy?.requireFriendship ?? false;
    const secret = config.secret;
    this.upstream = {
      vendor: VENDOR,
      // Admin paths are absolute (`/admin/...`), so the base URL carries no prefix.
      baseUrl: config.baseUrl.replace(/\/+$/, ''),
      // A fresh nonce and timestamp for every forwarded request: a signature is only good for 2 h (§2).
      authHeaders: async () => signedHeaders(secret),
      credentialHeaders: SIGN_HEADERS,
    };
    this.client = new WildfireClient({
      baseUrl: config.baseUrl,
      secret: config.secret,
      ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
      ...(config.retry === undefined ? {} : { retry: config.retry }),
      logger: context.logger,
    });
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private require(name: CapabilityName, option?: string): void {
    requireCapability(this.capabilities, VENDOR, name, option);
  }

  private requireRoomOperation(room: RoomRef | RoomKind, operation: RoomOperation, option?: string): void {
    const kind = typeof room === 'string' ? room : room.kind;
    this.require(`${ROOM_KIND_PATHS[kind]}.${operation}` as CapabilityName, option);
    if (typeof room !== 'string') assertId(this.idRule, room.id, 'room id');
  }


  private nowIso(): string {
    return new Date(this.context.now()).toISOString();
  }

  private call<Result = unknown>(route: string, body: Record<string, unknown>, idempotent: boolean, capability: string): Promise<Result> {
    return this.client.call<Result>(route, body, { idempotent, capability });
  }

  /** The stored user or null (253 "not exist" = unknown or destroyed, §7). Fresh read; refreshes the cache. */
  private async fetchUser(uid: string, capability: string): Promise<WildfireUser | null> {
    try {
      const user = await this.call<WildfireUser>('/admin/user/get_info', { userId: uid }, true, capability);
      this.userCache.set(uid, user);
      return user;
    } catch (error) {
      if (ImBridgeError.is(error) && error.code === 'USER_NOT_FOUND') {
        this.userCache.delete(uid);
        return null;
      }
      throw error;
    }
  }

  /** USER_NOT_FOUND unless every uid is registered; positive answers are cached briefly. */
  private async ensureUsers(capability: string, ...uids: string[]): Promise<void> {
    for (const uid of uids) assertId(this.idRule, uid, 'uid');
    for (const uid of new Set(uids)) {
      if (this.userCache.has(uid)) continue;
      const user = await this.fetchUser(uid, capability);
      if (!user) throw new NotFoundError('USER_NOT_FOUND', `user "${uid}" is not registered`, { details: { uid } });
    }
  }

  private async userName(uid: string, capability: string): Promise<string | null> {
    const user = this.userCache.get(uid) ?? (await this.fetchUser(uid, capability));
    return emptyToNull(user?.displayName);
  }

  private relation(uid: string, other: string, capability: string): Promise<WildfireRelation> {
    return this.call<WildfireRelation>('/admin/relation/get', { first: uid, second: other }, true, capability);
  }

  /** An entry's time: now when this call created it (`fresh`), else the one kept. */
  private since(kind: 'friend' | 'block', uid: string, other: string, fresh: boolean): Promise<string> {
    return fresh ? this.times.started(kind, uid, other) : this.times.seen(kind, uid, other);
  }

  /**
   * A list in an order an edit does not change: `since`, then id. friend/list is sorted by each
   * row's last change (set_alias, set_extra, blacklist/status and friend/status reset it; audit W-5)
   * and blacklist/list is not sorted at all, so paging in the server's order would skip or repeat
   * entries edited between two pages.
   */
  private async stableOrder(kind: 'friend' | 'block', uid: string, ids: string[]): Promise<Array<{ id: string; since: string }>> {
    const since = await this.times.seenMany(kind, uid, ids);
    return ids
      .map((id) => ({ id, since: since.get(id)! }))
      .sort((left, right) => left.since.localeCompare(right.since) || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
  }

  private forgetSince(kind: 'friend' | 'block', uid: string, other: string): Promise<void> {
    return this.times.forget(kind, uid, other);
  }

  /**
   * friend/status without `extra` blanks uid's row's extra, whatever the status (the server sets
   * the proto's unset extra, "", on that row; audit W-1): callers treat uid's extra as "" after it.
   */
  private setFriendStatus(uid: string, friend: string, status: 0 | 1 | 2, capability: string): Promise<unknown> {
    return this.call('/admin/friend/status', { userId: uid, friendUid: friend, status }, true, capability);
  }

  private setAlias(uid: string, friend: string, alias: string, capability: string): Promise<unknown> {
    return this.call('/admin/friend/set_alias', { operator: uid, targetId: friend, alias }, true, capability);
  }

  private setExtra(uid: string, friend: string, extra: string, capability: string): Promise<unknown> {
    return this.call('/admin/friend/set_extra', { operator: uid, targetId: friend, extra }, true, capability);
  }

  /** Steps that bring a's row for b to `alias`/`extra`, each undoable to `before`. */
  private viewSteps(uid: string, friend: string, before: WildfireRelation, alias: string, extra: string, capability: string): ChangeStep[] {
    const steps: ChangeStep[] = [];
    const oldAlias = before.alias ?? '';
    const oldExtra = before.extra ?? '';
    if (alias !== oldAlias) {
      steps.push({
        description: `set_alias ${uid}→${friend}`,
        apply: async () => void (await this.setAlias(uid, friend, alias, capability)),
        undo: async () => void (await this.setAlias(uid, friend, oldAlias, capability)),
      });
    }
    if (extra !== oldExtra) {
      steps.push({
        description: `set_extra ${uid}→${friend}`,
        apply: async () => void (await this.setExtra(uid, friend, extra, capability)),
        undo: async () => void (await this.setExtra(uid, friend, oldExtra, capability)),
      });
    }
    return steps;
  }

  /**
   * uid's row → friend (state 0) without touching friend's list. Wildfire has no one-row "friend"
   * write: friend/status 0 sets both rows, then status 2 (legacy, one row, "not a friend") puts
   * friend's row back to not-a-friend when it was not one before (§5).
   */
  private oneWayAddSteps(uid: string, friend: string, wasFriendOf: boolean, capability: string): ChangeStep[] {
    const steps: ChangeStep[] = [
      {
        description: `friend/status ${uid}↔${friend} = friends`,
        apply: async () => void (await this.setFriendStatus(uid, friend, 0, capability)),
        undo: async () => void (await (wasFriendOf ? this.setFriendStatus(uid, friend, 2, capability) : this.setFriendStatus(uid, friend, 1, capability))),
      },
    ];
    if (!wasFriendOf) {
      steps.push({
        description: `friend/status ${friend}→${uid} = not a friend (legacy 2)`,
        apply: async () => void (await this.setFriendStatus(friend, uid, 2, capability)),
        // The first step's undo clears both rows; nothing to restore here.
        undo: async () => undefined,
      });
    }
    return steps;
  }

  private async batch(ids: string[], run: (id: string) => Promise<void>): Promise<BatchResult> {
    const results: BatchItemResult[] = [];
    for (const id of ids) {
      try {
        await run(id);
        results.push({ id, ok: true });
      } catch (error) {
        results.push({ id, ok: false, error: toErrorBody(this.asUnified(error)) });
      }
    }
    return { results };
  }

  private asUnified(error: unknown): ImBridgeError {
    if (ImBridgeError.is(error)) return error;
    return new UpstreamError('UPSTREAM_ERROR', `unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
  }

  private async groupInfo(id: string, capability: string): Promise<WildfireGroupInfo> {
    return this.call<WildfireGroupInfo>('/admin/group/get_info', { groupId: id }, true, capability);
  }

  private async groupMembers(id: string, capability: string): Promise<WildfireMember[]> {
    const result = await this.call<{ members?: WildfireMember[] }>('/admin/group/member/list', { groupId: id }, true, capability);
    return (result?.members ?? []).filter((member) => member.type !== MEMBER_TYPE.removed);
  }

  /** The member entry, or PolicyError NOT_MEMBER (member/get answers 253 for a non-member, §6). */
  private async groupMember(id: string, uid: string, capability: string): Promise<WildfireMember> {
    try {
      const member = await this.call<WildfireMember>('/admin/group/member/get', { groupId: id, memberId: uid }, true, capability);
      if (member.type === MEMBER_TYPE.removed) throw new PolicyError('NOT_MEMBER', `"${uid}" is not a member of group "${id}"`);
      return member;
    } catch (error) {
      if (ImBridgeError.is(error) && error.code === 'NOT_MEMBER') {
        throw new PolicyError('NOT_MEMBER', `"${uid}" is not a member of group "${id}"`, { details: { uid } });
      }
      throw error;
    }
  }

  private toRoom(info: WildfireGroupInfo, memberCount: number): Room {
    return {
      id: info.target_id,
      kind: 'group',
      name: info.name ?? '',
      owner: info.owner ?? '',
      muteAll: Number(info.mute ?? 0) === 1,
      memberCount,
    };
  }

  private async readRoom(id: string, capability: string): Promise<Room> {
    const info = await this.groupInfo(id, capability);
    // member/list, not get_info's max_member_count (community fills it with the count, §6; pro may not).
    const members = await this.groupMembers(id, capability);
    return this.toRoom(info, members.length);
  }

  private async groupMemberSwitch(route: '/admin/group/manager/set' | '/admin/group/manager/mute' | '/admin/group/manager/allow', group: WildfireGroupInfo, uids: string[], on: boolean, capability: string): Promise<void> {
    await this.call(route, { operator: group.owner ?? 'admin', group_id: group.target_id, members: uids, is_manager: on }, true, capability);
  }

  // ---- users ------------------------------------------------------------------------------------

  readonly users = {
    put: async (uid: string, input: UserInput): Promise<User> => {
      this.require('users.put');
      return this.putUser(uid, input, 'users.put');
    },
    putMany: async (users: Array<{ uid: string; name?: string }>): Promise<BatchResult> => {
      this.require('users.batchPut');
      const results: BatchItemResult[] = [];
      for (const entry of users) {
        try {
          await this.putUser(entry.uid, entry.name === undefined ? {} : { name: entry.name }, 'users.batchPut');
          results.push({ id: entry.uid, ok: true });
        } catch (error) {
          results.push({ id: entry.uid, ok: false, error: toErrorBody(this.asUnified(error)) });
        }
      }
      return { results };
    },
    get: async (uid: string): Promise<User> => {
      this.require('users.get');
      assertId(this.idRule, uid, 'uid');
      const user = await this.fetchUser(uid, 'users.get');
      if (!user) throw new NotFoundError('USER_NOT_FOUND', `user "${uid}" is not registered`, { details: { uid } });
      return { uid, name: emptyToNull(user.displayName), extra: emptyToNull(user.extra) };
    },
    // §12 `/admin/user/all {count, offset}`: every user not destroyed, oldest first. It answers no
    // total, so one user more than wanted is asked for to know whether the list goes on.
    list: async (options: ListOptions): Promise<Page<User>> => {
      this.require('users.list');
      const page = await fillPage({
        limit: pageLimit(options),
        start: decodePositionCursor(options.cursor, OFFSET_POSITION),
        read: async (position, want): Promise<VendorPage<WildfireUser>> => {
          const offset = position === null ? 0 : Number(position);
          const result = await this.call<{ userInfoList?: WildfireUser[] }>('/admin/user/all', { count: want + 1, offset }, true, 'users.list');
          const items = result?.userInfoList ?? [];
          return { items, positions: items.map((_user, index) => String(offset + index + 1)), next: items.length > want ? String(offset + items.length) : null };
        },
        convert: async (users) =>
          users.map((user) => (typeof user.userId === 'string' && matchesIdRule(this.idRule, user.userId) ? { uid: user.userId, name: emptyToNull(user.displayName), extra: emptyToNull(user.extra) } : null)),
      });
      return { items: page.items, nextCursor: page.next === null ? null : encodePositionCursor(page.next) };
    },
  };

  /**
   * Registers with /admin/user/create (account `name` = uid, which keeps it unique) or, for a
   * stored user, changes only the given fields with /admin/user/update and its flag mask: create
   * would overwrite the whole user and blank every field not sent (§7).
   */
  private async putUser(uid: string, input: UserInput, capability: string): Promise<User> {
    assertId(this.idRule, uid, 'uid');
    const stored = await this.fetchUser(uid, capability);
    let after: WildfireUser;
    if (!stored) {
      const body: Record<string, unknown> = { userId: uid, name: uid, type: 0 };
      // displayName "" would become the account name (§7); leaving it out keeps it empty.
      if (input.name !== undefined && input.name !== '') body.displayName = input.name;
      if (input.extra !== undefined) body.extra = input.extra;
      await this.call('/admin/user/create', body, true, capability);
      after = { userId: uid, name: uid, displayName: input.name ?? '', extra: input.extra ?? '' };
    } else {
      let flag = 0;
      const userInfo: Record<string, unknown> = { userId: uid };
      if (input.name !== undefined) {
        flag |= UPDATE_FLAG.displayName;
        userInfo.displayName = input.name;
      }
      if (input.extra !== undefined) {
        flag |= UPDATE_FLAG.extra;
        userInfo.extra = input.extra;
      }
      if (flag !== 0) await this.call('/admin/user/update', { flag, userInfo }, true, capability);
      after = { ...stored, ...(input.name === undefined ? {} : { displayName: input.name }), ...(input.extra === undefined ? {} : { extra: input.extra }) };
    }
    this.userCache.set(uid, after);
    const user: User = { uid, name: emptyToNull(after.displayName), extra: emptyToNull(after.extra) };
    const before = stored ? { uid, name: emptyToNull(stored.displayName), extra: emptyToNull(stored.extra) } : null;
    emitChange(this.context, 'user.updated', { uid }, before, user);
    return user;
  }

  // ---- friends ----------------------------------------------------------------------------------

  readonly friends = {
    put: async (uid: string, friend: string, input: FriendshipInput, mode: FriendAddMode = 'mutual'): Promise<Friendship> => {
      const capability = 'friends.put';
      this.require(capability, mode === 'one-way' ? 'oneWay' : undefined);
      await this.ensureUsers(capability, uid, friend);
      const [forward, backward] = await Promise.all([this.relation(uid, friend, capability), this.relation(friend, uid, capability)]);
      const wasFriend = forward.isFriend === true;
      const wasFriendOf = backward.isFriend === true;
      const steps: ChangeStep[] = [];
      if (mode === 'one-way') {
        if (!wasFriend) steps.push(...this.oneWayAddSteps(uid, friend, wasFriendOf, capability));
      } else if (!wasFriend || !wasFriendOf) {
        steps.push({
          // One call sets both rows (§5). `extra` is never passed here: it would also land on a new b→a row.
          description: `friend/status ${uid}↔${friend} = friends`,
          apply: async () => void (await this.setFriendStatus(uid, friend, 0, capability)),
          undo: async () => {
            if (!wasFriend && !wasFriendOf) await this.setFriendStatus(uid, friend, 1, capability);
            else if (wasFriend) {
              await this.setFriendStatus(friend, uid, 2, capability);
              // The apply blanked uid's extra (audit W-1); the undo above wrote only friend's row.
              if (forward.extra) await this.setExtra(uid, friend, forward.extra, capability);
            } else await this.setFriendStatus(uid, friend, 2, capability);
          },
        });
      }
      // A re-added friend starts with an empty view, as in the reference; Wildfire keeps old rows.
      const alias = input.alias ?? (wasFriend ? (forward.alias ?? '') : '');
      const extra = input.extra ?? (wasFriend ? (forward.extra ?? '') : '');
      // The steps so far begin with friend/status for uid→friend, which wrote "" into uid's extra (audit W-1): the wanted extra is set again.
      const statusWritten = steps.length > 0;
      const current = statusWritten ? { ...forward, extra: '' } : forward;
      steps.push(...this.viewSteps(uid, friend, current, alias, extra, capability));
      await runSteps(steps);
      const friendship: Friendship = { uid, friend, alias: emptyToNull(alias), extra: emptyToNull(extra), since: await this.since('friend', uid, friend, !wasFriend) };
      const bothAdded = mode === 'mutual' && !wasFriendOf;
      if (bothAdded) await this.times.started('friend', friend, uid, friendship.since);
      if (!wasFriend || bothAdded) emitChange(this.context, 'friend.added', { uid, friend, mode }, null, friendship);
      else if (steps.length > 0) emitChange(this.context, 'friend.infoChanged', { uid, friend }, { alias: emptyToNull(forward.alias), extra: emptyToNull(forward.extra) }, friendship);
      return friendship;
    },

    remove: async (uid: string, friend: string, mode: FriendRemoveMode): Promise<void> => {
      const capability = 'friends.remove';
      this.require(capability, mode === 'one-way' ? 'oneWay' : undefined);
      await this.ensureUsers(capability, uid, friend);
      const [forward, backward] = await Promise.all([this.relation(uid, friend, capability), this.relation(friend, uid, capability)]);
      if (mode === 'mutual') {
        if (!forward.isFriend && !backward.isFriend) return;
        // status 1 writes both rows (§5).
        await this.setFriendStatus(uid, friend, 1, capability);
        await Promise.all([this.forgetSince('friend', uid, friend), this.forgetSince('friend', friend, uid)]);
      } else {
        if (!forward.isFriend) return;
        // status 2 (legacy) writes only uid's row, and any state but 0 is "not a friend" (§5).
        await this.setFriendStatus(uid, friend, 2, capability);
        await this.forgetSince('friend', uid, friend);
      }
      emitChange(this.context, 'friend.deleted', { uid, friend, mode }, null, null);
    },

    list: async (uid: string, options: ListOptions & { query?: string; uids?: string[] }): Promise<Page<Friendship>> => {
      const capability = 'friends.list';
      this.require(capability, options.query !== undefined ? 'query' : options.uids !== undefined ? 'uids' : undefined);
      await this.ensureUsers(capability, uid);
      const result = await this.call<{ list?: string[] }>('/admin/friend/list', { userId: uid }, true, capability);
      let entries = await this.stableOrder('friend', uid, result?.list ?? []);
      if (options.uids !== undefined) {
        const wanted = new Set(options.uids);
        entries = entries.filter((candidate) => wanted.has(candidate.id));
      }
      const entry = async ({ id: friend, since }: { id: string; since: string }): Promise<Friendship> => {
        const relation = await this.relation(uid, friend, capability);
        return { uid, friend, alias: emptyToNull(relation.alias), extra: emptyToNull(relation.extra), since };
      };
      if (options.query === undefined || options.query === '') {
        const page = paginate(entries, options);
        return { items: await Promise.all(page.items.map(entry)), nextCursor: page.nextCursor };
      }
      const needle = options.query.toLowerCase();
      const all = await Promise.all(entries.map(entry));
      const matched: Friendship[] = [];
      for (const friendship of all) {
        const name = await this.userName(friendship.friend, capability);
        const fields = [friendship.friend, name, friendship.alias];
        if (fields.some((field) => field !== null && field.toLowerCase().includes(needle))) matched.push(friendship);
      }
      return paginate(matched, options);
    },

    get: async (uid: string, friend: string): Promise<Friendship> => {
      const capability = 'friends.get';
      this.require(capability);
      await this.ensureUsers(capability, uid, friend);
      const relation = await this.relation(uid, friend, capability);
      if (!relation.isFriend) throw new NotFoundError('NOT_FRIENDS', `"${friend}" is not in the friend list of "${uid}"`);
      return { uid, friend, alias: emptyToNull(relation.alias), extra: emptyToNull(relation.extra), since: await this.since('friend', uid, friend, false) };
    },

    update: async (uid: string, friend: string, input: FriendshipInput): Promise<Friendship> => {
      const capability = 'friends.update';
      this.require(capability);
      await this.ensureUsers(capability, uid, friend);
      const before = await this.relation(uid, friend, capability);
      // set_alias / set_extra on a non-friend would silently insert a one-way friend row (§5).
      if (!before.isFriend) throw new NotFoundError('NOT_FRIENDS', `"${friend}" is not in the friend list of "${uid}"`);
      const alias = input.alias ?? before.alias ?? '';
      const extra = input.extra ?? before.extra ?? '';
      const steps = this.viewSteps(uid, friend, before, alias, extra, capability);
      await runSteps(steps);
      const friendship: Friendship = { uid, friend, alias: emptyToNull(alias), extra: emptyToNull(extra), since: await this.since('friend', uid, friend, false) };
      if (steps.length > 0) emitChange(this.context, 'friend.infoChanged', { uid, friend }, { alias: emptyToNull(before.alias), extra: emptyToNull(before.extra) }, friendship);
      return friendship;
    },
  };

  // ---- friend requests --------------------------------------------------------------------------

  readonly friendRequests = {
    send: async (from: string, to: string, message: string | null): Promise<FriendRequest> => {
      const capability = 'friendRequests.send';
      this.require(capability);
      await this.ensureUsers(capability, from, to);
      const [forward, backward] = await Promise.all([this.relation(from, to, capability), this.relation(to, from, capability)]);
      // The unified order: BLOCKED, then ALREADY_FRIENDS (mutual), then REQUEST_PENDING (the vendor's 16).
      if (backward.isBlacked) throw new PolicyError('BLOCKED', `"${to}" blocks "${from}"`);
      if (forward.isFriend && backward.isFriend) throw new ConflictError('ALREADY_FRIENDS', `"${from}" and "${to}" are already friends`);
      const key = JSON.stringify([from, to]);
      const sentAt = Number(await this.state.get(`${this.name}:sent-requests`, key));
      if (Number.isFinite(sentAt) && this.context.now() - sentAt < REQUEST_REPEAT_GRACE_MS) {
        throw new ConflictError('REQUEST_PENDING', `"${from}" already asked "${to}" to be friends`);
      }
      // force:false runs the vendor's own user-request checks (18 recently rejected, 16 repeat, 23, 246 blacklist);
      // `reason` must be a string or the server throws (HTTP 500, §5).
      await this.call('/admin/friend/send_request', { userId: from, friendUid: to, reason: message ?? '', force: false }, false, capability);
      await this.state.set(`${this.name}:sent-requests`, key, String(this.context.now()), REQUEST_REPEAT_GRACE_MS);
      const request: FriendRequest = { from, to, message, status: 'pending', createdAt: this.nowIso() };
      emitChange(this.context, 'friendRequest.added', { from, to }, null, request);
      return request;
    },
    list: async (_uid: string, _direction: FriendRequestDirection, _options: ListOptions): Promise<Page<FriendRequest>> => {
      this.require('friendRequests.list');
      return { items: [], nextCursor: null };
    },
    withdraw: async (_from: string, _to: string): Promise<void> => {
      this.require('friendRequests.withdraw');
    },
    accept: async (_to: string, _from: string): Promise<Friendship> => {
      this.require('friendRequests.accept');
      throw new UpstreamError('UPSTREAM_ERROR', 'unreachable');
    },
    reject: async (_to: string, _from: string): Promise<FriendRequest> => {
      this.require('friendRequests.reject');
      throw new UpstreamError('UPSTREAM_ERROR', 'unreachable');
    },
  };

  // ---- blocks and relations ---------------------------------------------------------------------

  private async putBlock(uid: string, blocked: string, capability: string): Promise<Block> {
    await this.ensureUsers(capability, uid, blocked);
    const before = await this.relation(uid, blocked, capability);
    if (!before.isBlacked) {
      // One-way: only uid's row changes; friendship untouched (§5).
      await this.call('/admin/blacklist/status', { userId: uid, targetUid: blocked, status: 2 }, true, capability);
    }
    const block: Block = { uid, blocked, since: await this.since('block', uid, blocked, !before.isBlacked) };
    if (!before.isBlacked) emitChange(this.context, 'block.added', { uid, blocked }, null, block);
    return block;
  }

  readonly blocks = {
    put: async (uid: string, blocked: string): Promise<Block> => {
      this.require('blocks.put');
      return this.putBlock(uid, blocked, 'blocks.put');
    },
    putMany: async (uid: string, blocked: string[]): Promise<BatchResult> => {
      this.require('blocks.batchPut');
      await this.ensureUsers('blocks.batchPut', uid);
      return this.batch(blocked, async (other) => void (await this.putBlock(uid, other, 'blocks.batchPut')));
    },
    remove: async (uid: string, blocked: string): Promise<void> => {
      const capability = 'blocks.remove';
      this.require(capability);
      await this.ensureUsers(capability, uid, blocked);
      const before = await this.relation(uid, blocked, capability);
      if (!before.isBlacked) return;
      await this.call('/admin/blacklist/status', { userId: uid, targetUid: blocked, status: 1 }, true, capability);
      await this.forgetSince('block', uid, blocked);
      emitChange(this.context, 'block.deleted', { uid, blocked }, { uid, blocked }, null);
    },
    list: async (uid: string, options: ListOptions): Promise<Page<Block>> => {
      const capability = 'blocks.list';
      this.require(capability);
      await this.ensureUsers(capability, uid);
      const result = await this.call<{ list?: string[] }>('/admin/blacklist/list', { userId: uid }, true, capability);
      const blocks = (await this.stableOrder('block', uid, result?.list ?? [])).map(({ id: blocked, since }) => ({ uid, blocked, since }));
      return paginate(blocks, options);
    },
  };

  readonly relations = {
    get: async (uid: string, other: string): Promise<Relation> => {
      const capability = 'relations.get';
      this.require(capability);
      await this.ensureUsers(capability, uid, other);
      // relation/get is directional (§5): one call per side.
      const [forward, backward] = await Promise.all([this.relation(uid, other, capability), this.relation(other, uid, capability)]);
      const friend = forward.isFriend === true;
      return {
        uid,
        other,
        friend,
        friendOf: backward.isFriend === true,
        blocking: forward.isBlacked === true,
        blockedBy: backward.isBlacked === true,
        alias: friend ? emptyToNull(forward.alias) : null,
        extra: friend ? emptyToNull(forward.extra) : null,
      };
    },
  };

  /** Wildfire has no per-user "who may message me" list: every operation is UNSUPPORTED. */
  readonly userWhitelist = {
    list: async (_uid: string, _options: ListOptions): Promise<Page<UidEntry>> => {
      this.require('users.whitelist.list');
      return { items: [], nextCursor: null };
    },
    replace: async (_uid: string, _uids: string[]): Promise<Page<UidEntry>> => {
      this.require('users.whitelist.replace');
      return { items: [], nextCursor: null };
    },
    add: async (_uid: string, _uids: string[]): Promise<BatchResult> => {
      this.require('users.whitelist.add');
      return { results: [] };
    },
    remove: async (_uid: string, _other: string): Promise<void> => {
      this.require('users.whitelist.remove');
    },
  };

  // ---- rooms ------------------------------------------------------------------------------------

  private async setMute(room: RoomRef, uid: string, capability: string): Promise<Mute> {
    await this.ensureUsers(capability, uid);
    const group = await this.groupInfo(room.id, capability);
    const member = await this.groupMember(room.id, uid, capability);
    if (member.type === MEMBER_TYPE.owner) throw new InvalidArgumentError(`the owner of group "${room.id}" cannot be muted`);
    if (member.type === MEMBER_TYPE.manager) throw exclusiveTypeError(uid, 'an admin', 'muted', capability);
    if (member.type === MEMBER_TYPE.allowed) throw exclusiveTypeError(uid, 'on the mute whitelist', 'muted', capability);
    if (member.type !== MEMBER_TYPE.silent) {
      await this.groupMemberSwitch('/admin/group/manager/mute', group, [uid], true, capability);
      emitChange(this.context, 'member.muted', { room: roomLabel(room), uid }, null, { uid, mutedUntil: 'forever' });
    }
    return { uid, mutedUntil: 'forever' };
  }

  private async whitelistAdd(room: RoomRef, group: WildfireGroupInfo, uid: string, capability: string): Promise<boolean> {
    await this.ensureUsers(capability, uid);
    const member = await this.groupMember(room.id, uid, capability);
    if (member.type === MEMBER_TYPE.allowed) return false;
    if (member.type === MEMBER_TYPE.owner || member.type === MEMBER_TYPE.manager) throw exclusiveTypeError(uid, member.type === MEMBER_TYPE.owner ? 'the owner' : 'an admin', 'on the mute whitelist', capability);
    if (member.type === MEMBER_TYPE.silent) throw exclusiveTypeError(uid, 'muted', 'on the mute whitelist', capability);
    await this.groupMemberSwitch('/admin/group/manager/allow', group, [uid], true, capability);
    return true;
  }

  readonly rooms = {
    // No admin call of either edition lists groups (§12): declared false, so the guard refuses
    // before this; a caller without the guard meets the same refusal here.
    list: async (kind: RoomKind): Promise<Page<Room>> => {
      this.requireRoomOperation(kind, 'list');
      throw new UnsupportedError(`${ROOM_KIND_PATHS[kind]}.list`, VENDOR);
    },
    create: async (kind: RoomKind, input: RoomInput): Promise<Room> => {
      this.requireRoomOperation(kind, 'create');
      const capability = 'groups.create';
      if (input.id !== undefined) assertId(this.idRule, input.id, 'id');
      const others = [...new Set(input.members ?? [])].filter((uid) => uid !== input.owner);
      // Every user must exist before anything is created: Wildfire would accept any id (§4).
      await this.ensureUsers(capability, input.owner, ...others);
      const groupInfo: Record<string, unknown> = { name: input.name, owner: input.owner, type: 2 };
      if (input.id !== undefined) groupInfo.target_id = input.id;
      const body = {
        operator: input.owner,
        group: {
          group_info: groupInfo,
          members: [{ member_id: input.owner, type: MEMBER_TYPE.owner }, ...others.map((uid) => ({ member_id: uid, type: MEMBER_TYPE.normal }))],
        },
        to_lines: [0],
      };
      // Not retried: a repeat after a lost answer would meet 11 "group already exist".
      const result = await this.call<{ group_id?: string }>('/admin/group/create', body, false, capability);
      const id = result?.group_id ?? input.id ?? '';
      const room: Room = { id, kind: 'group', name: input.name, owner: input.owner, muteAll: false, memberCount: 1 + others.length };
      emitChange(this.context, 'room.created', { room: roomLabel({ kind, id }) }, null, room);
      return room;
    },

    get: async (room: RoomRef): Promise<Room> => {
      this.requireRoomOperation(room, 'get');
      return this.readRoom(room.id, 'groups.get');
    },

    dismiss: async (room: RoomRef): Promise<void> => {
      this.requireRoomOperation(room, 'dismiss');
      const capability = 'groups.dismiss';
      const before = await this.readRoom(room.id, capability);
      // Not retried: a repeat would meet 253 after the first one worked.
      await this.call('/admin/group/del', { operator: before.owner || 'admin', group_id: room.id, to_lines: [0] }, false, capability);
      emitChange(this.context, 'room.dismissed', { room: roomLabel(room) }, before, null);
    },

    setMuteAll: async (room: RoomRef, on: boolean): Promise<Room> => {
      this.requireRoomOperation(room, on ? 'muteAll.set' : 'muteAll.remove');
      const capability = on ? 'groups.muteAll.set' : 'groups.muteAll.remove';
      const before = await this.readRoom(room.id, capability);
      if (before.muteAll !== on) {
        // Whole-group mute is group/modify type 3 with value "1"/"0" (§6).
        await this.call('/admin/group/modify', { operator: before.owner || 'admin', group_id: room.id, type: 3, value: on ? '1' : '0', to_lines: [0] }, true, capability);
      }
      const after = { ...before, muteAll: on };
      if (before.muteAll !== on) emitChange(this.context, 'room.muteAllChanged', { room: roomLabel(room) }, before, after);
      return after;
    },

    members: {
      list: async (room: RoomRef, options: ListOptions): Promise<Page<Member>> => {
        this.requireRoomOperation(room, 'members.list');
        const members = await this.groupMembers(room.id, 'groups.members.list');
        return paginate(members.map(toMember), options);
      },

      add: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
        this.requireRoomOperation(room, 'members.add');
        const capability = 'groups.members.add';
        const group = await this.groupInfo(room.id, capability);
        const current = new Set((await this.groupMembers(room.id, capability)).map((member) => member.member_id));
        const outcome = new Map<string, ImBridgeError | null>();
        const toAdd: string[] = [];
        for (const uid of uids) {
          if (outcome.has(uid) || toAdd.includes(uid)) continue;
          try {
            await this.ensureUsers(capability, uid);
            // member/add is an upsert that rewrites the type (a manager would be demoted, §6): only newcomers are sent.
            if (current.has(uid)) outcome.set(uid, null);
            else toAdd.push(uid);
          } catch (error) {
            outcome.set(uid, this.asUnified(error));
          }
        }
        if (toAdd.length > 0) {
          let failure: ImBridgeError | null = null;
          try {
            await this.call(
              '/admin/group/member/add',
              { operator: group.owner ?? 'admin', group_id: room.id, members: toAdd.map((uid) => ({ member_id: uid, type: MEMBER_TYPE.normal })), to_lines: [0] },
              true,
              capability,
            );
          } catch (error) {
            failure = this.asUnified(error);
          }
          for (const uid of toAdd) {
            outcome.set(uid, failure);
            if (!failure) emitChange(this.context, 'member.added', { room: roomLabel(room), uid }, null, { uid, role: 'member' });
          }
        }
        return {
          results: uids.map((uid) => {
            const error = outcome.get(uid) ?? null;
            return error ? { id: uid, ok: false, error: toErrorBody(error) } : { id: uid, ok: true };
          }),
        };
      },

      remove: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
        this.requireRoomOperation(room, 'members.remove');
        const capability = 'groups.members.remove';
        const group = await this.groupInfo(room.id, capability);
        const current = new Set((await this.groupMembers(room.id, capability)).map((member) => member.member_id));
        const outcome = new Map<string, ImBridgeError | null>();
        const toRemove: string[] = [];
        for (const uid of uids) {
          if (outcome.has(uid) || toRemove.includes(uid)) continue;
          try {
            await this.ensureUsers(capability, uid);
            // The admin API would kick the owner too (§6); the unified contract refuses it.
            if (uid === group.owner) throw new InvalidArgumentError(`the owner cannot be removed from group "${room.id}"; dismiss it instead`);
            if (current.has(uid)) toRemove.push(uid);
            else outcome.set(uid, null);
          } catch (error) {
            outcome.set(uid, this.asUnified(error));
          }
        }
        if (toRemove.length > 0) {
          let failure: ImBridgeError | null = null;
          try {
            await this.call('/admin/group/member/del', { operator: group.owner ?? 'admin', group_id: room.id, members: toRemove, to_lines: [0] }, true, capability);
          } catch (error) {
            failure = this.asUnified(error);
          }
          for (const uid of toRemove) {
            outcome.set(uid, failure);
            if (!failure) emitChange(this.context, 'member.removed', { room: roomLabel(room), uid }, null, null);
          }
        }
        return {
          results: uids.map((uid) => {
            const error = outcome.get(uid) ?? null;
            return error ? { id: uid, ok: false, error: toErrorBody(error) } : { id: uid, ok: true };
          }),
        };
      },

      setRole: async (room: RoomRef, uid: string, role: Exclude<MemberRole, 'owner'>): Promise<Member> => {
        this.requireRoomOperation(room, 'members.setRole');
        const capability = 'groups.members.setRole';
        await this.ensureUsers(capability, uid);
        const group = await this.groupInfo(room.id, capability);
        const member = await this.groupMember(room.id, uid, capability);
        if (member.type === MEMBER_TYPE.owner) throw new InvalidArgumentError("the owner's role cannot be changed");
        const current = roleOf(member.type);
        if (current !== role) {
          // manager/set false also clears types 3/5; promoting a muted or whitelisted member would drop that.
          if (member.type === MEMBER_TYPE.silent) throw exclusiveTypeError(uid, 'muted', 'an admin', capability);
          if (member.type === MEMBER_TYPE.allowed) throw exclusiveTypeError(uid, 'on the mute whitelist', 'an admin', capability);
          await this.groupMemberSwitch('/admin/group/manager/set', group, [uid], role === 'admin', capability);
        }
        const after: Member = { uid, role, mutedUntil: member.type === MEMBER_TYPE.silent ? 'forever' : null };
        if (current !== role) emitChange(this.context, 'member.roleChanged', { room: roomLabel(room), uid }, { uid, role: current }, after);
        return after;
      },
    },

    mutes: {
      set: async (room: RoomRef, uid: string, durationSeconds: number | null): Promise<Mute> => {
        this.requireRoomOperation(room, 'mutes.set', durationSeconds === null ? undefined : 'duration');
        return this.setMute(room, uid, 'groups.mutes.set');
      },
      setMany: async (room: RoomRef, uids: string[], durationSeconds: number | null): Promise<BatchResult> => {
        this.requireRoomOperation(room, 'mutes.batchSet', durationSeconds === null ? undefined : 'duration');
        await this.groupInfo(room.id, 'groups.mutes.batchSet');
        return this.batch(uids, async (uid) => void (await this.setMute(room, uid, 'groups.mutes.batchSet')));
      },
      remove: async (room: RoomRef, uid: string): Promise<void> => {
        this.requireRoomOperation(room, 'mutes.remove');
        const capability = 'groups.mutes.remove';
        await this.ensureUsers(capability, uid);
        const group = await this.groupInfo(room.id, capability);
        const member = (await this.groupMembers(room.id, capability)).find((entry) => entry.member_id === uid);
        if (member?.type !== MEMBER_TYPE.silent) return;
        await this.groupMemberSwitch('/admin/group/manager/mute', group, [uid], false, capability);
        emitChange(this.context, 'member.unmuted', { room: roomLabel(room), uid }, null, null);
      },
      list: async (room: RoomRef, options: ListOptions): Promise<Page<Mute>> => {
        this.requireRoomOperation(room, 'mutes.list');
        const members = await this.groupMembers(room.id, 'groups.mutes.list');
        const mutes = members.filter((member) => member.type === MEMBER_TYPE.silent).map((member): Mute => ({ uid: member.member_id, mutedUntil: 'forever' }));
        return paginate(mutes, options);
      },
    },

    whitelist: {
      list: async (room: RoomRef, options: ListOptions): Promise<Page<UidEntry>> => {
        this.requireRoomOperation(room, 'whitelist.list');
        const members = await this.groupMembers(room.id, 'groups.whitelist.list');
        return paginate(members.filter((member) => member.type === MEMBER_TYPE.allowed).map((member) => ({ uid: member.member_id })), options);
      },
      add: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
        this.requireRoomOperation(room, 'whitelist.add');
        const capability = 'groups.whitelist.add';
        const group = await this.groupInfo(room.id, capability);
        let changed = false;
        const result = await this.batch(uids, async (uid) => {
          if (await this.whitelistAdd(room, group, uid, capability)) changed = true;
        });
        if (changed) emitChange(this.context, 'roomWhitelist.changed', { room: roomLabel(room) }, null, uids);
        return result;
      },
      replace: async (room: RoomRef, uids: string[]): Promise<Page<UidEntry>> => {
        this.requireRoomOperation(room, 'whitelist.replace');
        const capability = 'groups.whitelist.replace';
        await this.ensureUsers(capability, ...uids);
        const group = await this.groupInfo(room.id, capability);
        const members = new Map((await this.groupMembers(room.id, capability)).map((member) => [member.member_id, member]));
        const wanted = [...new Set(uids)];
        // All-or-nothing: every uid is checked before anything changes.
        for (const uid of wanted) {
          const member = members.get(uid);
          if (!member) throw new PolicyError('NOT_MEMBER', `"${uid}" is not a member of group "${room.id}"`, { details: { uid } });
          if (member.type === MEMBER_TYPE.owner || member.type === MEMBER_TYPE.manager) throw exclusiveTypeError(uid, member.type === MEMBER_TYPE.owner ? 'the owner' : 'an admin', 'on the mute whitelist', capability);
          if (member.type === MEMBER_TYPE.silent) throw exclusiveTypeError(uid, 'muted', 'on the mute whitelist', capability);
        }
        const before = [...members.values()].filter((member) => member.type === MEMBER_TYPE.allowed).map((member) => member.member_id);
        const toDrop = before.filter((uid) => !wanted.includes(uid));
        const toAdd = wanted.filter((uid) => !before.includes(uid));
        const steps: ChangeStep[] = [];
        if (toDrop.length > 0) {
          steps.push({
            description: `manager/allow off ${toDrop.join(',')} in ${room.id}`,
            apply: async () => this.groupMemberSwitch('/admin/group/manager/allow', group, toDrop, false, capability),
            undo: async () => this.groupMemberSwitch('/admin/group/manager/allow', group, toDrop, true, capability),
          });
        }
        if (toAdd.length > 0) {
          steps.push({
            description: `manager/allow on ${toAdd.join(',')} in ${room.id}`,
            apply: async () => this.groupMemberSwitch('/admin/group/manager/allow', group, toAdd, true, capability),
            undo: async () => this.groupMemberSwitch('/admin/group/manager/allow', group, toAdd, false, capability),
          });
        }
        await runSteps(steps);
        if (steps.length > 0) emitChange(this.context, 'roomWhitelist.changed', { room: roomLabel(room) }, before, wanted);
        const order = [...members.keys()];
        return paginate(
          wanted.sort((left, right) => order.indexOf(left) - order.indexOf(right)).map((uid) => ({ uid })),
          { limit: 500 },
        );
      },
      remove: async (room: RoomRef, uid: string): Promise<void> => {
        this.requireRoomOperation(room, 'whitelist.remove');
        const capability = 'groups.whitelist.remove';
        await this.ensureUsers(capability, uid);
        const group = await this.groupInfo(room.id, capability);
        const member = (await this.groupMembers(room.id, capability)).find((entry) => entry.member_id === uid);
        if (member?.type !== MEMBER_TYPE.allowed) return;
        await this.groupMemberSwitch('/admin/group/manager/allow', group, [uid], false, capability);
        emitChange(this.context, 'roomWhitelist.changed', { room: roomLabel(room) }, [uid], null);
      },
    },

    /** Wildfire has no group ban list (§6). */
    blocks: {
      list: async (room: RoomRef, _options: ListOptions): Promise<Page<UidEntry>> => {
        this.requireRoomOperation(room, 'blocks.list');
        return { items: [], nextCursor: null };
      },
      add: async (room: RoomRef, _uids: string[]): Promise<BatchResult> => {
        this.requireRoomOperation(room, 'blocks.add');
        return { results: [] };
      },
      remove: async (room: RoomRef, _uid: string): Promise<void> => {
        this.requireRoomOperation(room, 'blocks.remove');
      },
    },
  };

  // ---- conversations and messages ---------------------------------------------------------------

  readonly conversations = {
    list: async (_uid: string, _options: ListOptions): Promise<Page<Conversation>> => {
      this.require('conversations.list');
      return { items: [], nextCursor: null };
    },
    delete: async (uid: string, peerType: PeerType, peerId: string): Promise<void> => {
      const capability = 'conversations.delete';
      this.require(capability);
      await this.ensureUsers(capability, uid);
      assertId(this.idRule, peerId, 'peerId');
      if (peerType === 'user') await this.ensureUsers(capability, peerId);
      else if (peerType === 'group') await this.groupInfo(peerId, capability);
      else throw new NotFoundError('GROUP_NOT_FOUND', `chatroom "${peerId}" does not exist (chatrooms are not supported on Wildfire)`);
      // PRO only (§8); a community server answers HTTP 500 with an empty body → UNSUPPORTED.
      await this.call('/admin/conversation/delete', { userId: uid, conversation: { type: CONVERSATION_TYPE[peerType], target: peerId, line: 0 } }, true, capability);
      emitChange(this.context, 'conversation.deleted', { uid, peerType, peerId }, null, null);
    },
  };

  readonly messages = {
    send: async (message: MessageInput): Promise<SentMessage> => {
      const capability = 'messages.send';
      const { from, to } = message;
      this.require(capability, to.type === 'user' ? 'toUser' : to.type === 'group' ? 'toGroup' : 'toChatroom');
      assertId(this.idRule, to.id, 'to.id');
      await this.ensureUsers(capability, from);
      // /admin/message/send bypasses every policy (§9): the whole unified policy is checked here first.
      if (to.type === 'user') {
        await this.ensureUsers(capability, to.id);
        const [forward, backward] = await Promise.all([this.relation(from, to.id, capability), this.relation(to.id, from, capability)]);
        checkDirectSend(from, to.id, { blocked: backward.isBlacked === true, notFriends: this.requireFriendship && !(forward.isFriend && backward.isFriend) });
      } else {
        const group = await this.groupInfo(to.id, capability);
        const member = await this.groupMember(to.id, from, capability);
        checkRoomSend({ kind: 'group', id: to.id }, from, {
          member: true,
          mutedUntil: member.type === MEMBER_TYPE.silent ? 'forever' : null,
          muteAll: Number(group.mute ?? 0) === 1,
          exemptFromMuteAll: member.type === MEMBER_TYPE.owner || member.type === MEMBER_TYPE.manager || member.type === MEMBER_TYPE.allowed,
        });
      }
      const body = {
        sender: from,
        conv: { type: CONVERSATION_TYPE[to.type], target: to.id, line: 0 },
        // persistFlag 3 (Persist_And_Count), as the server's own TextMessageContentBuilder sets for text: the
        // MessagePayload default 0 means "not persisted" and never raises the receiver's count (audit W-3).
        payload: { type: 1, searchableContent: message.text, persistFlag: PERSIST_AND_COUNT },
      };
      // Not idempotent: a repeat would deliver the message twice.
      const result = await this.call<{ messageUid?: unknown; timestamp?: unknown }>('/admin/message/send', body, false, capability);
      const timestamp = typeof result?.timestamp === 'number' ? result.timestamp : this.context.now();
      // messageUid is above 2^53 (§3): parsed as bigint by the client, kept exact as a decimal string.
      const sent: SentMessage = { id: int64ToString(result?.messageUid), sentAt: new Date(timestamp).toISOString() };
      emitChange(this.context, 'message.sent', { from, to: `${to.type}:${to.id}` }, null, sent);
      return sent;
    },
  };

  async health(): Promise<BackendHealth> {
    try {
      // A signed call tells a refused secret (UPSTREAM_AUTH) from a working server; an unknown user is fine.
      await this.fetchUser('imbridge-health-probe', 'health');
      return { ok: true, detail: `wildfire ${this.edition}` };
    } catch (error) {
      const unified = this.asUnified(error);
      return { ok: false, detail: `${unified.code}: ${unified.message}` };
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
