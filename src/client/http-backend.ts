/**
 * A Backend that is a remote imbridge: every operation is one `/v1` HTTP call, and every unified
 * error envelope comes back as the same ImBridgeError (with the HTTP status it arrived with).
 * The conformance suite runs through it to hold any imbridge deployment to the contract (one
 * attempt per call by default, so it sees every answer as the server gave it); applications get
 * it with timeouts and retries from `createClient` (`imbridge/client`). The HTTP exchange itself,
 * retries included, is ImbridgeClient's.
 */
import {
  SPEC_VERSION,
  type Backend,
  type BackendHealth,
  type BatchResult,
  type Block,
  type Capabilities,
  type SendPolicy,
  type CapabilityDocument,
  type Conversation,
  type FriendAddMode,
  type FriendRemoveMode,
  type FriendRequest,
  type FriendRequestDirection,
  type Friendship,
  type FriendshipInput,
  type IdRule,
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
  type RoomRef,
  type SentMessage,
  type UidEntry,
  type User,
  type UserInput,
} from '../spec/index.js';
import { ImbridgeClient, idempotencyKey, type ClientOptions, type Query } from './imbridge-client.js';

export { RemoteError, type Transport } from './imbridge-client.js';

export interface HttpBackendOptions extends ClientOptions {
  /**
   * Send an `Idempotency-Key` of its own with each creating POST (a room, a friend request, a
   * message), so that with `retry` those are retried too; a key set by `withIdempotencyKey` wins.
   */
  idempotencyKeys?: boolean;
}


const segment = encodeURIComponent;
const kindPath = (kind: RoomKind) => (kind === 'group' ? 'groups' : 'chatrooms');
const roomPath = (room: RoomRef) => `/v1/${kindPath(room.kind)}/${segment(room.id)}`;
const listQuery = (options: ListOptions): Query => ({ limit: options.limit, cursor: options.cursor ?? undefined });

export class HttpBackend implements Backend {
  readonly specVersion = SPEC_VERSION;

  private constructor(
    private readonly client: ImbridgeClient,
    readonly name: string,
    readonly vendor: string,
    readonly capabilities: Capabilities,
    readonly idRule: IdRule,
    readonly sendPolicy?: SendPolicy,
    /** The key `withIdempotencyKey` fixed for this view's creating POST. */
    private readonly fixedKey?: string,
  ) {}

  /** Connects and reads the backend's capability document. */
  static async connect(options: HttpBackendOptions): Promise<HttpBackend> {
    const client = new ImbridgeClient(options);
    const document = (await client.request('GET', '/v1/capabilities')) as CapabilityDocument;
    return new HttpBackend(client, document.backend, document.vendor, document.capabilities, document.idRule, document.sendPolicy);
  }

  /**
   * The same backend, whose creating POST (rooms.create, friendRequests.send, messages.send)
   * carries `key` as its Idempotency-Key: call it again with the same key after a lost answer, and
   * the server answers with the first result instead of creating a second room or message.
   */
  withIdempotencyKey(key: string): HttpBackend {
    return new HttpBackend(this.client, this.name, this.vendor, this.capabilities, this.idRule, this.sendPolicy, key);
  }

  /** One HTTP call; throws RemoteError for an error envelope. */
  async call(method: string, path: string, body?: unknown, query: Query = {}, headers: Record<string, string> = {}): Promise<unknown> {
    return this.client.request(method, path, { ...(body !== undefined ? { body } : {}), query, headers });
  }

  /** A creating POST: sent with the fixed key, else (with `idempotencyKeys`) a fresh one per call. */
  private async create(path: string, body: unknown): Promise<unknown> {
    const key = this.fixedKey ?? ((this.client.options as HttpBackendOptions).idempotencyKeys ? idempotencyKey() : undefined);
    return this.client.request('POST', path, { body, ...(key !== undefined ? { idempotencyKey: key } : {}) });
  }

  readonly users = {
    put: async (uid: string, input: UserInput) => (await this.call('PUT', `/v1/users/${segment(uid)}`, input)) as User,
    putMany: async (users: Array<{ uid: string; name?: string }>) => (await this.call('POST', '/v1/users', { users })) as BatchResult,
    get: async (uid: string) => (await this.call('GET', `/v1/users/${segment(uid)}`)) as User,
    list: async (options: ListOptions) => (await this.call('GET', '/v1/users', undefined, listQuery(options))) as Page<User>,
  };

  readonly friends = {
    put: async (uid: string, friend: string, input: FriendshipInput, mode?: FriendAddMode) =>
      (await this.call('PUT', `/v1/users/${segment(uid)}/friends/${segment(friend)}`, input, mode === undefined ? {} : { mode })) as Friendship,
    remove: async (uid: string, friend: string, mode: FriendRemoveMode) => {
      await this.call('DELETE', `/v1/users/${segment(uid)}/friends/${segment(friend)}`, undefined, { mode });
    },
    list: async (uid: string, options: ListOptions & { query?: string; uids?: string[] }) =>
      (await this.call('GET', `/v1/users/${segment(uid)}/friends`, undefined, {
        ...listQuery(options),
        q: options.query,
        uids: options.uids?.join(','),
      })) as Page<Friendship>,
    get: async (uid: string, friend: string) => (await this.call('GET', `/v1/users/${segment(uid)}/friends/${segment(friend)}`)) as Friendship,
    update: async (uid: string, friend: string, input: FriendshipInput) =>
      (await this.call('PATCH', `/v1/users/${segment(uid)}/friends/${segment(friend)}`, input)) as Friendship,
  };

  readonly friendRequests = {
    send: async (from: string, to: string, message: string | null) =>
      (await this.create(`/v1/users/${segment(from)}/friend-requests`, message === null ? { to } : { to, message })) as FriendRequest,
    list: async (uid: string, direction: FriendRequestDirection, options: ListOptions) =>
      (await this.call('GET', `/v1/users/${segment(uid)}/friend-requests`, undefined, { direction, ...listQuery(options) })) as Page<FriendRequest>,
    withdraw: async (from: string, to: string) => {
      await this.call('DELETE', `/v1/users/${segment(from)}/friend-requests/${segment(to)}`);
    },
    accept: async (to: string, from: string) =>
      (await this.call('POST', `/v1/users/${segment(to)}/friend-requests/${segment(from)}/accept`)) as Friendship,
    reject: async (to: string, from: string) =>
      (await this.call('POST', `/v1/users/${segment(to)}/friend-requests/${segment(from)}/reject`)) as FriendRequest,
  };

  readonly blocks = {
    put: async (uid: string, blocked: string) => (await this.call('PUT', `/v1/users/${segment(uid)}/blocks/${segment(blocked)}`)) as Block,
    putMany: async (uid: string, blocked: string[]) => (await this.call('POST', `/v1/users/${segment(uid)}/blocks`, { uids: blocked })) as BatchResult,
    remove: async (uid: string, blocked: string) => {
      await this.call('DELETE', `/v1/users/${segment(uid)}/blocks/${segment(blocked)}`);
    },
    list: async (uid: string, options: ListOptions) =>
      (await this.call('GET', `/v1/users/${segment(uid)}/blocks`, undefined, listQuery(options))) as Page<Block>,
  };

  readonly relations = {
    get: async (uid: string, other: string) => (await this.call('GET', `/v1/users/${segment(uid)}/relations/${segment(other)}`)) as Relation,
  };

  readonly userWhitelist = {
    list: async (uid: string, options: ListOptions) =>
      (await this.call('GET', `/v1/users/${segment(uid)}/whitelist`, undefined, listQuery(options))) as Page<UidEntry>,
    replace: async (uid: string, uids: string[]) => (await this.call('PUT', `/v1/users/${segment(uid)}/whitelist`, { uids })) as Page<UidEntry>,
    add: async (uid: string, uids: string[]) => (await this.call('POST', `/v1/users/${segment(uid)}/whitelist`, { uids })) as BatchResult,
    remove: async (uid: string, other: string) => {
      await this.call('DELETE', `/v1/users/${segment(uid)}/whitelist/${segment(other)}`);
    },
  };

  readonly rooms = {
    create: async (kind: RoomKind, input: RoomInput) => (await this.create(`/v1/${kindPath(kind)}`, input)) as Room,
    get: async (room: RoomRef) => (await this.call('GET', roomPath(room))) as Room,
    list: async (kind: RoomKind, options: ListOptions) => (await this.call('GET', `/v1/${kindPath(kind)}`, undefined, listQuery(options))) as Page<Room>,
    dismiss: async (room: RoomRef) => {
      await this.call('DELETE', roomPath(room));
    },
    setMuteAll: async (room: RoomRef, on: boolean) => (await this.call(on ? 'PUT' : 'DELETE', `${roomPath(room)}/mute-all`)) as Room,
    members: {
      list: async (room: RoomRef, options: ListOptions) => (await this.call('GET', `${roomPath(room)}/members`, undefined, listQuery(options))) as Page<Member>,
      add: async (room: RoomRef, uids: string[]) => (await this.call('POST', `${roomPath(room)}/members`, { uids })) as BatchResult,
      remove: async (room: RoomRef, uids: string[]) => (await this.call('DELETE', `${roomPath(room)}/members`, undefined, { uids: uids.join(',') })) as BatchResult,
      setRole: async (room: RoomRef, uid: string, role: Exclude<MemberRole, 'owner'>) =>
        (await this.call('PATCH', `${roomPath(room)}/members/${segment(uid)}`, { role })) as Member,
    },
    mutes: {
      set: async (room: RoomRef, uid: string, durationSeconds: number | null) =>
        (await this.call('PUT', `${roomPath(room)}/mutes/${segment(uid)}`, durationSeconds === null ? {} : { durationSeconds })) as Mute,
      setMany: async (room: RoomRef, uids: string[], durationSeconds: number | null) =>
        (await this.call('POST', `${roomPath(room)}/mutes`, durationSeconds === null ? { uids } : { uids, durationSeconds })) as BatchResult,
      remove: async (room: RoomRef, uid: string) => {
        await this.call('DELETE', `${roomPath(room)}/mutes/${segment(uid)}`);
      },
      list: async (room: RoomRef, options: ListOptions) => (await this.call('GET', `${roomPath(room)}/mutes`, undefined, listQuery(options))) as Page<Mute>,
    },
    whitelist: {
      list: async (room: RoomRef, options: ListOptions) => (await this.call('GET', `${roomPath(room)}/whitelist`, undefined, listQuery(options))) as Page<UidEntry>,
      add: async (room: RoomRef, uids: string[]) => (await this.call('POST', `${roomPath(room)}/whitelist`, { uids })) as BatchResult,
      replace: async (room: RoomRef, uids: string[]) => (await this.call('PUT', `${roomPath(room)}/whitelist`, { uids })) as Page<UidEntry>,
      remove: async (room: RoomRef, uid: string) => {
        await this.call('DELETE', `${roomPath(room)}/whitelist/${segment(uid)}`);
      },
    },
    blocks: {
      list: async (room: RoomRef, options: ListOptions) => (await this.call('GET', `${roomPath(room)}/blocks`, undefined, listQuery(options))) as Page<UidEntry>,
      add: async (room: RoomRef, uids: string[]) => (await this.call('POST', `${roomPath(room)}/blocks`, { uids })) as BatchResult,
      remove: async (room: RoomRef, uid: string) => {
        await this.call('DELETE', `${roomPath(room)}/blocks/${segment(uid)}`);
      },
    },
  };

  readonly conversations = {
    list: async (uid: string, options: ListOptions) =>
      (await this.call('GET', `/v1/users/${segment(uid)}/conversations`, undefined, listQuery(options))) as Page<Conversation>,
    delete: async (uid: string, peerType: PeerType, peerId: string) => {
      await this.call('DELETE', `/v1/users/${segment(uid)}/conversations/${peerType}/${segment(peerId)}`);
    },
  };

  readonly messages = {
    send: async (message: MessageInput) => (await this.create('/v1/messages', message)) as SentMessage,
  };

  async health(): Promise<BackendHealth> {
    try {
      await this.call('GET', '/healthz');
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  async close(): Promise<void> {}
}
