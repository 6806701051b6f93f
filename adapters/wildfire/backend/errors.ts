/**
 * The ONE table from Wildfire's answers to unified errors: every code of
 * `cn.wildfirechat.common.ErrorCode` (vendor note §3) and the non-envelope answers (HTTP 500 with
 * an empty body = a path this edition does not implement; HTTP 500 with a Java exception text).
 * A few codes mean different things on different routes (253 "not exist" is a user, a group or a
 * membership); those entries take the route into account.
 */
import {
  type ErrorCode,
  errorForCode,
  ImBridgeError,
  type UpstreamInfo,
} from '../../../src/spec/index.js';

export const VENDOR = 'wildfire';

/** The custom message of code 4 when `/admin/user/create` meets an account name already taken (§3). */
export const NAME_CLASH_MESSAGE = '用户名不能重复，必须唯一！！！';

type Mapping = ErrorCode | ((route: string, message: string) => ErrorCode);

export interface WildfireErrorEntry {
  /** The enum name in ErrorCode.java. */
  name: string;
  /** The server's msg text. */
  message: string;
  unified: Mapping;
}

function notExist(route: string): ErrorCode {
  if (route.startsWith('/admin/user/')) return 'USER_NOT_FOUND';
  if (route === '/admin/group/member/get') return 'NOT_MEMBER';
  if (route.startsWith('/admin/group/') || route.startsWith('/admin/chatroom/') || route === '/admin/message/send') return 'GROUP_NOT_FOUND';
  return 'NOT_FOUND';
}

function notRight(route: string): ErrorCode {
  // send_request with force:false on a server with friend.disable_friend_request: the feature is off.
  if (route === '/admin/friend/send_request') return 'UNSUPPORTED';
  // manager/set naming the owner (§6): the owner's role cannot change.
  return 'INVALID_ARGUMENT';
}

/** Every code of ErrorCode.java (§3, complete), with its unified meaning. */
export const ERROR_TABLE: Readonly<Record<number, WildfireErrorEntry>> = {
  1: { name: 'ERROR_CODE_SECRECT_KEY_MISMATCH', message: 'secrect key mismatch', unified: 'UPSTREAM_AUTH' },
  2: { name: 'ERROR_CODE_INVALID_DATA', message: 'invalid data', unified: 'INVALID_ARGUMENT' },
  3: { name: 'ERROR_CODE_NODE_NOT_EXIST', message: 'node not exist', unified: 'UPSTREAM_UNAVAILABLE' },
  4: {
    name: 'ERROR_CODE_SERVER_ERROR',
    message: 'server error',
    unified: (route, message) => (route === '/admin/user/create' && message === NAME_CLASH_MESSAGE ? 'ALREADY_EXISTS' : 'UPSTREAM_ERROR'),
  },
  5: { name: 'ERROR_CODE_NOT_MODIFIED', message: 'not modified', unified: 'UPSTREAM_ERROR' },
  6: { name: 'ERROR_CODE_TOKEN_ERROR', message: 'token error', unified: 'UPSTREAM_AUTH' },
  7: { name: 'ERROR_CODE_KICKED_OFF', message: 'kicked off', unified: 'UPSTREAM_AUTH' },
  8: { name: 'ERROR_CODE_USER_FORBIDDEN', message: 'user forbidden', unified: 'BLOCKED' },
  9: { name: 'ERROR_CODE_NOT_IN_GROUP', message: 'not in group', unified: 'NOT_MEMBER' },
  10: { name: 'ERROR_CODE_INVALID_MESSAGE', message: 'invalid message', unified: 'INVALID_ARGUMENT' },
  11: { name: 'ERROR_CODE_GROUP_ALREADY_EXIST', message: 'group already exist', unified: 'ALREADY_EXISTS' },
  12: { name: 'ERROR_CODE_ALREADY_IN_GROUP', message: 'member already in group', unified: 'ALREADY_EXISTS' },
  16: { name: 'ERROR_CODE_FRIEND_ALREADY_REQUEST', message: 'already send request', unified: 'REQUEST_PENDING' },
  18: { name: 'ERROR_CODE_FRIEND_REQUEST_BLOCKED', message: 'friend request blocked', unified: 'BLOCKED' },
  19: { name: 'ERROR_CODE_FRIEND_REQUEST_EXPIRED', message: 'friend request expired', unified: 'REQUEST_NOT_FOUND' },
  20: { name: 'ERROR_CODE_NOT_IN_CHATROOM', message: 'not in chatroom', unified: 'NOT_MEMBER' },
  21: { name: 'ERROR_CODE_NOT_IN_CHANNEL', message: 'not in channel', unified: 'NOT_MEMBER' },
  22: { name: 'ERROR_CODE_NOT_LICENSED', message: 'not licensed', unified: 'UPSTREAM_ERROR' },
  23: { name: 'ERROR_CODE_ALREADY_FRIENDS', message: 'already friends', unified: 'ALREADY_FRIENDS' },
  24: { name: 'ERROR_CODE_RECALL_TIME_EXPIRED', message: 'time expired', unified: 'INVALID_ARGUMENT' },
  25: { name: 'ERROR_CODE_LOCK_ALREADY_LOCKED', message: 'already locked', unified: 'UPSTREAM_ERROR' },
  26: { name: 'ERROR_CODE_NOT_YOUR_LOCKED', message: 'unload failure, not your lock', unified: 'UPSTREAM_ERROR' },
  27: { name: 'ERROR_CODE_ROBOT_NO_TOKEN', message: 'robot no token', unified: 'UPSTREAM_ERROR' },
  28: { name: 'ERROR_CODE_WS_NOT_CONFIGURED_CORRECTLY', message: 'ws not configured correctly', unified: 'UPSTREAM_ERROR' },
  30: { name: 'ERROR_CODE_TIME_INCONSISTENT', message: 'time inconsistent', unified: 'UPSTREAM_ERROR' },
  60: { name: 'ERROR_CODE_CONFERENCE_ROOM_NOT_EXIST', message: 'conference room not exist', unified: 'UPSTREAM_ERROR' },
  61: { name: 'ERROR_CODE_CONFERENCE_SERVICE_NOT_AVAILABLE', message: 'conference service not available', unified: 'UPSTREAM_UNAVAILABLE' },
  70: { name: 'ERROR_CODE_APPLICATION_TOKEN_ERROR_OR_TIMEOUT', message: 'application token error or timeout', unified: 'UPSTREAM_AUTH' },
  ...Object.fromEntries(
    [81, 82, 83, 84, 85, 86, 87].map((code) => [code, { name: 'ERROR_CODE_SECRET_CHAT_*', message: 'secret chat state', unified: 'UPSTREAM_ERROR' as ErrorCode }]),
  ),
  90: { name: 'ERROR_CODE_CONFERENCE_ERROR', message: 'Conference server response error', unified: 'UPSTREAM_ERROR' },
  220: { name: 'ERROR_CODE_FUNCTION_DISABLED', message: 'function disabled', unified: 'UNSUPPORTED' },
  225: { name: 'ERROR_CODE_OTHER_CLIENT_ALREADY_IN_CHATROOM', message: 'other client already in chatroom', unified: 'UPSTREAM_ERROR' },
  236: { name: 'ERROR_CODE_CHANNEL_NO_EXIST', message: 'channel no exist', unified: 'UPSTREAM_ERROR' },
  237: { name: 'ERROR_CODE_CHANNEL_NO_SECRET', message: 'channel no secret', unified: 'UPSTREAM_ERROR' },
  238: { name: 'ERROR_CODE_USER_NOT_PREPARED', message: 'user not prepared', unified: 'UPSTREAM_ERROR' },
  239: { name: 'ERROR_CODE_API_NOT_SIGNED', message: 'api not signed or sign parameter not completion', unified: 'UPSTREAM_AUTH' },
  240: { name: 'ERROR_CODE_GROUP_EXCEED_MAX_MEMBER_COUNT', message: 'group exceed max member count', unified: 'INVALID_ARGUMENT' },
  241: { name: 'ERROR_CODE_GROUP_MUTED', message: 'group is muted', unified: 'MUTED' },
  242: { name: 'ERROR_CODE_SENSITIVE_MATCHED', message: 'sensitive matched', unified: 'INVALID_ARGUMENT' },
  243: { name: 'ERROR_CODE_SIGN_EXPIRED', message: 'sign expired', unified: 'UPSTREAM_AUTH' },
  244: { name: 'ERROR_CODE_AUTH_FAILURE', message: 'auth failure', unified: 'UPSTREAM_AUTH' },
  245: { name: 'ERROR_CODE_USER_BLOCKED', message: 'user is blocked', unified: 'BLOCKED' },
  246: { name: 'ERROR_CODE_IN_BLACK_LIST', message: 'user in black list', unified: 'BLOCKED' },
  247: { name: 'ERROR_CODE_FORBIDDEN_SEND_MSG', message: 'forbidden send msg globally', unified: 'MUTED' },
  248: { name: 'ERROR_CODE_NOT_RIGHT', message: 'no right to operate', unified: notRight },
  249: { name: 'ERROR_CODE_TIMEOUT', message: 'timeout', unified: 'UPSTREAM_UNAVAILABLE' },
  250: { name: 'ERROR_CODE_OVER_FREQUENCY', message: 'over frequency', unified: 'RATE_LIMITED' },
  251: { name: 'INVALID_PARAMETER', message: 'Invalid parameter', unified: 'INVALID_ARGUMENT' },
  252: { name: 'INVALID_ASYNC_HANDLING', message: 'Async handling', unified: 'UPSTREAM_ERROR' },
  253: { name: 'ERROR_CODE_NOT_EXIST', message: 'not exist', unified: notExist },
  254: { name: 'ERROR_CODE_NOT_IMPLEMENT', message: 'not implement', unified: 'UNSUPPORTED' },
  255: { name: 'ERROR_CODE_SUCCESS_GZIPED', message: 'success withe gzip response', unified: 'UPSTREAM_ERROR' },
};

/** The unified code for a Wildfire envelope code met on `route`; unknown codes are UPSTREAM_ERROR. */
export function unifiedCodeFor(code: number, route: string, message = ''): ErrorCode {
  const entry = ERROR_TABLE[code];
  if (!entry) return 'UPSTREAM_ERROR';
  return typeof entry.unified === 'function' ? entry.unified(route, message) : entry.unified;
}

/** Builds the unified error of the right class for `code`, carrying the vendor's answer in `upstream`. */
export function buildError(code: ErrorCode, message: string, upstream: UpstreamInfo, capability: string): ImBridgeError {
  if (code === 'UNSUPPORTED') return errorForCode(code, message, { upstream, details: { capability, vendor: VENDOR } });
  return errorForCode(code, message, code === 'RATE_LIMITED' ? { upstream, retryAfterSeconds: 1 } : { upstream });
}

/** An envelope with a non-zero code (§3) → the unified error. */
export function toUnifiedError(route: string, code: number, vendorMessage: string | null, capability: string): ImBridgeError {
  const unified = unifiedCodeFor(code, route, vendorMessage ?? '');
  const entry = ERROR_TABLE[code];
  const text = `wildfire ${route} answered ${code} (${entry?.name ?? 'unknown code'}): ${vendorMessage ?? entry?.message ?? ''}`.trim();
  return buildError(unified, text, { vendor: VENDOR, status: 200, code: String(code), message: vendorMessage }, capability);
}

/**
 * A non-envelope answer. HTTP 500 with an empty body is the community server's answer for an
 * admin path it does not implement (PRO endpoints, §3): UNSUPPORTED. A 500 with a body is an
 * uncaught Java exception; anything else is unexpected.
 */
export function errorFromHttp(route: string, status: number, text: string, capability: string): ImBridgeError {
  const upstream: UpstreamInfo = { vendor: VENDOR, status, code: null, message: text === '' ? null : text.slice(0, 200) };
  if (status === 500 && text.trim() === '') {
    return buildError('UNSUPPORTED', `this Wildfire server does not implement ${route} (a pro-edition path)`, upstream, capability);
  }
  if (status === 502 || status === 503 || status === 504) {
    return buildError('UPSTREAM_UNAVAILABLE', `wildfire ${route} answered HTTP ${status}`, upstream, capability);
  }
  return buildError('UPSTREAM_ERROR', `wildfire ${route} answered HTTP ${status}`, upstream, capability);
}
