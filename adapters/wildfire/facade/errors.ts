/**
 * Unified errors (ImBridgeError codes) → Wildfire's answers (vendor note §3 and §9's table of the
 * errors a user-sent message gets). Route-aware where Wildfire is: a missing member is 253 on
 * member/get but 9 on a send; an existing id is 11 for a group and code 4 with the name-clash text
 * for a user. `null` means the server's "no handler" answer (HTTP 500, empty body): what a server
 * that cannot do the operation (a community server for a pro route) answers.
 */
import { ImBridgeError } from '../../../src/spec/index.js';
import { USER_NAME_CLASH, fail, type Answer } from '../protocol/wire.js';

const SEND = '/admin/message/send';

export function toVendorError(error: unknown, path: string): Answer | null {
  if (!ImBridgeError.is(error)) return fail(4);
  switch (error.code) {
    case 'USER_NOT_FOUND':
    case 'GROUP_NOT_FOUND':
    case 'REQUEST_NOT_FOUND':
    case 'NOT_FOUND':
      return fail(253);
    case 'NOT_MEMBER':
      return fail(path === SEND ? 9 : 253);
    case 'NOT_FRIENDS':
      // A stranger's send is refused with 248 (`message.disable_stranger_chat`, §9).
      return fail(path === SEND ? 248 : 253);
    case 'NOT_WHITELISTED':
      return fail(248);
    case 'BLOCKED':
      return fail(246);
    case 'MUTED':
      // A silent member (a mute with an end) gets 248; a whole-group mute 241 (§9).
      return fail(error.details?.mutedUntil !== undefined ? 248 : 241);
    case 'ALREADY_FRIENDS':
      return fail(23);
    case 'REQUEST_PENDING':
      return fail(16);
    case 'ALREADY_EXISTS':
      return path === '/admin/user/create' ? { code: 4, msg: USER_NAME_CLASH } : fail(11);
    case 'INVALID_ARGUMENT':
    case 'INVALID_ID':
      return fail(251);
    case 'UNSUPPORTED':
      return null;
    case 'UNSUPPORTED_OPTION':
      return fail(254);
    case 'RATE_LIMITED':
      return fail(250);
    case 'UPSTREAM_UNAVAILABLE':
      return fail(249);
    default:
      // UPSTREAM_AUTH, UPSTREAM_ERROR, PARTIAL_FAILURE: the backend's trouble, not the client's;
      // never code 1 "secrect key mismatch", which would blame the app's own secret.
      return fail(4);
  }
}

/** A pass-through upstream that did not answer: Wildfire's internal timeout (249) or a server error (4). */
export function passThroughFailure(failure: 'timeout' | 'unreachable'): Answer {
  return fail(failure === 'timeout' ? 249 : 4);
}
