/**
 * A Backend that is a remote imbridge: every operation is one `/v1` HTTP call, and every unified
 * error envelope comes back as the same ImBridgeError (with the HTTP status it arrived with).
 * The conformance suite runs through it to hold any imbridge deployment to the contract, and an
 * application can use it as a typed client.
 */
import {
  SPEC_VERSION,
  fromErrorBody,
  ImBridgeError,
  type Backend,
  type BackendHealth,
  type BatchResult,
  type Block,
  type Capabilities,
  type SendPolicy,
  type CapabilityDocument,
  type Conversation,
  type ErrorBody,
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

/** An error answered by a remote imbridge, with the HTTP status it came with. */
export class RemoteError extends ImBridgeError {
  constructor(
    readonly httpStatus: number,
    body: ErrorBody,
  ) {
    const rebuilt = fromErrorBody(body);
    super(body.code, body.message, {
      retryable: rebuilt.retryable,
      ...(rebuilt.details !== undefined ? { details: rebuilt.details } : {}),
      ...(rebuilt.upstream !== undefined ? { upstream: rebuilt.upstream } : {}),
    });
  }
}

/** Sends one request; the default uses `fetch`. Tests may route through supertest instead. */
export type Transport = (request: { method: string; url: URL; headers: Record<string, string>; body?: string }) => Promise<{ status: number; text: string }>;

const fetchTransport: Transport = async ({ method, url, headers, body }) => {
  const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  return { status: response.status, text: await response.text() };
};

export interface HttpBackendOptions {
  /** Base URL of the imbridge server, e.g. `http://127.0.0.1:8080`. */
  url: string;
  transport?: Transport;
  /** Backend name sent as `X-IM-Backend`; absent = the server's default. */
  backend?: string;
  apiKey?: string;
}

type Query = Record<string, string | number | undefined | null>;

const segment = encodeURIComponent;
const kindPath = (kind: RoomKind) => (kind === 'group' ? 'groups' : 'chatrooms');
const roomPath = (room: RoomRef) => `/v1/${kindPath(room.kind)}/${segment(room.id)}`;
const listQuery = (options: ListOptions): Query => ({ limit: options.limit, cursor: options.cursor ?? undefined });

export class HttpBackend implements Backend {
  readonly specVersion = SPEC_VERSION;

  private constructor(
    private readonly options: HttpBackendOptions,
    readonly name: string,
    readonly vendor: string,
    readonly capabilities: Capabilities,
    readonly idRule: IdRule,
    readonly sendPolicy?: SendPolicy,
  ) {}

  /** Connects and reads the backend's capability document. */
  static async connect(options: HttpBackendOptions): Promise<HttpBackend> {
    const probe = new HttpBackend(options, options.backend ?? '', '', {} as Capabilities, { pattern: '', maxLength: 0, description: '' });
    const document = (await probe.call('GET', '/v1/capabilities')) as CapabilityDocument;
    return new HttpBackend(options, document.backend, document.vendor, document.capabilities, document.idRule, document.sendPolicy);
  }

  /** One HTTP call; throws RemoteError for an error envelope. */
  async call(method: string, path: string, body?: unknown, query: Query = {}, headers: Record<string, string> = {}): Promise<unknown> {
    const url = new URL(path, this.options.url);
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    const requestHeaders: Record<string, string> = { accept: 'application/json', ...headers };
    if (this.options.backend) requestHeaders['x-im-backend'] = this.options.backend;
    if (this.options.apiKey) requestHeaders.authorization = `Bearer ${this.options.apiKey}`;
    if (body !== undefined) requestHeaders['content-type'] = 'application/json';
    const transport = this.options.transport ?? fetchTransport;
    const response = await transport({ method, url, headers: requestHeaders, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = response.text;
    const parsed: unknown = text === '' ? null : JSON.parse(text);
    if (response.status >= 400) {
      const envelope = parsed as { error?: ErrorBody } | null;
      if (!envelope?.error) throw new Error(`imbridge answered ${response.status} without an error envelope: ${text.slice(0, 200)}`);
      throw new RemoteError(response.status, envelope.error);
    }
    return parsed;
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
      (await this.call('POST', `/v1/users/${segment(from)}/friend-requests`, message === null ? { to } : { to, message })) as FriendRequest,
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
    create: async (kind: RoomKind, input: RoomInput) => (await this.call('POST', `/v1/${kindPath(kind)}`, input)) as Room,
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
    send: async (message: MessageInput) => (await this.call('POST', '/v1/messages', message)) as SentMessage,
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
