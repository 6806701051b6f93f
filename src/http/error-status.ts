/** The one place that maps a unified error code to its HTTP status (docs/api.md, "Errors"). */
import type { ErrorCode, ImBridgeError } from '../spec/index.js';

const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  INVALID_ID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN_BACKEND: 403,
  BLOCKED: 403,
  NOT_FRIENDS: 403,
  NOT_WHITELISTED: 403,
  MUTED: 403,
  NOT_MEMBER: 403,
  USER_NOT_FOUND: 404,
  GROUP_NOT_FOUND: 404,
  REQUEST_NOT_FOUND: 404,
  BACKEND_NOT_FOUND: 404,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  IDEMPOTENCY_MISMATCH: 422,
  ALREADY_FRIENDS: 409,
  ALREADY_EXISTS: 409,
  REQUEST_PENDING: 409,
  UNSUPPORTED: 501,
  UNSUPPORTED_OPTION: 422,
  RATE_LIMITED: 429,
  UPSTREAM_AUTH: 502,
  UPSTREAM_ERROR: 502,
  UPSTREAM_UNAVAILABLE: 503,
  PARTIAL_FAILURE: 502,
  INTERNAL: 500,
};

/** What the answered call was, where one code means different things on different calls. */
export interface StatusContext {
  /** The call reads or edits one friendship entry (`GET`/`PATCH …/friends/{b}`). */
  friendshipEntry?: boolean;
}

/**
 * NOT_FRIENDS is a 403 when policy refuses a send, and a 404 when a friendship entry is looked up
 * and absent. The call says which, not the error's class: the class does not cross the wire, so
 * an imbridge serving another imbridge's answers must reach the same status from the code.
 */
export function httpStatusFor(error: ImBridgeError, context: StatusContext = {}): number {
  if (error.code === 'NOT_FRIENDS' && context.friendshipEntry === true) return 404;
  return STATUS_BY_CODE[error.code];
}

export function httpStatusForCode(code: ErrorCode): number {
  return STATUS_BY_CODE[code];
}
