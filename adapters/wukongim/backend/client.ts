/**
 * The WuKongIM v2 HTTP API as typed calls: the `token` header, the bare-value and `{status:200}`
 * success bodies, and the error table of `errors.ts`. Every call goes through the shared
 * VendorHttpClient (pool, timeout, lossless int64 JSON, retries for idempotent calls only).
 */
import { UpstreamError, type BackendLogger } from '../../../src/spec/index.js';
import { VendorHttpClient, int64ToString, type HttpMethod, type RetryOptions } from '../../../src/runtime/index.js';
import { VENDOR, toUnifiedError } from './errors.js';

export interface WukongimClientOptions {
  baseUrl: string;
  /** The server's managerToken; empty = the server runs without auth. */
  token: string;
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  logger?: BackendLogger;
}

/** A whitelist row of `GET /channel/whitelist` (note §3); `id` kept exact as a decimal string. */
export interface WhitelistMember {
  uid: string;
  id: string;
  /** ISO-8601 UTC of `created_at`; null when the server sent none. */
  createdAt: string | null;
}

export interface SyncedConversation {
  channelId: string;
  channelType: number;
  unread: number;
  /** Seconds since the epoch of the last message. */
  timestamp: number;
}

/** One channel of `GET /cluster/channels` (note §11): its info row, `createdAt` the exact ns. */
export interface ChannelInfoEntry {
  channelId: string;
  channelType: number;
  disband: boolean;
  /** Creation time in ns, as the exact decimal the search's `offset_created_at` takes back; "0" when the row has none. */
  createdAt: string;
}

export interface ChannelFlags {
  large: 0 | 1;
  ban: 0 | 1;
  disband: 0 | 1;
  send_ban: 0 | 1;
  allow_stranger: 0 | 1;
}

export const OPEN_CHANNEL_FLAGS: ChannelFlags = { large: 0, ban: 0, disband: 0, send_ban: 0, allow_stranger: 0 };

/** Go's RFC3339Nano with any zone (`2026-04-22T18:40:05.1+08:00`) → ISO UTC with milliseconds. */
export function vendorTimeToIso(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  // Date.parse wants at most millisecond precision: cut nanoseconds, keep the zone.
  const normalized = value.replace(/(\.\d{1,3})\d*/, '$1');
  const millis = Date.parse(normalized);
  return Number.isNaN(millis) ? null : new Date(millis).toISOString();
}

export class WukongimClient {
  readonly http: VendorHttpClient;
  private readonly headers: Record<string, string>;

  constructor(options: WukongimClientOptions) {
    const clientOptions: ConstructorParameters<typeof VendorHttpClient>[0] = { vendor: VENDOR, baseUrl: options.baseUrl };
    if (options.timeoutMs !== undefined) clientOptions.timeoutMs = options.timeoutMs;
    if (options.retry !== undefined) clientOptions.retry = options.retry;
    if (options.logger !== undefined) clientOptions.logger = options.logger;
    this.http = new VendorHttpClient(clientOptions);
    this.headers = options.token === '' ? {} : { token: options.token };
  }

  /** One call; returns the parsed success body or throws the unified error. */
  async call(method: HttpMethod, path: string, options: { body?: unknown; query?: Record<string, string | number>; idempotent: boolean }): Promise<unknown> {
    const call: Parameters<VendorHttpClient['request']>[0] = { method, path, headers: this.headers, idempotent: options.idempotent };
    if (options.body !== undefined) call.body = options.body;
    if (options.query !== undefined) call.query = options.query;
    const answer = await this.http.request(call);
    const route = `${method} ${path}`;
    if (answer.status !== 200) throw toUnifiedError(route, answer);
    const body = answer.body as { status?: unknown } | undefined;
    // Mutation endpoints answer {"status":200}; a 200 with another status (e.g. 19 "ban") is a refusal.
    if (body && typeof body === 'object' && !Array.isArray(body) && typeof body.status === 'number' && body.status !== 200) {
      throw new UpstreamError('UPSTREAM_ERROR', `WuKongIM answered status ${body.status} on ${route}`, {
        upstream: { vendor: VENDOR, status: 200, code: String(body.status), message: answer.text.slice(0, 200) },
      });
    }
    return answer.body;
  }

  private async list(path: string, query?: Record<string, string | number>): Promise<unknown[]> {
    const body = await this.call('GET', path, query === undefined ? { idempotent: true } : { query, idempotent: true });
    if (!Array.isArray(body)) {
      throw new UpstreamError('UPSTREAM_ERROR', `WuKongIM answered ${path} with something other than an array`, {
        upstream: { vendor: VENDOR, status: 200, code: null, message: null },
      });
    }
    return body;
  }

  /** `GET /channel/whitelist`: member objects, ids > 2^53 kept exact. */
  async whitelist(channelId: string, channelType: number): Promise<WhitelistMember[]> {
    const rows = await this.list('/channel/whitelist', { channel_id: channelId, channel_type: channelType });
    return rows.map((row) => {
      // v1 answered bare uid strings; accept them so a misconfigured version still reads.
      if (typeof row === 'string') return { uid: row, id: '0', createdAt: null };
      const member = row as { uid?: unknown; id?: unknown; created_at?: unknown };
      return {
        uid: String(member.uid ?? ''),
        id: member.id === undefined || member.id === null ? '0' : int64ToString(member.id),
        createdAt: vendorTimeToIso(member.created_at),
      };
    });
  }

  async listChange(
    list: 'whitelist' | 'blacklist',
    action: 'add' | 'remove' | 'set',
    channelId: string,
    channelType: number,
    uids: readonly string[],
  ): Promise<void> {
    await this.call('POST', `/channel/${list}_${action}`, {
      body: { channel_id: channelId, channel_type: channelType, uids: [...uids] },
      // Rows are keyed by hash(uid): adds are upserts, removes of absent rows are 200 (note §3).
      idempotent: true,
    });
  }

  /** Cluster admin list (`denylist`, `allowlist`, `subscribers`): a plain uid array. */
  async clusterList(channelId: string, channelType: number, which: 'denylist' | 'allowlist' | 'subscribers'): Promise<string[]> {
    const rows = await this.list(`/cluster/channels/${encodeURIComponent(channelId)}/${channelType}/${which}`);
    return rows.map((row) => String(row));
  }

  /**
   * `GET /cluster/channels` (note §11): channels with an info row, newest first, `limit` of them
   * created before `offsetCreatedAt` (exclusive); `more` says whether older ones follow. With
   * `channelId`, that channel's row alone — an entry with an empty id when it has none.
   */
  async searchChannels(search: { channelType: number; limit: number; offsetCreatedAt?: string; channelId?: string }): Promise<{ items: ChannelInfoEntry[]; more: boolean }> {
    const query: Record<string, string | number> = { channel_type: search.channelType, limit: search.limit };
    if (search.offsetCreatedAt !== undefined) query.offset_created_at = search.offsetCreatedAt;
    if (search.channelId !== undefined) query.channel_id = search.channelId;
    const body = (await this.call('GET', '/cluster/channels', { query, idempotent: true })) as { more?: unknown; data?: unknown } | undefined;
    if (!body || typeof body !== 'object' || (body.data !== null && body.data !== undefined && !Array.isArray(body.data))) {
      throw new UpstreamError('UPSTREAM_ERROR', 'WuKongIM answered /cluster/channels without a data array', {
        upstream: { vendor: VENDOR, status: 200, code: null, message: null },
      });
    }
    const items = ((body.data as unknown[] | null | undefined) ?? []).map((row) => {
      const entry = row as { channel_id?: unknown; channel_type?: unknown; disband?: unknown; created_at?: unknown };
      return {
        channelId: String(entry.channel_id ?? ''),
        channelType: Number(entry.channel_type ?? 0),
        disband: Number(entry.disband ?? 0) === 1,
        createdAt: entry.created_at === undefined || entry.created_at === null ? '0' : int64ToString(entry.created_at),
      };
    });
    return { items, more: Number(body.more ?? 0) === 1 };
  }

  /** `POST /channel`: a full overwrite of the flags, so every flag is always sent (note §6). */
  async upsertChannel(channelId: string, channelType: number, flags: ChannelFlags, subscribers: readonly string[], reset: boolean): Promise<void> {
    await this.call('POST', '/channel', {
      body: { channel_id: channelId, channel_type: channelType, ...flags, reset: reset ? 1 : 0, subscribers: [...subscribers] },
      idempotent: true,
    });
  }

  /** `POST /channel/info`: flags only, again a full overwrite. */
  async channelInfo(channelId: string, channelType: number, flags: ChannelFlags): Promise<void> {
    await this.call('POST', '/channel/info', { body: { channel_id: channelId, channel_type: channelType, ...flags }, idempotent: true });
  }

  /** `POST /channel/delete`: sets `disband=1` (members, lists and messages stay). */
  async deleteChannel(channelId: string, channelType: number): Promise<void> {
    await this.call('POST', '/channel/delete', { body: { channel_id: channelId, channel_type: channelType }, idempotent: true });
  }

  async subscribers(action: 'add' | 'remove', channelId: string, channelType: number, uids: readonly string[]): Promise<void> {
    const body: Record<string, unknown> = { channel_id: channelId, channel_type: channelType, subscribers: [...uids] };
    if (action === 'add') {
      body.reset = 0;
      body.temp_subscriber = 0;
    }
    await this.call('POST', `/channel/subscriber_${action}`, { body, idempotent: true });
  }

  /** `POST /conversation/sync` for every conversation with a message (`msg_count` must be > 0). */
  async syncConversations(uid: string): Promise<SyncedConversation[]> {
    const body = await this.call('POST', '/conversation/sync', {
      body: { uid, version: 0, last_msg_seqs: '', msg_count: 1, only_unread: 0, exclude_channel_types: [], page: 0, page_size: 0 },
      // A read over POST.
      idempotent: true,
    });
    if (!Array.isArray(body)) {
      throw new UpstreamError('UPSTREAM_ERROR', 'WuKongIM answered /conversation/sync with something other than an array', {
        upstream: { vendor: VENDOR, status: 200, code: null, message: null },
      });
    }
    return body.map((row) => {
      const item = row as { channel_id?: unknown; channel_type?: unknown; unread?: unknown; timestamp?: unknown };
      return {
        channelId: String(item.channel_id ?? ''),
        channelType: Number(item.channel_type ?? 0),
        unread: Number(item.unread ?? 0),
        timestamp: Number(item.timestamp ?? 0),
      };
    });
  }

  async deleteConversation(uid: string, channelId: string, channelType: number): Promise<void> {
    await this.call('POST', '/conversations/delete', { body: { uid, channel_id: channelId, channel_type: channelType }, idempotent: true });
  }

  /**
   * `POST /conversations/clearUnread`: stores the user's conversation row when it has unread
   * messages, which is the only way to get a row for a conversation the server still keeps in
   * memory only (a first 1:1 message between non-friends, until `conversation.syncInterval`).
   */
  async clearUnread(uid: string, channelId: string, channelType: number): Promise<void> {
    await this.call('POST', '/conversations/clearUnread', { body: { uid, channel_id: channelId, channel_type: channelType }, idempotent: true });
  }

  /**
   * `GET /message/byclientmsgno` (v2.2.2+): whether the message is stored. `channelId` is the
   * server's own id (`personChannelId` for 1:1 chats).
   */
  async messageStored(channelId: string, channelType: number, clientMsgNo: string): Promise<boolean> {
    const answer = await this.http.request({
      method: 'GET',
      path: '/message/byclientmsgno',
      headers: this.headers,
      query: { channel_id: channelId, channel_type: channelType, client_msg_no: clientMsgNo },
      idempotent: true,
    });
    if (answer.status !== 200) throw toUnifiedError('GET /message/byclientmsgno', answer);
    const body = answer.body as { status?: unknown; message_seq?: unknown } | undefined;
    // A miss is HTTP 200 `{"status":404}`; a hit is the message itself.
    return body !== undefined && body !== null && typeof body === 'object' && body.message_seq !== undefined;
  }

  /**
   * `GET /channel/max_message_seq`: the channel's last message seq; 0 for a channel the server
   * has never heard of (it answers 400 "not found") or one without messages. Messages outlive a
   * disband (`/channel/delete` keeps them), so > 0 also means "this id had a room before".
   */
  async maxMessageSeq(channelId: string, channelType: number): Promise<number> {
    const answer = await this.http.request({ method: 'GET', path: '/channel/max_message_seq', headers: this.headers, query: { channel_id: channelId, channel_type: channelType }, idempotent: true });
    const body = answer.body as { message_seq?: unknown; msg?: unknown } | undefined;
    if (answer.status === 400 && body?.msg === 'not found') return 0;
    if (answer.status !== 200) throw toUnifiedError('GET /channel/max_message_seq', answer);
    return Number(body?.message_seq ?? 0);
  }

  /** `POST /message/send`: never retried (a repeat would send twice). Returns the exact message id. */
  async sendMessage(input: { fromUid: string; channelId: string; channelType: number; payload: string; clientMsgNo: string }): Promise<string> {
    const body = await this.call('POST', '/message/send', {
      body: {
        header: { no_persist: 0, red_dot: 1, sync_once: 0 },
        client_msg_no: input.clientMsgNo,
        from_uid: input.fromUid,
        channel_id: input.channelId,
        channel_type: input.channelType,
        expire: 0,
        payload: input.payload,
      },
      idempotent: false,
    });
    const data = (body as { data?: { message_id?: unknown } } | undefined)?.data;
    if (data?.message_id === undefined) {
      throw new UpstreamError('UPSTREAM_ERROR', 'WuKongIM answered /message/send without data.message_id', {
        upstream: { vendor: VENDOR, status: 200, code: null, message: null },
      });
    }
    return int64ToString(data.message_id);
  }

  async health(): Promise<{ ok: boolean; detail?: string }> {
    try {
      await this.call('GET', '/health', { idempotent: true });
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
