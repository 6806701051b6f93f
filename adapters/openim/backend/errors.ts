/**
 * The one table from OpenIM's `errCode` (vendor note §4) to unified errors. Call sites that know
 * more (1004 "record not found" means a user here and a group there) catch the mapped error and
 * read `upstream.code`; everything else surfaces exactly as this table says.
 */
import {
  type ErrorCode,
  errorForCode,
  ImBridgeError,
  type ImBridgeErrorOptions,
  type UpstreamInfo,
} from '../../../src/spec/index.js';

export const VENDOR = 'openim';

export interface ErrorMapping {
  code: ErrorCode;
  /** What the vendor meant, said in unified terms (the unified message). */
  message: string;
  retryable?: boolean;
}

export const ERROR_TABLE: Readonly<Record<number, ErrorMapping>> = {
  500: { code: 'UPSTREAM_ERROR', message: 'OpenIM failed internally (ServerInternalError)' },
  1001: { code: 'INVALID_ARGUMENT', message: 'OpenIM refused the arguments (ArgsError)' },
  1002: { code: 'UPSTREAM_AUTH', message: 'OpenIM refused the admin identity (NoPermissionError): is adminUserId in the server admin list?' },
  1003: { code: 'ALREADY_EXISTS', message: 'already exists (DuplicateKeyError)' },
  1004: { code: 'NOT_FOUND', message: 'OpenIM found no such record (RecordNotFoundError)' },
  1101: { code: 'USER_NOT_FOUND', message: 'user not found' },
  1102: { code: 'ALREADY_EXISTS', message: 'user already registered' },
  1201: { code: 'GROUP_NOT_FOUND', message: 'group not found' },
  1202: { code: 'ALREADY_EXISTS', message: 'a group with this id already exists' },
  1203: { code: 'NOT_MEMBER', message: 'the sender is not a member of the group' },
  1204: { code: 'GROUP_NOT_FOUND', message: 'group not found (dismissed)' },
  1301: { code: 'INVALID_ARGUMENT', message: 'a user cannot befriend themselves' },
  1302: { code: 'BLOCKED', message: 'the recipient blocks the sender' },
  1303: { code: 'NOT_FRIENDS', message: 'the sender is not in the recipient\'s friend list (friendVerify)' },
  1304: { code: 'ALREADY_FRIENDS', message: 'the users are already friends of each other' },
  1305: { code: 'REQUEST_NOT_FOUND', message: 'no pending friend request (already handled)' },
  1401: { code: 'UPSTREAM_ERROR', message: 'OpenIM refused the message (MessageHasReadDisable)' },
  1402: { code: 'MUTED', message: 'the sender is muted in the group' },
  1403: { code: 'MUTED', message: 'the group is muted (mute-all)' },
  1404: { code: 'UPSTREAM_ERROR', message: 'OpenIM refused the message (MsgAlreadyRevoke)' },
  1501: { code: 'UPSTREAM_AUTH', message: 'OpenIM refused the admin token (expired)' },
  1502: { code: 'UPSTREAM_AUTH', message: 'OpenIM refused the admin token (invalid)' },
  1503: { code: 'UPSTREAM_AUTH', message: 'OpenIM refused the admin token (malformed)' },
  1504: { code: 'UPSTREAM_AUTH', message: 'OpenIM refused the admin token (not valid yet)' },
  1505: { code: 'UPSTREAM_AUTH', message: 'OpenIM refused the admin token (signature): is the secret right?' },
  1506: { code: 'UPSTREAM_AUTH', message: 'OpenIM refused the admin token (kicked)' },
  1507: { code: 'UPSTREAM_AUTH', message: 'OpenIM refused the admin token (not stored)' },
  // The OpenIM Chat server's beforeAddFriend webhook refusal (allowAddFriend off, note §11).
  20013: { code: 'BLOCKED', message: 'the recipient does not accept friend requests (RefuseFriend)' },
  90002: { code: 'UPSTREAM_UNAVAILABLE', message: 'OpenIM database error', retryable: true },
  90004: { code: 'UPSTREAM_UNAVAILABLE', message: 'an OpenIM webhook is unreachable', retryable: true },
  90007: { code: 'UPSTREAM_ERROR', message: 'an OpenIM webhook answered something unparsable' },
};

/** Token refusals: the cached admin token is dropped and fetched once more (note §4, §5). */
export function isTokenError(errCode: number): boolean {
  return errCode >= 1501 && errCode <= 1507;
}

/** Builds the unified error class that carries `code` (the spec's one choice of class). */
export const unifiedError = errorForCode;

/** An OpenIM error envelope (HTTP 200, errCode ≠ 0) as the unified error the table gives. */
export function toUnifiedError(route: string, errCode: number, errMsg: string, errDlt: string, redact: (text: string) => string): ImBridgeError {
  const mapping: ErrorMapping = ERROR_TABLE[errCode] ?? { code: 'UPSTREAM_ERROR', message: `OpenIM answered an unknown error code ${errCode}` };
  const vendorText = redact([errMsg, errDlt].filter((part) => part !== '').join(': ')).slice(0, 500);
  const upstream: UpstreamInfo = { vendor: VENDOR, status: 200, code: String(errCode), message: vendorText || null };
  const options: ImBridgeErrorOptions = { upstream, details: { route } };
  if (mapping.retryable !== undefined) options.retryable = mapping.retryable;
  return unifiedError(mapping.code, mapping.message, options);
}

/** The vendor's errCode carried by a mapped error, or null. */
export function vendorCode(error: unknown): number | null {
  if (!(error instanceof ImBridgeError) || error.upstream?.vendor !== VENDOR || error.upstream.code === null) return null;
  const code = Number(error.upstream.code);
  return Number.isInteger(code) ? code : null;
}
