/**
 * Wildfire's wire protocol, shared by everything that speaks it: the adapter's client (signing),
 * the fake server and the `/compat/wildfire` facade (the signature pre-check, the
 * `{code, msg, result}` envelope, the error texts, Gson's lenient field reading, the member and
 * conversation type numbers). Vendor note `adapters/wildfire/NOTES.md` §2, §3, §6, §8. Nothing here knows
 * the unified API, so the facade may import it without seeing the adapter.
 */
import { createHash, randomInt } from 'node:crypto';
import type { Response } from 'express';
import { stringifyJson, sameSecret } from '../../../src/runtime/index.js';

export type Json = Record<string, unknown>;

/** Wildfire ships two servers: the open-source community edition and the commercial pro one. */
export type WildfireEdition = 'community' | 'pro';

/** One envelope: `code`, `msg`, `result` (Gson omits null fields, so each may be absent). */
export interface Answer {
  code: number;
  msg?: string;
  result?: unknown;
}

/** `cn.wildfirechat.common.ErrorCode` texts (§3; the secret-chat codes 81–87 are client-only). */
export const ERROR_TEXT: Readonly<Record<number, string>> = {
  0: 'success',
  1: 'secrect key mismatch',
  2: 'invalid data',
  3: 'node not exist',
  4: 'server error',
  5: 'not modified',
  6: 'token error',
  7: 'kicked off',
  8: 'user forbidden',
  9: 'not in group',
  10: 'invalid message',
  11: 'group already exist',
  12: 'member already in group',
  16: 'already send request',
  18: 'friend request blocked',
  19: 'friend request expired',
  20: 'not in chatroom',
  21: 'not in channel',
  22: 'not licensed',
  23: 'already friends',
  24: 'time expired',
  25: 'already locked',
  26: 'unload failure, not your lock',
  27: 'robot no token',
  28: 'ws not configured correctly',
  30: 'time inconsistent',
  60: 'conference room not exist',
  61: 'conference service not available',
  70: 'application token error or timeout',
  90: 'Conference server response error',
  220: 'function disabled',
  225: 'other client already in chatroom',
  236: 'channel no exist',
  237: 'channel no secret',
  238: 'user not prepared',
  239: 'api not signed or sign parameter not completion',
  240: 'group exceed max member count',
  241: 'group is muted',
  242: 'sensitive matched',
  243: 'sign expired',
  244: 'auth failure',
  245: 'user is blocked',
  246: 'user in black list',
  247: 'forbidden send msg globally',
  248: 'no right to operate',
  249: 'timeout',
  250: 'over frequency',
  251: 'Invalid parameter',
  252: 'Async handling',
  253: 'not exist',
  254: 'not implement',
};

/** The custom msg of code 4 when `/admin/user/create` meets an account name already taken (§3). */
export const USER_NAME_CLASH = '用户名不能重复，必须唯一！！！';

/** Member types (`GroupMemberType`, §6). */
export const MEMBER_TYPE = { normal: 0, manager: 1, owner: 2, silent: 3, removed: 4, allowed: 5 } as const;

/** Conversation types (`Conversation.type`, §8) the unified peers map to. */
export const CONVERSATION_TYPE = { user: 0, group: 1, chatroom: 2 } as const;

export function ok(result?: unknown): Answer {
  return result === undefined ? { code: 0, msg: 'success' } : { code: 0, msg: 'success', result };
}

export function fail(code: number): Answer {
  return { code, msg: ERROR_TEXT[code] ?? 'server error' };
}

// ---- signing (§2) ---------------------------------------------------------------------------------

/** Past timestamps older than this are refused with 243; the future is accepted (§2). */
export const SIGN_WINDOW_MS = 7_200_000;
/** The names of the three signing headers: the credentials a pass-through must strip. */
export const SIGN_HEADERS = ['nonce', 'timestamp', 'sign'] as const;

const JAVA_LONG_MAX = 9_223_372_036_854_775_807n;
const JAVA_LONG_MIN = -9_223_372_036_854_775_808n;

/** `sha1_hex(nonce + "|" + secret + "|" + timestamp)`, lower-case, exactly as the server compares it. */
export function wildfireSign(nonce: string, secret: string, timestamp: string): string {
  return createHash('sha1').update(`${nonce}|${secret}|${timestamp}`, 'utf8').digest('hex');
}

/** Fresh signing headers; a new nonce and timestamp for every call, so a retry is never stale. */
export function signedHeaders(secret: string, now: () => number = Date.now): Record<string, string> {
  const nonce = String(randomInt(1, 1_000_000));
  const timestamp = String(now());
  return { nonce, timestamp, sign: wildfireSign(nonce, secret, timestamp) };
}

export interface SignatureCheck {
  secret: string;
  now: () => number;
  /** `http.admin.no_check_time`: skip the 2-hour check. */
  noCheckTime?: boolean;
}

type HeaderBag = Record<string, string | string[] | undefined>;

function firstHeader(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The signature part of AdminAction's pre-check, in the server's order (§2): 0 when the request
 * is signed with `secret`; 239 for a missing/empty header or a timestamp that is not a Java long;
 * 243 for a timestamp more than 2 h in the past; 244 for a wrong sign (case-sensitive).
 */
export function checkSignature(headers: HeaderBag, check: SignatureCheck): 0 | 239 | 243 | 244 {
  const nonce = firstHeader(headers, 'nonce');
  const timestamp = firstHeader(headers, 'timestamp');
  const sign = firstHeader(headers, 'sign');
  if (!nonce || !timestamp || !sign) return 239;
  if (!/^[+-]?\d+$/.test(timestamp) || BigInt(timestamp) > JAVA_LONG_MAX || BigInt(timestamp) < JAVA_LONG_MIN) return 239;
  // Only past timestamps are refused; there is no nonce cache, a triple replays for 2 h.
  if (!check.noCheckTime && BigInt(check.now()) - BigInt(timestamp) > BigInt(SIGN_WINDOW_MS)) return 243;
  if (!sameSecret(sign, wildfireSign(nonce, check.secret, timestamp))) return 244;
  return 0;
}

// ---- answers (§3) ---------------------------------------------------------------------------------

/** The envelope's headers and text, as the server writes them on HTTP 200; bigint values (messageUid) are written exactly. */
export function envelopeOf(answer: Answer): { headers: Record<string, string>; text: string } {
  // Gson omits null fields; field order code, msg, result.
  const body: Json = { code: answer.code };
  if (answer.msg !== undefined) body.msg = answer.msg;
  if (answer.result !== undefined) body.result = answer.result;
  // The server adds this non-standard Content-Encoding (§1); undici and browsers ignore the unknown coding.
  return { headers: { 'Content-Type': 'application/json;charset=utf-8', 'Content-Encoding': 'utf-8' }, text: stringifyJson(body) };
}

/** The envelope on HTTP 200, with the server's headers. */
export function sendEnvelope(response: Response, answer: Answer): void {
  const { headers, text } = envelopeOf(answer);
  response.status(200);
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  // end(), not send(): express would rewrite the content type to `application/json; charset=utf-8`.
  response.end(text);
}

/** Pre-check failures (rate limit, signature) carry the envelope nested inside `result` too (§3). */
export function sendPrecheckError(response: Response, code: number): void {
  const msg = ERROR_TEXT[code] ?? 'server error';
  sendEnvelope(response, { code, msg, result: { code, msg } });
}

/** An uncaught exception in a server action: HTTP 500, body = the exception's toString(), connection closed. */
export function sendJavaException(response: Response, text: string): void {
  response.status(500);
  response.setHeader('Content-Type', 'text/plain;charset=utf-8');
  response.setHeader('Connection', 'close');
  response.send(text);
}

/** A path under `/admin` this server has no handler for (pro-only on community, wrong method): HTTP 500, empty body. */
export function sendNoHandler(response: Response): void {
  response.status(500).end();
}

// ---- Gson-lenient body reading ----------------------------------------------------------------------

/** An uncaught exception in a server action: HTTP 500, body = the exception's toString(). */
export class JavaException extends Error {}

export const NPE = 'java.lang.NullPointerException';

/**
 * The body as the server's Gson reads it: a JSON object, or a JavaException for what makes the
 * action throw (empty body → NPE, malformed JSON or a non-object → JsonSyntaxException).
 */
export function parseBody(raw: string, parse: (text: string) => unknown): Json {
  let body: unknown;
  try {
    body = raw.trim() === '' ? null : parse(raw);
  } catch (error) {
    throw new JavaException(`com.google.gson.JsonSyntaxException: ${error instanceof Error ? error.message : 'malformed JSON'}`);
  }
  if (body === null) throw new JavaException(NPE);
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new JavaException('com.google.gson.JsonSyntaxException: java.lang.IllegalStateException: Expected BEGIN_OBJECT');
  }
  return body as Json;
}

/** A String field: numbers and booleans are coerced as Gson does; null/absent → undefined. */
export function str(body: Json, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  throw new JavaException(`com.google.gson.JsonSyntaxException: java.lang.IllegalStateException: Expected a string but was BEGIN_OBJECT at path $.${key}`);
}

/** An int field: quoted numbers accepted (Gson leniency); absent → the Java default. */
export function int(body: Json, key: string, fallback = 0): number {
  const value = body[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'bigint') return Number(BigInt.asIntN(32, value));
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  throw new JavaException(`com.google.gson.JsonSyntaxException: java.lang.NumberFormatException: For input string: "${String(value)}"`);
}

/** A boolean field: `"true"` accepted; absent → false. */
export function bool(body: Json, key: string): boolean {
  const value = body[key];
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.toLowerCase() === 'true';
  throw new JavaException(`com.google.gson.JsonSyntaxException: Expected a boolean at path $.${key}`);
}

export function obj(body: Json, key: string): Json | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) return value as Json;
  throw new JavaException(`com.google.gson.JsonSyntaxException: java.lang.IllegalStateException: Expected BEGIN_OBJECT at path $.${key}`);
}

export function list(body: Json, key: string): unknown[] | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  throw new JavaException(`com.google.gson.JsonSyntaxException: java.lang.IllegalStateException: Expected BEGIN_ARRAY at path $.${key}`);
}

export function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

// ---- per-route request checks, in the server's order; the fake and the facade both read through them

/** `/admin/group/create` (§6): the group body, its info and type, or the answer the server gives first. */
export function readGroupCreate(body: Json): { group: Json; info: Json; type: number; targetId: string | undefined; owner: string } | Answer {
  const group = obj(body, 'group');
  if (!group) throw new JavaException(NPE);
  const info = obj(group, 'group_info');
  if (!info) throw new JavaException(NPE);
  const type = int(info, 'type');
  if (type < 0 || type > 3) return fail(2);
  const targetId = nonEmpty(str(info, 'target_id')) ? str(info, 'target_id')! : undefined;
  const owner = nonEmpty(str(info, 'owner')) ? str(info, 'owner')! : (str(body, 'operator') ?? '');
  return { group, info, type, targetId, owner };
}

/** `/admin/message/send` (§9): sender, conversation and payload, or 251. */
export function readMessageSend(body: Json): { sender: string; conv: Json; payload: Json; type: number; target: string } | Answer {
  const conv = obj(body, 'conv');
  const sender = str(body, 'sender');
  const payload = obj(body, 'payload');
  if (!conv || !nonEmpty(sender) || !payload) return fail(251);
  const type = int(conv, 'type');
  const target = str(conv, 'target');
  if (type < 0 || type > 6 || !nonEmpty(target)) return fail(251);
  return { sender, conv, payload, type, target };
}

/** `/admin/friend/send_request` (§5): `reason` null or absent throws in the server; blank ids are 251. */
export function readFriendRequest(body: Json): { userId: string; friendUid: string; reason: string; force: boolean } | Answer {
  const userId = str(body, 'userId');
  const friendUid = str(body, 'friendUid');
  const reason = body.reason;
  if (typeof reason !== 'string') throw new JavaException(NPE);
  if (!nonEmpty(userId) || !nonEmpty(friendUid)) return fail(251);
  return { userId, friendUid, reason, force: bool(body, 'force') };
}

/** Whether a reader above answered (a failure to send back) rather than read the request. */
export function isAnswer<Read extends object>(value: Read | Answer): value is Answer {
  return 'code' in value;
}
