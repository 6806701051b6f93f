/**
 * The Agora Chat backend: each unified operation as the vendor's REST calls (see README.md for
 * the map). Agora's send does not document any relationship check for REST-sent messages (note
 * open question 9), so the policy is checked here before sending; batch calls are chunked at the
 * vendor's caps and answered per item from the vendor's per-user results.
 */
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import {
  ImBridgeError,
  InvalidArgumentError,
  InvalidIdError,
  NotFoundError,
  PolicyError,
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
  type CapabilityName,
  type Conversation,
  type FriendRemoveMode,
  type FriendRequest,
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
  mapLimited,
  matchesIdRule,
  pageLimit,
  paginate,
  runChunked,
  runSteps,
  type ChangeStep,
  type VendorPage,
  emitChange,
  checkDirectSend,
  checkRoomSend,
  FirstSeenTimes,
  MemorySharedState,
} from '../../../src/runtime/index.js';
import { AGORA_CAPABILITIES } from './capabilities.js';
import { AgoraClient, type AgoraClientOptions, type AgoraEnvelope } from './client.js';
import { VENDOR } from './errors.js';
import { AGORA_ID_RULE, roomResource, vendorPath } from './ids.js';

/** Vendor caps per call (§7: block add 50; §8–§12: members, allow lists, mutes, bans 60). */
export const USER_BLOCK_CAP = 50;
export const ROOM_BATCH_CAP = 60;
export const REGISTER_CAP = 60;
const CONTACT_PAGE = 50;
const BLOCK_PAGE = 50;
/**
 * §5: `GET /users` pages hold at most 100 users. §8/§9: the room lists go to 1000 (groups) and
 * 100 (chat rooms, Agora) — read 100 at a time, the most the details call that completes each
 * room (`GET /{kind}/{ids}`, mute-all) takes.
 */
const LIST_PAGE = 100;
/** The vendor's cursors are base64 text (§2); anything else in a cursor was not issued here. */
const VENDOR_CURSOR = /^[A-Za-z0-9+/=_-]{1,360}$/;
/** A mute ending this far ahead is the vendor's "permanent" (open question 6). */
const FOREVER_AFTER_MS = 50 * 365 * 24 * 3600 * 1000;

interface RoomDetails {
  id: string;
  name: string;
  owner: string;
  mute: boolean;
  memberCount: number;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function upstreamFailure(message: string, reason: unknown): UpstreamError {
  return new UpstreamError('UPSTREAM_ERROR', `${message}${typeof reason === 'string' && reason !== '' ? `: ${reason}` : ''}`, {
    upstream: { vendor: VENDOR, status: 200, code: null, message: typeof reason === 'string' ? reason : null },
  });
}

function itemError(error: unknown): BatchItemResult['error'] {
  if (error instanceof ImBridgeError) return toErrorBody(error);
  return { code: 'UPSTREAM_ERROR', message: error instanceof Error ? error.message : String(error), retryable: false };
}

export interface AgoraBackendOptions extends AgoraClientOptions {
  name: string;
}

export class AgoraBackend implements Backend {
  readonly specVersion = SPEC_VERSION;
  readonly vendor = VENDOR;
  readonly capabilities = AGORA_CAPABILITIES;
  readonly idRule = AGORA_ID_RULE;
  readonly name: string;
  private readonly client: AgoraClient;
  /** Pass-through access for the compat facade: this backend's base URL, prefix and app token. */
  readonly upstream: UpstreamAccess;
  /** Users seen to exist, briefly: the vendor's relationship calls need existence checks first. */
  private readonly knownUsers = new LRUCache<string, true>({ max: 10_000, ttl: 30_000 });
  /** When a friendship / block began, as this proxy saw it (Agora keeps no such time; README). */
  private readonly times: FirstSeenTimes;

  constructor(
    options: AgoraBackendOptions,
    private readonly context: BackendContext,
  ) {
    this.name = options.name;
    this.client = new AgoraClient({ ...options, logger: context.logger });
    this.upstream = this.client.upstreamAccess();
    this.times = new FirstSeenTimes(context.state ?? new MemorySharedState(context.now), `${this.name}:since`, context.now);
  }

  // ───────────────────────── helpers ─────────────────────────

  private require(name: CapabilityName, option?: string): void {
    requireCapability(this.capabilities, VENDOR, name, option);
  }

  private nowIso(): string {
    return new Date(this.context.now()).toISOString();
  }

  private async fetchUser(uid: string): Promise<Record<string, unknown> | null> {
    try {
      const envelope = await this.client.call({ method: 'GET', path: vendorPath('users', uid), idempotent: true, resource: 'user' });
      this.knownUsers.set(uid, true);
      return asRecord(envelope.entities?.[0]);
    } catch (error) {
      if (error instanceof ImBridgeError && error.code === 'USER_NOT_FOUND') return null;
      throw error;
    }
  }

  /** INVALID_ID for this vendor's rule, then USER_NOT_FOUND unless the user is registered. */
  private async ensureUser(uid: string, field = 'uid'): Promise<void> {
    assertId(this.idRule, uid, field);
    if (this.knownUsers.has(uid)) return;
    if ((await this.fetchUser(uid)) === null) throw new NotFoundError('USER_NOT_FOUND', `user "${uid}" not found`, { details: { uid } });
  }

  private async roomDetails(room: RoomRef): Promise<RoomDetails> {
    assertId(this.idRule, room.id, 'id');
    const envelope = await this.client.call({
      method: 'GET',
      path: vendorPath(roomResource(room.kind), room.id),
      idempotent: true,
      resource: 'room',
    });
    const entry = asRecord(asArray(envelope.data)[0]);
    if (entry.id === undefined && entry.owner === undefined) throw new NotFoundError('GROUP_NOT_FOUND', `${room.kind} "${room.id}" not found`);
    return this.detailsOf(room.id, entry);
  }

  private detailsOf(id: string, entry: Record<string, unknown>): RoomDetails {
    const count = typeof entry.affiliations_count === 'number' ? entry.affiliations_count : asArray(entry.affiliations).length;
    return {
      id,
      name: stringOrNull(entry.name) ?? '',
      owner: stringOrNull(entry.owner) ?? '',
      mute: entry.mute === true,
      memberCount: count,
    };
  }

  /**
   * The details of several rooms in one call (§8/§9: `GET /{kind}/{id1,id2,…}`, at most 100):
   * only existing ones are answered, and none existing is a 404 — an empty map here.
   */
  private async roomDetailsMany(kind: RoomKind, ids: readonly string[]): Promise<Map<string, RoomDetails>> {
    const found = new Map<string, RoomDetails>();
    if (ids.length === 0) return found;
    let envelope: AgoraEnvelope;
    try {
      envelope = await this.client.call({ method: 'GET', path: vendorPath(roomResource(kind), ids.join(',')), idempotent: true, resource: 'room' });
    } catch (error) {
      if (error instanceof ImBridgeError && error.code === 'GROUP_NOT_FOUND') return found;
      throw error;
    }
    for (const item of asArray(envelope.data)) {
      const entry = asRecord(item);
      if (typeof entry.id !== 'string' && typeof entry.id !== 'number' && typeof entry.id !== 'bigint') continue;
      const id = int64ToString(entry.id);
      found.set(id, this.detailsOf(id, entry));
    }
    return found;
  }

  /** One page of a cursor-paged vendor list (§2: `cursor` only when more pages exist). */
  private async vendorListPage<T>(path: string, resource: 'user' | 'room', position: string | null, want: number, items: (envelope: AgoraEnvelope) => T[]): Promise<VendorPage<T>> {
    const envelope = await this.client.call({
      method: 'GET',
      path,
      query: { limit: Math.min(want, LIST_PAGE), ...(position === null ? {} : { cursor: position }) },
      idempotent: true,
      resource,
    });
    return { items: items(envelope), next: typeof envelope.cursor === 'string' && envelope.cursor !== '' ? envelope.cursor : null };
  }

  private toRoom(kind: RoomKind, details: RoomDetails): Room {
    return { id: details.id, kind, name: details.name, owner: details.owner, muteAll: details.mute, memberCount: details.memberCount };
  }

  /** All members with their vendor role (`owner` or `member`), paging through the vendor list. */
  private async roomMembers(room: RoomRef): Promise<Array<{ uid: string; role: MemberRole }>> {
    const pageSize = room.kind === 'group' ? 100 : 1000;
    const members: Array<{ uid: string; role: MemberRole }> = [];
    for (let pageNumber = 1; ; pageNumber += 1) {
      const envelope = await this.client.call({
        method: 'GET',
        path: vendorPath(roomResource(room.kind), room.id, 'users'),
        query: { pagenum: pageNumber, pagesize: pageSize },
        idempotent: true,
        resource: 'room',
      });
      const page = asArray(envelope.data);
      for (const item of page) {
        const record = asRecord(item);
        if (typeof record.owner === 'string') members.push({ uid: record.owner, role: 'owner' });
        else if (typeof record.member === 'string') members.push({ uid: record.member, role: 'member' });
      }
      if (page.length < pageSize) return members;
    }
  }

  /**
   * §17: the admins. The member list shows them as plain `member` entries, so their role is
   * known only from this list.
   */
  private async roomAdmins(room: RoomRef): Promise<string[]> {
    const envelope = await this.client.call({
      method: 'GET',
      path: vendorPath(roomResource(room.kind), room.id, 'admin'),
      idempotent: true,
      resource: 'room',
    });
    return asArray(envelope.data).filter((item): item is string => typeof item === 'string');
  }

  /** Members with their roles: the owner, the admins of §17, everyone else `member`. */
  private async roomMembersWithRoles(room: RoomRef): Promise<Array<{ uid: string; role: MemberRole }>> {
    const [members, admins] = await Promise.all([this.roomMembers(room), this.roomAdmins(room)]);
    const adminSet = new Set(admins);
    return members.map((member) => (member.role === 'member' && adminSet.has(member.uid) ? { uid: member.uid, role: 'admin' } : member));
  }

  /** Active mutes: uid → mutedUntil. */
  private async roomMutes(room: RoomRef): Promise<Map<string, string | 'forever'>> {
    const envelope = await this.client.call({
      method: 'GET',
      path: vendorPath(roomResource(room.kind), room.id, 'mute'),
      idempotent: true,
      resource: 'room',
    });
    const now = this.context.now();
    const mutes = new Map<string, string | 'forever'>();
    for (const item of asArray(envelope.data)) {
      const record = asRecord(item);
      const until = this.mutedUntil(record.expire, now);
      if (typeof record.user === 'string' && until !== null) mutes.set(record.user, until);
    }
    return mutes;
  }

  /** The vendor's `expire` (ms since epoch, -1 = permanent) as an active mute end, null when over. */
  private mutedUntil(expire: unknown, now: number): MutedUntil {
    const value = typeof expire === 'bigint' ? Number(expire) : typeof expire === 'number' ? expire : Number.NaN;
    if (value === -1 || value - now > FOREVER_AFTER_MS) return 'forever';
    if (!Number.isFinite(value) || value <= now) return null;
    return new Date(value).toISOString();
  }

  private async roomWhitelist(room: RoomRef): Promise<string[]> {
    const envelope = await this.client.call({
      method: 'GET',
      path: vendorPath(roomResource(room.kind), room.id, 'white', 'users'),
      idempotent: true,
      resource: 'room',
    });
    return asArray(envelope.data).filter((item): item is string => typeof item === 'string');
  }

  private async roomBlocks(room: RoomRef): Promise<string[]> {
    const path = vendorPath(roomResource(room.kind), room.id, 'blocks', 'users');
    if (room.kind === 'chatroom') {
      const envelope = await this.client.call({ method: 'GET', path, idempotent: true, resource: 'room' });
      return asArray(envelope.data).filter((item): item is string => typeof item === 'string');
    }
    return this.collectPaged(path, 'room');
  }

  /** Follows `pageSize`/`cursor` paging (§7, §12) until the vendor stops sending a cursor. */
  private async collectPaged(path: string, resource: 'user' | 'room'): Promise<string[]> {
    const items: string[] = [];
    let cursor: string | undefined;
    do {
      const envelope: AgoraEnvelope = await this.client.call({
        method: 'GET',
        path,
        query: { pageSize: BLOCK_PAGE, cursor },
        idempotent: true,
        resource,
      });
      for (const item of asArray(envelope.data)) if (typeof item === 'string') items.push(item);
      cursor = typeof envelope.cursor === 'string' && envelope.cursor !== '' ? envelope.cursor : undefined;
    } while (cursor !== undefined);
    return items;
  }

  /** `uid`'s contacts with remarks (§6, paged list on the singular `/user/` path). */
  /** One page of the paged contact list (`limit` ≤ 50), from the vendor's `cursor`. */
  private async contactPage(uid: string, cursor: string | null, limit: number): Promise<VendorPage<{ friend: string; remark: string | null }>> {
    const envelope: AgoraEnvelope = await this.client.call({
      method: 'GET',
      path: vendorPath('user', uid, 'contacts'),
      query: { limit, cursor: cursor ?? undefined, needReturnRemark: true },
      idempotent: true,
      resource: 'user',
    });
    const items: Array<{ friend: string; remark: string | null }> = [];
    for (const item of asArray(asRecord(envelope.data).contacts)) {
      const record = asRecord(item);
      if (typeof record.username === 'string') items.push({ friend: record.username, remark: stringOrNull(record.remark) });
    }
    return { items, next: typeof envelope.cursor === 'string' && envelope.cursor !== '' ? envelope.cursor : null };
  }

  private async contacts(uid: string): Promise<Array<{ friend: string; remark: string | null }>> {
    const contacts: Array<{ friend: string; remark: string | null }> = [];
    let cursor: string | null = null;
    do {
      const page = await this.contactPage(uid, cursor, CONTACT_PAGE);
      contacts.push(...page.items);
      cursor = page.next;
    } while (cursor !== null);
    return contacts;
  }

  private async userBlocks(uid: string): Promise<string[]> {
    return this.collectPaged(vendorPath('users', uid, 'blocks', 'users'), 'user');
  }

  private async friendship(uid: string, friend: string, remark: string | null): Promise<Friendship> {
    return { uid, friend, alias: remark, extra: null, since: await this.times.seen('friend', uid, friend) };
  }

  private async friendships(uid: string, entries: ReadonlyArray<{ friend: string; remark: string | null }>): Promise<Friendship[]> {
    const since = await this.times.seenMany(
      'friend',
      uid,
      entries.map((entry) => entry.friend),
    );
    return entries.map((entry) => ({ uid, friend: entry.friend, alias: entry.remark, extra: null, since: since.get(entry.friend)! }));
  }

  private async blockEntries(uid: string, blocked: readonly string[]): Promise<Block[]> {
    const since = await this.times.seenMany('block', uid, blocked);
    return blocked.map((other) => ({ uid, blocked: other, since: since.get(other)! }));
  }

  private async addContact(uid: string, friend: string): Promise<void> {
    await this.client.call({ method: 'POST', path: vendorPath('users', uid, 'contacts', 'users', friend), idempotent: false, resource: 'user' });
  }

  private async deleteContact(uid: string, friend: string): Promise<void> {
    await this.client.call({ method: 'DELETE', path: vendorPath('users', uid, 'contacts', 'users', friend), idempotent: true, resource: 'user' });
  }

  private async setRemark(uid: string, friend: string, remark: string): Promise<void> {
    await this.client.call({
      method: 'PUT',
      path: vendorPath('user', uid, 'contacts', 'users', friend),
      body: { remark },
      idempotent: true,
      resource: 'user',
    });
  }

  /**
   * Validates each item of a batch; `check` throws the item's error. Answers the ids left to send
   * (deduplicated, input order) and records the failures.
   */
  private async precheck(
    ids: readonly string[],
    results: Map<string, BatchItemResult>,
    check: (id: string) => Promise<'send' | 'done'>,
  ): Promise<string[]> {
    const unique = [...new Set(ids)];
    const outcomes = await mapLimited(unique, 8, async (id) => {
      try {
        return await check(id);
      } catch (error) {
        results.set(id, { id, ok: false, error: itemError(error) });
        return 'failed' as const;
      }
    });
    const toSend: string[] = [];
    unique.forEach((id, index) => {
      if (outcomes[index] === 'send') toSend.push(id);
      else if (outcomes[index] === 'done') results.set(id, { id, ok: true });
    });
    return toSend;
  }

  /** Runs chunked vendor calls; a whole-chunk failure fails each of its items with that error. */
  private async sendChunks(
    ids: string[],
    size: number,
    results: Map<string, BatchItemResult>,
    call: (chunkIds: string[]) => Promise<BatchItemResult[]>,
  ): Promise<void> {
    const chunkResults = await runChunked(ids, size, async (chunkIds) => {
      try {
        return await call(chunkIds);
      } catch (error) {
        return chunkIds.map((id) => ({ id, ok: false, error: itemError(error) }));
      }
    });
    for (const result of chunkResults) results.set(result.id, result);
  }

  private batchResult(ids: readonly string[], results: Map<string, BatchItemResult>): BatchResult {
    return {
      results: ids.map((id) => results.get(id) ?? { id, ok: false, error: itemError(upstreamFailure('no result for this item', null)) }),
    };
  }

  /** Per-user `result` booleans of a room batch answer (§10–§12): object or array alike. */
  private perUserResults(data: unknown, chunkIds: string[]): BatchItemResult[] {
    const byUser = new Map<string, Record<string, unknown>>();
    for (const item of asArray(data)) {
      const record = asRecord(item);
      if (typeof record.user === 'string') byUser.set(record.user, record);
    }
    return chunkIds.map((id) => {
      const record = byUser.get(id);
      if (record?.result === true) return { id, ok: true };
      const reason = stringOrNull(record?.reason);
      if (reason !== null && /doesn'?t exist in|not members? of/i.test(reason)) {
        return { id, ok: false, error: itemError(new PolicyError('NOT_MEMBER', `"${id}" is not a member of this room: ${reason}`)) };
      }
      if (reason !== null && /owner/i.test(reason)) {
        return { id, ok: false, error: itemError(new InvalidArgumentError(`"${id}" is the room owner: ${reason}`)) };
      }
      return { id, ok: false, error: itemError(upstreamFailure(`Agora Chat did not apply the change for "${id}"`, reason)) };
    });
  }

  // ───────────────────────── users ─────────────────────────

  readonly users = {
    put: async (uid: string, input: UserInput): Promise<User> => {
      this.require('users.put');
      assertId(this.idRule, uid, 'uid');
      if (input.extra !== undefined) throw new UnsupportedOptionError('users.put', 'extra', VENDOR, 'agora keeps no per-user extra data');
      let entity = await this.fetchUser(uid);
      const before = entity === null ? null : this.toUser(uid, entity);
      if (entity === null) {
        try {
          const envelope = await this.client.call({
            method: 'POST',
            path: '/users',
            body: this.registration(uid, input.name),
            idempotent: false,
            resource: 'user',
          });
          entity = asRecord(envelope.entities?.[0]);
          this.knownUsers.set(uid, true);
        } catch (error) {
          // Registered by someone else meanwhile: fall through to the update.
          if (!(error instanceof ImBridgeError && error.code === 'ALREADY_EXISTS')) throw error;
          entity = {};
          if (input.name === undefined) entity = (await this.fetchUser(uid)) ?? {};
        }
      }
      if (input.name !== undefined && entity.nickname !== input.name) entity = await this.setNickname(uid, input.name);
      const user = this.toUser(uid, entity);
      emitChange(this.context, 'user.updated', { uid }, before, user);
      return user;
    },

    putMany: async (users: Array<{ uid: string; name?: string }>): Promise<BatchResult> => {
      this.require('users.batchPut');
      const results = new Map<string, BatchItemResult>();
      const names = new Map(users.map((user) => [user.uid, user.name]));
      const existing = new Set<string>();
      const toRegister = await this.precheck(
        users.map((user) => user.uid),
        results,
        async (uid) => {
          assertId(this.idRule, uid, 'uid');
          const entity = await this.fetchUser(uid);
          if (entity === null) return 'send';
          existing.add(uid);
          const name = names.get(uid);
          if (name !== undefined && entity.nickname !== name) await this.setNickname(uid, name);
          return 'done';
        },
      );
      await this.sendChunks(toRegister, REGISTER_CAP, results, async (chunkIds) => {
        const envelope = await this.client.call({
          method: 'POST',
          path: '/users',
          body: chunkIds.map((uid) => this.registration(uid, names.get(uid))),
          idempotent: false,
          resource: 'user',
        });
        const created = new Set((envelope.entities ?? []).map((entity) => entity.username).filter((name): name is string => typeof name === 'string'));
        const failures = new Map<string, string>();
        for (const item of asArray(envelope.data)) {
          const record = asRecord(item);
          if (typeof record.username === 'string') failures.set(record.username, stringOrNull(record.registerUserFailReason) ?? '');
        }
        return mapLimited(chunkIds, 4, async (uid): Promise<BatchItemResult> => {
          if (created.has(uid)) {
            this.knownUsers.set(uid, true);
            return { id: uid, ok: true };
          }
          const reason = failures.get(uid);
          if (reason !== undefined && /already exist/i.test(reason)) {
            // §5: registered meanwhile; apply the name as an update.
            const name = names.get(uid);
            try {
              if (name !== undefined) await this.setNickname(uid, name);
              return { id: uid, ok: true };
            } catch (error) {
              return { id: uid, ok: false, error: itemError(error) };
            }
          }
          return { id: uid, ok: false, error: itemError(upstreamFailure(`Agora Chat did not register "${uid}"`, reason)) };
        });
      });
      for (const [uid, result] of results) {
        if (result.ok) emitChange(this.context, 'user.updated', { uid }, existing.has(uid) ? undefined : null, { uid, name: names.get(uid) ?? null });
      }
      return this.batchResult(
        users.map((user) => user.uid),
        results,
      );
    },

    get: async (uid: string): Promise<User> => {
      this.require('users.get');
      assertId(this.idRule, uid, 'uid');
      const entity = await this.fetchUser(uid);
      if (entity === null) throw new NotFoundError('USER_NOT_FOUND', `user "${uid}" not found`, { details: { uid } });
      return this.toUser(uid, entity);
    },
    // §5 `GET /users?limit&cursor`: every user, oldest registration first, the vendor's cursor
    // carried inside ours.
    list: async (options: ListOptions): Promise<Page<User>> => {
      this.require('users.list');
      const limit = pageLimit(options);
      const page = await fillPage({
        limit,
        start: decodePositionCursor(options.cursor, VENDOR_CURSOR),
        read: (position, want) => this.vendorListPage('/users', 'user', position, want, (envelope) => envelope.entities ?? []),
        convert: async (entities) =>
          entities.map((entity) => (typeof entity.username === 'string' && matchesIdRule(this.idRule, entity.username) ? this.toUser(entity.username, entity) : null)),
      });
      return { items: page.items, nextCursor: page.next === null ? null : encodePositionCursor(page.next) };
    },
  };

  /**
   * §5: Agora/声网 document `username` only, Easemob requires `password`; the 声网 error list has
   * "password or pin must provided", so a random password (never used to log in) is sent too.
   */
  private registration(uid: string, name: string | undefined): Record<string, string> {
    const body: Record<string, string> = { username: uid, password: randomBytes(16).toString('hex') };
    if (name !== undefined) body.nickname = name;
    return body;
  }

  /** The display name is the user's `nickname` (Agora "set the push display name": `PUT /users/{u}`). */
  private async setNickname(uid: string, name: string): Promise<Record<string, unknown>> {
    const envelope = await this.client.call({ method: 'PUT', path: vendorPath('users', uid), body: { nickname: name }, idempotent: true, resource: 'user' });
    return asRecord(envelope.entities?.[0]);
  }

  private toUser(uid: string, entity: Record<string, unknown>): User {
    return { uid, name: stringOrNull(entity.nickname), extra: null };
  }

  // ───────────────────────── friends ─────────────────────────

  readonly friends = {
    put: async (uid: string, friend: string, input: FriendshipInput): Promise<Friendship> => {
      this.require('friends.put');
      if (input.extra !== undefined) throw new UnsupportedOptionError('friends.put', 'extra', VENDOR, 'agora keeps only a remark (alias) per contact');
      await this.ensureUser(uid, 'uid');
      await this.ensureUser(friend, 'friend');
      const current = (await this.contacts(uid)).find((entry) => entry.friend === friend);
      const steps: ChangeStep[] = [];
      if (current === undefined) {
        steps.push({
          description: `add contact ${uid}↔${friend}`,
          apply: () => this.addContact(uid, friend),
          undo: () => this.deleteContact(uid, friend),
        });
      }
      if (input.alias !== undefined && input.alias !== current?.remark) {
        const alias = input.alias;
        const previous = current?.remark ?? '';
        steps.push({
          description: `set ${uid}'s remark for ${friend}`,
          apply: () => this.setRemark(uid, friend, alias),
          undo: () => this.setRemark(uid, friend, previous),
        });
      }
      await runSteps(steps);
      const alias = input.alias ?? current?.remark ?? null;
      if (current === undefined) {
        const since = await this.times.started('friend', uid, friend);
        await this.times.started('friend', friend, uid, since);
        const result: Friendship = { uid, friend, alias, extra: null, since };
        emitChange(this.context, 'friend.added', { uid, friend, mode: 'mutual' }, null, result);
        return result;
      }
      const result = await this.friendship(uid, friend, alias);
      if (steps.length > 0) {
        emitChange(this.context, 'friend.infoChanged', { uid, friend }, { ...result, alias: current.remark }, result);
      }
      return result;
    },

    remove: async (uid: string, friend: string, mode: FriendRemoveMode): Promise<void> => {
      this.require('friends.remove', mode === 'one-way' ? 'oneWay' : undefined);
      if (mode === 'one-way') throw new UnsupportedOptionError('friends.remove', 'oneWay', VENDOR, 'agora contacts are two-way: a delete removes both sides');
      await this.ensureUser(uid, 'uid');
      await this.ensureUser(friend, 'friend');
      const current = (await this.contacts(uid)).find((entry) => entry.friend === friend);
      if (current === undefined) return;
      await this.deleteContact(uid, friend);
      await Promise.all([this.times.forget('friend', uid, friend), this.times.forget('friend', friend, uid)]);
      emitChange(this.context, 'friend.deleted', { uid, friend, mode: 'mutual' }, { uid, friend, alias: current.remark }, null);
    },

    list: async (uid: string, options: ListOptions & { query?: string; uids?: string[] }): Promise<Page<Friendship>> => {
      this.require('friends.list');
      await this.ensureUser(uid, 'uid');
      if (options.uids === undefined && (options.query === undefined || options.query === '')) {
        // A plain page reads only the contact pages it needs, the vendor's cursor inside ours:
        // its cost stays flat however many contacts the user has.
        const page = await fillPage({
          limit: pageLimit(options),
          start: decodePositionCursor(options.cursor, VENDOR_CURSOR),
          read: (position, want) => this.contactPage(uid, position, Math.min(want, CONTACT_PAGE)),
          convert: (entries) => this.friendships(uid, entries),
        });
        return { items: page.items, nextCursor: page.next === null ? null : encodePositionCursor(page.next) };
      }
      let entries = await this.contacts(uid);
      if (options.uids !== undefined) {
        const wanted = new Set(options.uids);
        entries = entries.filter((entry) => wanted.has(entry.friend));
      }
      if (options.query !== undefined && options.query !== '') {
        const needle = options.query.toLowerCase();
        const matches = await mapLimited(entries, 8, async (entry) => {
          if (entry.friend.toLowerCase().includes(needle) || (entry.remark ?? '').toLowerCase().includes(needle)) return true;
          const nickname = stringOrNull((await this.fetchUser(entry.friend))?.nickname);
          return nickname !== null && nickname.toLowerCase().includes(needle);
        });
        entries = entries.filter((_entry, index) => matches[index]);
      }
      // The times are read for the page only, not the whole list.
      const page = paginate(entries, options);
      return { ...page, items: await this.friendships(uid, page.items) };
    },

    get: async (uid: string, friend: string): Promise<Friendship> => {
      this.require('friends.get');
      await this.ensureUser(uid, 'uid');
      await this.ensureUser(friend, 'friend');
      const entry = (await this.contacts(uid)).find((candidate) => candidate.friend === friend);
      if (entry === undefined) throw new NotFoundError('NOT_FRIENDS', `"${friend}" is not in ${uid}'s friend list`);
      return this.friendship(uid, friend, entry.remark);
    },

    update: async (uid: string, friend: string, input: FriendshipInput): Promise<Friendship> => {
      this.require('friends.update');
      if (input.extra !== undefined) throw new UnsupportedOptionError('friends.update', 'extra', VENDOR, 'agora keeps only a remark (alias) per contact');
      await this.ensureUser(uid, 'uid');
      await this.ensureUser(friend, 'friend');
      const entry = (await this.contacts(uid)).find((candidate) => candidate.friend === friend);
      if (entry === undefined) throw new NotFoundError('NOT_FRIENDS', `"${friend}" is not in ${uid}'s friend list`);
      if (input.alias === undefined || input.alias === entry.remark) return this.friendship(uid, friend, entry.remark);
      await this.setRemark(uid, friend, input.alias);
      const result = await this.friendship(uid, friend, input.alias);
      emitChange(this.context, 'friend.infoChanged', { uid, friend }, { ...result, alias: entry.remark }, result);
      return result;
    },
  };

  // ───────────────────────── friend requests (none on Agora) ─────────────────────────

  readonly friendRequests = {
    send: async (_from: string, _to: string, _message: string | null): Promise<FriendRequest> => {
      throw new UnsupportedError('friendRequests.send', VENDOR);
    },
    list: async (_uid: string, _direction: 'incoming' | 'outgoing', _options: ListOptions): Promise<Page<FriendRequest>> => {
      throw new UnsupportedError('friendRequests.list', VENDOR);
    },
    withdraw: async (_from: string, _to: string): Promise<void> => {
      throw new UnsupportedError('friendRequests.withdraw', VENDOR);
    },
    accept: async (_to: string, _from: string): Promise<Friendship> => {
      throw new UnsupportedError('friendRequests.accept', VENDOR);
    },
    reject: async (_to: string, _from: string): Promise<FriendRequest> => {
      throw new UnsupportedError('friendRequests.reject', VENDOR);
    },
  };

  // ───────────────────────── user blocks ─────────────────────────

  readonly blocks = {
    put: async (uid: string, blocked: string): Promise<Block> => {
      this.require('blocks.put');
      await this.ensureUser(uid, 'uid');
      await this.ensureUser(blocked, 'blocked');
      const before = (await this.userBlocks(uid)).includes(blocked);
      if (!before) await this.addUserBlocks(uid, [blocked]);
      const block: Block = { uid, blocked, since: before ? await this.times.seen('block', uid, blocked) : await this.times.started('block', uid, blocked) };
      if (!before) emitChange(this.context, 'block.added', { uid, blocked }, null, block);
      return block;
    },

    putMany: async (uid: string, blocked: string[]): Promise<BatchResult> => {
      this.require('blocks.batchPut');
      await this.ensureUser(uid, 'uid');
      const already = new Set(await this.userBlocks(uid));
      const results = new Map<string, BatchItemResult>();
      const toSend = await this.precheck(blocked, results, async (other) => {
        await this.ensureUser(other, 'blocked');
        if (other === uid) throw new InvalidArgumentError('a user cannot block itself');
        return already.has(other) ? 'done' : 'send';
      });
      await this.sendChunks(toSend, USER_BLOCK_CAP, results, async (chunkIds) => {
        const added = new Set(await this.addUserBlocks(uid, chunkIds));
        return chunkIds.map((id) =>
          added.has(id) ? { id, ok: true } : { id, ok: false, error: itemError(upstreamFailure(`Agora Chat did not block "${id}"`, null)) },
        );
      });
      for (const other of toSend) {
        if (results.get(other)?.ok) emitChange(this.context, 'block.added', { uid, blocked: other }, null, { uid, blocked: other, since: await this.times.started('block', uid, other) });
      }
      return this.batchResult(blocked, results);
    },

    remove: async (uid: string, blocked: string): Promise<void> => {
      this.require('blocks.remove');
      await this.ensureUser(uid, 'uid');
      await this.ensureUser(blocked, 'blocked');
      if (!(await this.userBlocks(uid)).includes(blocked)) return;
      await this.client.call({ method: 'DELETE', path: vendorPath('users', uid, 'blocks', 'users', blocked), idempotent: true, resource: 'user' });
      await this.times.forget('block', uid, blocked);
      emitChange(this.context, 'block.deleted', { uid, blocked }, { uid, blocked }, null);
    },

    list: async (uid: string, options: ListOptions): Promise<Page<Block>> => {
      this.require('blocks.list');
      await this.ensureUser(uid, 'uid');
      const blocked = await this.userBlocks(uid);
      const page = paginate(blocked, options);
      return { ...page, items: await this.blockEntries(uid, page.items) };
    },
  };

  /** §7: `POST /users/{owner}/blocks/users` answers the usernames added in `data`. */
  private async addUserBlocks(uid: string, blocked: string[]): Promise<string[]> {
    const envelope = await this.client.call({
      method: 'POST',
      path: vendorPath('users', uid, 'blocks', 'users'),
      body: { usernames: blocked },
      // Adding to a set: repeating it leaves the same state.
      idempotent: true,
      resource: 'user',
    });
    return asArray(envelope.data).filter((item): item is string => typeof item === 'string');
  }

  // ───────────────────────── relations ─────────────────────────

  readonly relations = {
    get: async (uid: string, other: string): Promise<Relation> => {
      this.require('relations.get');
      await this.ensureUser(uid, 'uid');
      await this.ensureUser(other, 'other');
      const [mine, theirs, myBlocks, theirBlocks] = await Promise.all([
        this.contacts(uid),
        this.contacts(other),
        this.userBlocks(uid),
        this.userBlocks(other),
      ]);
      const entry = mine.find((candidate) => candidate.friend === other);
      return {
        uid,
        other,
        friend: entry !== undefined,
        friendOf: theirs.some((candidate) => candidate.friend === uid),
        blocking: myBlocks.includes(other),
        blockedBy: theirBlocks.includes(uid),
        alias: entry?.remark ?? null,
        extra: null,
      };
    },
  };

  // ───────────────────────── user whitelist (none on Agora) ─────────────────────────

  readonly userWhitelist = {
    list: async (_uid: string, _options: ListOptions): Promise<Page<UidEntry>> => {
      throw new UnsupportedError('users.whitelist.list', VENDOR);
    },
    replace: async (_uid: string, _uids: string[]): Promise<Page<UidEntry>> => {
      throw new UnsupportedError('users.whitelist.replace', VENDOR);
    },
    add: async (_uid: string, _uids: string[]): Promise<BatchResult> => {
      throw new UnsupportedError('users.whitelist.add', VENDOR);
    },
    remove: async (_uid: string, _other: string): Promise<void> => {
      throw new UnsupportedError('users.whitelist.remove', VENDOR);
    },
  };

  // ───────────────────────── rooms ─────────────────────────

  private roomCapability(kind: RoomKind, operation: string): CapabilityName {
    return `${kind === 'group' ? 'groups' : 'chatrooms'}.${operation}` as CapabilityName;
  }

  private roomTarget(room: RoomRef, uid?: string): Record<string, string> {
    const target: Record<string, string> = { room: `${room.kind}:${room.id}` };
    if (uid !== undefined) target.uid = uid;
    return target;
  }

  readonly rooms = {
    create: async (kind: RoomKind, input: RoomInput): Promise<Room> => {
      this.require(this.roomCapability(kind, 'create'));
      if (input.id !== undefined) {
        throw new UnsupportedOptionError(this.roomCapability(kind, 'create'), 'id', VENDOR, 'agora generates group and chat room ids itself');
      }
      assertId(this.idRule, input.owner, 'owner');
      const members = [...new Set(input.members ?? [])].filter((member) => member !== input.owner);
      for (const member of members) assertId(this.idRule, member, 'members');
      await this.ensureUser(input.owner, 'owner');
      for (const member of members) await this.ensureUser(member, 'members');
      const body: Record<string, unknown> =
        kind === 'group'
          ? {
              groupname: input.name,
              description: '',
              // §8: 声网 refuses a create without `public`, so it is always sent. `false` (private):
              // a public group can be found and joined by any app user without the owner's approval
              // (audit A2), which the unified model, where the API adds the members, has no place for.
              public: false,
              maxusers: Math.max(200, members.length + 1),
              owner: input.owner,
              members,
            }
          : {
              name: input.name,
              // §9: description is required, and no source says "" counts as provided (audit A1):
              // the room's name is a description the server cannot take for missing.
              description: input.name.trim() === '' ? 'chat room' : input.name,
              maxusers: Math.max(1000, members.length + 1),
              owner: input.owner,
              // §9: `members` must hold at least one user when present.
              ...(members.length > 0 ? { members } : {}),
            };
      const envelope = await this.client.call({ method: 'POST', path: vendorPath(roomResource(kind)), body, idempotent: false, resource: 'user' });
      const data = asRecord(envelope.data);
      const id = kind === 'group' ? data.groupid : data.id;
      if (typeof id !== 'string' && typeof id !== 'number' && typeof id !== 'bigint') throw upstreamFailure('Agora Chat answered no room id', null);
      const room = this.toRoom(kind, await this.roomDetails({ kind, id: int64ToString(id) }));
      emitChange(this.context, 'room.created', this.roomTarget(room), null, room);
      return room;
    },

    get: async (room: RoomRef): Promise<Room> => {
      this.require(this.roomCapability(room.kind, 'get'));
      return this.toRoom(room.kind, await this.roomDetails(room));
    },

    // §8/§9 `GET /chatgroups|chatrooms?limit&cursor`: newest first. The list entries lack
    // mute-all (and name a group's owner as `org#app_user`), so each page's rooms are read once
    // more, together, from the details call that rooms.get reads.
    list: async (kind: RoomKind, options: ListOptions): Promise<Page<Room>> => {
      this.require(this.roomCapability(kind, 'list'));
      const limit = pageLimit(options);
      const page = await fillPage({
        limit,
        start: decodePositionCursor(options.cursor, VENDOR_CURSOR),
        read: (position, want) => this.vendorListPage(vendorPath(roomResource(kind)), 'room', position, want, (envelope) => asArray(envelope.data)),
        convert: async (entries) => {
          const ids = entries.map((entry) => {
            const record = asRecord(entry);
            const id = kind === 'group' ? record.groupid : record.id;
            return typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint' ? int64ToString(id) : null;
          });
          const details = await this.roomDetailsMany(kind, ids.filter((id): id is string => id !== null && matchesIdRule(this.idRule, id)));
          return ids.map((id) => {
            const found = id === null ? undefined : details.get(id);
            return found === undefined ? null : this.toRoom(kind, found);
          });
        },
      });
      return { items: page.items, nextCursor: page.next === null ? null : encodePositionCursor(page.next) };
    },

    dismiss: async (room: RoomRef): Promise<void> => {
      this.require(this.roomCapability(room.kind, 'dismiss'));
      assertId(this.idRule, room.id, 'id');
      await this.client.call({ method: 'DELETE', path: vendorPath(roomResource(room.kind), room.id), idempotent: true, resource: 'room' });
      emitChange(this.context, 'room.dismissed', this.roomTarget(room), null, null);
    },

    setMuteAll: async (room: RoomRef, on: boolean): Promise<Room> => {
      this.require(this.roomCapability(room.kind, on ? 'muteAll.set' : 'muteAll.remove'));
      const before = await this.roomDetails(room);
      // §11: mute-all is `/ban` (no body); it answers `action: "put"` either way.
      await this.client.call({
        method: on ? 'POST' : 'DELETE',
        path: vendorPath(roomResource(room.kind), room.id, 'ban'),
        idempotent: true,
        resource: 'room',
      });
      const after = this.toRoom(room.kind, await this.roomDetails(room));
      if (before.mute !== on) emitChange(this.context, 'room.muteAllChanged', this.roomTarget(room), { muteAll: before.mute }, { muteAll: after.muteAll });
      return after;
    },

    members: {
      list: async (room: RoomRef, options: ListOptions): Promise<Page<Member>> => {
        this.require(this.roomCapability(room.kind, 'members.list'));
        await this.roomDetails(room);
        const [members, mutes] = await Promise.all([this.roomMembersWithRoles(room), this.roomMutes(room)]);
        return paginate(
          members.map((member) => ({ uid: member.uid, role: member.role, mutedUntil: mutes.get(member.uid) ?? null })),
          options,
        );
      },

      add: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
        this.require(this.roomCapability(room.kind, 'members.add'));
        await this.roomDetails(room);
        const [members, banned] = await Promise.all([this.roomMembers(room), this.roomBlocks(room)]);
        const memberSet = new Set(members.map((member) => member.uid));
        const bannedSet = new Set(banned);
        const results = new Map<string, BatchItemResult>();
        const toSend = await this.precheck(uids, results, async (uid) => {
          await this.ensureUser(uid, 'uids');
          if (bannedSet.has(uid)) throw new PolicyError('BLOCKED', `"${uid}" is banned from this room`);
          return memberSet.has(uid) ? 'done' : 'send';
        });
        await this.sendChunks(toSend, ROOM_BATCH_CAP, results, async (chunkIds) => {
          const envelope = await this.client.call({
            method: 'POST',
            path: vendorPath(roomResource(room.kind), room.id, 'users'),
            body: { usernames: chunkIds },
            idempotent: false,
            resource: 'room',
          });
          const added = new Set(asArray(asRecord(envelope.data).newmembers).filter((item): item is string => typeof item === 'string'));
          return chunkIds.map((id) =>
            added.has(id) ? { id, ok: true } : { id, ok: false, error: itemError(upstreamFailure(`Agora Chat did not add "${id}"`, null)) },
          );
        });
        for (const uid of toSend) if (results.get(uid)?.ok) emitChange(this.context, 'member.added', this.roomTarget(room, uid), null, { uid, role: 'member' });
        return this.batchResult(uids, results);
      },

      remove: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
        this.require(this.roomCapability(room.kind, 'members.remove'));
        const details = await this.roomDetails(room);
        const memberSet = new Set((await this.roomMembers(room)).map((member) => member.uid));
        const results = new Map<string, BatchItemResult>();
        const toSend = await this.precheck(uids, results, async (uid) => {
          await this.ensureUser(uid, 'uids');
          if (uid === details.owner) throw new InvalidArgumentError(`"${uid}" owns this room and cannot be removed`);
          return memberSet.has(uid) ? 'send' : 'done';
        });
        await this.sendChunks(toSend, ROOM_BATCH_CAP, results, async (chunkIds) => {
          const envelope = await this.client.call({
            method: 'DELETE',
            path: vendorPath(roomResource(room.kind), room.id, 'users', chunkIds.join(',')),
            idempotent: true,
            resource: 'room',
          });
          return this.perUserResults(envelope.data, chunkIds);
        });
        for (const uid of toSend) if (results.get(uid)?.ok) emitChange(this.context, 'member.removed', this.roomTarget(room, uid), { uid }, null);
        return this.batchResult(uids, results);
      },

      setRole: async (room: RoomRef, uid: string, role: Exclude<MemberRole, 'owner'>): Promise<Member> => {
        this.require(this.roomCapability(room.kind, 'members.setRole'));
        const details = await this.roomDetails(room);
        await this.ensureUser(uid, 'uid');
        if (uid === details.owner) throw new InvalidArgumentError(`"${uid}" owns this room; the owner's role cannot be changed`);
        const members = await this.roomMembersWithRoles(room);
        const current = members.find((member) => member.uid === uid);
        if (current === undefined) throw new PolicyError('NOT_MEMBER', `"${uid}" is not a member of this room`);
        if (current.role !== role) {
          // §17. Neither call is repeated on failure: a repeat of an applied change is refused
          // ("is not admin" for a demotion), so it would turn a done change into an error.
          if (role === 'admin') {
            await this.client.call({ method: 'POST', path: vendorPath(roomResource(room.kind), room.id, 'admin'), body: { newadmin: uid }, idempotent: false, resource: 'room' });
          } else {
            await this.client.call({ method: 'DELETE', path: vendorPath(roomResource(room.kind), room.id, 'admin', uid), idempotent: false, resource: 'room' });
          }
        }
        const after: Member = { uid, role, mutedUntil: (await this.roomMutes(room)).get(uid) ?? null };
        if (current.role !== role) emitChange(this.context, 'member.roleChanged', this.roomTarget(room, uid), { uid, role: current.role }, after);
        return after;
      },
    },

    mutes: {
      set: async (room: RoomRef, uid: string, durationSeconds: number | null): Promise<Mute> => {
        this.require(this.roomCapability(room.kind, 'mutes.set'), durationSeconds === null ? undefined : 'duration');
        const { result, applied } = await this.muteMany(room, [uid], durationSeconds);
        const item = result.results[0]!;
        if (!item.ok) throw this.rebuild(item);
        const mute = applied.get(uid);
        if (mute === undefined) throw upstreamFailure(`Agora Chat answered no mute for "${uid}"`, null);
        return mute;
      },

      setMany: async (room: RoomRef, uids: string[], durationSeconds: number | null): Promise<BatchResult> => {
        this.require(this.roomCapability(room.kind, 'mutes.batchSet'), durationSeconds === null ? undefined : 'duration');
        return (await this.muteMany(room, uids, durationSeconds)).result;
      },

      remove: async (room: RoomRef, uid: string): Promise<void> => {
        this.require(this.roomCapability(room.kind, 'mutes.remove'));
        await this.roomDetails(room);
        await this.ensureUser(uid, 'uid');
        const mutes = await this.roomMutes(room);
        if (!mutes.has(uid)) {
          const members = await this.roomMembers(room);
          if (!members.some((member) => member.uid === uid)) throw new PolicyError('NOT_MEMBER', `"${uid}" is not a member of this room`);
          return;
        }
        await this.client.call({ method: 'DELETE', path: vendorPath(roomResource(room.kind), room.id, 'mute', uid), idempotent: true, resource: 'room' });
        emitChange(this.context, 'member.unmuted', this.roomTarget(room, uid), { uid, mutedUntil: mutes.get(uid) }, null);
      },

      list: async (room: RoomRef, options: ListOptions): Promise<Page<Mute>> => {
        this.require(this.roomCapability(room.kind, 'mutes.list'));
        await this.roomDetails(room);
        const mutes = await this.roomMutes(room);
        return paginate(
          [...mutes].map(([uid, mutedUntil]) => ({ uid, mutedUntil })),
          options,
        );
      },
    },

    whitelist: {
      list: async (room: RoomRef, options: ListOptions): Promise<Page<UidEntry>> => {
        this.require(this.roomCapability(room.kind, 'whitelist.list'));
        await this.roomDetails(room);
        return paginate(
          (await this.roomWhitelist(room)).map((uid) => ({ uid })),
          options,
        );
      },

      add: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
        this.require(this.roomCapability(room.kind, 'whitelist.add'));
        await this.roomDetails(room);
        const [members, listed] = await Promise.all([this.roomMembers(room), this.roomWhitelist(room)]);
        const memberSet = new Set(members.map((member) => member.uid));
        const listedSet = new Set(listed);
        const results = new Map<string, BatchItemResult>();
        const toSend = await this.precheck(uids, results, async (uid) => {
          await this.ensureUser(uid, 'uids');
          if (!memberSet.has(uid)) throw new PolicyError('NOT_MEMBER', `"${uid}" is not a member of this room`);
          return listedSet.has(uid) ? 'done' : 'send';
        });
        await this.sendChunks(toSend, ROOM_BATCH_CAP, results, (chunkIds) => this.whitelistAdd(room, chunkIds));
        if (toSend.some((uid) => results.get(uid)?.ok)) emitChange(this.context, 'roomWhitelist.changed', this.roomTarget(room), listed, null);
        return this.batchResult(uids, results);
      },

      replace: async (room: RoomRef, uids: string[]): Promise<Page<UidEntry>> => {
        this.require(this.roomCapability(room.kind, 'whitelist.replace'));
        await this.roomDetails(room);
        const wanted = [...new Set(uids)];
        for (const uid of wanted) assertId(this.idRule, uid, 'uids');
        for (const uid of wanted) await this.ensureUser(uid, 'uids');
        const [members, listed] = await Promise.all([this.roomMembers(room), this.roomWhitelist(room)]);
        const memberSet = new Set(members.map((member) => member.uid));
        const outsiders = wanted.filter((uid) => !memberSet.has(uid));
        if (outsiders.length > 0) {
          throw new PolicyError('NOT_MEMBER', `not members of this room: ${outsiders.join(', ')}`, { details: { uids: outsiders } });
        }
        const wantedSet = new Set(wanted);
        const listedSet = new Set(listed);
        const toRemove = listed.filter((uid) => !wantedSet.has(uid));
        const toAdd = wanted.filter((uid) => !listedSet.has(uid));
        const steps: ChangeStep[] = [];
        if (toRemove.length > 0) {
          steps.push({
            description: `remove ${toRemove.length} from the ${room.kind} allow list`,
            apply: () => this.whitelistChange(room, toRemove, 'remove'),
            undo: () => this.whitelistChange(room, toRemove, 'add'),
          });
        }
        if (toAdd.length > 0) {
          steps.push({
            description: `add ${toAdd.length} to the ${room.kind} allow list`,
            apply: () => this.whitelistChange(room, toAdd, 'add'),
            undo: () => this.whitelistChange(room, toAdd, 'remove'),
          });
        }
        await runSteps(steps);
        if (steps.length > 0) emitChange(this.context, 'roomWhitelist.changed', this.roomTarget(room), listed, wanted);
        return paginate(
          wanted.map((uid) => ({ uid })),
          {},
        );
      },

      remove: async (room: RoomRef, uid: string): Promise<void> => {
        this.require(this.roomCapability(room.kind, 'whitelist.remove'));
        await this.roomDetails(room);
        await this.ensureUser(uid, 'uid');
        const listed = await this.roomWhitelist(room);
        if (!listed.includes(uid)) return;
        await this.whitelistChange(room, [uid], 'remove');
        emitChange(this.context, 'roomWhitelist.changed', this.roomTarget(room), listed, listed.filter((other) => other !== uid));
      },
    },

    blocks: {
      list: async (room: RoomRef, options: ListOptions): Promise<Page<UidEntry>> => {
        this.require(this.roomCapability(room.kind, 'blocks.list'));
        await this.roomDetails(room);
        return paginate(
          (await this.roomBlocks(room)).map((uid) => ({ uid })),
          options,
        );
      },

      add: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
        this.require(this.roomCapability(room.kind, 'blocks.add'));
        const details = await this.roomDetails(room);
        const banned = new Set(await this.roomBlocks(room));
        const results = new Map<string, BatchItemResult>();
        const toSend = await this.precheck(uids, results, async (uid) => {
          await this.ensureUser(uid, 'uids');
          if (uid === details.owner) throw new InvalidArgumentError(`"${uid}" owns this room and cannot be banned`);
          return banned.has(uid) ? 'done' : 'send';
        });
        await this.sendChunks(toSend, ROOM_BATCH_CAP, results, async (chunkIds) => {
          const envelope = await this.client.call({
            method: 'POST',
            path: vendorPath(roomResource(room.kind), room.id, 'blocks', 'users'),
            body: { usernames: chunkIds },
            idempotent: true,
            resource: 'room',
          });
          return this.perUserResults(envelope.data, chunkIds);
        });
        for (const uid of toSend) if (results.get(uid)?.ok) emitChange(this.context, 'roomBlock.added', this.roomTarget(room, uid), null, { uid });
        return this.batchResult(uids, results);
      },

      remove: async (room: RoomRef, uid: string): Promise<void> => {
        this.require(this.roomCapability(room.kind, 'blocks.remove'));
        await this.roomDetails(room);
        await this.ensureUser(uid, 'uid');
        if (!(await this.roomBlocks(room)).includes(uid)) return;
        await this.client.call({
          method: 'DELETE',
          path: vendorPath(roomResource(room.kind), room.id, 'blocks', 'users', uid),
          idempotent: true,
          resource: 'room',
        });
        emitChange(this.context, 'roomBlock.deleted', this.roomTarget(room, uid), { uid }, null);
      },
    },
  };

  private rebuild(item: BatchItemResult): ImBridgeError {
    const error = item.error;
    if (error === undefined) return upstreamFailure('mute failed', null);
    const options = error.details === undefined ? { retryable: error.retryable } : { retryable: error.retryable, details: error.details };
    return new ImBridgeError(error.code as ImBridgeError['code'], error.message, options);
  }

  /** Mutes members in chunks; answers the batch and the vendor's own expiry of each applied mute. */
  private async muteMany(room: RoomRef, uids: string[], durationSeconds: number | null): Promise<{ result: BatchResult; applied: Map<string, Mute> }> {
    const details = await this.roomDetails(room);
    const memberSet = new Set((await this.roomMembers(room)).map((member) => member.uid));
    const results = new Map<string, BatchItemResult>();
    const toSend = await this.precheck(uids, results, async (uid) => {
      await this.ensureUser(uid, 'uid');
      if (!memberSet.has(uid)) throw new PolicyError('NOT_MEMBER', `"${uid}" is not a member of this room`);
      if (uid === details.owner) throw new InvalidArgumentError(`"${uid}" owns this room and cannot be muted`);
      return 'send';
    });
    const applied = new Map<string, Mute>();
    const now = this.context.now();
    await this.sendChunks(toSend, ROOM_BATCH_CAP, results, async (chunkIds) => {
      const envelope = await this.client.call({
        method: 'POST',
        path: vendorPath(roomResource(room.kind), room.id, 'mute'),
        // §11: milliseconds from now; -1 = until unmuted.
        body: { usernames: chunkIds, mute_duration: durationSeconds === null ? -1 : durationSeconds * 1000 },
        idempotent: true,
        resource: 'room',
      });
      for (const item of asArray(envelope.data)) {
        const record = asRecord(item);
        if (typeof record.user !== 'string' || record.result !== true) continue;
        const fallback = durationSeconds === null ? 'forever' : new Date(now + durationSeconds * 1000).toISOString();
        const until = this.mutedUntil(record.expire, now) ?? fallback;
        applied.set(record.user, { uid: record.user, mutedUntil: until });
      }
      return this.perUserResults(envelope.data, chunkIds);
    });
    for (const [uid, mute] of applied) emitChange(this.context, 'member.muted', this.roomTarget(room, uid), null, mute);
    return { result: this.batchResult(uids, results), applied };
  }

  /** §10 batch add: per-user `result` booleans. */
  private async whitelistAdd(room: RoomRef, chunkIds: string[]): Promise<BatchItemResult[]> {
    const envelope = await this.client.call({
      method: 'POST',
      path: vendorPath(roomResource(room.kind), room.id, 'white', 'users'),
      body: { usernames: chunkIds },
      idempotent: true,
      resource: 'room',
    });
    return this.perUserResults(envelope.data, chunkIds);
  }

  /** A whole-or-error allow-list change for the multi-step replace: any per-user failure throws. */
  private async whitelistChange(room: RoomRef, uids: string[], change: 'add' | 'remove'): Promise<void> {
    const results = await runChunked(uids, ROOM_BATCH_CAP, async (chunkIds) => {
      if (change === 'add') return this.whitelistAdd(room, chunkIds);
      const envelope = await this.client.call({
        method: 'DELETE',
        path: vendorPath(roomResource(room.kind), room.id, 'white', 'users', chunkIds.join(',')),
        idempotent: true,
        resource: 'room',
      });
      // §10 / open question 5: a single-user DELETE may answer an object; accept both.
      return this.perUserResults(envelope.data, chunkIds);
    });
    const failed = results.find((result) => !result.ok);
    if (failed !== undefined) throw this.rebuild(failed);
  }

  // ───────────────────────── conversations ─────────────────────────

  readonly conversations = {
    list: async (_uid: string, _options: ListOptions): Promise<Page<Conversation>> => {
      throw new UnsupportedError('conversations.list', VENDOR);
    },

    delete: async (uid: string, peerType: PeerType, peerId: string): Promise<void> => {
      this.require('conversations.delete');
      await this.ensureUser(uid, 'uid');
      await this.ensurePeer(peerType, peerId);
      // Agora keeps no server-side conversation for chat rooms; there is nothing to hide.
      if (peerType === 'chatroom') return;
      await this.client.call({
        method: 'DELETE',
        path: vendorPath('users', uid, 'user_channel'),
        // §13: the field is `channel`; delete_roam false keeps the history, hiding only the entry.
        body: { channel: peerId, type: peerType === 'user' ? 'chat' : 'groupchat', delete_roam: false },
        idempotent: true,
        resource: peerType === 'user' ? 'user' : 'room',
      });
      emitChange(this.context, 'conversation.deleted', { uid, peer: `${peerType}:${peerId}` }, null, null);
    },
  };

  /**
   * The peer must be a bare, existing id. A vendor composite (`a@b`, `si_…`, `sg_…`) is refused
   * with INVALID_ID saying what to pass; an existing id always wins (docs/api.md).
   */
  private async ensurePeer(peerType: PeerType, peerId: string): Promise<void> {
    const hint = `pass the bare peer id (the ${peerType === 'user' ? 'user' : 'room'} id itself), not a composite conversation id`;
    if (peerId.includes('@')) throw new InvalidIdError(`peerId "${peerId}" is a composite conversation id: ${hint}`, { details: { field: 'peerId' } });
    try {
      if (peerType === 'user') await this.ensureUser(peerId, 'peerId');
      else await this.roomDetails({ kind: peerType, id: peerId });
    } catch (error) {
      const missing = error instanceof ImBridgeError && (error.code === 'USER_NOT_FOUND' || error.code === 'GROUP_NOT_FOUND');
      if (missing && /^s[ig]_/.test(peerId)) throw new InvalidIdError(`peerId "${peerId}" looks like a composite conversation id: ${hint}`, { details: { field: 'peerId' } });
      throw error;
    }
  }

  // ───────────────────────── messages ─────────────────────────

  readonly messages = {
    send: async (message: MessageInput): Promise<SentMessage> => {
      const option = message.to.type === 'user' ? 'toUser' : message.to.type === 'group' ? 'toGroup' : 'toChatroom';
      this.require('messages.send', option);
      await this.ensureUser(message.from, 'from');
      let path: string;
      if (message.to.type === 'user') {
        await this.ensureUser(message.to.id, 'to.id');
        checkDirectSend(message.from, message.to.id, { blocked: (await this.userBlocks(message.to.id)).includes(message.from) });
        path = '/messages/users';
      } else {
        const room: RoomRef = { kind: message.to.type, id: message.to.id };
        const details = await this.roomDetails(room);
        const member = (await this.roomMembers(room)).some((entry) => entry.uid === message.from);
        const mute = member ? (await this.roomMutes(room)).get(message.from) : undefined;
        // §11: during mute-all only the allow list may send; the unified rule (docs/api.md) also
        // exempts the owner and the admins of §17, whom Easemob puts on the allow list by default
        // (audit A4: Agora's own docs do not say so either way).
        const exempt =
          !member ||
          mute !== undefined ||
          !details.mute ||
          message.from === details.owner ||
          (await this.roomWhitelist(room)).includes(message.from) ||
          (await this.roomAdmins(room)).includes(message.from);
        checkRoomSend(room, message.from, {
          member,
          mutedUntil: mute ?? null,
          muteAll: details.mute,
          exemptFromMuteAll: exempt,
        });
        path = room.kind === 'group' ? '/messages/chatgroups' : '/messages/chatrooms';
      }
      const body: Record<string, unknown> = { from: message.from, to: [message.to.id], type: 'txt', body: { msg: message.text } };
      if (message.to.type === 'chatroom') body.chatroom_msg_level = 'normal';
      const envelope = await this.client.call({ method: 'POST', path, body, idempotent: false, resource: message.to.type === 'user' ? 'user' : 'room' });
      const id = asRecord(envelope.data)[message.to.id];
      if (id === undefined) throw upstreamFailure('Agora Chat answered no message id', null);
      const sent: SentMessage = { id: int64ToString(id), sentAt: this.nowIso() };
      emitChange(this.context, 'message.sent', { from: message.from, to: `${message.to.type}:${message.to.id}` }, null, sent);
      return sent;
    },
  };

  // ───────────────────────── lifecycle ─────────────────────────

  async health(): Promise<BackendHealth> {
    try {
      // A user lookup proves reachability and our token; "not found" is a fine answer.
      await this.client.call({ method: 'GET', path: '/users/imbridge-health-probe', idempotent: true, resource: 'user' });
      return { ok: true };
    } catch (error) {
      if (error instanceof ImBridgeError && error.code === 'USER_NOT_FOUND') return { ok: true };
      return { ok: false, detail: error instanceof ImBridgeError ? `${error.code}: ${error.message}` : 'unreachable' };
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
