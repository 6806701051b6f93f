/**
 * Agora Chat's wire protocol, shared by the fake (`fake/`) and the compat facade
 * (`adapters/agora/facade`): the app path prefix, the app-token check, the usergrid success envelope,
 * the error body, the per-call caps, the offset cursor and the vendor's error texts (vendor note
 * §1–§16). Both speak the vendor's wire format from this one module, so they cannot drift apart.
 * Nothing here knows a Backend or the fake's state.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// ─────────── caps and rules (§1, §5–§12) ───────────

/** Members, allow lists, mutes, bans and batch registration: 60 per call. */
export const ROOM_CAP = 60;
/** User block list add: 50 per call (§7). */
export const BLOCK_ADD_CAP = 50;
/** Agora user IDs: lower-case `a-z 0-9 _ - .` (§1), at most 64 bytes. */
export const USERNAME = /^[a-z0-9_.-]+$/;
export const USERNAME_MAX_BYTES = 64;

// ─────────── error body (§2) ───────────

/** The Java exception class each error code carries in `exception` (§2). */
export const EXCEPTIONS: Readonly<Record<string, string>> = {
  unauthorized: 'org.apache.usergrid.rest.exceptions.SecurityException',
  auth_bad_access_token: 'org.apache.usergrid.rest.exceptions.SecurityException',
  service_resource_not_found: 'UserNotFoundException',
  resource_not_found: 'ResourceNotFoundException',
  forbidden_op: 'EasemobForbiddenOpException',
  exceed_limit: 'EasemobForbiddenOpException',
  illegal_argument: 'IllegalArgumentException',
  invalid_parameter: 'IllegalArgumentException',
  duplicate_unique_property_exists: 'DuplicateUniquePropertyExistsException',
  json_parse: 'JsonParseException',
  invalid_request_body: 'InvalidRequestBodyException',
  organization_application_not_found: 'OrganizationApplicationNotFoundException',
  web_application: 'javax.ws.rs.WebApplicationException',
  reach_limit: 'EasemobLimitException',
};

export interface AgoraErrorBody {
  error: string;
  exception: string;
  timestamp: number;
  duration: number;
  error_description: string;
}

export function errorBody(error: string, description: string, timestamp: number = Date.now()): AgoraErrorBody {
  return { error, exception: EXCEPTIONS[error] ?? 'EasemobException', timestamp, duration: 0, error_description: description };
}

/** One refusal: HTTP status, `error` code and `error_description`. */
export interface AgoraRefusal {
  status: number;
  error: string;
  description: string;
}

// ─────────── success envelope (§2) ───────────

export interface EnvelopeFields {
  action: string;
  application: string;
  /** Path below the app prefix. */
  path: string;
  uri: string;
  timestamp: number;
  organization?: string;
  applicationName?: string;
  entities?: unknown[];
  data?: unknown;
  count?: number;
  cursor?: string;
  extra?: Record<string, unknown>;
}

/** The usergrid success envelope: `data`, `count` and `cursor` only when the call has them. */
export function successEnvelope(fields: EnvelopeFields): Record<string, unknown> {
  const body: Record<string, unknown> = {
    action: fields.action,
    application: fields.application,
    path: fields.path,
    uri: fields.uri,
    entities: fields.entities ?? [],
    timestamp: fields.timestamp,
    duration: 0,
  };
  if (fields.organization !== undefined) body.organization = fields.organization;
  if (fields.applicationName !== undefined) body.applicationName = fields.applicationName;
  Object.assign(body, fields.extra);
  if (fields.data !== undefined) body.data = fields.data;
  if (fields.count !== undefined) body.count = fields.count;
  if (fields.cursor !== undefined) body.cursor = fields.cursor;
  return body;
}

export interface UserEntityFields {
  uuid: string;
  username: string;
  created: number;
  modified: number;
  activated: boolean;
  nickname?: string | null;
}

/** A user entity (§2): `nickname` only when set. */
export function userEntity(user: UserEntityFields): Record<string, unknown> {
  const view: Record<string, unknown> = {
    uuid: user.uuid,
    type: 'user',
    created: user.created,
    modified: user.modified,
    username: user.username,
    activated: user.activated,
  };
  if (user.nickname !== undefined && user.nickname !== null) view.nickname = user.nickname;
  return view;
}

// ─────────── app prefix (§1) ───────────

export interface AppIdentity {
  /** With `appName`: the `/{org}/{app}` prefix. Absent: only `/app-id/{appId}` is served. */
  orgName?: string;
  appName?: string;
  appId: string;
}

/** The prefix a request path uses and the path below it; null when it names another app. */
export function resolveAppPath(path: string, app: AppIdentity): { prefix: string; rest: string } | null {
  const byAppId = /^\/app-id\/([^/]+)(\/.*)?$/.exec(path);
  if (byAppId && safeDecode(byAppId[1]!) === app.appId) return { prefix: `/app-id/${app.appId}`, rest: byAppId[2] ?? '/' };
  const byKey = /^\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
  if (byKey && app.orgName !== undefined && app.appName !== undefined && safeDecode(byKey[1]!) === app.orgName && safeDecode(byKey[2]!) === app.appName) {
    return { prefix: `/${app.orgName}/${app.appName}`, rest: byKey[3] ?? '/' };
  }
  return null;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** §2: 404 `organization_application_not_found` for a path naming an unknown org/app. */
export function appNotFound(path: string): AgoraRefusal {
  const shown = path.split('/').filter(Boolean).slice(0, 2).join('/');
  return { status: 404, error: 'organization_application_not_found', description: `Could not find application for ${shown} from URI: ${path.slice(1)}` };
}

// ─────────── app token (§3) ───────────

interface ParsedService {
  service_type(): number;
  __privileges: Record<string, number>;
}

interface AccessToken2Instance {
  /** agora-token's reader hands strings back as Buffers. */
  appId: Buffer | string;
  issueTs: number;
  expire: number;
  from_string(token: string): boolean;
  verifySignature(appCertificate: string): boolean;
  getServices(serviceType: number): ParsedService[];
}

// agora-token has no `exports` map and no types for its internals; the shape is declared above.
const { AccessToken2 } = require('agora-token/src/AccessToken2.js') as { AccessToken2: new () => AccessToken2Instance };

export const CHAT_SERVICE_TYPE = 5;
export const CHAT_APP_PRIVILEGE = 2;

export type TokenVerdict = { ok: true } | { ok: false; status: 401; error: 'unauthorized' | 'auth_bad_access_token'; description: string };

const EXPIRED = 'Unable to authenticate due to expired access token';
const CORRUPT = 'Unable to authenticate due to corrupt access token';
const FOREIGN = 'Unable to authenticate';

/**
 * Verifies an `Authorization` header value as the vendor does: the AccessToken2 parsed with
 * agora-token's own parser, the HMAC signature with the App Certificate, the Chat service with
 * the app privilege (service 5, privilege 2) and the expiry (`issueTs + expire`).
 */
export function checkAuthorization(header: string | undefined, appId: string, appCertificate: string, nowSeconds: number): TokenVerdict {
  // §2: a missing token reads as "expired access token".
  if (header === undefined || !/^Bearer\s+\S/i.test(header)) return { ok: false, status: 401, error: 'unauthorized', description: EXPIRED };
  const token = header.replace(/^Bearer\s+/i, '').trim();
  const parsed = new AccessToken2();
  let readable = false;
  try {
    readable = parsed.from_string(token);
  } catch {
    // agora-token throws on some truncated inputs instead of answering false.
    readable = false;
  }
  if (!readable) return { ok: false, status: 401, error: 'auth_bad_access_token', description: CORRUPT };
  // Well-formed but not issued for this app (other App ID or certificate): "Unable to authenticate".
  if (String(parsed.appId) !== appId || !parsed.verifySignature(appCertificate)) {
    return { ok: false, status: 401, error: 'auth_bad_access_token', description: FOREIGN };
  }
  const chat = parsed.getServices(CHAT_SERVICE_TYPE)[0];
  const privilegeExpire = chat?.__privileges[String(CHAT_APP_PRIVILEGE)];
  // A user token (privilege 1) or a token of another service is not an app token.
  if (privilegeExpire === undefined) return { ok: false, status: 401, error: 'auth_bad_access_token', description: FOREIGN };
  if (nowSeconds > parsed.issueTs + parsed.expire || nowSeconds > parsed.issueTs + privilegeExpire) {
    return { ok: false, status: 401, error: 'unauthorized', description: EXPIRED };
  }
  return { ok: true };
}

// ─────────── request body (§1, §2) ───────────

/** Reads a raw body as the vendor does: empty is no body, non-JSON types 415, bad JSON 400. */
export function parseBody(raw: string, contentType: string | undefined): { ok: true; json: unknown } | { ok: false; refusal: AgoraRefusal } {
  if (raw.trim() === '') return { ok: true, json: undefined };
  if (!/application\/json/i.test(contentType ?? '')) return { ok: false, refusal: { status: 415, error: 'web_application', description: 'Unsupported Media Type' } };
  try {
    return { ok: true, json: JSON.parse(raw) };
  } catch (error) {
    return { ok: false, refusal: { status: 400, error: 'json_parse', description: `Unexpected character: ${error instanceof Error ? error.message : 'bad JSON'}` } };
  }
}

// ─────────── cursors (§5, §6, §7, §8, §9, §12) ───────────

/**
 * The `limit` of the list-all calls (`GET /users`, `/chatgroups`, `/chatrooms`): default 10; above
 * the call's maximum the server answers the maximum (声网 f5638d0 `account_system.md`,
 * `group_manage.md`, `chatroom_manage.md`). Null for a value that is not a positive integer.
 */
export function listLimit(value: unknown, max: number): number | null {
  if (value === undefined) return 10;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) return null;
  return Math.min(limit, max);
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64');
}

export function decodeCursor(cursor: unknown): number {
  if (typeof cursor !== 'string' || cursor === '') return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match ? Number(match[1]) : 0;
}

// ─────────── the vendor's texts (§2, §5–§14) ───────────

export const TEXTS = {
  serviceResourceNotFound: 'Service resource not found',
  /** The text of Agora's status-code page (`_http-status-codes.mdx`), with its full stop. */
  serviceResourceNotFoundDot: 'Service resource not found.',
  invalidRequest: 'This is an invalid request.',
  unknownRoute: 'javax.ws.rs.WebApplicationException',
  usernameMissing: 'username must be provided',
  usernameTooLong: 'USERNAME_TOO_LONG',
  usernameIllegal: (username: string) => `username ${username} is not legal`,
  passwordMissing: 'password or pin must provided',
  duplicateUser: (application: string, username: string) =>
    `Application ${application} Entity user requires that property named username be unique, value of ${username} exists`,
  batchDuplicate: (username: string) => `the ${username} already exists`,
  registerCap: `usernames size is more than max limit : ${ROOM_CAP}`,
  contactPageCap: 'getContacts | page size more than max limit : 50',
  remarkMissing: 'remark must be provided',
  remarkTooLong: 'remark length more than max limit : 100',
  notFriends: 'updateRemark they are not friends, please add as a friend first.',
  usernamesMissing: 'usernames must be provided',
  blockAddCap: `usernames size is more than max limit : ${BLOCK_ADD_CAP}`,
  pageSizeRange: 'pageSize must be in 1..50',
  /** Not documented: what the list-all calls answer to a `limit` below 1 or not a number (the fake's choice). */
  listLimitInvalid: 'limit must be a positive number',
  invalidRequestBody: 'Request body is invalid. Please check body is correct.',
  channelMissing: 'field channel cannot be null or empty',
  typeMissing: 'field type cannot be null or empty',
  deleteRoamMissing: 'field delete_roam cannot be null',
  nameMissing: 'name must be provided',
  descriptionMissing: 'description must be provided',
  ownerMissing: 'owner must be provided',
  membersNotList: 'members must be a list of usernames',
  membersEmpty: 'members must contain at least one user',
  userMissing: (username: string) => `username ${username} doesn't exist!`,
  tooManyMembers: 'members size is greater than max user size !',
  roomMissing: (id: string) => `grpID ${id} does not exist!`,
  chatroomMissing: (id: string) => `do not find this group:${id}`,
  pageSizeBetween: (max: number) => `pagesize must be in 1..${max}`,
  bannedFromRoom: (username: string, id: string) => `user ${username} is in the blacklist of group ${id}`,
  alreadyMember: (username: string, id: string) => `can not join this group, reason:user: ${username} already in group: ${id}\n`,
  addMembersCap: `addMembers: addMembers number more than maxSize : ${ROOM_CAP}`,
  kickCap: `kickMember: kickMembers number more than maxSize : ${ROOM_CAP}`,
  ownerRefused: 'forbidden operation on group owner!',
  notMembers: (names: readonly string[]) => `users [${names.join(', ')}] are not members of this group!`,
  kickNotMember: (username: string) => `user ${username} doesn't exist.`,
  whitelistAddCap: `usernames size is more than max limit : ${ROOM_CAP}`,
  whitelistRemoveCap: `removeWhitelist size is more than max limit : ${ROOM_CAP}`,
  muteCap: `userNames size is more than max limit : ${ROOM_CAP}`,
  muteDurationMissing: 'mute_duration must be provided',
  unmuteCap: `removeMute member size more than max limit : ${ROOM_CAP}`,
  banNotMember: (username: string, isGroup: boolean, id: string) => `user: ${username} doesn't exist in ${isGroup ? 'group' : 'chatroom'}: ${id}`,
  banAddCap: `userNames is more than max limit : ${ROOM_CAP}`,
  newAdminMissing: 'newadmin must be provided',
  /** 声网 `group_member_admin.md` (f5638d0): 404 `resource_not_found` for a non-member. */
  adminNotMember: (username: string, isGroup: boolean, id: string) => `user: ${username} doesn't exist in ${isGroup ? 'group' : 'chatroom'}: ${id}`,
  /** 声网 `group_member_admin.md` (f5638d0): 403 `forbidden_op` for demoting a non-admin. */
  notAdmin: (username: string, isGroup: boolean, id: string) => `user:${username} is not admin of ${isGroup ? 'group' : 'chatroom'}:${id}`,
  banRemoveCap: `removeBlacklist: list size more than max limit : ${ROOM_CAP}`,
  fromEmpty: 'from must not be empty',
  toMissing: 'to must be provided',
  messageBodyMissing: 'body must be provided',
  reachLimit: 'This request has reached API limit.',
} as const;

/** Not-a-member is `forbidden_op` with 400 for chat rooms and 403 for groups (§10, §11). */
export function notMemberStatus(isGroup: boolean): number {
  return isGroup ? 403 : 400;
}

// ─────────── admins (§17) ───────────

/** The `newadmin` of an add-admin body (§17), or the vendor's refusal when it is not a name. */
export function newAdminOf(input: unknown): string | AgoraRefusal {
  const record = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  if (typeof record.newadmin !== 'string' || record.newadmin === '') return { status: 400, error: 'invalid_parameter', description: TEXTS.newAdminMissing };
  return record.newadmin;
}

// ─────────── registration (§5) ───────────

/** A registration the vendor's checks let through. */
export interface Registration {
  username: string;
  password: string;
  nickname?: string;
}

/** The vendor's checks of one registration body, in its order (§5), shared by the fake and the facade. */
export function checkRegistration(input: unknown): Registration | AgoraRefusal {
  const record = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  const username = record.username;
  if (typeof username !== 'string' || username === '') return { status: 400, error: 'illegal_argument', description: TEXTS.usernameMissing };
  if (Buffer.byteLength(username) > USERNAME_MAX_BYTES) return { status: 400, error: 'illegal_argument', description: TEXTS.usernameTooLong };
  if (!USERNAME.test(username)) return { status: 400, error: 'illegal_argument', description: TEXTS.usernameIllegal(username) };
  if (typeof record.password !== 'string' || record.password === '') return { status: 400, error: 'illegal_argument', description: TEXTS.passwordMissing };
  const password = record.password;
  return typeof record.nickname === 'string' ? { username, password, nickname: record.nickname } : { username, password };
}
