/**
 * Agora Chat error answers → unified errors: ONE table (vendor note §2, §4, §6–§14).
 * Agora's body is `{ error, exception, error_description }`; the machine code `error` is shared by
 * unrelated failures (`forbidden_op` covers both "not a member" and "owner"), so rows match on the
 * status, the code and, where needed, the description. The first matching row wins.
 * Credentials never reach an error: only status, `error` and `error_description` are kept.
 */
import {
  type ErrorCode,
  errorForCode,
  ImBridgeError,
  type UpstreamInfo,
} from '../../../src/spec/index.js';

export const VENDOR = 'agora';

/** What the failed call was about, to tell "user missing" from "room missing" on a bare 404. */
export type ResourceHint = 'user' | 'room' | 'other';

export interface AgoraFailure {
  status: number;
  /** The body's `error` field; null when the body had none. */
  error: string | null;
  /** The body's `error_description`; null when absent. */
  description: string | null;
}

export interface ErrorRow {
  /** Vendor HTTP status; undefined = any. */
  status?: number | ((status: number) => boolean);
  /** Vendor `error` code; undefined = any. */
  error?: string;
  /** Pattern on `error_description`; undefined = any. */
  description?: RegExp;
  /** Restricts the row to calls about this resource. */
  hint?: ResourceHint;
  /** The unified code this row produces (documented in README, checked by the table test). */
  code: ErrorCode;
  /** Where the note lists this answer. */
  section: string;
}

/** Order matters: specific rows before the catch-alls of the same status. */
export const ERROR_TABLE: readonly ErrorRow[] = [
  // 401: our app token refused (the client has already rebuilt it once).
  { status: 401, code: 'UPSTREAM_AUTH', section: '§2, §3' },
  { status: 404, error: 'organization_application_not_found', code: 'UPSTREAM_AUTH', section: '§2' },
  // Users.
  { status: 400, error: 'illegal_argument', description: /is not legal|USERNAME_TOO_LONG/i, code: 'INVALID_ID', section: '§2, §5' },
  { status: 400, error: 'illegal_argument', description: /not friends/i, code: 'NOT_FRIENDS', section: '§6' },
  { status: 400, error: 'duplicate_unique_property_exists', code: 'ALREADY_EXISTS', section: '§5' },
  { status: 404, error: 'resource_not_found', description: /username .* doesn'?t exist/i, code: 'USER_NOT_FOUND', section: '§8, §9' },
  // Making a non-member an admin: "user: X doesn't exist in group: G".
  { status: 404, error: 'resource_not_found', description: /doesn'?t exist in (group|chatroom)/i, code: 'NOT_MEMBER', section: '§17' },
  { status: 404, error: 'resource_not_found', description: /grpID|does not exist/i, code: 'GROUP_NOT_FOUND', section: '§8, §10' },
  { status: 404, error: 'service_resource_not_found', description: /do not find this group/i, code: 'GROUP_NOT_FOUND', section: '§9' },
  { status: 404, error: 'service_resource_not_found', hint: 'room', code: 'GROUP_NOT_FOUND', section: '§9' },
  { status: 404, error: 'service_resource_not_found', code: 'USER_NOT_FOUND', section: '§2, §5, §6, §7' },
  { status: 404, hint: 'room', code: 'GROUP_NOT_FOUND', section: '§8–§12' },
  { status: 404, code: 'USER_NOT_FOUND', section: '§2' },
  // Rooms: 400 for chat rooms, 403 for groups — the same meaning.
  { status: (status) => status === 400 || status === 403, error: 'forbidden_op', description: /not members? of/i, code: 'NOT_MEMBER', section: '§2, §10, §11' },
  { status: 403, error: 'forbidden_op', description: /group owner|owner are the same/i, code: 'INVALID_ARGUMENT', section: '§8, §11, §12' },
  { status: 403, error: 'forbidden_op', description: /already in group/i, code: 'ALREADY_EXISTS', section: '§8' },
  { status: 403, error: 'forbidden_op', description: /blacklist|block/i, code: 'BLOCKED', section: '§12' },
  { status: 403, error: 'forbidden_op', description: /too many/i, code: 'UPSTREAM_ERROR', section: '§2' },
  { status: (status) => status === 400 || status === 403, error: 'forbidden_op', code: 'UPSTREAM_ERROR', section: '§2' },
  // Plan caps (contacts, groups, room size): no unified code fits; the caller must see the vendor's text.
  { status: 403, error: 'exceed_limit', code: 'UPSTREAM_ERROR', section: '§2, §6, §8' },
  { status: 403, error: 'group_name_violation', code: 'INVALID_ARGUMENT', section: '§8' },
  // §4: the message-rate cap is a 403, not a 429; it is throttling all the same.
  { status: 403, error: 'message_send_error', description: /reach limit/i, code: 'RATE_LIMITED', section: '§2, §4' },
  { status: 400, description: /too many queries/i, code: 'RATE_LIMITED', section: '§2' },
  // QPS throttling still on after the client's retries; plan quota is not cured by waiting.
  { status: 429, error: 'resource_limited', code: 'UPSTREAM_ERROR', section: '§2, §4' },
  { status: 429, code: 'RATE_LIMITED', section: '§2, §4' },
  // Our own request was malformed or over a cap we chunk below: a bug on our side, not the caller's.
  { status: 400, error: 'json_parse', code: 'UPSTREAM_ERROR', section: '§2' },
  { status: 400, error: 'invalid_request_body', code: 'UPSTREAM_ERROR', section: '§2, §13' },
  { status: 400, error: 'invalid_parameter', description: /max ?limit|maxSize/i, code: 'UPSTREAM_ERROR', section: '§2, §10–§12' },
  // A value the vendor refuses (too long a remark or description, a missing field …).
  { status: 400, error: 'invalid_parameter', code: 'INVALID_ARGUMENT', section: '§2' },
  { status: 400, error: 'illegal_argument', code: 'INVALID_ARGUMENT', section: '§2' },
  { status: 400, code: 'INVALID_ARGUMENT', section: '§2' },
  { status: 408, code: 'UPSTREAM_UNAVAILABLE', section: '§2' },
  { status: (status) => status === 405 || status === 413 || status === 415, code: 'UPSTREAM_ERROR', section: '§2' },
  { status: (status) => status >= 502 && status <= 504, code: 'UPSTREAM_UNAVAILABLE', section: '§2' },
  { status: (status) => status === 500 || status === 501, code: 'UPSTREAM_ERROR', section: '§2' },
];

function rowMatches(row: ErrorRow, failure: AgoraFailure, hint: ResourceHint): boolean {
  if (row.status !== undefined) {
    if (typeof row.status === 'number' ? row.status !== failure.status : !row.status(failure.status)) return false;
  }
  if (row.error !== undefined && row.error !== failure.error) return false;
  if (row.description !== undefined && !row.description.test(failure.description ?? '')) return false;
  if (row.hint !== undefined && row.hint !== hint) return false;
  return true;
}

/** The row a failure maps to; undefined → UPSTREAM_ERROR. Exported for the table test. */
export function findErrorRow(failure: AgoraFailure, hint: ResourceHint = 'other'): ErrorRow | undefined {
  return ERROR_TABLE.find((row) => rowMatches(row, failure, hint));
}

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  UPSTREAM_AUTH: 'Agora Chat refused the proxy\'s app credentials (check appId, appCertificate, orgName/appName)',
  USER_NOT_FOUND: 'user not found',
  GROUP_NOT_FOUND: 'room not found',
  NOT_MEMBER: 'not a member of this room',
  NOT_FRIENDS: 'not friends',
  RATE_LIMITED: 'Agora Chat is throttling requests',
};

/** Builds the unified error for a vendor failure. */
export function toUnifiedError(failure: AgoraFailure, hint: ResourceHint = 'other'): ImBridgeError {
  const row = findErrorRow(failure, hint);
  const code: ErrorCode = row?.code ?? 'UPSTREAM_ERROR';
  const upstream: UpstreamInfo = { vendor: VENDOR, status: failure.status, code: failure.error, message: failure.description };
  const text = failure.description ?? failure.error ?? `HTTP ${failure.status}`;
  const message = `${MESSAGES[code] ?? 'Agora Chat refused the call'}: ${text}`;
  if (code === 'INVALID_ARGUMENT') return errorForCode(code, message, { upstream, details: { errors: [{ path: '', message: text }] } });
  // §4: the message cap is per minute; the QPS cap per second.
  if (code === 'RATE_LIMITED') return errorForCode(code, message, { upstream, retryAfterSeconds: failure.status === 403 ? 60 : 1 });
  return errorForCode(code, message, { upstream });
}
