/**
 * A contract-faithful simulator of the WuKongIM v2 HTTP API (vendor note, v2.2.5 baseline):
 * the `token` header check (401, empty body), bare-value success bodies, every handler error as
 * HTTP 400 `{"msg","status":400}` with the vendor's texts, framework 404 for unknown routes, and
 * the quirks — REST sends never refused, `msg_count` ≤ 0 gives `[]`, `a@b` conversation deletes
 * are silent no-ops, soft-deleted conversations, whitelist member ids above 2^53, `/channel`
 * overwriting every flag, `/channel/delete` only setting `disband`.
 */
import { randomBytes } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import { parseJson } from '../../../src/runtime/index.js';
import { CallbackEmitter, FakeControl, listen } from '../../../src/testing/index.js';
import {
  TEXTS,
  VendorFailure,
  checkChannelUpsert,
  checkConversationDelete,
  checkListChange,
  checkListRemoveAll,
  checkListSet,
  checkSend,
  checkSubscriberChange,
  checkUserToken,
  decode,
  inKeyOrder,
  number,
  refuseToken,
  sendFailure,
  sendJson,
  sendNotFound,
  strings,
  syncPage,
  text,
  tokenAccepted,
  whitelistRow,
  type Json,
} from '../protocol/wire.js';
import {
  EMPTY_INFO,
  FakeState,
  GROUP,
  PERSON,
  SYSTEM_UID,
  fnv64a,
  personFakeChannelId,
  type ChannelInfo,
  type FakeChannel,
  type FakeServerOptions,
  type ListMember,
  type StoredMessage,
} from './fake-state.js';

export { FakeState } from './fake-state.js';

export interface CreateFakeOptions {
  /** The server's `managerToken`; default a random one. Pass '' to run without auth (vendor default). */
  managerToken?: string;
  /** Default true, as on the vendor. */
  whitelistOffOfPerson?: boolean;
  /** Emulated server version, default `2.2.5` (`*_remove_all` exist from 2.2.2). */
  version?: string;
  /**
   * The server's `conversation.syncInterval` in ms, default 60 000 (the code default): a first
   * 1:1 message between non-friends makes a conversation that lives only in memory until the
   * next flush, and a delete before it is a 200 that does nothing (audit W1).
   */
  conversationSyncIntervalMs?: number;
  /**
   * How long after answering `/message/send` the message is stored (default 0). The real server
   * stores asynchronously, a few ms later; tests set this to prove nothing reads too early.
   */
  storeDelayMs?: number;
  /** `webhook.http_addr`: where the fake sends `msg.notify` (none when absent; settable later on `callbacks.url`). */
  callbackUrl?: string;
}

export interface WukongimFake {
  app: Express;
  /** The webhooks this fake sends; set `callbacks.url` to turn them on. */
  callbacks: CallbackEmitter;
  state: FakeState;
  control: FakeControl;
  options: FakeServerOptions;
  close(): Promise<void>;
}

export interface RunningWukongimFake extends WukongimFake {
  url: string;
  port: number;
  /** The block to put under `backends:` in the imbridge config to reach this fake. */
  backendConfig: Record<string, unknown>;
}

function versionAtLeast(version: string, wanted: [number, number, number]): boolean {
  const parts = version.split(/[.-]/).map((part) => Number.parseInt(part, 10));
  for (let index = 0; index < 3; index += 1) {
    const have = parts[index] ?? 0;
    if (have !== wanted[index]) return have > wanted[index]!;
  }
  return true;
}

function infoFrom(body: Json): ChannelInfo {
  // A full overwrite: every flag not sent becomes 0 (note §6).
  return {
    large: number(body, 'large'),
    ban: number(body, 'ban'),
    disband: number(body, 'disband'),
    send_ban: number(body, 'send_ban'),
    allow_stranger: number(body, 'allow_stranger'),
  };
}

export function createFake(options: CreateFakeOptions = {}): WukongimFake {
  const serverOptions: FakeServerOptions = {
    managerToken: options.managerToken ?? `wk-fake-${randomBytes(8).toString('hex')}`,
    whitelistOffOfPerson: options.whitelistOffOfPerson ?? true,
    conversationSyncIntervalMs: options.conversationSyncIntervalMs ?? 60_000,
    storeDelayMs: options.storeDelayMs ?? 0,
    version: options.version ?? '2.2.5',
  };
  const state = new FakeState(serverOptions);
  const control = new FakeControl();
  const callbacks = new CallbackEmitter(options.callbackUrl);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(control.rawBody());
  app.use(control.router(() => snapshot(state), () => state.reset()));
  app.use(control.middleware());

  // Token middleware (server_http.go): every request, OPTIONS and /health included.
  app.use((request, response, next) => {
    if (!tokenAccepted(request, serverOptions.managerToken)) {
      refuseToken(response);
      return;
    }
    next();
  });

  const route = (method: 'get' | 'post', path: string, handler: (request: Request) => unknown) => {
    app[method](path, (request: Request, response: Response) => {
      try {
        const result = handler(request);
        sendJson(response, 200, result === undefined ? { status: 200 } : result);
      } catch (error) {
        sendFailure(response, error instanceof Error ? error.message : String(error));
      }
    });
  };

  app.get('/health', (_request, response) => sendJson(response, 200, { status: 'ok' }));

  // ---- whitelist / blacklist (note §3) ----
  const listBody = (request: Request) => decode(request, ['channel_type']);
  route('post', '/channel/whitelist_add', (request) => {
    const { channelId, channelType, uids } = checkListChange(listBody(request), true);
    const channel = state.ensureChannel(channelId, channelType);
    for (const uid of uids) {
      state.upsertListMember(channel.whitelist, uid);
      // v2.1.4+: a conversation row on the fake id for each uid ≠ channel_id; in v2.2.5 it
      // belongs to the whitelisted uid (note §3).
      if (channelType === PERSON && uid !== channelId) {
        const internal = personFakeChannelId(channelId, uid);
        state.ensureConversation(uid, internal, PERSON, state.lastSeq(internal, PERSON));
      }
    }
  });
  route('post', '/channel/whitelist_remove', (request) => {
    const { channelId, channelType, uids } = checkListChange(listBody(request), true);
    const channel = state.channel(channelId, channelType);
    for (const uid of uids) channel?.whitelist.delete(uid);
  });
  route('post', '/channel/whitelist_set', (request) => {
    const { channelId, channelType, uids } = checkListSet(listBody(request));
    const channel = state.ensureChannel(channelId, channelType);
    channel.whitelist.clear();
    for (const uid of uids) state.upsertListMember(channel.whitelist, uid);
  });
  route('get', '/channel/whitelist', (request) => {
    const channelId = typeof request.query.channel_id === 'string' ? request.query.channel_id : '';
    const channelType = Number(typeof request.query.channel_type === 'string' ? request.query.channel_type : '0') || 0;
    const members = inKeyOrder([...(state.channel(channelId, channelType)?.whitelist.values() ?? [])], (member) => member.uid);
    return members.map((member: ListMember) => whitelistRow(member.uid, member.createdAt, member.updatedAt));
  });
  route('post', '/channel/blacklist_add', (request) => {
    const { channelId, channelType, uids } = checkListChange(listBody(request), false);
    const channel = state.ensureChannel(channelId, channelType);
    for (const uid of uids) {
      state.upsertListMember(channel.blacklist, uid);
      // Hard-deletes the uid's conversation for (channel_id, type) — the raw id, so for
      // person channels nothing is found (note §3).
      if (channelType !== 9) state.deleteConversation(uid, channelId, channelType);
    }
  });
  route('post', '/channel/blacklist_remove', (request) => {
    const { channelId, channelType, uids } = checkListChange(listBody(request), false);
    const channel = state.channel(channelId, channelType);
    for (const uid of uids) {
      channel?.blacklist.delete(uid);
      // Recreates a row when missing (raw id again for person channels: a stray row that
      // /conversation/sync never returns, as it has no messages).
      state.ensureConversation(uid, channelId, channelType, state.lastSeq(channelId, channelType));
    }
  });
  route('post', '/channel/blacklist_set', (request) => {
    const { channelId, channelType, uids } = checkListSet(listBody(request));
    const channel = state.ensureChannel(channelId, channelType);
    channel.blacklist.clear();
    for (const uid of uids) {
      state.upsertListMember(channel.blacklist, uid);
      state.deleteConversation(uid, channelId, channelType);
    }
  });
  if (versionAtLeast(serverOptions.version, [2, 2, 2])) {
    const removeAll = (list: 'whitelist' | 'blacklist') => (request: Request) => {
      const { channelId, channelType } = checkListRemoveAll(listBody(request));
      state.channel(channelId, channelType)?.[list].clear();
    };
    route('post', '/channel/whitelist_remove_all', removeAll('whitelist'));
    route('post', '/channel/blacklist_remove_all', removeAll('blacklist'));
  }

  // ---- cluster admin lists (note §3 "Listing") ----
  for (const [segment, pick] of [
    ['denylist', (channel: ReturnType<FakeState['channel']>) => [...(channel?.blacklist.keys() ?? [])]],
    ['allowlist', (channel: ReturnType<FakeState['channel']>) => [...(channel?.whitelist.keys() ?? [])]],
    ['subscribers', (channel: ReturnType<FakeState['channel']>) => [...(channel?.subscribers ?? [])]],
  ] as const) {
    route('get', `/cluster/channels/:channelId/:channelType/${segment}`, (request) => {
      const channelId = String(request.params.channelId);
      const channelType = Number(request.params.channelType) || 0;
      return inKeyOrder(pick(state.channel(channelId, channelType)), (uid) => uid);
    });
  }

  // ---- the channel search (note §11) ----
  // pkg/cluster/cluster/api_channel.go channelSearch: its `ban`, `disband` and count filters
  // dereference a nil pointer — the panic is gin's empty 500.
  const PANICKING_FILTERS = ['ban', 'disband', 'subscriber_count_gte', 'subscriber_count_lte', 'denylist_count_gte', 'denylist_count_lte', 'allowlist_count_gte', 'allowlist_count_lte'];
  app.get('/cluster/channels', (request, response) => {
    const query = (name: string) => (typeof request.query[name] === 'string' ? (request.query[name] as string) : '');
    if (PANICKING_FILTERS.some((name) => query(name).trim() !== '')) {
      response.status(500).end();
      return;
    }
    // wkutil.ParseInt/ParseInt64/ParseUint8: anything unparsable reads as 0.
    const parsed = (name: string) => (/^-?\d+$/.test(query(name)) ? BigInt(query(name)) : 0n);
    const limit = Number(parsed('limit')) > 0 ? Number(parsed('limit')) : 20;
    const channelId = query('channel_id').trim();
    const rawType = parsed('channel_type');
    const channelType = rawType >= 0n && rawType <= 255n ? Number(rawType) : 0;
    const offset = parsed('offset_created_at');
    const pre = parsed('pre') === 1n;
    if (channelId !== '' && channelType !== 0) {
      // GetChannel: the row, or the empty row when there is none.
      const channel = state.channel(channelId, channelType);
      return sendJson(response, 200, { total: 0, more: 0, data: [channelSearchRow(state, channel?.hasInfo ? channel : undefined)] });
    }
    const dated = [...state.channels.values()].filter(
      (channel) => channel.hasInfo && channel.createdAt !== null && (channelId === '' || channel.channelId === channelId) && (channelType === 0 || channel.channelType === channelType),
    );
    // Newest first below the offset; `pre` walks the other way, from just above it.
    const newestFirst = (left: FakeChannel, right: FakeChannel) => (left.createdAt! > right.createdAt! ? -1 : 1);
    let picked = pre
      ? dated.filter((channel) => offset <= 0n || channel.createdAt! > offset).sort((left, right) => -newestFirst(left, right)).slice(0, limit + 1).sort(newestFirst)
      : dated.filter((channel) => offset <= 0n || channel.createdAt! < offset).sort(newestFirst).slice(0, limit + 1);
    const more = picked.length > limit;
    if (more) picked = pre ? picked.slice(picked.length - limit) : picked.slice(0, limit);
    sendJson(response, 200, { total: 0, more: more ? 1 : 0, data: picked.map((channel) => channelSearchRow(state, channel)) });
  });

  // ---- channels and subscribers (note §6) ----
  const addSubscribers = (channelId: string, channelType: number, subscribers: string[], reset: boolean) => {
    const channel = state.ensureChannel(channelId, channelType);
    if (reset) channel.subscribers.clear();
    const lastSeq = state.lastSeq(channelId, channelType);
    for (const uid of subscribers) {
      if (!channel.subscribers.has(uid)) state.ensureConversation(uid, channelId, channelType, lastSeq);
      channel.subscribers.add(uid);
    }
  };
  /** addOrUpdateChannel: a new row takes `time.Now()` as its creation time; an update keeps the row's (note §11). */
  const writeInfo = (channel: FakeChannel) => {
    if (!channel.hasInfo) channel.createdAt = state.nextCreatedAt();
    channel.hasInfo = true;
  };
  route('post', '/channel', (request) => {
    const body = decode(request, ['channel_type', 'large', 'ban', 'disband', 'send_ban', 'allow_stranger', 'reset']);
    const { channelId, channelType, subscribers } = checkChannelUpsert(body);
    const channel = state.ensureChannel(channelId, channelType);
    writeInfo(channel);
    channel.info = infoFrom(body);
    if (number(body, 'reset') === 1 || subscribers.length > 0) addSubscribers(channelId, channelType, subscribers, number(body, 'reset') === 1);
  });
  route('post', '/channel/info', (request) => {
    const body = decode(request, ['channel_type', 'large', 'ban', 'disband', 'send_ban', 'allow_stranger'], '数据格式有误！: ');
    const channel = state.ensureChannel(text(body, 'channel_id'), number(body, 'channel_type'));
    writeInfo(channel);
    channel.info = infoFrom(body);
  });
  route('post', '/channel/delete', (request) => {
    const body = decode(request, ['channel_type']);
    const channelType = number(body, 'channel_type');
    if (channelType === PERSON) throw new VendorFailure(TEXTS.personSubscriberCall);
    const channel = state.channel(text(body, 'channel_id'), channelType);
    // Unknown → 200, nothing done; otherwise only `disband` is set (the purge is a no-op in 2.2.5).
    if (channel && channel.hasInfo) channel.info = { ...channel.info, disband: 1 };
  });
  const subscriberBody = (request: Request) => {
    const body = decode(request, ['channel_type', 'reset', 'temp_subscriber']);
    return { body, ...checkSubscriberChange(body) };
  };
  route('post', '/channel/subscriber_add', (request) => {
    const { body, channelId, channelType, subscribers } = subscriberBody(request);
    if (number(body, 'temp_subscriber') === 1) throw new VendorFailure(TEXTS.tempSubscriber);
    const channel = state.ensureChannel(channelId, channelType);
    channel.hasInfo = true;
    addSubscribers(channelId, channelType, subscribers, number(body, 'reset') === 1);
  });
  route('post', '/channel/subscriber_remove', (request) => {
    const { channelId, channelType, subscribers } = subscriberBody(request);
    const channel = state.channel(channelId, channelType);
    for (const uid of subscribers) {
      channel?.subscribers.delete(uid);
      state.deleteConversation(uid, channelId, channelType);
    }
  });
  if (versionAtLeast(serverOptions.version, [2, 2, 2])) {
    route('post', '/channel/subscriber_remove_all', (request) => {
      const body = decode(request, ['channel_type']);
      if (number(body, 'channel_type') === PERSON) throw new VendorFailure(TEXTS.personNotSupported);
      state.channel(text(body, 'channel_id'), number(body, 'channel_type'))?.subscribers.clear();
    });
  }

  // ---- users (note §8) ----
  route('post', '/user/token', (request) => {
    const body = decode(request, ['device_flag', 'device_level']);
    const { uid, token, deviceFlag } = checkUserToken(body, state.systemUids);
    const user = state.users.get(uid) ?? { tokens: new Map<number, string>() };
    user.tokens.set(deviceFlag, token);
    state.users.set(uid, user);
    if (state.channel(uid, PERSON)?.info.ban === 1) return { status: 19 };
    return undefined;
  });
  route('post', '/user/device_quit', (request) => {
    const body = decode(request, ['device_flag']);
    const user = state.users.get(text(body, 'uid'));
    const flag = number(body, 'device_flag');
    if (user) for (const deviceFlag of [...user.tokens.keys()]) if (flag === -1 || deviceFlag === flag) user.tokens.set(deviceFlag, '');
  });
  route('post', '/user/onlinestatus', (request) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    const uids = raw.trim() === '' ? [] : (parseJson(raw) as unknown);
    if (!Array.isArray(uids)) throw new VendorFailure('json: cannot unmarshal object into Go value of type []string');
    // The fake has no client connections: everyone is offline and omitted.
    return uids.length === 0 ? { status: 200 } : [];
  });
  route('get', '/user/systemuids', () => [...state.systemUids]);
  route('post', '/user/systemuids_add', (request) => {
    for (const uid of strings(decode(request), 'uids')) state.systemUids.add(uid);
  });
  route('post', '/user/systemuids_remove', (request) => {
    for (const uid of strings(decode(request), 'uids')) state.systemUids.delete(uid);
  });

  // ---- messages (note §9): asynchronous system-device send, never refused by policy ----
  route('post', '/message/send', (request) => {
    const body = decode(request, ['channel_type', 'expire', 'is_stream']);
    const { payload, channelId, channelType, header, ...send } = checkSend(body);
    const fromUid = send.fromUid || SYSTEM_UID;
    const clientMsgNo = send.clientMsgNo || randomBytes(16).toString('hex');
    const messageId = state.newMessageId();
    if (channelId !== '') {
      const message = { fromUid, channelId, channelType, payload, clientMsgNo, messageId, header };
      // The real server answers once the message is queued on its event bus; storage and the
      // conversation update follow (sendMessageToChannel). `storeDelayMs` models that lag.
      if (serverOptions.storeDelayMs > 0) setTimeout(() => deliver(state, message), serverOptions.storeDelayMs).unref();
      else deliver(state, message);
      // `msg.notify` follows a committed message (NOTES.md, "Webhooks"); a JSON array, event in the query.
      callbacks.send([
        {
          query: { event: 'msg.notify' },
          body: [{ message_id: Number(messageId), message_idstr: String(messageId), client_msg_no: clientMsgNo, from_uid: fromUid, channel_id: channelId, channel_type: channelType, timestamp: Math.floor(Date.now() / 1000), payload }],
        },
      ]);
    }
    return { status: 200, data: { message_id: messageId, client_msg_no: clientMsgNo } };
  });

  // ---- message reads ----
  if (versionAtLeast(serverOptions.version, [2, 2, 2])) {
    // `internal/api/message.go` getMessageByClientMsgNo (v2.2.2+): person chats are addressed by
    // their `X@Y` id; a miss is HTTP 200 `{"status":404}`.
    route('get', '/message/byclientmsgno', (request) => {
      const channelId = typeof request.query.channel_id === 'string' ? request.query.channel_id : '';
      const channelType = Number.parseInt(typeof request.query.channel_type === 'string' ? request.query.channel_type : '', 10) || 0;
      const clientMsgNo = typeof request.query.client_msg_no === 'string' ? request.query.client_msg_no : '';
      if (channelId.trim() === '') throw new VendorFailure('channel_id不能为空');
      if (channelType === 0) throw new VendorFailure('channel_type不能为0');
      if (clientMsgNo.trim() === '') throw new VendorFailure('client_msg_no不能为空');
      const found = state.logs.get(FakeState.key(channelId, channelType))?.messages.find((message) => message.clientMsgNo === clientMsgNo);
      if (!found) return { status: 404 };
      return {
        header: found.header,
        setting: 0,
        message_id: found.messageId,
        message_idstr: found.messageId.toString(),
        client_msg_no: found.clientMsgNo,
        message_seq: found.messageSeq,
        from_uid: found.fromUid,
        // The channel as the sender addressed it: the recipient's uid for a 1:1 chat (recorded, v2.2.5).
        channel_id: found.channelId,
        channel_type: found.channelType,
        expire: 0,
        timestamp: found.timestamp,
        payload: found.payload,
      };
    });
  }

  // `internal/api/message.go` getChannelMaxMessageSeq: 400 "not found" for a channel the server
  // never heard of; messages (and so the seq) outlive a disband.
  route('get', '/channel/max_message_seq', (request) => {
    const channelId = typeof request.query.channel_id === 'string' ? request.query.channel_id : '';
    const channelType = Number.parseInt(typeof request.query.channel_type === 'string' ? request.query.channel_type : '', 10) || 0;
    const loginUid = typeof request.query.login_uid === 'string' ? request.query.login_uid : '';
    if (channelId === '') throw new VendorFailure('channel_id不能为空');
    let internal = channelId;
    if (channelType === PERSON && !channelId.includes('@')) {
      if (loginUid.trim() === '') throw new VendorFailure('login_uid不能为空');
      internal = personFakeChannelId(loginUid, channelId);
    }
    if (!state.channel(internal, channelType) && !state.logs.has(FakeState.key(internal, channelType))) throw new VendorFailure('not found');
    return { message_seq: state.lastSeq(internal, channelType) };
  });

  // ---- conversations (note §7) ----
  route('post', '/conversation/sync', (request) => {
    const body = decode(request, ['msg_count', 'only_unread', 'page', 'page_size', 'version']);
    return syncConversations(state, body);
  });
  route('post', '/conversations/delete', (request) => {
    const { uid, channelId, channelType } = checkConversationDelete(decode(request, ['channel_type']));
    // For person chats the server builds the fake id from (uid, channel_id): an `a@b` id gives
    // `uid@a@b`, matches nothing, and the call is a 200 no-op (issue #198, note §2).
    const internal = channelType === PERSON ? personFakeChannelId(uid, channelId) : channelId;
    const row = state.conversation(uid, internal, channelType);
    // Only stored rows are marked; a row still in the flush cache is not found (audit W1:
    // pkg/wkdb/conversation.go UpdateConversationDeletedAtMsgSeq returns nil for id 0).
    if (row && !FakeState.isCached(row)) {
      row.deletedAtSeq = state.lastSeq(internal, channelType);
      row.version = state.nextVersion();
    }
  });
  route('post', '/conversations/clearUnread', (request) => {
    const body = decode(request, ['channel_type', 'message_seq']);
    const uid = text(body, 'uid');
    if (uid === '') throw new VendorFailure(TEXTS.clearUnreadUidBlank);
    const channelId = text(body, 'channel_id');
    const channelType = number(body, 'channel_type');
    if (channelId === '' || channelType === 0) throw new VendorFailure(TEXTS.conversationChannelBlank);
    const internal = channelType === PERSON ? personFakeChannelId(uid, channelId) : channelId;
    const lastSeq = state.lastSeq(internal, channelType);
    if (lastSeq === 0) return undefined;
    const row = state.ensureConversation(uid, internal, channelType, lastSeq);
    // An unread row is stored at once (AddOrUpdateUserConversations), cached or not.
    if (row.readSeq < lastSeq || FakeState.isCached(row)) delete row.cachedUntil;
    row.readSeq = lastSeq;
    return undefined;
  });

  // Unknown route: the framework's plain-text 404.
  app.use((_request, response) => sendNotFound(response));

  return {
    app,
    callbacks,
    state,
    control,
    options: serverOptions,
    close: async () => {
      control.releaseHanging();
    },
  };
}

function deliver(
  state: FakeState,
  message: { fromUid: string; channelId: string; channelType: number; payload: string; clientMsgNo: string; messageId: bigint; header: StoredMessage['header'] },
): void {
  const { fromUid, channelId, channelType } = message;
  if (channelType === PERSON) {
    const internal = personFakeChannelId(fromUid, channelId);
    const stored = append(state, internal, message);
    for (const uid of [fromUid, channelId]) {
      if (uid === SYSTEM_UID) continue;
      const existing = state.conversation(uid, internal, PERSON);
      // With whitelistOffOfPerson=false v2 does not create person conversations on a message
      // (it expects whitelist_add to have made them, note §4). With true, only the channel's
      // first message does, and into the manager's memory cache until the next flush (audit W1).
      let row = existing;
      if (!row && state.options.whitelistOffOfPerson && stored.messageSeq === 1) {
        row = state.ensureConversation(uid, internal, PERSON, stored.messageSeq - 1);
        row.cachedUntil = state.nextConversationFlush();
      }
      if (!row) continue;
      row.version = state.nextVersion();
      if (uid === fromUid) row.readSeq = stored.messageSeq;
    }
    return;
  }
  const channel = state.channel(channelId, channelType);
  // Ban or disband drops the message silently after the 200 (note §4, §9).
  if (channel && (channel.info.ban === 1 || channel.info.disband === 1)) return;
  const stored = append(state, channelId, message);
  for (const uid of channel?.subscribers ?? []) {
    const row = state.ensureConversation(uid, channelId, channelType, stored.messageSeq - 1);
    row.version = state.nextVersion();
    if (uid === fromUid) row.readSeq = stored.messageSeq;
  }
}

function append(
  state: FakeState,
  internalId: string,
  message: { fromUid: string; channelId: string; channelType: number; payload: string; clientMsgNo: string; messageId: bigint; header: StoredMessage['header'] },
): StoredMessage {
  const log = state.log(internalId, message.channelType);
  log.lastSeq += 1;
  const stored: StoredMessage = {
    messageId: message.messageId,
    messageSeq: log.lastSeq,
    clientMsgNo: message.clientMsgNo,
    fromUid: message.fromUid,
    channelId: message.channelId,
    channelType: message.channelType,
    timestamp: Math.floor(Date.now() / 1000),
    payload: message.payload,
    // Reads of a REST-sent message report red_dot 0 whatever the send said (recorded against
    // v2.2.5: the flag is not kept with the stored message).
    header: { ...message.header, red_dot: 0 },
  };
  log.messages.push(stored);
  return stored;
}

function parseLastMsgSeqs(value: string): Map<string, number> {
  const seqs = new Map<string, number>();
  for (const part of value.split('|')) {
    const [channelId, channelType, seq] = part.split(':');
    if (channelId && channelType && seq) seqs.set(FakeState.key(channelId, Number(channelType)), Number(seq));
  }
  return seqs;
}

function syncConversations(state: FakeState, body: Json): unknown[] {
  const uid = text(body, 'uid');
  const msgCount = number(body, 'msg_count');
  if (msgCount <= 0) return [];
  const onlyUnread = number(body, 'only_unread') === 1;
  const version = number(body, 'version');
  const clientSeqs = parseLastMsgSeqs(text(body, 'last_msg_seqs'));
  const excluded = new Set((Array.isArray(body.exclude_channel_types) ? body.exclude_channel_types : []).map(Number));
  const rows = [...(state.conversations.get(uid)?.values() ?? [])].slice(0, 1000);
  const result: Array<{ version: bigint; item: Json }> = [];
  for (const row of rows) {
    if (excluded.has(row.channelType)) continue;
    const peer = row.channelType === PERSON ? peerOf(row.channelId, uid) : row.channelId;
    if (peer === SYSTEM_UID) continue;
    const log = state.logs.get(FakeState.key(row.channelId, row.channelType));
    if (!log || log.lastSeq === 0) continue;
    const clientSeq = clientSeqs.get(FakeState.key(peer, row.channelType));
    let start = clientSeq !== undefined ? clientSeq + 1 : version > 0 || onlyUnread ? row.readSeq + 1 : 1;
    start = Math.max(start, row.deletedAtSeq + 1);
    if (log.lastSeq < start) continue;
    const last = log.messages[log.messages.length - 1]!;
    const unread = last.fromUid === uid ? 0 : Math.max(0, log.lastSeq - row.readSeq);
    if (onlyUnread && unread === 0) continue;
    const recents = log.messages.filter((message) => message.messageSeq >= start).slice(-msgCount).reverse();
    result.push({
      version: row.version,
      item: {
        channel_id: peer,
        channel_type: row.channelType,
        unread,
        timestamp: last.timestamp,
        last_msg_seq: log.lastSeq,
        last_client_msg_no: last.clientMsgNo,
        offset_msg_seq: 0,
        readed_to_msg_seq: row.readSeq,
        version: row.version,
        recents: recents.map((message) => ({
          header: message.header,
          setting: 0,
          message_id: message.messageId,
          message_idstr: message.messageId.toString(),
          client_msg_no: message.clientMsgNo,
          message_seq: message.messageSeq,
          from_uid: message.fromUid,
          // As the sender addressed it (the recipient for 1:1), not the syncing user's peer (recorded, v2.2.5).
          channel_id: message.channelId,
          channel_type: message.channelType,
          expire: 0,
          timestamp: message.timestamp,
          payload: message.payload,
        })),
      },
    });
  }
  result.sort((left, right) => (left.version === right.version ? 0 : left.version > right.version ? -1 : 1));
  return syncPage(
    result.map((entry) => entry.item),
    body,
  );
}

/** One `channelInfoResp` of the channel search (pkg/cluster/cluster/model.go); the empty row for a channel without one. */
function channelSearchRow(state: FakeState, channel: FakeChannel | undefined): Json {
  const info = channel?.info ?? EMPTY_INFO;
  const createdAt = channel?.createdAt ?? 0n;
  const lastSeq = channel ? state.lastSeq(channel.channelId, channel.channelType) : 0;
  return {
    id: channel ? fnv64a(`${channel.channelType}/${channel.channelId}`) : 0,
    slot: 0,
    channel_id: channel?.channelId ?? '',
    channel_type: channel?.channelType ?? 0,
    ban: info.ban,
    disband: info.disband,
    subscriber_count: channel?.subscribers.size ?? 0,
    allowlist_count: channel?.whitelist.size ?? 0,
    denylist_count: channel?.blacklist.size ?? 0,
    last_msg_seq: lastSeq,
    last_msg_time: 0,
    last_msg_time_format: '',
    status_format: info.ban === 1 ? '封禁' : info.disband === 1 ? '解散' : '正常',
    created_at: createdAt,
    updated_at: createdAt,
    created_at_format: '',
    updated_at_format: '',
  };
}

/** The other uid of a fake `X@Y` id, seen from `uid`. */
function peerOf(internalId: string, uid: string): string {
  if (internalId.startsWith(`${uid}@`)) return internalId.slice(uid.length + 1);
  if (internalId.endsWith(`@${uid}`)) return internalId.slice(0, internalId.length - uid.length - 1);
  return internalId;
}

/** The `/__fake/state` view: the vendor's own terms, sets as arrays. */
export function snapshot(state: FakeState): unknown {
  return {
    options: { ...state.options, managerToken: undefined },
    channels: [...state.channels.values()].map((channel) => ({
      channel_id: channel.channelId,
      channel_type: channel.channelType,
      info: channel.hasInfo ? channel.info : null,
      created_at: channel.createdAt === null ? null : channel.createdAt.toString(),
      subscribers: [...channel.subscribers],
      whitelist: [...channel.whitelist.keys()],
      blacklist: [...channel.blacklist.keys()],
    })),
    conversations: Object.fromEntries(
      [...state.conversations.entries()].map(([uid, rows]) => [
        uid,
        [...rows.values()].map((row) => ({ ...row, last_msg_seq: state.lastSeq(row.channelId, row.channelType) })),
      ]),
    ),
  };
}

/** Starts the fake on a port; `backendConfig` is the imbridge backend block that reaches it. */
export async function startFake(options: CreateFakeOptions & { port?: number; host?: string } = {}): Promise<RunningWukongimFake> {
  const fake = createFake(options);
  const running = await listen(fake.app, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    ...fake,
    url: running.url,
    port: running.port,
    backendConfig: {
      vendor: 'wukongim',
      baseUrl: running.url,
      token: fake.options.managerToken,
      whitelistOffOfPerson: fake.options.whitelistOffOfPerson,
      version: fake.options.version,
    },
    close: async () => {
      fake.control.releaseHanging();
      await running.close();
    },
  };
}

export { EMPTY_INFO };
