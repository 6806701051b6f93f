/**
 * The Backend contract on WuKongIM v2. WuKongIM enforces sending with person- and group-channel
 * whitelists and blacklists and knows nothing of friends, names or roles; this adapter builds the
 * unified meaning out of those lists (see README.md for the mapping and every quirk):
 *
 * - friends = each user's person-channel whitelist holding the other (note §5);
 * - blocks = the blocker's person-channel blacklist;
 * - groups = group channels (type 2) and their subscribers; member mute = group blacklist;
 *   mute-all = the group whitelist set to the exempt members (owner, admins, room whitelist);
 * - what has no vendor field (names, aliases, owner, admins, room whitelist, bans) lives in the
 *   vendor too, in a metadata channel's whitelist (`metadata.ts`);
 * - REST sends are never refused by WuKongIM (note §9), so `messages.send` checks the policy first.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import {
  ConflictError,
  ImBridgeError,
  InvalidArgumentError,
  InvalidIdError,
  NotFoundError,
  PolicyError,
  SPEC_VERSION,
  UnsupportedError,
  UnsupportedOptionError,
  UpstreamError,
  isSupported,
  requireCapability,
  failedBatchItem,
  type Backend,
  type BackendContext,
  type SendPolicy,
  type BackendHealth,
  type BatchItemResult,
  type BatchResult,
  type Block,
  type Capabilities,
  type CapabilityName,
  type Conversation,
  type FriendAddMode,
  type FriendRemoveMode,
  type FriendRequestsFacet,
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
  type RoomRef,
  type SentMessage,
  type UidEntry,
  type UpstreamAccess,
  type User,
  type UserInput,
  type UserWhitelistFacet,
} from '../../../src/spec/index.js';
import {
  assertId,
  decodePositionCursor,
  encodePositionCursor,
  fillPage,
  mapLimited,
  matchesIdRule,
  pageLimit,
  paginate,
  runSteps,
  type ChangeStep,
  type RetryOptions,
  type VendorPage,
  emitChange,
  readAfterChange,
  checkDirectSend,
  checkRoomSend,
} from '../../../src/runtime/index.js';
import { parseServerVersion, wukongimCapabilities } from './capabilities.js';
import { OPEN_CHANNEL_FLAGS, WukongimClient, type ChannelInfoEntry, type WhitelistMember } from './client.js';
import { VENDOR } from './errors.js';
import { personChannelId } from '../protocol/wire.js';
import {
  GROUP_CHANNEL,
  PERSON_CHANNEL,
  WUKONGIM_ID_RULE,
  refuseCompositeConversationId,
  USER_METADATA_PREFIX,
  roomMetadataChannel,
  userMetadataChannel,
} from './ids.js';
import { parseRoomMetadata, parseUserMetadata, roomEntries, userEntries, type RoomMetadata, type UserMetadata } from './metadata.js';

export interface WukongimConfig {
  vendor: 'wukongim';
  baseUrl: string;
  /** The server's `managerToken`, sent as the `token` header; absent/empty = the server has no auth. */
  token?: string;
  /** The server's `whitelistOffOfPerson` (vendor default true). False: friendship gates direct messages. */
  whitelistOffOfPerson?: boolean;
  /** Server version, `2.x.y` (default `2.2.5`). */
  version?: string;
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
}

/** WuKongIM keeps no block time (the denylist is a bare uid array): `since` reads as this. */
export const UNKNOWN_SINCE = '1970-01-01T00:00:00.000Z';

/** How long a user known to be registered is not re-checked (users are never deleted). */
const USER_CACHE_TTL_MS = 60_000;
/** How long a send waits for the server to store the message it accepted. */
const STORED_WAIT_MS = 2_000;
/**
 * Channels read per `/cluster/channels` page. Users and groups share channel type 2 with each
 * other (note §11), so a page of one is read out of pages of both.
 */
const CHANNEL_PAGE = 200;
/** Metadata and list reads of one page's entries at a time. */
const READS_AT_ONCE = 8;
/** An enumeration cursor's position: a channel's creation time in ns (note §11). */
const CREATED_AT_POSITION = /^\d{1,20}$/;

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * The per-item answer of a batch WuKongIM applies in one list call: an item refused before the
 * call fails with its refusal; an item sent in a call that failed fails with that call's error.
 */
function batchResults(ids: readonly string[], refusalOf: (id: string) => unknown, sent: readonly string[], batchError: unknown): BatchResult {
  return {
    results: ids.map((id) => {
      const refusal = refusalOf(id);
      if (refusal) return failedBatchItem(id, refusal);
      if (batchError !== null && sent.includes(id)) return failedBatchItem(id, batchError);
      return { id, ok: true };
    }),
  };
}

function userNotFound(uid: string): NotFoundError {
  return new NotFoundError('USER_NOT_FOUND', `user "${uid}" is not registered`, { details: { uid } });
}

function groupNotFound(room: RoomRef): NotFoundError {
  return new NotFoundError('GROUP_NOT_FOUND', `${room.kind} "${room.id}" does not exist`, { details: { id: room.id } });
}

function notMember(room: RoomRef, uid: string): PolicyError {
  return new PolicyError('NOT_MEMBER', `"${uid}" is not a member of ${room.kind} "${room.id}"`, { details: { uid, room: room.id } });
}

/** A step that only undoes by calling the vendor again. */
function step(description: string, apply: () => Promise<void>, undo?: () => Promise<void>): ChangeStep {
  return undo ? { description, apply, undo } : { description, apply };
}

export class WukongimBackend implements Backend {
  readonly specVersion = SPEC_VERSION;
  readonly vendor = VENDOR;
  readonly name: string;
  readonly capabilities: Capabilities;
  readonly idRule = WUKONGIM_ID_RULE;
  readonly sendPolicy?: SendPolicy;
  readonly client: WukongimClient;
  /** How the compat pass-through reaches this server: its base URL and the manager token header. */
  readonly upstream: UpstreamAccess;
  /** `whitelistOffOfPerson=false`: WuKongIM itself gates person sends by whitelist (friendship). */
  readonly requireFriendship: boolean;
  private readonly context: BackendContext;
  /** `/message/byclientmsgno` exists (v2.2.2+), so a send can wait until it is stored. */
  private readonly canReadByClientMsgNo: boolean;
  private readonly registered = new LRUCache<string, true>({ max: 50_000, ttl: USER_CACHE_TTL_MS });

  constructor(config: WukongimConfig, context: BackendContext) {
    this.name = context.name;
    this.context = context;
    const whitelistOffOfPerson = config.whitelistOffOfPerson ?? true;
    this.requireFriendship = !whitelistOffOfPerson;
    if (this.requireFriendship) this.sendPolicy = { requireFriendship: true };
    const version = parseServerVersion(config.version ?? '2.2.5');
    // v2.0.0-beta has no /cluster/channels/…/{denylist,subscribers}: blocks, mutes and every room
    // read would meet the framework's 404 (audit W9; the routes arrive in v2.0.1-beta-20240715).
    if (version.major === 2 && version.minor === 0 && version.patch === 0) {
      throw new Error('WuKongIM 2.0.0 lacks the /cluster read routes imbridge needs; use 2.0.1 or later');
    }
    this.capabilities = wukongimCapabilities(version, whitelistOffOfPerson);
    this.canReadByClientMsgNo = version.major * 1e6 + version.minor * 1e3 + version.patch >= 2_002_002;
    const clientOptions: ConstructorParameters<typeof WukongimClient>[0] = { baseUrl: config.baseUrl, token: config.token ?? '', logger: context.logger };
    if (config.timeoutMs !== undefined) clientOptions.timeoutMs = config.timeoutMs;
    if (config.retry !== undefined) clientOptions.retry = config.retry;
    this.client = new WukongimClient(clientOptions);
    const token = config.token ?? '';
    this.upstream = {
      vendor: VENDOR,
      baseUrl: config.baseUrl.replace(/\/+$/, ''),
      // The managerToken is static; an empty one means the server runs without auth (note §1).
      authHeaders: async (): Promise<Record<string, string>> => (token === '' ? {} : { token }),
      credentialHeaders: ['token'],
    };
  }

  // ---------------------------------------------------------------- shared helpers

  private require(name: CapabilityName, option?: string): void {
    requireCapability(this.capabilities, VENDOR, name, option);
  }

  private id(value: string, field: string): void {
    // '@' is the one unified-id character WuKongIM refuses; an id holding it is most likely the
    // vendor's internal `a@b` conversation id, so say what to pass instead.
    if (value.includes('@')) {
      throw new InvalidIdError(
        `${field} "${value}" contains '@', which WuKongIM does not allow in ids ('a@b' is its internal 1:1 conversation id: pass the bare peer uid instead)`,
        { details: { field, rule: this.idRule.pattern } },
      );
    }
    assertId(this.idRule, value, field);
  }


  private roomCapability(room: RoomRef, operation: string): void {
    this.require(`${room.kind === 'group' ? 'groups' : 'chatrooms'}.${operation}` as CapabilityName);
  }

  private now(): string {
    return new Date(this.context.now()).toISOString();
  }

  private async userMetadata(uid: string): Promise<UserMetadata> {
    const rows = await this.client.whitelist(userMetadataChannel(uid), GROUP_CHANNEL);
    const metadata = parseUserMetadata(rows.map((row) => row.uid));
    if (metadata.registered) this.registered.set(uid, true);
    return metadata;
  }

  /** USER_NOT_FOUND unless `uid` was registered through imbridge (its `registered` entry). */
  private async requireUser(uid: string): Promise<void> {
    if (this.registered.has(uid)) return;
    const metadata = await this.userMetadata(uid);
    if (!metadata.registered) throw userNotFound(uid);
  }

  private async requireUsers(uids: readonly string[]): Promise<void> {
    await Promise.all(unique(uids).map((uid) => this.requireUser(uid)));
  }

  /** Per uid: null when registered, else the USER_NOT_FOUND error. */
  private async userChecks(uids: readonly string[]): Promise<Map<string, ImBridgeError | null>> {
    const checks = new Map<string, ImBridgeError | null>();
    await Promise.all(
      unique(uids).map(async (uid) => {
        try {
          this.id(uid, 'uid');
          await this.requireUser(uid);
          checks.set(uid, null);
        } catch (error) {
          if (!(error instanceof ImBridgeError)) throw error;
          checks.set(uid, error);
        }
      }),
    );
    return checks;
  }

  private friendList(uid: string): Promise<WhitelistMember[]> {
    return this.client.whitelist(uid, PERSON_CHANNEL).then((rows) => rows.filter((row) => row.uid !== uid));
  }

  private async roomMetadata(room: RoomRef): Promise<RoomMetadata> {
    this.id(room.id, 'room id');
    if (room.kind !== 'group') throw new UnsupportedError(`chatrooms`, VENDOR);
    const rows = await this.client.whitelist(roomMetadataChannel(room.id), GROUP_CHANNEL);
    const metadata = parseRoomMetadata(rows.map((row) => row.uid));
    if (!metadata) throw groupNotFound(room);
    return metadata;
  }

  private metadataChange(channel: string, action: 'add' | 'remove' | 'set', entries: readonly string[]): Promise<void> {
    return this.client.listChange('whitelist', action, channel, GROUP_CHANNEL, entries);
  }

  /** Steps that replace some entries of a metadata channel: add the new ones first, then drop the old. */
  private metadataSteps(channel: string, add: readonly string[], remove: readonly string[], what: string): ChangeStep[] {
    const steps: ChangeStep[] = [];
    if (add.length > 0) {
      steps.push(step(`whitelist_add ${what} to ${channel}`, () => this.metadataChange(channel, 'add', add), () => this.metadataChange(channel, 'remove', add)));
    }
    if (remove.length > 0) {
      steps.push(step(`whitelist_remove ${what} from ${channel}`, () => this.metadataChange(channel, 'remove', remove), () => this.metadataChange(channel, 'add', remove)));
    }
    return steps;
  }

  // ---------------------------------------------------------------- users

  /** Whether `channel` (type 2) has an info row, which is what makes the channel search list it (note §11). */
  private async hasChannelInfo(channel: string): Promise<boolean> {
    const { items } = await this.client.searchChannels({ channelType: GROUP_CHANNEL, channelId: channel, limit: 1 });
    return items.some((entry) => entry.channelId === channel);
  }

  /**
   * One page of the channel search over type 2 (note §11): `position` is the creation time the
   * previous page ended at; every entry's own creation time is where a walk resumes after it.
   */
  private async channelPage(position: string | null, want: number): Promise<VendorPage<ChannelInfoEntry>> {
    const { items, more } = await this.client.searchChannels({
      channelType: GROUP_CHANNEL,
      limit: Math.max(want, CHANNEL_PAGE),
      ...(position === null ? {} : { offsetCreatedAt: position }),
    });
    // Only rows with a creation time are in the index the search walks; a zero would restart it.
    const dated = items.filter((entry) => entry.createdAt !== '0');
    return { items: dated, positions: dated.map((entry) => entry.createdAt), next: more && dated.length > 0 ? dated[dated.length - 1]!.createdAt : null };
  }

  /** A list over the channel search, newest channel first; `convert` reads what each kept entry needs. */
  private async channelList<R>(options: ListOptions, convert: (entry: ChannelInfoEntry) => Promise<R | null>): Promise<Page<R>> {
    const page = await fillPage({
      limit: pageLimit(options),
      start: decodePositionCursor(options.cursor, CREATED_AT_POSITION),
      read: (position, want) => this.channelPage(position, want),
      convert: (entries) => mapLimited(entries, READS_AT_ONCE, convert),
    });
    return { items: page.items, nextCursor: page.next === null ? null : encodePositionCursor(page.next) };
  }

  readonly users = {
    put: async (uid: string, input: UserInput): Promise<User> => {
      this.require('users.put');
      this.id(uid, 'uid');
      const channel = userMetadataChannel(uid);
      const listable = isSupported(this.capabilities, 'users.list');
      // A user registered before imbridge listed users has no info row; any PUT adds it.
      const [before, listed] = await Promise.all([this.userMetadata(uid), listable ? this.hasChannelInfo(channel) : Promise.resolve(true)]);
      const add: string[] = [];
      const remove: string[] = [];
      if (!before.registered) add.push(userEntries.registered);
      if (input.name !== undefined && input.name !== before.name) {
        add.push(userEntries.name(input.name));
        if (before.nameEntry) remove.push(before.nameEntry);
      }
      if (input.extra !== undefined && input.extra !== before.extra) {
        add.push(userEntries.extra(input.extra));
        if (before.extraEntry) remove.push(before.extraEntry);
      }
      const after: User = { uid, name: input.name ?? before.name, extra: input.extra ?? before.extra };
      if (add.length === 0 && remove.length === 0 && listed) return after;
      const steps = this.metadataSteps(channel, add, remove, 'profile');
      // The info row comes last: a user the search lists is always a registered one. It has no
      // undo — an info row without `registered` is left out of the list anyway.
      if (!listed) steps.push(step(`info row of ${channel}, so that users.list finds it`, () => this.client.channelInfo(channel, GROUP_CHANNEL, OPEN_CHANNEL_FLAGS)));
      await runSteps(steps);
      if (add.length === 0 && remove.length === 0) return after;
      this.registered.set(uid, true);
      emitChange(this.context, 'user.updated', { uid }, before.registered ? { uid, name: before.name, extra: before.extra } : null, after);
      return after;
    },
    putMany: async (users: Array<{ uid: string; name?: string }>): Promise<BatchResult> => {
      this.require('users.batchPut');
      const results: BatchItemResult[] = [];
      for (const user of users) {
        try {
          await this.users.put(user.uid, user.name === undefined ? {} : { name: user.name });
          results.push({ id: user.uid, ok: true });
        } catch (error) {
          results.push(failedBatchItem(user.uid, error));
        }
      }
      return { results };
    },
    get: async (uid: string): Promise<User> => {
      this.require('users.get');
      this.id(uid, 'uid');
      const metadata = await this.userMetadata(uid);
      if (!metadata.registered) throw userNotFound(uid);
      return { uid, name: metadata.name, extra: metadata.extra };
    },
    // Registered users are the `~u~<uid>` metadata channels with an info row (note §11), newest
    // first; each one's metadata is read for its name and extra.
    list: async (options: ListOptions): Promise<Page<User>> => {
      this.require('users.list');
      return this.channelList(options, async (entry) => {
        if (!entry.channelId.startsWith(USER_METADATA_PREFIX)) return null;
        const uid = entry.channelId.slice(USER_METADATA_PREFIX.length);
        if (!matchesIdRule(this.idRule, uid)) return null;
        const metadata = await this.userMetadata(uid);
        return metadata.registered ? { uid, name: metadata.name, extra: metadata.extra } : null;
      });
    },
  };

  // ---------------------------------------------------------------- friends

  private friendship(uid: string, row: WhitelistMember, metadata: UserMetadata): Friendship {
    const view = metadata.friends.get(row.uid);
    return { uid, friend: row.uid, alias: view?.alias ?? null, extra: view?.extra ?? null, since: row.createdAt ?? UNKNOWN_SINCE };
  }

  /** Steps that set `uid`'s alias/extra for `friend` to `input` (absent fields kept). */
  private friendViewSteps(uid: string, friend: string, metadata: UserMetadata, input: FriendshipInput): ChangeStep[] {
    const view = metadata.friends.get(friend) ?? { alias: null, extra: null, entries: [] };
    const add: string[] = [];
    const remove: string[] = [];
    const current = (prefix: string) => view.entries.filter((entry) => entry.startsWith(`${prefix}:${friend}:`));
    if (input.alias !== undefined && input.alias !== view.alias) {
      add.push(userEntries.alias(friend, input.alias));
      remove.push(...current('alias'));
    }
    if (input.extra !== undefined && input.extra !== view.extra) {
      add.push(userEntries.friendExtra(friend, input.extra));
      remove.push(...current('fextra'));
    }
    return this.metadataSteps(userMetadataChannel(uid), add, remove, `view of ${friend}`);
  }

  readonly friends = {
    put: async (uid: string, friend: string, input: FriendshipInput, mode: FriendAddMode = 'mutual'): Promise<Friendship> => {
      this.require('friends.put', mode === 'one-way' ? 'oneWay' : undefined);
      this.id(uid, 'uid');
      this.id(friend, 'friend');
      await this.requireUsers([uid, friend]);
      const [ownList, otherList, metadata] = await Promise.all([
        this.friendList(uid),
        mode === 'mutual' ? this.friendList(friend) : Promise.resolve([]),
        this.userMetadata(uid),
      ]);
      const existing = ownList.find((row) => row.uid === friend);
      const steps: ChangeStep[] = [];
      if (!existing) {
        steps.push(
          step(
            `whitelist_add ${friend} to ${uid}`,
            () => this.client.listChange('whitelist', 'add', uid, PERSON_CHANNEL, [friend]),
            () => this.client.listChange('whitelist', 'remove', uid, PERSON_CHANNEL, [friend]),
          ),
        );
      }
      // One-way: exactly one person-channel whitelist_add, the friend's list is left as it is.
      const reverseAdded = mode === 'mutual' && !otherList.some((row) => row.uid === uid);
      if (reverseAdded) {
        steps.push(
          step(
            `whitelist_add ${uid} to ${friend}`,
            () => this.client.listChange('whitelist', 'add', friend, PERSON_CHANNEL, [uid]),
            () => this.client.listChange('whitelist', 'remove', friend, PERSON_CHANNEL, [uid]),
          ),
        );
      }
      steps.push(...this.friendViewSteps(uid, friend, metadata, input));
      if (steps.length > 0) await runSteps(steps);
      const row = existing ?? (await readAfterChange(steps, () => this.friendList(uid))).find((candidate) => candidate.uid === friend) ?? { uid: friend, id: '0', createdAt: this.now() };
      const view = metadata.friends.get(friend);
      const result: Friendship = {
        uid,
        friend,
        alias: input.alias ?? view?.alias ?? null,
        extra: input.extra ?? view?.extra ?? null,
        since: row.createdAt ?? UNKNOWN_SINCE,
      };
      if (!existing || reverseAdded) emitChange(this.context, 'friend.added', { uid, friend, mode }, null, result);
      else if (steps.length > 0) emitChange(this.context, 'friend.infoChanged', { uid, friend }, this.friendship(uid, existing, metadata), result);
      return result;
    },
    remove: async (uid: string, friend: string, mode: FriendRemoveMode): Promise<void> => {
      this.require('friends.remove', mode === 'one-way' ? 'oneWay' : undefined);
      this.id(uid, 'uid');
      this.id(friend, 'friend');
      await this.requireUsers([uid, friend]);
      const [ownList, otherList, ownMetadata, otherMetadata] = await Promise.all([
        this.friendList(uid),
        mode === 'mutual' ? this.friendList(friend) : Promise.resolve([]),
        this.userMetadata(uid),
        mode === 'mutual' ? this.userMetadata(friend) : Promise.resolve(null),
      ]);
      const steps: ChangeStep[] = [];
      const removeSide = (owner: string, other: string) =>
        step(
          `whitelist_remove ${other} from ${owner}`,
          () => this.client.listChange('whitelist', 'remove', owner, PERSON_CHANNEL, [other]),
          () => this.client.listChange('whitelist', 'add', owner, PERSON_CHANNEL, [other]),
        );
      const ownEntry = ownList.find((row) => row.uid === friend);
      if (ownEntry) steps.push(removeSide(uid, friend));
      const reverseRemoved = mode === 'mutual' && otherList.some((row) => row.uid === uid);
      if (reverseRemoved) steps.push(removeSide(friend, uid));
      const ownView = ownMetadata.friends.get(friend)?.entries ?? [];
      steps.push(...this.metadataSteps(userMetadataChannel(uid), [], ownView, `view of ${friend}`));
      const otherView = otherMetadata?.friends.get(uid)?.entries ?? [];
      steps.push(...this.metadataSteps(userMetadataChannel(friend), [], otherView, `view of ${uid}`));
      if (steps.length === 0) return;
      await runSteps(steps);
      if (ownEntry || reverseRemoved) emitChange(this.context, 'friend.deleted', { uid, friend, mode }, ownEntry ? this.friendship(uid, ownEntry, ownMetadata) : null, null);
    },
    list: async (uid: string, options: ListOptions & { query?: string; uids?: string[] }): Promise<Page<Friendship>> => {
      this.require('friends.list', options.query !== undefined ? 'query' : options.uids !== undefined ? 'uids' : undefined);
      this.id(uid, 'uid');
      await this.requireUser(uid);
      const [rows, metadata] = await Promise.all([this.friendList(uid), this.userMetadata(uid)]);
      let items = rows.map((row) => this.friendship(uid, row, metadata));
      if (options.uids !== undefined) {
        const wanted = new Set(options.uids);
        items = items.filter((item) => wanted.has(item.friend));
      }
      if (options.query !== undefined && options.query !== '') {
        const needle = options.query.toLowerCase();
        const kept: Friendship[] = [];
        for (const item of items) {
          if (item.friend.toLowerCase().includes(needle) || (item.alias ?? '').toLowerCase().includes(needle)) {
            kept.push(item);
            continue;
          }
          // The friend's display name lives in the friend's own metadata.
          const name = (await this.userMetadata(item.friend)).name;
          if (name !== null && name.toLowerCase().includes(needle)) kept.push(item);
        }
        items = kept;
      }
      items.sort((left, right) => (left.since === right.since ? left.friend.localeCompare(right.friend) : left.since < right.since ? -1 : 1));
      return paginate(items, options);
    },
    get: async (uid: string, friend: string): Promise<Friendship> => {
      this.require('friends.get');
      this.id(uid, 'uid');
      this.id(friend, 'friend');
      await this.requireUsers([uid, friend]);
      const [rows, metadata] = await Promise.all([this.friendList(uid), this.userMetadata(uid)]);
      const row = rows.find((candidate) => candidate.uid === friend);
      if (!row) throw new NotFoundError('NOT_FRIENDS', `"${friend}" is not in ${uid}'s friend list`, { details: { uid, friend } });
      return this.friendship(uid, row, metadata);
    },
    update: async (uid: string, friend: string, input: FriendshipInput): Promise<Friendship> => {
      this.require('friends.update');
      this.id(uid, 'uid');
      this.id(friend, 'friend');
      await this.requireUsers([uid, friend]);
      const [rows, metadata] = await Promise.all([this.friendList(uid), this.userMetadata(uid)]);
      const row = rows.find((candidate) => candidate.uid === friend);
      if (!row) throw new NotFoundError('NOT_FRIENDS', `"${friend}" is not in ${uid}'s friend list`, { details: { uid, friend } });
      const before = this.friendship(uid, row, metadata);
      const steps = this.friendViewSteps(uid, friend, metadata, input);
      if (steps.length === 0) return before;
      await runSteps(steps);
      const after: Friendship = { ...before, alias: input.alias ?? before.alias, extra: input.extra ?? before.extra };
      emitChange(this.context, 'friend.infoChanged', { uid, friend }, before, after);
      return after;
    },
  };

  // ---------------------------------------------------------------- friend requests, user whitelist

  private unsupported(name: CapabilityName): never {
    this.require(name);
    throw new UnsupportedError(name, VENDOR);
  }

  readonly friendRequests: FriendRequestsFacet = {
    send: async (): Promise<never> => this.unsupported('friendRequests.send'),
    list: async (): Promise<never> => this.unsupported('friendRequests.list'),
    withdraw: async (): Promise<never> => this.unsupported('friendRequests.withdraw'),
    accept: async (): Promise<never> => this.unsupported('friendRequests.accept'),
    reject: async (): Promise<never> => this.unsupported('friendRequests.reject'),
  };

  readonly userWhitelist: UserWhitelistFacet = {
    list: async (): Promise<never> => this.unsupported('users.whitelist.list'),
    replace: async (): Promise<never> => this.unsupported('users.whitelist.replace'),
    add: async (): Promise<never> => this.unsupported('users.whitelist.add'),
    remove: async (): Promise<never> => this.unsupported('users.whitelist.remove'),
  };

  // ---------------------------------------------------------------- blocks, relations

  readonly blocks = {
    put: async (uid: string, blocked: string): Promise<Block> => {
      this.require('blocks.put');
      this.id(uid, 'uid');
      this.id(blocked, 'blocked');
      await this.requireUsers([uid, blocked]);
      const denied = await this.client.clusterList(uid, PERSON_CHANNEL, 'denylist');
      const block: Block = { uid, blocked, since: UNKNOWN_SINCE };
      if (denied.includes(blocked)) return block;
      await this.client.listChange('blacklist', 'add', uid, PERSON_CHANNEL, [blocked]);
      emitChange(this.context, 'block.added', { uid, blocked }, null, block);
      return block;
    },
    putMany: async (uid: string, blocked: string[]): Promise<BatchResult> => {
      this.require('blocks.batchPut');
      this.id(uid, 'uid');
      await this.requireUser(uid);
      const checks = await this.userChecks(blocked);
      const denied = new Set(await this.client.clusterList(uid, PERSON_CHANNEL, 'denylist'));
      const toAdd = unique(blocked).filter((other) => checks.get(other) === null && other !== uid && !denied.has(other));
      let batchError: unknown = null;
      if (toAdd.length > 0) {
        try {
          await this.client.listChange('blacklist', 'add', uid, PERSON_CHANNEL, toAdd);
          for (const other of toAdd) emitChange(this.context, 'block.added', { uid, blocked: other }, null, { uid, blocked: other, since: UNKNOWN_SINCE });
        } catch (error) {
          batchError = error;
        }
      }
      const refusalOf = (other: string) => checks.get(other) ?? (other === uid ? new InvalidArgumentError('a user cannot block itself', { details: { uid } }) : null);
      return batchResults(blocked, refusalOf, toAdd, batchError);
    },
    remove: async (uid: string, blocked: string): Promise<void> => {
      this.require('blocks.remove');
      this.id(uid, 'uid');
      this.id(blocked, 'blocked');
      await this.requireUsers([uid, blocked]);
      const denied = await this.client.clusterList(uid, PERSON_CHANNEL, 'denylist');
      if (!denied.includes(blocked)) return;
      await this.client.listChange('blacklist', 'remove', uid, PERSON_CHANNEL, [blocked]);
      emitChange(this.context, 'block.deleted', { uid, blocked }, { uid, blocked, since: UNKNOWN_SINCE }, null);
    },
    list: async (uid: string, options: ListOptions): Promise<Page<Block>> => {
      this.require('blocks.list');
      this.id(uid, 'uid');
      await this.requireUser(uid);
      const denied = await this.client.clusterList(uid, PERSON_CHANNEL, 'denylist');
      return paginate(
        [...denied].sort().map((blocked) => ({ uid, blocked, since: UNKNOWN_SINCE })),
        options,
      );
    },
  };

  readonly relations = {
    get: async (uid: string, other: string): Promise<Relation> => {
      this.require('relations.get');
      this.id(uid, 'uid');
      this.id(other, 'other');
      await this.requireUsers([uid, other]);
      const [ownList, otherList, ownDenied, otherDenied, metadata] = await Promise.all([
        this.friendList(uid),
        this.friendList(other),
        this.client.clusterList(uid, PERSON_CHANNEL, 'denylist'),
        this.client.clusterList(other, PERSON_CHANNEL, 'denylist'),
        this.userMetadata(uid),
      ]);
      const friend = ownList.some((row) => row.uid === other);
      const view = friend ? metadata.friends.get(other) : undefined;
      return {
        uid,
        other,
        friend,
        friendOf: otherList.some((row) => row.uid === uid),
        blocking: ownDenied.includes(other),
        blockedBy: otherDenied.includes(uid),
        alias: view?.alias ?? null,
        extra: view?.extra ?? null,
      };
    },
  };

  // ---------------------------------------------------------------- rooms

  /** Room state from the vendor: metadata, subscribers, group whitelist (mute-all) and blacklist (mutes). */
  private async roomState(room: RoomRef, metadata?: RoomMetadata) {
    const [resolved, subscribers, allowed, denied] = await Promise.all([
      metadata ? Promise.resolve(metadata) : this.roomMetadata(room),
      this.client.clusterList(room.id, GROUP_CHANNEL, 'subscribers'),
      this.client.whitelist(room.id, GROUP_CHANNEL),
      this.client.clusterList(room.id, GROUP_CHANNEL, 'denylist'),
    ]);
    return {
      metadata: resolved,
      subscribers: new Set(subscribers),
      /** The vendor's group whitelist: non-empty = mute-all on (it always holds the owner then). */
      allowed: new Set(allowed.map((row) => row.uid)),
      muted: new Set(denied),
    };
  }

  private toRoom(room: RoomRef, metadata: RoomMetadata, subscribers: Set<string>, allowed: Set<string>): Room {
    return { id: room.id, kind: room.kind, name: metadata.name, owner: metadata.owner, muteAll: allowed.size > 0, memberCount: subscribers.size };
  }

  /** Who may send while mute-all is on: owner, admins and room-whitelisted members. */
  private exempt(metadata: RoomMetadata, subscribers: Set<string>): string[] {
    return unique([metadata.owner, ...metadata.admins, ...metadata.whitelist].filter((uid) => uid === metadata.owner || subscribers.has(uid)));
  }

  /**
   * Steps that take `uids` out of a room's extra state (admin role, room whitelist, mute, the
   * vendor's mute-all whitelist) — for members who leave or are banned.
   */
  private leaveSteps(room: RoomRef, state: Awaited<ReturnType<WukongimBackend['roomState']>>, uids: readonly string[]): ChangeStep[] {
    const metaChannel = roomMetadataChannel(room.id);
    const entries = uids.flatMap((uid) => [
      ...(state.metadata.admins.has(uid) ? [roomEntries.admin(uid)] : []),
      ...(state.metadata.whitelist.has(uid) ? [roomEntries.whitelist(uid)] : []),
    ]);
    const steps = this.metadataSteps(metaChannel, [], entries, 'roles');
    const muted = uids.filter((uid) => state.muted.has(uid));
    if (muted.length > 0) {
      steps.push(
        step(
          `blacklist_remove ${muted.join(',')} from group ${room.id}`,
          () => this.client.listChange('blacklist', 'remove', room.id, GROUP_CHANNEL, muted),
          () => this.client.listChange('blacklist', 'add', room.id, GROUP_CHANNEL, muted),
        ),
      );
    }
    const allowed = uids.filter((uid) => state.allowed.has(uid));
    if (allowed.length > 0) {
      steps.push(
        step(
          `whitelist_remove ${allowed.join(',')} from group ${room.id}`,
          () => this.client.listChange('whitelist', 'remove', room.id, GROUP_CHANNEL, allowed),
          () => this.client.listChange('whitelist', 'add', room.id, GROUP_CHANNEL, allowed),
        ),
      );
    }
    return steps;
  }

  private memberOf(metadata: RoomMetadata, uid: string, muted: Set<string>): Member {
    const role: MemberRole = uid === metadata.owner ? 'owner' : metadata.admins.has(uid) ? 'admin' : 'member';
    return { uid, role, mutedUntil: muted.has(uid) ? 'forever' : null };
  }

  private readonly roomMembers = {
    list: async (room: RoomRef, options: ListOptions): Promise<Page<Member>> => {
      this.roomCapability(room, 'members.list');
      const state = await this.roomState(room);
      const rank = (member: Member) => (member.role === 'owner' ? 0 : member.role === 'admin' ? 1 : 2);
      const members = [...state.subscribers]
        .map((uid) => this.memberOf(state.metadata, uid, state.muted))
        .sort((left, right) => rank(left) - rank(right) || left.uid.localeCompare(right.uid));
      return paginate(members, options);
    },
    add: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
      this.roomCapability(room, 'members.add');
      const state = await this.roomState(room);
      const checks = await this.userChecks(uids);
      const banned = (uid: string) => state.metadata.bans.has(uid);
      const toAdd = unique(uids).filter((uid) => checks.get(uid) === null && !banned(uid) && !state.subscribers.has(uid));
      let batchError: unknown = null;
      if (toAdd.length > 0) {
        try {
          await this.client.subscribers('add', room.id, GROUP_CHANNEL, toAdd);
          for (const uid of toAdd) emitChange(this.context, 'member.added', { room: `${room.kind}:${room.id}`, uid }, null, { uid, role: 'member', mutedUntil: null });
        } catch (error) {
          batchError = error;
        }
      }
      const refusalOf = (uid: string) =>
        checks.get(uid) ?? (banned(uid) ? new PolicyError('BLOCKED', `"${uid}" is banned from ${room.kind} "${room.id}"`, { details: { uid, room: room.id } }) : null);
      return batchResults(uids, refusalOf, toAdd, batchError);
    },
    remove: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
      this.roomCapability(room, 'members.remove');
      const state = await this.roomState(room);
      const checks = await this.userChecks(uids);
      const toRemove = unique(uids).filter((uid) => checks.get(uid) === null && uid !== state.metadata.owner && state.subscribers.has(uid));
      let batchError: unknown = null;
      if (toRemove.length > 0) {
        try {
          await runSteps([
            step(
              `subscriber_remove ${toRemove.join(',')} from group ${room.id}`,
              () => this.client.subscribers('remove', room.id, GROUP_CHANNEL, toRemove),
              () => this.client.subscribers('add', room.id, GROUP_CHANNEL, toRemove),
            ),
            ...this.leaveSteps(room, state, toRemove),
          ]);
          for (const uid of toRemove) emitChange(this.context, 'member.removed', { room: `${room.kind}:${room.id}`, uid }, this.memberOf(state.metadata, uid, state.muted), null);
        } catch (error) {
          batchError = error;
        }
      }
      const refusalOf = (uid: string) =>
        checks.get(uid) ?? (uid === state.metadata.owner ? new InvalidArgumentError('the owner cannot be removed from the room', { details: { uid } }) : null);
      return batchResults(uids, refusalOf, toRemove, batchError);
    },
    setRole: async (room: RoomRef, uid: string, role: Exclude<MemberRole, 'owner'>): Promise<Member> => {
      this.roomCapability(room, 'members.setRole');
      this.id(uid, 'uid');
      const state = await this.roomState(room);
      await this.requireUser(uid);
      if (!state.subscribers.has(uid)) throw notMember(room, uid);
      if (uid === state.metadata.owner) throw new InvalidArgumentError("the owner's role cannot be changed", { details: { uid } });
      if (role !== 'admin' && role !== 'member') throw new InvalidArgumentError(`unknown role "${String(role)}"`, { details: { role } });
      const before = this.memberOf(state.metadata, uid, state.muted);
      if (before.role === role) return before;
      const metaChannel = roomMetadataChannel(room.id);
      const muteAllOn = state.allowed.size > 0;
      const steps: ChangeStep[] =
        role === 'admin' ? this.metadataSteps(metaChannel, [roomEntries.admin(uid)], [], 'admin role') : this.metadataSteps(metaChannel, [], [roomEntries.admin(uid)], 'admin role');
      // While mute-all is on the vendor's group whitelist must follow the exempt set.
      if (muteAllOn && role === 'admin' && !state.allowed.has(uid)) {
        steps.push(step(`whitelist_add ${uid} to group ${room.id}`, () => this.client.listChange('whitelist', 'add', room.id, GROUP_CHANNEL, [uid])));
      }
      if (muteAllOn && role === 'member' && state.allowed.has(uid) && !state.metadata.whitelist.has(uid)) {
        steps.push(step(`whitelist_remove ${uid} from group ${room.id}`, () => this.client.listChange('whitelist', 'remove', room.id, GROUP_CHANNEL, [uid])));
      }
      await runSteps(steps);
      const after: Member = { ...before, role };
      emitChange(this.context, 'member.roleChanged', { room: `${room.kind}:${room.id}`, uid }, before, after);
      return after;
    },
  };

  /** Why `uid` cannot be muted, or null. */
  private muteRefusal(room: RoomRef, state: Awaited<ReturnType<WukongimBackend['roomState']>>, uid: string): ImBridgeError | null {
    if (!state.subscribers.has(uid)) return notMember(room, uid);
    if (uid === state.metadata.owner) return new InvalidArgumentError('the owner cannot be muted', { details: { uid } });
    return null;
  }

  private readonly roomMutes = {
    set: async (room: RoomRef, uid: string, durationSeconds: number | null): Promise<Mute> => {
      this.roomCapability(room, 'mutes.set');
      this.rejectDuration(room, 'mutes.set', durationSeconds);
      this.id(uid, 'uid');
      const state = await this.roomState(room);
      await this.requireUser(uid);
      const refusal = this.muteRefusal(room, state, uid);
      if (refusal) throw refusal;
      const mute: Mute = { uid, mutedUntil: 'forever' };
      if (state.muted.has(uid)) return mute;
      await this.client.listChange('blacklist', 'add', room.id, GROUP_CHANNEL, [uid]);
      emitChange(this.context, 'member.muted', { room: `${room.kind}:${room.id}`, uid }, null, mute);
      return mute;
    },
    setMany: async (room: RoomRef, uids: string[], durationSeconds: number | null): Promise<BatchResult> => {
      this.roomCapability(room, 'mutes.batchSet');
      this.rejectDuration(room, 'mutes.batchSet', durationSeconds);
      const state = await this.roomState(room);
      const checks = await this.userChecks(uids);
      const refusals = new Map<string, ImBridgeError | null>();
      for (const uid of unique(uids)) refusals.set(uid, checks.get(uid) ?? this.muteRefusal(room, state, uid));
      const toMute = unique(uids).filter((uid) => refusals.get(uid) === null && !state.muted.has(uid));
      let batchError: unknown = null;
      if (toMute.length > 0) {
        try {
          await this.client.listChange('blacklist', 'add', room.id, GROUP_CHANNEL, toMute);
          for (const uid of toMute) emitChange(this.context, 'member.muted', { room: `${room.kind}:${room.id}`, uid }, null, { uid, mutedUntil: 'forever' });
        } catch (error) {
          batchError = error;
        }
      }
      return batchResults(uids, (uid) => refusals.get(uid), toMute, batchError);
    },
    remove: async (room: RoomRef, uid: string): Promise<void> => {
      this.roomCapability(room, 'mutes.remove');
      this.id(uid, 'uid');
      const state = await this.roomState(room);
      await this.requireUser(uid);
      // Only when muted: blacklist_remove also creates a conversation row (note §3).
      if (!state.muted.has(uid)) return;
      await this.client.listChange('blacklist', 'remove', room.id, GROUP_CHANNEL, [uid]);
      emitChange(this.context, 'member.unmuted', { room: `${room.kind}:${room.id}`, uid }, { uid, mutedUntil: 'forever' }, null);
    },
    list: async (room: RoomRef, options: ListOptions): Promise<Page<Mute>> => {
      this.roomCapability(room, 'mutes.list');
      await this.roomMetadata(room);
      const denied = await this.client.clusterList(room.id, GROUP_CHANNEL, 'denylist');
      return paginate(
        [...denied].sort().map((uid): Mute => ({ uid, mutedUntil: 'forever' })),
        options,
      );
    },
  };

  /** The group blacklist has no timer and imbridge runs none: a duration is refused (422). */
  private rejectDuration(room: RoomRef, operation: 'mutes.set' | 'mutes.batchSet', durationSeconds: number | null): void {
    if (durationSeconds === null || durationSeconds === undefined) return;
    const name = `${room.kind === 'group' ? 'groups' : 'chatrooms'}.${operation}` as CapabilityName;
    this.require(name, 'duration');
    throw new UnsupportedOptionError(name, 'duration', VENDOR, 'WuKongIM mutes (group blacklist) have no timer; mute without durationSeconds and unmute explicitly');
  }

  private readonly roomWhitelist = {
    list: async (room: RoomRef, options: ListOptions): Promise<Page<UidEntry>> => {
      this.roomCapability(room, 'whitelist.list');
      const metadata = await this.roomMetadata(room);
      return paginate(
        [...metadata.whitelist].sort().map((uid) => ({ uid })),
        options,
      );
    },
    add: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
      this.roomCapability(room, 'whitelist.add');
      const state = await this.roomState(room);
      const checks = await this.userChecks(uids);
      const refusals = new Map<string, ImBridgeError | null>();
      for (const uid of unique(uids)) refusals.set(uid, checks.get(uid) ?? (state.subscribers.has(uid) ? null : notMember(room, uid)));
      const toAdd = unique(uids).filter((uid) => refusals.get(uid) === null && !state.metadata.whitelist.has(uid));
      let batchError: unknown = null;
      if (toAdd.length > 0) {
        const steps = this.metadataSteps(roomMetadataChannel(room.id), toAdd.map(roomEntries.whitelist), [], 'room whitelist');
        const vendorAdd = toAdd.filter((uid) => !state.allowed.has(uid));
        if (state.allowed.size > 0 && vendorAdd.length > 0) {
          steps.push(step(`whitelist_add ${vendorAdd.join(',')} to group ${room.id}`, () => this.client.listChange('whitelist', 'add', room.id, GROUP_CHANNEL, vendorAdd)));
        }
        try {
          await runSteps(steps);
          emitChange(this.context, 'roomWhitelist.changed', { room: `${room.kind}:${room.id}` }, [...state.metadata.whitelist], [...state.metadata.whitelist, ...toAdd]);
        } catch (error) {
          batchError = error;
        }
      }
      return batchResults(uids, (uid) => refusals.get(uid), toAdd, batchError);
    },
    replace: async (room: RoomRef, uids: string[]): Promise<Page<UidEntry>> => {
      this.roomCapability(room, 'whitelist.replace');
      for (const uid of uids) this.id(uid, 'uid');
      const state = await this.roomState(room);
      await this.requireUsers(uids);
      const wanted = unique(uids);
      const outsider = wanted.find((uid) => !state.subscribers.has(uid));
      if (outsider !== undefined) throw notMember(room, outsider);
      const add = wanted.filter((uid) => !state.metadata.whitelist.has(uid));
      const drop = [...state.metadata.whitelist].filter((uid) => !wanted.includes(uid));
      const steps = this.metadataSteps(roomMetadataChannel(room.id), add.map(roomEntries.whitelist), drop.map(roomEntries.whitelist), 'room whitelist');
      if (state.allowed.size > 0 && steps.length > 0) {
        const exempt = this.exempt({ ...state.metadata, whitelist: new Set(wanted) }, state.subscribers);
        steps.push(step(`whitelist_set group ${room.id}`, () => this.client.listChange('whitelist', 'set', room.id, GROUP_CHANNEL, exempt)));
      }
      if (steps.length > 0) {
        await runSteps(steps);
        emitChange(this.context, 'roomWhitelist.changed', { room: `${room.kind}:${room.id}` }, [...state.metadata.whitelist], wanted);
      }
      return paginate(
        [...wanted].sort().map((uid) => ({ uid })),
        {},
      );
    },
    remove: async (room: RoomRef, uid: string): Promise<void> => {
      this.roomCapability(room, 'whitelist.remove');
      this.id(uid, 'uid');
      const state = await this.roomState(room);
      await this.requireUser(uid);
      if (!state.metadata.whitelist.has(uid)) return;
      const steps = this.metadataSteps(roomMetadataChannel(room.id), [], [roomEntries.whitelist(uid)], 'room whitelist');
      const stillExempt = uid === state.metadata.owner || state.metadata.admins.has(uid);
      if (state.allowed.has(uid) && !stillExempt) {
        steps.push(step(`whitelist_remove ${uid} from group ${room.id}`, () => this.client.listChange('whitelist', 'remove', room.id, GROUP_CHANNEL, [uid])));
      }
      await runSteps(steps);
      emitChange(this.context, 'roomWhitelist.changed', { room: `${room.kind}:${room.id}` }, [...state.metadata.whitelist], [...state.metadata.whitelist].filter((entry) => entry !== uid));
    },
  };

  private readonly roomBlocks = {
    list: async (room: RoomRef, options: ListOptions): Promise<Page<UidEntry>> => {
      this.roomCapability(room, 'blocks.list');
      const metadata = await this.roomMetadata(room);
      return paginate(
        [...metadata.bans].sort().map((uid) => ({ uid })),
        options,
      );
    },
    add: async (room: RoomRef, uids: string[]): Promise<BatchResult> => {
      this.roomCapability(room, 'blocks.add');
      const state = await this.roomState(room);
      const checks = await this.userChecks(uids);
      const refusals = new Map<string, ImBridgeError | null>();
      for (const uid of unique(uids)) {
        refusals.set(uid, checks.get(uid) ?? (uid === state.metadata.owner ? new InvalidArgumentError('the owner cannot be banned', { details: { uid } }) : null));
      }
      const toBan = unique(uids).filter((uid) => refusals.get(uid) === null && !state.metadata.bans.has(uid));
      const leaving = toBan.filter((uid) => state.subscribers.has(uid));
      let batchError: unknown = null;
      if (toBan.length > 0) {
        const steps = this.metadataSteps(roomMetadataChannel(room.id), toBan.map(roomEntries.ban), [], 'room bans');
        if (leaving.length > 0) {
          steps.push(
            step(
              `subscriber_remove ${leaving.join(',')} from group ${room.id}`,
              () => this.client.subscribers('remove', room.id, GROUP_CHANNEL, leaving),
              () => this.client.subscribers('add', room.id, GROUP_CHANNEL, leaving),
            ),
            ...this.leaveSteps(room, state, leaving),
          );
        }
        try {
          await runSteps(steps);
          for (const uid of toBan) emitChange(this.context, 'roomBlock.added', { room: `${room.kind}:${room.id}`, uid }, null, { uid });
        } catch (error) {
          batchError = error;
        }
      }
      return batchResults(uids, (uid) => refusals.get(uid), toBan, batchError);
    },
    remove: async (room: RoomRef, uid: string): Promise<void> => {
      this.roomCapability(room, 'blocks.remove');
      this.id(uid, 'uid');
      const metadata = await this.roomMetadata(room);
      await this.requireUser(uid);
      if (!metadata.bans.has(uid)) return;
      await this.metadataChange(roomMetadataChannel(room.id), 'remove', [roomEntries.ban(uid)]);
      emitChange(this.context, 'roomBlock.deleted', { room: `${room.kind}:${room.id}`, uid }, { uid }, null);
    },
  };

  readonly rooms = {
    // Groups are the type 2 channels that are neither imbridge's metadata (`~…`) nor disbanded and
    // have room metadata (note §11), newest first; each is read as rooms.get reads it.
    list: async (kind: RoomRef['kind'], options: ListOptions): Promise<Page<Room>> => {
      this.require(kind === 'group' ? 'groups.list' : 'chatrooms.list');
      return this.channelList(options, async (entry) => {
        if (entry.channelId.startsWith('~') || entry.disband || !matchesIdRule(this.idRule, entry.channelId)) return null;
        const room: RoomRef = { kind, id: entry.channelId };
        const [rows, subscribers, allowed] = await Promise.all([
          this.client.whitelist(roomMetadataChannel(room.id), GROUP_CHANNEL),
          this.client.clusterList(room.id, GROUP_CHANNEL, 'subscribers'),
          this.client.whitelist(room.id, GROUP_CHANNEL),
        ]);
        const metadata = parseRoomMetadata(rows.map((row) => row.uid));
        return metadata === null ? null : this.toRoom(room, metadata, new Set(subscribers), new Set(allowed.map((row) => row.uid)));
      });
    },
    create: async (kind: RoomRef['kind'], input: RoomInput): Promise<Room> => {
      this.require(kind === 'group' ? 'groups.create' : 'chatrooms.create');
      const id = input.id ?? `g${randomBytes(8).toString('hex')}`;
      const room: RoomRef = { kind, id };
      this.id(id, 'id');
      this.id(input.owner, 'owner');
      for (const member of input.members ?? []) this.id(member, 'member');
      const members = unique([input.owner, ...(input.members ?? [])]);
      await this.requireUsers(members);
      const existing = await this.client.whitelist(roomMetadataChannel(id), GROUP_CHANNEL);
      if (parseRoomMetadata(existing.map((row) => row.uid))) {
        throw new ConflictError('ALREADY_EXISTS', `${kind} "${id}" already exists`, { details: { id } });
      }
      // A dismissed group's messages stay on the server (disband deletes nothing): a new room on
      // the same id would let its members sync the old history (audit W6), so the id stays used.
      if ((await this.client.maxMessageSeq(id, GROUP_CHANNEL)) > 0) {
        throw new ConflictError('ALREADY_EXISTS', `${kind} "${id}" was used by a dismissed group whose messages WuKongIM keeps; choose another id`, { details: { id, dismissed: true } });
      }
      const metaChannel = roomMetadataChannel(id);
      await runSteps([
        step(
          `create group channel ${id}`,
          () => this.client.upsertChannel(id, GROUP_CHANNEL, OPEN_CHANNEL_FLAGS, members, true),
          // WuKongIM cannot delete a channel: empty it and disband it again.
          () => this.client.upsertChannel(id, GROUP_CHANNEL, { ...OPEN_CHANNEL_FLAGS, disband: 1 }, [], true),
        ),
        // A former room with this id may have left its lists behind (/channel/delete keeps them).
        step(`clear group whitelist ${id}`, () => this.client.listChange('whitelist', 'set', id, GROUP_CHANNEL, []), async () => {}),
        step(`clear group blacklist ${id}`, () => this.client.listChange('blacklist', 'set', id, GROUP_CHANNEL, []), async () => {}),
        step(`write room metadata ${metaChannel}`, () => this.metadataChange(metaChannel, 'set', [roomEntries.room(input.name), roomEntries.owner(input.owner)])),
      ]);
      const created: Room = { id, kind, name: input.name, owner: input.owner, muteAll: false, memberCount: members.length };
      emitChange(this.context, 'room.created', { room: `${kind}:${id}` }, null, created);
      return created;
    },
    get: async (room: RoomRef): Promise<Room> => {
      this.roomCapability(room, 'get');
      const state = await this.roomState(room);
      return this.toRoom(room, state.metadata, state.subscribers, state.allowed);
    },
    dismiss: async (room: RoomRef): Promise<void> => {
      this.roomCapability(room, 'dismiss');
      const state = await this.roomState(room);
      const metaChannel = roomMetadataChannel(room.id);
      await runSteps([
        step(
          `disband group channel ${room.id}`,
          () => this.client.deleteChannel(room.id, GROUP_CHANNEL),
          // `/channel/info` overwrites every flag: send them all, disband back to 0 (note §6).
          () => this.client.channelInfo(room.id, GROUP_CHANNEL, OPEN_CHANNEL_FLAGS),
        ),
        step(`clear room metadata ${metaChannel}`, () => this.metadataChange(metaChannel, 'set', [])),
        // Disband leaves every member's conversation row behind; hide them, so a room that no
        // longer exists is not listed (audit W6). No new message can revive them: sends to a
        // disbanded channel are refused.
        ...[...state.subscribers].map((uid) => step(`hide ${uid}'s conversation with ${room.id}`, () => this.client.deleteConversation(uid, room.id, GROUP_CHANNEL))),
      ]);
      emitChange(this.context, 'room.dismissed', { room: `${room.kind}:${room.id}` }, this.toRoom(room, state.metadata, state.subscribers, state.allowed), null);
    },
    setMuteAll: async (room: RoomRef, on: boolean): Promise<Room> => {
      this.roomCapability(room, on ? 'muteAll.set' : 'muteAll.remove');
      const state = await this.roomState(room);
      const before = this.toRoom(room, state.metadata, state.subscribers, state.allowed);
      if (before.muteAll === on) return before;
      // The owner is always exempt, so "on" never writes an empty list (which would mean "off").
      const allowed = on ? this.exempt(state.metadata, state.subscribers) : [];
      await this.client.listChange('whitelist', 'set', room.id, GROUP_CHANNEL, allowed);
      const after = this.toRoom(room, state.metadata, state.subscribers, new Set(allowed));
      emitChange(this.context, 'room.muteAllChanged', { room: `${room.kind}:${room.id}` }, before, after);
      return after;
    },
    members: this.roomMembers,
    mutes: this.roomMutes,
    whitelist: this.roomWhitelist,
    blocks: this.roomBlocks,
  };

  // ---------------------------------------------------------------- conversations

  readonly conversations = {
    list: async (uid: string, options: ListOptions): Promise<Page<Conversation>> => {
      this.require('conversations.list');
      this.id(uid, 'uid');
      await this.requireUser(uid);
      const synced = await this.client.syncConversations(uid);
      const items = synced
        .filter((row) => (row.channelType === PERSON_CHANNEL || row.channelType === GROUP_CHANNEL) && !row.channelId.startsWith('~'))
        .sort((left, right) => right.timestamp - left.timestamp)
        .map(
          (row): Conversation => ({
            peer: { type: row.channelType === PERSON_CHANNEL ? 'user' : 'group', id: row.channelId },
            unread: row.unread,
            lastMessageAt: row.timestamp > 0 ? new Date(row.timestamp * 1000).toISOString() : null,
          }),
        );
      return paginate(items, options);
    },
    delete: async (uid: string, peerType: PeerType, peerId: string): Promise<void> => {
      this.require('conversations.delete');
      this.id(uid, 'uid');
      refuseCompositeConversationId(peerId, 'peerId');
      this.id(peerId, 'peerId');
      await this.requireUser(uid);
      if (peerType === 'user') await this.requireUser(peerId);
      else await this.roomMetadata({ kind: peerType, id: peerId });
      const channelType = peerType === 'user' ? PERSON_CHANNEL : GROUP_CHANNEL;
      // The delete only marks a stored row. A fresh 1:1 conversation can sit in the server's memory
      // cache for up to `conversation.syncInterval` (1 min by default), where the delete finds
      // nothing, answers 200, and the flush later stores the row unmarked (audit W1). clearUnread
      // stores the row first, so the mark lands.
      if (channelType === PERSON_CHANNEL) await this.client.clearUnread(uid, peerId, channelType);
      await this.client.deleteConversation(uid, peerId, channelType);
      emitChange(this.context, 'conversation.deleted', { uid, peer: `${peerType}:${peerId}` }, null, null);
    },
  };

  // ---------------------------------------------------------------- messages

  /** REST `/message/send` bypasses every list check (note §4, §9): the policy is checked here. */
  private async checkPolicy(message: MessageInput): Promise<void> {
    const { from, to } = message;
    await this.requireUser(from);
    if (to.type === 'user') {
      await this.requireUser(to.id);
      const [recipientDenied, ownList, recipientList] = await Promise.all([
        this.client.clusterList(to.id, PERSON_CHANNEL, 'denylist'),
        this.requireFriendship ? this.friendList(from) : Promise.resolve([]),
        this.requireFriendship ? this.friendList(to.id) : Promise.resolve([]),
      ]);
      // Friendship is required exactly when the server runs with whitelistOffOfPerson=false.
      checkDirectSend(from, to.id, {
        blocked: recipientDenied.includes(from),
        notFriends: this.requireFriendship && !(ownList.some((row) => row.uid === to.id) && recipientList.some((row) => row.uid === from)),
      });
      return;
    }
    const room: RoomRef = { kind: to.type, id: to.id };
    const state = await this.roomState(room);
    // Mute-all is a non-empty allow list on WuKongIM: whoever is on it may talk.
    checkRoomSend(room, from, {
      member: state.subscribers.has(from),
      mutedUntil: state.muted.has(from) ? 'forever' : null,
      muteAll: state.allowed.size > 0,
      exemptFromMuteAll: state.allowed.has(from),
    });
  }

  readonly messages = {
    send: async (message: MessageInput): Promise<SentMessage> => {
      const option = message.to.type === 'user' ? 'toUser' : message.to.type === 'group' ? 'toGroup' : 'toChatroom';
      this.require('messages.send', option);
      this.id(message.from, 'from');
      this.id(message.to.id, 'to.id');
      await this.checkPolicy(message);
      // WuKongIM payloads are the app's own bytes; imbridge sends the common text shape.
      const payload = Buffer.from(JSON.stringify({ type: 1, content: message.text }), 'utf8').toString('base64');
      const channelType = message.to.type === 'user' ? PERSON_CHANNEL : GROUP_CHANNEL;
      const clientMsgNo = randomUUID().replaceAll('-', '');
      const id = await this.client.sendMessage({ fromUid: message.from, channelId: message.to.id, channelType, payload, clientMsgNo });
      await this.waitUntilStored(channelType === PERSON_CHANNEL ? personChannelId(message.from, message.to.id) : message.to.id, channelType, clientMsgNo, id);
      const sent: SentMessage = { id, sentAt: this.now() };
      emitChange(this.context, 'message.sent', { from: message.from, to: `${message.to.type}:${message.to.id}` }, null, sent);
      return sent;
    },
  };

  /**
   * `/message/send` answers once the message is queued, before it is stored and before the
   * conversations learn of it (`internal/api/message.go` sendMessageToChannel hands it to the
   * event bus). A read or a conversation delete right after would miss it, so the send returns
   * only once the server can find the message — a few ms on a healthy node — or fails honestly.
   */
  private async waitUntilStored(channelId: string, channelType: number, clientMsgNo: string, messageId: string): Promise<void> {
    if (!this.canReadByClientMsgNo) return;
    const deadline = Date.now() + STORED_WAIT_MS;
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      if (await this.client.messageStored(channelId, channelType, clientMsgNo)) return;
      if (Date.now() + delay > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    throw new UpstreamError('UPSTREAM_UNAVAILABLE', `WuKongIM accepted message ${messageId} but had not stored it after ${STORED_WAIT_MS} ms; it may still arrive, so do not resend without an Idempotency-Key`, {
      upstream: { vendor: VENDOR, status: 200, code: null, message: null },
      retryable: false,
      details: { messageId, stored: 'unknown' },
    });
  }

  async health(): Promise<BackendHealth> {
    return this.client.health();
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
