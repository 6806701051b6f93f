/**
 * How an OpenIM server reads requests and writes answers (vendor note §2–§4): Go
 * `encoding/json` decoding into proto structs (absent = zero value, wrong type = 1001 with the
 * JSON error text), `Check()` failures as 1001 ArgsError, and the errCode envelope.
 */
import { iterableSlice } from '../../../src/runtime/index.js';

/** Short names OpenIM puts in `errMsg` (note §4). */
export const ERROR_NAMES: Readonly<Record<number, string>> = {
  500: 'ServerInternalError',
  1001: 'ArgsError',
  1002: 'NoPermissionError',
  1003: 'DuplicateKeyError',
  1004: 'RecordNotFoundError',
  1101: 'UserIDNotFoundError',
  1102: 'RegisteredAlreadyError',
  1201: 'GroupIDNotFoundError',
  1202: 'GroupIDExisted',
  1203: 'NotInGroupYetError',
  1204: 'DismissedAlreadyError',
  1301: 'CanNotAddYourselfError',
  1302: 'BlockedByPeer',
  1303: 'NotPeersFriend',
  1304: 'RelationshipAlreadyError',
  1305: 'FriendRequestHandled',
  1401: 'MessageHasReadDisable',
  1402: 'MutedInGroup',
  1403: 'MutedGroup',
  1404: 'MsgAlreadyRevoke',
  1501: 'TokenExpiredError',
  1502: 'TokenInvalidError',
  1503: 'TokenMalformedError',
  1504: 'TokenNotValidYetError',
  1505: 'TokenUnknownError',
  1506: 'TokenKickedError',
  1507: 'TokenNotExistError',
  90002: 'DatabaseError',
  90004: 'NetworkError',
  90007: 'DataError',
};

/** A business refusal: answered with HTTP 200 and `{errCode, errMsg, errDlt}` (no `data`). */
export class WireError extends Error {
  constructor(
    readonly errCode: number,
    readonly errDlt: string,
    /** Decoding errors put the JSON error text in errMsg instead of the code's name. */
    readonly errMsgOverride?: string,
  ) {
    super(errDlt);
  }

  get errMsg(): string {
    return this.errMsgOverride ?? ERROR_NAMES[this.errCode] ?? 'UnknownError';
  }
}

export const argsError = (detail: string): WireError => new WireError(1001, detail);
export const notFound = (detail: string): WireError => new WireError(1004, detail);
export const noPermission = (detail: string): WireError => new WireError(1002, detail);

export type Body = Record<string, unknown>;

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function mismatch(key: string, value: unknown, goType: string): WireError {
  const text = `json: cannot unmarshal ${jsonKind(value)} into Go struct field .${key} of type ${goType}`;
  return new WireError(1001, text, text);
}

/** A string field; absent or null is Go's zero value "". */
export function text(body: Body, key: string): string {
  const value = body[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw mismatch(key, value, 'string');
  return value;
}

/** A wrapper field (`StringValue`) sent as a bare value: absent or null = "don't change". */
export function optionalText(body: Body, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw mismatch(key, value, 'string');
  return value;
}

export function integer(body: Body, key: string, goType = 'int32', min = -(2 ** 63), max = 2 ** 63): number {
  const value = body[key];
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw mismatch(key, value, goType);
  return value;
}

export function optionalInteger(body: Body, key: string): number | undefined {
  return body[key] === undefined || body[key] === null ? undefined : integer(body, key);
}

export function flag(body: Body, key: string): boolean {
  const value = body[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw mismatch(key, value, 'bool');
  return value;
}

export function optionalFlag(body: Body, key: string): boolean | undefined {
  return body[key] === undefined || body[key] === null ? undefined : flag(body, key);
}

export function texts(body: Body, key: string): string[] {
  const value = body[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw mismatch(key, value, '[]string');
  for (const item of value) if (typeof item !== 'string') throw mismatch(key, item, 'string');
  return value as string[];
}

export function object(body: Body, key: string): Body | null {
  const value = body[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw mismatch(key, value, 'struct');
  return value as Body;
}

export function objects(body: Body, key: string): Body[] {
  const value = body[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw mismatch(key, value, '[]struct');
  for (const item of value) if (typeof item !== 'object' || item === null || Array.isArray(item)) throw mismatch(key, item, 'struct');
  return value as Body[];
}

/** `pagination: {pageNumber ≥ 1, showNumber}` (note §3). */
export function pagination(body: Body): { pageNumber: number; showNumber: number } {
  const page = object(body, 'pagination');
  if (!page) throw argsError('pagination is empty');
  const pageNumber = integer(page, 'pageNumber');
  const showNumber = integer(page, 'showNumber');
  if (pageNumber < 1) throw argsError('pageNumber is invalid');
  return { pageNumber, showNumber };
}

/**
 * Mongo's `$regex` as the server hands it the request's text (`/user/get_users`,
 * `/group/get_groups`, note §14); a pattern it cannot compile is the raw driver error, a 500.
 */
export function mongoRegex(pattern: string, flags: string): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    const message = `(BadValue) Regular expression is invalid: ${error instanceof Error ? error.message : String(error)}`;
    throw new WireError(500, message, message);
  }
}

/** One page; `showNumber <= 0` or past the end gives an empty page (note §3). */
export function pageOf<T>(items: Iterable<T>, page: { pageNumber: number; showNumber: number }): T[] {
  if (page.showNumber <= 0) return [];
  const start = (page.pageNumber - 1) * page.showNumber;
  return iterableSlice(items, start, start + page.showNumber);
}

/** gRPC turns an empty repeated field into nil: JSON `null` (note §3). */
export function nilIfEmpty<T>(items: readonly T[]): T[] | null {
  return items.length === 0 ? null : [...items];
}

/** Duplicates in an ID array are refused by `Check()` (1001). */
export function requireDistinct(ids: readonly string[], field: string): void {
  if (new Set(ids).size !== ids.length) throw argsError(`${field} has duplicate`);
}

/** The success envelope; a write's success carries no `data` key at all (note §3). */
export function successEnvelope(data: Body | undefined): Body {
  return data === undefined ? { errCode: 0, errMsg: '', errDlt: '' } : { errCode: 0, errMsg: '', errDlt: '', data };
}

/** The error envelope: no `data` key (note §3). */
export function errorEnvelope(error: WireError): Body {
  return { errCode: error.errCode, errMsg: error.errMsg, errDlt: error.errDlt };
}

/** Headers checked on every POST, `operationID` before `token` (note §2); returns the token, or null when the route needs none. */
export function requiredHeaders(header: (name: string) => string | undefined, needsToken: boolean): string | null {
  const operationId = header('operationID');
  if (operationId === undefined || operationId === '') throw new WireError(1001, 'header must have operationID');
  if (!needsToken) return null;
  const token = header('token');
  if (token === undefined || token === '') throw new WireError(1001, 'header must have token');
  return token;
}

/** Go `encoding/json` into a struct: the body must be one JSON object; an empty body is `EOF`. */
export function decodeBody(raw: string): Body {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      const text = `json: cannot unmarshal ${Array.isArray(parsed) ? 'array' : typeof parsed} into Go value of type struct`;
      throw new WireError(1001, text, text);
    }
    return parsed as Body;
  } catch (error) {
    if (error instanceof WireError) throw error;
    const text = raw.trim() === '' ? 'EOF' : (error as Error).message;
    throw new WireError(1001, text, text);
  }
}

/** Conversation ids (note §10): `si_` + the two user ids sorted by bytes, `sg_` + group id. */
export function singleConversationId(first: string, second: string): string {
  const [low, high] = Buffer.compare(Buffer.from(first), Buffer.from(second)) <= 0 ? [first, second] : [second, first];
  return `si_${low}_${high}`;
}

export function groupConversationId(groupID: string): string {
  return `sg_${groupID}`;
}

/** Admin platform id (note §5); admin tokens carry it. */
export const ADMIN_PLATFORM_ID = 10;
/** Default `tokenPolicy.expire` (90 days) in seconds (note §5). */
export const DEFAULT_TOKEN_EXPIRE_SECONDS = 7_776_000;

/**
 * Token claims as `tokenverify.BuildClaims` sets them. Tools v0.0.50-alpha.67 (OpenIM 3.8.3):
 * no `nbf`, `iat` five seconds back; earlier tools (3.7 – 3.8.2): `nbf` five minutes back, `iat`
 * now (`tokenverify/jwt_token.go:33-45`, audit F-1).
 */
export function tokenClaims(userID: string, platformID: number, nowSeconds: number, expireSeconds: number, from383: boolean) {
  const exp = nowSeconds + expireSeconds;
  return from383 ? { UserID: userID, PlatformID: platformID, exp, iat: nowSeconds - 5 } : { UserID: userID, PlatformID: platformID, exp, nbf: nowSeconds - 300, iat: nowSeconds };
}

/**
 * A new conversation row with the server's defaults (`pkg/common/storage/model` Conversation):
 * the fake stores it, the facade answers it for a unified conversation.
 */
export function newConversationRow(ownerUserID: string, conversationID: string, conversationType: number, userID: string, groupID: string) {
  return {
    ownerUserID,
    conversationID,
    conversationType,
    userID,
    groupID,
    recvMsgOpt: 0,
    isPinned: false,
    attachedInfo: '',
    isPrivateChat: false,
    groupAtType: 0,
    ex: '',
    burnDuration: 0,
    minSeq: 0,
    maxSeq: 0,
    msgDestructTime: 604_800,
    latestMsgDestructTime: 0,
    isMsgDestruct: false,
  };
}
