/**
 * WuKongIM v2's wire layer, shared by the fake (`fake/index.ts`) and the compat facade
 * (`adapters/wukongim/facade`): the token check, the body decoding with Go's decoder texts, the
 * `{"msg","status":400}` handler error, the request validations and their Chinese texts, the
 * whitelist row shape (FNV-64a ids above 2^53, Go times). Nothing here knows imbridge's backends.
 */
import type { Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { crc32 } from 'node:zlib';
import { parseJson, stringifyJson, sameSecret } from '../../../src/runtime/index.js';

export const SYSTEM_UID = '____system';
export const PERSON = 1;
export const GROUP = 2;

/**
 * The server's id of a 1:1 chat: the uid with the larger CRC32 first; on a tie the second
 * argument comes first (`internal/options/common.go` GetFakeChannelIDWith, v2.2.5). Message reads
 * by channel (`/message/byclientmsgno`) take this id, not the peer's uid.
 */
export function personChannelId(from: string, to: string): string {
  return crc32(from) > crc32(to) ? `${from}@${to}` : `${to}@${from}`;
}

/** `@ # &` are refused in channel ids and uids by most endpoints (note §2). */
export const SPECIAL = /[@#&]/;

/** Every 400 text the shared validations answer with (note §3, §6–§9). */
export const TEXTS = {
  channelIdBlank: 'channel_id不能为空！',
  channelIdBlankSet: '频道ID不能为空！',
  channelIdSpecial: '频道ID不能包含特殊字符！',
  channelIdInvalidForSend: '频道ID不合法！',
  channelTypeZero: '频道类型不能为0！',
  channelTypeWrong: '频道类型错误！',
  uidsEmpty: 'uids不能为空！',
  subscribersEmpty: '订阅者不能为空！',
  personWithSubscribers: '不支持个人频道添加订阅者！',
  personSubscriberCall: '个人频道不支持添加订阅者！',
  personNotSupported: '个人频道不支持此操作！',
  tempSubscriber: '新版本临时订阅者已不支持！',
  uidBlank: 'uid不能为空！',
  tokenBlank: 'token不能为空！',
  uidSpecial: 'uid不能包含特殊字符！',
  systemAccount: '系统账号不允许更新token！',
  payloadEmpty: 'payload不能为空！',
  cannotSend: '无法处理发送消息请求！',
  conversationUidBlank: 'Uid cannot be empty',
  clearUnreadUidBlank: 'uid cannot be empty',
  conversationChannelBlank: 'channel_id or channel_type cannot be empty',
  /** v1's text for an unknown channel; v2 has none (it creates channels on the fly). */
  channelNotFound: '频道不存在！',
  dataFormat: '数据格式有误！: ',
} as const;

/** A handler failure: answered as HTTP 400 `{"msg","status":400}` like `wkhttp` does (note §1). */
export class VendorFailure extends Error {}

export type Json = Record<string, unknown>;

export function sendJson(response: Response, status: number, value: unknown): void {
  response.status(status).type('application/json; charset=utf-8').send(stringifyJson(value));
}

/** The vendor's handler error answer. */
export function sendFailure(response: Response, message: string): void {
  sendJson(response, 400, { msg: message, status: 400 });
}

/** The token middleware (server_http.go): a configured managerToken is required on every request. */
export function tokenAccepted(request: IncomingMessage, managerToken: string): boolean {
  const offered = request.headers.token;
  return managerToken === '' || sameSecret(typeof offered === 'string' ? offered : undefined, managerToken);
}

/** 401 with an empty body, exactly as the vendor refuses a wrong or missing token. */
export function refuseToken(response: Response): void {
  response.status(401).end();
}

/** Decodes the body like Go's json.Decoder into a struct: wrong types fail with the decoder text. */
export function decode(request: Request, numberFields: readonly string[] = [], prefix = ''): Json {
  const raw = typeof request.body === 'string' ? request.body : '';
  if (raw.trim() === '') throw new VendorFailure(`${prefix}EOF`);
  let value: unknown;
  try {
    value = parseJson(raw);
  } catch (error) {
    throw new VendorFailure(`${prefix}invalid character in JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new VendorFailure(`${prefix}json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type struct`);
  }
  const body = value as Json;
  for (const field of numberFields) {
    const fieldValue = body[field];
    if (fieldValue !== undefined && fieldValue !== null && typeof fieldValue !== 'number' && typeof fieldValue !== 'bigint') {
      throw new VendorFailure(`${prefix}json: cannot unmarshal ${typeof fieldValue} into Go struct field .${field} of type uint8`);
    }
  }
  return body;
}

export function text(body: Json, field: string): string {
  const value = body[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new VendorFailure(`json: cannot unmarshal ${typeof value} into Go struct field .${field} of type string`);
  return value;
}

export function number(body: Json, field: string): number {
  const value = body[field];
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' ? value : 0;
}

export function strings(body: Json, field: string): string[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new VendorFailure(`json: cannot unmarshal into Go struct field .${field} of type []string`);
  }
  return value as string[];
}

export interface ListChange {
  channelId: string;
  channelType: number;
  uids: string[];
}

/** `whitelist_add/remove` (with the special-character check) and `blacklist_add/remove` (without), note §3. */
export function checkListChange(body: Json, withSpecialCheck: boolean): ListChange {
  const channelId = text(body, 'channel_id');
  if (channelId.trim() === '') throw new VendorFailure(TEXTS.channelIdBlank);
  if (withSpecialCheck && SPECIAL.test(channelId)) throw new VendorFailure(TEXTS.channelIdSpecial);
  if (number(body, 'channel_type') === 0) throw new VendorFailure(TEXTS.channelTypeZero);
  const uids = strings(body, 'uids');
  if (uids.length === 0 || uids.every((uid) => uid.trim() === '')) throw new VendorFailure(TEXTS.uidsEmpty);
  return { channelId, channelType: number(body, 'channel_type'), uids: uids.filter((uid) => uid.trim() !== '') };
}

/** `whitelist_set` / `blacklist_set`: only a blank channel id is refused; `[]` clears. */
export function checkListSet(body: Json): ListChange {
  const channelId = text(body, 'channel_id');
  if (channelId.trim() === '') throw new VendorFailure(TEXTS.channelIdBlankSet);
  return { channelId, channelType: number(body, 'channel_type'), uids: strings(body, 'uids') };
}

/** `*_remove_all` (≥2.2.2). */
export function checkListRemoveAll(body: Json): { channelId: string; channelType: number } {
  const channelId = text(body, 'channel_id');
  if (channelId.trim() === '') throw new VendorFailure(TEXTS.channelIdBlank);
  if (number(body, 'channel_type') === 0) throw new VendorFailure(TEXTS.channelTypeZero);
  return { channelId, channelType: number(body, 'channel_type') };
}

/** The channel-level validations of `POST /channel` (note §6). */
export function checkChannelUpsert(body: Json): { channelId: string; channelType: number; subscribers: string[]; reset: boolean } {
  const channelId = text(body, 'channel_id');
  const channelType = number(body, 'channel_type');
  if (channelId.trim() === '') throw new VendorFailure(TEXTS.channelIdBlankSet);
  if (channelType === 0) throw new VendorFailure(TEXTS.channelTypeWrong);
  if (SPECIAL.test(channelId)) throw new VendorFailure(TEXTS.channelIdSpecial);
  const subscribers = strings(body, 'subscribers');
  if (channelType === PERSON && subscribers.length > 0) throw new VendorFailure(TEXTS.personWithSubscribers);
  return { channelId, channelType, subscribers, reset: number(body, 'reset') === 1 };
}

/** `subscriber_add` / `subscriber_remove` (note §6): type 0 defaults to 2. */
export function checkSubscriberChange(body: Json): { channelId: string; channelType: number; subscribers: string[] } {
  const channelId = text(body, 'channel_id');
  if (channelId.trim() === '') throw new VendorFailure(TEXTS.channelIdBlankSet);
  if (SPECIAL.test(channelId)) throw new VendorFailure(TEXTS.channelIdSpecial);
  const subscribers = strings(body, 'subscribers');
  if (subscribers.length === 0) throw new VendorFailure(TEXTS.subscribersEmpty);
  const channelType = number(body, 'channel_type') || GROUP;
  if (channelType === PERSON) throw new VendorFailure(TEXTS.personSubscriberCall);
  return { channelId, channelType, subscribers };
}

/** `/user/token` (note §8). */
export function checkUserToken(body: Json, systemUids: ReadonlySet<string>): { uid: string; token: string; deviceFlag: number } {
  const uid = text(body, 'uid');
  if (uid.trim() === '') throw new VendorFailure(TEXTS.uidBlank);
  const token = text(body, 'token');
  if (token.trim() === '') throw new VendorFailure(TEXTS.tokenBlank);
  if (SPECIAL.test(uid)) throw new VendorFailure(TEXTS.uidSpecial);
  if (systemUids.has(uid)) throw new VendorFailure(TEXTS.systemAccount);
  return { uid, token, deviceFlag: number(body, 'device_flag') };
}

export interface SendRequest {
  fromUid: string;
  channelId: string;
  channelType: number;
  payload: string;
  clientMsgNo: string;
  subscribers: string[];
  header: { no_persist: number; red_dot: number; sync_once: number };
}

/** `/message/send` (note §9); `from_uid` stays '' when absent (the caller decides on `____system`). */
export function checkSend(body: Json): SendRequest {
  const payload = text(body, 'payload');
  if (payload === '') throw new VendorFailure(TEXTS.payloadEmpty);
  const channelId = text(body, 'channel_id');
  const channelType = number(body, 'channel_type');
  const subscribers = strings(body, 'subscribers');
  const rawHeader = (body.header ?? {}) as Json;
  const header = { no_persist: number(rawHeader, 'no_persist'), red_dot: number(rawHeader, 'red_dot'), sync_once: number(rawHeader, 'sync_once') };
  if (channelId === '' && subscribers.length === 0) throw new VendorFailure(TEXTS.cannotSend);
  if (channelId !== '' && subscribers.length > 0) throw new VendorFailure(TEXTS.cannotSend);
  if (subscribers.length > 0 && header.sync_once !== 1) throw new VendorFailure(TEXTS.cannotSend);
  if (SPECIAL.test(channelId)) throw new VendorFailure(TEXTS.channelIdInvalidForSend);
  return { fromUid: text(body, 'from_uid'), channelId, channelType, payload, clientMsgNo: text(body, 'client_msg_no'), subscribers, header };
}

/** `/conversations/delete` (note §7). */
export function checkConversationDelete(body: Json): { uid: string; channelId: string; channelType: number } {
  const uid = text(body, 'uid');
  if (uid === '') throw new VendorFailure(TEXTS.conversationUidBlank);
  const channelId = text(body, 'channel_id');
  const channelType = number(body, 'channel_type');
  if (channelId === '' || channelType === 0) throw new VendorFailure(TEXTS.conversationChannelBlank);
  return { uid, channelId, channelType };
}

/** FNV-64a of the uid, the key WuKongIM stores list rows under (and their `id`, often above 2^53). */
export function fnv64a(value: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(value, 'utf8')) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash;
}

/**
 * List rows in the vendor's storage order: allowlist, denylist and subscriber rows are keyed by
 * the FNV-64a hash of the uid, so a listing comes back sorted by that hash (note §3).
 */
export function inKeyOrder<T>(items: readonly T[], uidOf: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, key: fnv64a(uidOf(item)) }))
    .sort((left, right) => (left.key < right.key ? -1 : left.key > right.key ? 1 : 0))
    .map((entry) => entry.item);
}

/** Go's RFC3339Nano in the server's zone (+08:00 here), fraction trimmed like Go does. */
export function goTime(date: Date): string {
  const shifted = new Date(date.getTime() + 8 * 3_600_000);
  const base = shifted.toISOString().slice(0, 19);
  const millis = shifted.getUTCMilliseconds();
  const fraction = millis === 0 ? '' : `.${String(millis).padStart(3, '0').replace(/0+$/, '')}`;
  return `${base}${fraction}+08:00`;
}

/** One row of `GET /channel/whitelist` (note §3): `id` is a bigint, written as an exact JSON number. */
export function whitelistRow(uid: string, createdAt: Date, updatedAt: Date): { id: bigint; uid: string; created_at: string; updated_at: string } {
  return { id: fnv64a(uid), uid, created_at: goTime(createdAt), updated_at: goTime(updatedAt) };
}

/** The framework's plain-text 404 for a route the server does not have. */
export function sendNotFound(response: Response): void {
  response.status(404).type('text/plain').send('404 page not found');
}

/** `/conversation/sync` paging: `page` from 1, `page_size` defaulting to 100 and capped at 500; no page = all. */
export function syncPage<T>(items: T[], body: Json): T[] {
  const page = number(body, 'page');
  if (page < 1) return items;
  let pageSize = number(body, 'page_size');
  if (pageSize <= 0) pageSize = 100;
  pageSize = Math.min(pageSize, 500);
  return items.slice((page - 1) * pageSize, page * pageSize);
}
