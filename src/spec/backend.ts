/**
 * The Backend contract, version 1. A backend answers every operation of the unified API with the
 * meaning `docs/api.md` gives it, or throws one of the errors of `./errors.ts`:
 *
 * - Unknown users answer USER_NOT_FOUND and unknown rooms GROUP_NOT_FOUND, for reads, writes and
 *   deletes alike. PUT-like and DELETE-like operations are idempotent between existing entities.
 * - An operation the backend cannot do throws UnsupportedError (501); an option it cannot honour
 *   throws UnsupportedOptionError (422). It never reports a state it did not reach.
 * - IDs arrive already checked against the unified rule; a backend with a stricter rule checks
 *   its own (`idRule`) and throws InvalidIdError.
 * - A change that needs two vendor calls is all-or-nothing, or throws PartialFailureError.
 * - A call relating a user to themselves is INVALID_ARGUMENT. This rule, the capability and option
 *   checks and the backend's own ID rule are applied in front of every backend by the runtime's
 *   `guardBackend`, for every caller; a backend may rely on them.
 * - Each successful write emits the change records docs/api.md ("Change records") lists, and an
 *   idempotent repeat emits none.
 *
 * Callers (the HTTP layer, the compat facades, the conformance suite) see only this interface.
 */
import type { Capabilities, IdRule } from './capabilities.js';
import type { SharedState } from './shared-state.js';
import type {
  BackendHealth,
  BatchResult,
  Block,
  Conversation,
  FriendAddMode,
  FriendRemoveMode,
  FriendRequest,
  FriendRequestDirection,
  Friendship,
  FriendshipInput,
  ListOptions,
  Member,
  MemberRole,
  MessageInput,
  Mute,
  Page,
  PeerType,
  Relation,
  Room,
  RoomInput,
  RoomKind,
  RoomRef,
  SentMessage,
  UidEntry,
  User,
  UserInput,
} from './types.js';

/** Bumped on any incompatible change of this module; a backend states the version it implements. */
export const SPEC_VERSION = 1 as const;

export interface UsersFacet {
  /** Registers `uid` or updates the given fields. */
  put(uid: string, input: UserInput): Promise<User>;
  /** Registers or updates several users; one result per item, in order. */
  putMany(users: Array<{ uid: string; name?: string }>): Promise<BatchResult>;
  get(uid: string): Promise<User>;
  /**
   * Every registered user, a page at a time, in a stable order (uid ascending where the vendor
   * allows, otherwise the vendor's own): paging a list that does not change returns each user
   * exactly once. A cursor this backend did not issue is INVALID_ARGUMENT.
   */
  list(options: ListOptions): Promise<Page<User>>;
}

export interface FriendsFacet {
  /**
   * Makes `uid` and `friend` friends of each other (admin force-add); `input` sets `uid`'s view.
   * `mode: 'one-way'` (capability option `friends.put:oneWay`) puts `friend` in `uid`'s list only,
   * leaving `friend`'s list as it is: the state a vendor that stores friendship per direction
   * holds after one side's add.
   */
  put(uid: string, friend: string, input: FriendshipInput, mode?: FriendAddMode): Promise<Friendship>;
  /** `mutual` removes both entries; `one-way` only `friend` from `uid`'s list. Idempotent. */
  remove(uid: string, friend: string, mode: FriendRemoveMode): Promise<void>;
  /** `uid`'s list. `query` matches uid, name or alias (case-insensitive); `uids` keeps just those. */
  list(uid: string, options: ListOptions & { query?: string; uids?: string[] }): Promise<Page<Friendship>>;
  /** `uid`'s entry for `friend`; NotFoundError NOT_FRIENDS when `friend` is not in `uid`'s list. */
  get(uid: string, friend: string): Promise<Friendship>;
  /** Changes `uid`'s view only; NOT_FRIENDS (404) when there is no entry. */
  update(uid: string, friend: string, input: FriendshipInput): Promise<Friendship>;
}

export interface FriendRequestsFacet {
  /** BLOCKED when `to` blocks `from`; ALREADY_FRIENDS when mutual; REQUEST_PENDING on a repeat. */
  send(from: string, to: string, message: string | null): Promise<FriendRequest>;
  list(uid: string, direction: FriendRequestDirection, options: ListOptions): Promise<Page<FriendRequest>>;
  /** `from` withdraws its pending request to `to`; REQUEST_NOT_FOUND when none is pending. */
  withdraw(from: string, to: string): Promise<void>;
  /** `to` accepts the pending request of `from`: both now list each other. */
  accept(to: string, from: string): Promise<Friendship>;
  reject(to: string, from: string): Promise<FriendRequest>;
}

export interface BlocksFacet {
  put(uid: string, blocked: string): Promise<Block>;
  putMany(uid: string, blocked: string[]): Promise<BatchResult>;
  remove(uid: string, blocked: string): Promise<void>;
  list(uid: string, options: ListOptions): Promise<Page<Block>>;
}

export interface RelationsFacet {
  get(uid: string, other: string): Promise<Relation>;
}

/** Who may message a user; empty means no restriction. */
export interface UserWhitelistFacet {
  list(uid: string, options: ListOptions): Promise<Page<UidEntry>>;
  /** Replaces the whole list; all-or-nothing (an unknown uid changes nothing). */
  replace(uid: string, uids: string[]): Promise<Page<UidEntry>>;
  add(uid: string, uids: string[]): Promise<BatchResult>;
  remove(uid: string, other: string): Promise<void>;
}

export interface RoomMembersFacet {
  list(room: RoomRef, options: ListOptions): Promise<Page<Member>>;
  /** Per item: USER_NOT_FOUND, BLOCKED (banned from the room); an existing member is ok. */
  add(room: RoomRef, uids: string[]): Promise<BatchResult>;
  /** Idempotent; removing the owner is INVALID_ARGUMENT. */
  remove(room: RoomRef, uids: string[]): Promise<BatchResult>;
  /** NOT_MEMBER for a non-member; the owner's role cannot change (INVALID_ARGUMENT). */
  setRole(room: RoomRef, uid: string, role: Exclude<MemberRole, 'owner'>): Promise<Member>;
}

export interface RoomMutesFacet {
  /** `durationSeconds` absent = until unmuted. NOT_MEMBER for a non-member. */
  set(room: RoomRef, uid: string, durationSeconds: number | null): Promise<Mute>;
  setMany(room: RoomRef, uids: string[], durationSeconds: number | null): Promise<BatchResult>;
  remove(room: RoomRef, uid: string): Promise<void>;
  /** Active mutes only. */
  list(room: RoomRef, options: ListOptions): Promise<Page<Mute>>;
}

export interface RoomWhitelistFacet {
  list(room: RoomRef, options: ListOptions): Promise<Page<UidEntry>>;
  add(room: RoomRef, uids: string[]): Promise<BatchResult>;
  /** All-or-nothing replace; every uid must be a member (NOT_MEMBER otherwise). */
  replace(room: RoomRef, uids: string[]): Promise<Page<UidEntry>>;
  remove(room: RoomRef, uid: string): Promise<void>;
}

/** Banned users: removed from the room and unable to rejoin until unbanned. */
export interface RoomBlocksFacet {
  list(room: RoomRef, options: ListOptions): Promise<Page<UidEntry>>;
  add(room: RoomRef, uids: string[]): Promise<BatchResult>;
  remove(room: RoomRef, uid: string): Promise<void>;
}

export interface RoomsFacet {
  create(kind: RoomRef['kind'], input: RoomInput): Promise<Room>;
  get(room: RoomRef): Promise<Room>;
  /** Every room of `kind`, paged with the same guarantees as `UsersFacet.list`. */
  list(kind: RoomKind, options: ListOptions): Promise<Page<Room>>;
  dismiss(room: RoomRef): Promise<void>;
  setMuteAll(room: RoomRef, on: boolean): Promise<Room>;
  members: RoomMembersFacet;
  mutes: RoomMutesFacet;
  whitelist: RoomWhitelistFacet;
  blocks: RoomBlocksFacet;
}

export interface ConversationsFacet {
  /** Most recent first. */
  list(uid: string, options: ListOptions): Promise<Page<Conversation>>;
  /** Hides the conversation for `uid` only; the next message brings it back. */
  delete(uid: string, peerType: PeerType, peerId: string): Promise<void>;
}

export interface MessagesFacet {
  /** Checks the relationship policy (BLOCKED, NOT_FRIENDS, NOT_WHITELISTED, MUTED, NOT_MEMBER), then sends. */
  send(message: MessageInput): Promise<SentMessage>;
}

/**
 * How a pass-through proxy reaches this backend's vendor as the backend itself would: the compat
 * facades forward routes they do not translate here, swapping the client's credentials for these.
 */
export interface UpstreamAccess {
  vendor: string;
  /** The vendor's base URL, including any path prefix the backend uses (such as `/{org}/{app}`). */
  baseUrl: string;
  /** Headers authenticating one call, fresh per call (some vendors sign each; tokens may refresh). */
  authHeaders(): Promise<Record<string, string>>;
  /** Lower-case names of request headers that carry vendor credentials, removed before forwarding. */
  credentialHeaders: readonly string[];
}

/** What a direct message needs beyond "not blocked", when the backend is configured to ask more. */
export interface SendPolicy {
  /** Direct messages need mutual friendship (NOT_FRIENDS otherwise). */
  requireFriendship: boolean;
}

export interface Backend {
  readonly specVersion: typeof SPEC_VERSION;
  /** The name this backend has in the config (`local`, `wk`, …). */
  readonly name: string;
  /** The vendor's name in `adapters/index.ts` (`native` for the native backend). */
  readonly vendor: string;
  readonly capabilities: Capabilities;
  readonly idRule: IdRule;
  /** The direct-message policy it enforces; absent = blocks and whitelists only. */
  readonly sendPolicy?: SendPolicy;
  readonly users: UsersFacet;
  readonly friends: FriendsFacet;
  readonly friendRequests: FriendRequestsFacet;
  readonly blocks: BlocksFacet;
  readonly relations: RelationsFacet;
  readonly userWhitelist: UserWhitelistFacet;
  readonly rooms: RoomsFacet;
  readonly conversations: ConversationsFacet;
  readonly messages: MessagesFacet;
  /** Present on vendor backends that can serve as a pass-through upstream. */
  readonly upstream?: UpstreamAccess;
  /** Cheap reachability check for `/readyz`; never throws. */
  health(): Promise<BackendHealth>;
  /**
   * The backend's own counters and gauges, served on `/metrics` with a `backend` label holding
   * its name. Read on every scrape; the same names on every call (the host registers them once).
   */
  metrics?(): readonly BackendMetric[];
  /** Releases connections and files; the backend is unusable afterwards. */
  close(): Promise<void>;
}

/** One value a backend reports for `/metrics` (a queue's depth, a count of retries). */
export interface BackendMetric {
  /** Prometheus metric name, `imbridge_` first; a counter's ends in `_total`. */
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  value: number;
}

/** One change record per successful write, in the vocabulary of IM SDKs' relationship listeners; which write emits which is in docs/api.md. */
export type ChangeType =
  | 'user.updated'
  | 'friend.added'
  | 'friend.deleted'
  | 'friend.infoChanged'
  | 'friendRequest.added'
  | 'friendRequest.accepted'
  | 'friendRequest.rejected'
  | 'friendRequest.deleted'
  | 'block.added'
  | 'block.deleted'
  | 'userWhitelist.changed'
  | 'room.created'
  | 'room.dismissed'
  | 'room.muteAllChanged'
  | 'member.added'
  | 'member.removed'
  | 'member.roleChanged'
  | 'member.muted'
  | 'member.unmuted'
  | 'roomWhitelist.changed'
  | 'roomBlock.added'
  | 'roomBlock.deleted'
  | 'conversation.deleted'
  | 'message.sent';

export interface ChangeRecord {
  /** Set by a backend that stores its records itself (so a record handed over twice is one event); else the event kit assigns one. */
  id?: string;
  type: ChangeType;
  /** Backend name from the config. */
  backend: string;
  /** Who the change is about, e.g. `{ uid: 'a', friend: 'b' }` or `{ room: 'group:g1', uid: 'u' }`. */
  target: Record<string, string>;
  /** State before the change where the backend knows it cheaply; null for a creation. */
  before: unknown;
  /** State after the change; null for a deletion. */
  after: unknown;
  at: string;
}

/** The single seam through which every change leaves a backend (webhooks, streams later). */
export interface ChangeSink {
  emit(record: ChangeRecord): void;
}

/** Minimal structured logger a backend may use; never pass secrets to it. */
export interface BackendLogger {
  debug(object: Record<string, unknown>, message?: string): void;
  info(object: Record<string, unknown>, message?: string): void;
  warn(object: Record<string, unknown>, message?: string): void;
  error(object: Record<string, unknown>, message?: string): void;
}

/** What the host gives a backend factory. */
export interface BackendContext {
  /** The backend's name in the config. */
  name: string;
  logger: BackendLogger;
  changes: ChangeSink;
  /** Clock in ms since the epoch; tests may move it (mute expiry). */
  now: () => number;
  /**
   * State several instances of this backend share (the config's `coordination`), for what the
   * vendor does not keep; absent where no host gives one (a test's hand-made context): the
   * backend then keeps it in its own memory.
   */
  state?: SharedState;
  /**
   * Another backend of the same config, by its name, built first when it is not yet (a backend
   * made of others, such as one writing to two). The host refuses a name that is not configured
   * and a cycle of backends needing each other, at start-up. Absent where no host builds the
   * backend from a config (a test's hand-made context).
   */
  backend?(name: string): Promise<Backend>;
}

/** Every adapter module exports one of these as `createBackend`. `config` is its validated config block. */
export type BackendFactory<Config> = (config: Config, context: BackendContext) => Promise<Backend>;
