/**
 * WuKongIM answers every handler error as HTTP 400 `{"msg": "<text>", "status": 400}` (vendor note
 * §1), so errors are told apart by their text, not their status. This is the one table that turns
 * them into unified errors. The vendor's text is kept in `upstream`; the manager token never is.
 */
import { ImBridgeError, InvalidArgumentError, InvalidIdError, UpstreamError, type ErrorCode, type UpstreamInfo } from '../../../src/spec/index.js';

export const VENDOR = 'wukongim';

export interface VendorErrorRule {
  /** The vendor's text, matched exactly, or a prefix when `prefix` is true. */
  text: string;
  prefix?: boolean;
  code: Extract<ErrorCode, 'INVALID_ARGUMENT' | 'INVALID_ID' | 'UPSTREAM_ERROR' | 'UPSTREAM_UNAVAILABLE'>;
  /** Why this mapping (for the README table and for readers). */
  meaning: string;
}

/** Every 400 text the vendor note lists for the endpoints this adapter calls (§3, §6, §7, §8, §9). */
export const ERROR_TABLE: readonly VendorErrorRule[] = [
  { text: '频道ID不能包含特殊字符！', code: 'INVALID_ID', meaning: 'channel id contains @ # &' },
  { text: '频道ID不合法！', code: 'INVALID_ID', meaning: 'send: channel id contains @ # &' },
  { text: 'uid不能包含特殊字符！', code: 'INVALID_ID', meaning: 'uid contains @ # &' },
  { text: 'channel_id不能为空！', code: 'INVALID_ARGUMENT', meaning: 'blank channel id' },
  { text: '频道ID不能为空！', code: 'INVALID_ARGUMENT', meaning: 'blank channel id' },
  { text: '频道类型不能为0！', code: 'INVALID_ARGUMENT', meaning: 'channel_type 0' },
  { text: '频道类型错误！', code: 'INVALID_ARGUMENT', meaning: 'channel_type 0 on /channel' },
  { text: 'uids不能为空！', code: 'INVALID_ARGUMENT', meaning: 'empty uids on *_add / *_remove' },
  { text: '订阅者不能为空！', code: 'INVALID_ARGUMENT', meaning: 'empty subscribers' },
  { text: '不支持个人频道添加订阅者！', code: 'INVALID_ARGUMENT', meaning: 'subscribers on a person channel' },
  { text: '个人频道不支持添加订阅者！', code: 'INVALID_ARGUMENT', meaning: 'subscriber call or delete on a person channel' },
  { text: '个人频道不支持此操作！', code: 'INVALID_ARGUMENT', meaning: 'remove_all on a person channel' },
  { text: '新版本临时订阅者已不支持！', code: 'INVALID_ARGUMENT', meaning: 'temp subscribers are gone in v2' },
  { text: 'payload不能为空！', code: 'INVALID_ARGUMENT', meaning: 'empty message payload' },
  { text: '无法处理发送消息请求！', code: 'INVALID_ARGUMENT', meaning: 'send without a channel or with both channel and subscribers' },
  { text: 'Uid cannot be empty', code: 'INVALID_ARGUMENT', meaning: 'conversation delete without uid' },
  { text: 'uid cannot be empty', code: 'INVALID_ARGUMENT', meaning: 'clearUnread without uid' },
  { text: 'UID cannot be empty', code: 'INVALID_ARGUMENT', meaning: 'setUnread without uid' },
  { text: 'channel_id or channel_type cannot be empty', code: 'INVALID_ARGUMENT', meaning: 'conversation call without a channel' },
  { text: 'uid不能为空！', code: 'INVALID_ARGUMENT', meaning: '/user/token without uid' },
  { text: 'token不能为空！', code: 'INVALID_ARGUMENT', meaning: '/user/token without token' },
  { text: '系统账号不允许更新token！', code: 'INVALID_ARGUMENT', meaning: 'system account' },
  { text: '数据格式有误！', prefix: true, code: 'INVALID_ARGUMENT', meaning: 'JSON decode error' },
  { text: 'json: ', prefix: true, code: 'INVALID_ARGUMENT', meaning: "Go decoder error (a field of the wrong type)" },
  { text: 'EOF', code: 'INVALID_ARGUMENT', meaning: 'empty body' },
  { text: '获取频道所在节点失败！', code: 'UPSTREAM_UNAVAILABLE', meaning: 'cluster routing failed (retryable)' },
  { text: '创建或更新频道失败', code: 'UPSTREAM_ERROR', meaning: 'storage failure on /channel' },
  { text: '添加订阅者失败！', code: 'UPSTREAM_ERROR', meaning: 'storage failure adding subscribers' },
  { text: '添加或更新频道信息失败！', code: 'UPSTREAM_ERROR', meaning: 'storage failure on /channel/info' },
  { text: '添加频道失败！', code: 'UPSTREAM_ERROR', meaning: 'storage failure on subscriber_add' },
  // Storage failures the audit (W8) found in internal/api/channel.go and conversation.go at v2.2.5.
  { text: '查询频道失败！', code: 'UPSTREAM_ERROR', meaning: 'storage failure reading the channel on subscriber_add' },
  { text: '创建频道失败！', code: 'UPSTREAM_ERROR', meaning: 'storage failure creating the channel on subscriber_add' },
  { text: '移除所有白明单失败！', code: 'UPSTREAM_ERROR', meaning: 'storage failure on whitelist_set (the vendor misspells 白名单)' },
  { text: '移除所有黑名单失败！', code: 'UPSTREAM_ERROR', meaning: 'storage failure on blacklist_set' },
  { text: '查询频道信息失败！', code: 'UPSTREAM_ERROR', meaning: 'storage failure reading the channel on /channel/delete' },
  { text: '更新频道信息失败！', code: 'UPSTREAM_ERROR', meaning: 'storage failure on /channel/delete' },
  { text: '更新tag失败！', code: 'UPSTREAM_ERROR', meaning: 'tag update failure on a send to subscribers' },
  { text: '获取conversation失败！', code: 'UPSTREAM_ERROR', meaning: 'storage failure on /conversation/sync' },
  { text: '获取最近消息失败！', code: 'UPSTREAM_ERROR', meaning: 'storage failure on /conversation/sync' },
  { text: '获取用户缓存的最近会话失败！', code: 'UPSTREAM_ERROR', meaning: 'conversation cache failure on /conversation/sync' },
];

export function findVendorErrorRule(message: string): VendorErrorRule | undefined {
  return ERROR_TABLE.find((rule) => (rule.prefix ? message.startsWith(rule.text) : message === rule.text));
}

export interface VendorAnswer {
  status: number;
  /** Parsed body, when JSON. */
  body: unknown;
  text: string;
}

/** The vendor's own message of an answer, secret-free (the token is never echoed by WuKongIM). */
function vendorMessage(answer: VendorAnswer): string | null {
  const body = answer.body as { msg?: unknown } | undefined;
  if (body && typeof body === 'object' && typeof body.msg === 'string') return body.msg;
  return answer.text === '' ? null : answer.text.slice(0, 200);
}

/** Turns a non-success answer of `route` into the unified error. */
export function toUnifiedError(route: string, answer: VendorAnswer): ImBridgeError {
  const message = vendorMessage(answer);
  const upstream: UpstreamInfo = { vendor: VENDOR, status: answer.status, code: null, message };
  if (answer.status === 401) {
    return new UpstreamError('UPSTREAM_AUTH', 'WuKongIM refused the configured manager token (check `token` against the server\'s managerToken)', { upstream });
  }
  if (answer.status === 400 && message !== null) {
    const rule = findVendorErrorRule(message);
    const text = `WuKongIM refused ${route}: ${message}`;
    if (rule?.code === 'INVALID_ID') return new InvalidIdError(text, { upstream });
    if (rule?.code === 'INVALID_ARGUMENT') return new InvalidArgumentError(text, { upstream });
    if (rule?.code === 'UPSTREAM_UNAVAILABLE') return new UpstreamError('UPSTREAM_UNAVAILABLE', text, { upstream });
    if (rule?.code === 'UPSTREAM_ERROR') return new UpstreamError('UPSTREAM_ERROR', text, { upstream, retryable: true });
    // Anything else is a raw storage error text (note §3): unmappable.
    return new UpstreamError('UPSTREAM_ERROR', text, { upstream });
  }
  if (answer.status === 502 || answer.status === 503 || answer.status === 504) {
    return new UpstreamError('UPSTREAM_UNAVAILABLE', `WuKongIM is unavailable (${answer.status} on ${route})`, { upstream });
  }
  if (answer.status === 404) {
    return new UpstreamError('UPSTREAM_ERROR', `WuKongIM has no route ${route} (older server version than configured?)`, { upstream });
  }
  return new UpstreamError('UPSTREAM_ERROR', `WuKongIM answered ${answer.status} on ${route}`, { upstream });
}
