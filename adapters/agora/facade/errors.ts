/**
 * Unified errors (ImBridgeError codes) → Agora Chat refusals: status, `error`, `error_description`
 * (vendor note §2). Routes throw `AgoraRefusalError` for the vendor's own checks and let backend
 * errors through; `toVendorError` turns either into the answer. Codes with no Agora counterpart get
 * the nearest vendor code (README, "Error mapping").
 */
import { ImBridgeError } from '../../../src/spec/index.js';
import { TEXTS, notMemberStatus, type AgoraRefusal } from '../protocol/wire.js';

/** A refusal in the vendor's own terms, thrown by a route and answered as is. */
export class AgoraRefusalError extends Error {
  constructor(readonly refusal: AgoraRefusal) {
    super(refusal.description);
  }
}

export function refuse(status: number, error: string, description: string): never {
  throw new AgoraRefusalError({ status, error, description });
}

/** What the failed call was about, for the texts that name it. */
export interface RefusalContext {
  /** The room of a room route: its id and whether it is a group (403) or a chat room (400). */
  room?: { id: string; isGroup: boolean };
  /** The users the call named, for "users [...] are not members of this group!". */
  users?: readonly string[];
}

export function toVendorError(error: unknown, context: RefusalContext = {}): AgoraRefusal & { retryAfterSeconds?: number } {
  if (error instanceof AgoraRefusalError) return error.refusal;
  if (!(error instanceof ImBridgeError)) return { status: 500, error: 'internal_server_error', description: 'an unexpected error occurred' };
  switch (error.code) {
    case 'USER_NOT_FOUND':
      return { status: 404, error: 'service_resource_not_found', description: TEXTS.serviceResourceNotFound };
    case 'GROUP_NOT_FOUND':
      return { status: 404, error: 'resource_not_found', description: TEXTS.roomMissing(context.room?.id ?? '') };
    case 'NOT_MEMBER':
      return { status: notMemberStatus(context.room?.isGroup ?? true), error: 'forbidden_op', description: TEXTS.notMembers(context.users ?? []) };
    case 'NOT_FRIENDS':
      return { status: 400, error: 'illegal_argument', description: TEXTS.notFriends };
    case 'BLOCKED':
    case 'MUTED':
    case 'NOT_WHITELISTED':
      // Agora documents no REST refusal for these (note open question 9); the backend's policy
      // check refuses, and `forbidden_op` is the vendor's code for a refused operation.
      return { status: 403, error: 'forbidden_op', description: `${error.code}: ${error.message}` };
    case 'ALREADY_EXISTS':
    case 'ALREADY_FRIENDS':
    case 'REQUEST_PENDING':
      return { status: 400, error: 'duplicate_unique_property_exists', description: error.message };
    case 'INVALID_ID':
      return { status: 400, error: 'illegal_argument', description: error.message };
    case 'INVALID_ARGUMENT':
    case 'UNSUPPORTED_OPTION':
      return { status: 400, error: 'invalid_parameter', description: error.message };
    case 'UNSUPPORTED':
      // The vendor's own code for an operation the server does not offer (§2, 500).
      return { status: 500, error: 'unsupported_service_operation', description: error.message };
    case 'RATE_LIMITED':
      return { status: 429, error: 'reach_limit', description: TEXTS.reachLimit, ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}) };
    case 'UPSTREAM_UNAVAILABLE':
      return { status: 503, error: 'service_unavailable', description: 'the backend behind this endpoint is unavailable' };
    case 'UPSTREAM_AUTH':
    case 'UPSTREAM_ERROR':
    case 'PARTIAL_FAILURE':
      return { status: 502, error: 'bad_gateway', description: `the backend behind this endpoint failed: ${error.code}` };
    default:
      return { status: 500, error: 'internal_server_error', description: 'an unexpected error occurred' };
  }
}

/** Pass-through failures (§2 has no code for them; the shape is the vendor's error body). */
export function passThroughFailure(failure: 'timeout' | 'unreachable'): AgoraRefusal {
  return failure === 'timeout'
    ? { status: 504, error: 'gateway_timeout', description: 'the upstream Agora Chat service did not answer in time' }
    : { status: 502, error: 'bad_gateway', description: 'the upstream Agora Chat service cannot be reached' };
}
