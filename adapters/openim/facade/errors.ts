/**
 * Unified errors (ImBridgeError codes) → OpenIM's `errCode` and texts (vendor note §4). Each route
 * first checks what OpenIM checks itself, in OpenIM's order, so that most refusals already carry
 * the route's own code; this table is for what a backend refuses on its own.
 */
import { ImBridgeError, type ErrorCode } from '../../../src/spec/index.js';
import { WireError } from '../protocol/wire.js';

const DEFAULT_CODES: Readonly<Partial<Record<ErrorCode, number>>> = {
  INVALID_ARGUMENT: 1001,
  INVALID_ID: 1001,
  // An option the backend cannot honour (a mute duration): the argument is what cannot be served.
  UNSUPPORTED_OPTION: 1001,
  USER_NOT_FOUND: 1004,
  GROUP_NOT_FOUND: 1004,
  REQUEST_NOT_FOUND: 1004,
  NOT_FOUND: 1004,
  NOT_FRIENDS: 1004,
  NOT_MEMBER: 1004,
  ALREADY_EXISTS: 1202,
  ALREADY_FRIENDS: 1304,
  BLOCKED: 1302,
  MUTED: 1402,
  // The backend's vendor is down: OpenIM's NetworkError, which clients treat as transient.
  UPSTREAM_UNAVAILABLE: 90004,
  RATE_LIMITED: 90004,
};

/** Overrides per unified code for one call site; `null` means "OpenIM succeeds here". */
export type CodeOverrides = Partial<Record<ErrorCode, number | null>>;

/** The unified code behind an OpenIM error, for imbridge's log line (OpenIM's envelope has only its own). */
const UNIFIED_CODES = new WeakMap<WireError, ErrorCode>();

export function unifiedCodeOf(error: WireError): ErrorCode | undefined {
  return UNIFIED_CODES.get(error);
}

/** `replacement` stands for `original` (a route's own text for the same refusal): it keeps the unified code. */
export function carryUnifiedCode(original: WireError, replacement: WireError): WireError {
  const code = UNIFIED_CODES.get(original);
  if (code !== undefined) UNIFIED_CODES.set(replacement, code);
  return replacement;
}

/** The OpenIM error for `error`, or null when the call site treats that code as success. */
export function toVendorError(error: unknown, overrides: CodeOverrides = {}): WireError | null {
  const wire = wireErrorFor(error, overrides);
  if (wire !== null && ImBridgeError.is(error)) UNIFIED_CODES.set(wire, error.code);
  return wire;
}

function wireErrorFor(error: unknown, overrides: CodeOverrides): WireError | null {
  if (error instanceof WireError) return error;
  if (!ImBridgeError.is(error)) return new WireError(500, 'internal error');
  if (error.code in overrides) {
    const code = overrides[error.code];
    if (code === null || code === undefined) return null;
    return new WireError(code, error.message);
  }
  // UNSUPPORTED, UPSTREAM_AUTH, UPSTREAM_ERROR, PARTIAL_FAILURE, INTERNAL: OpenIM's catch-all 500.
  // The unified message is secret-free by contract (adapters redact vendor texts).
  return new WireError(DEFAULT_CODES[error.code] ?? 500, error.message);
}

/** Runs `work`; a unified error becomes the OpenIM error (or `fallback` when the code means success here). */
export async function translate<T>(work: () => Promise<T>, overrides: CodeOverrides = {}, fallback?: T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const wire = toVendorError(error, overrides);
    if (wire === null) return fallback as T;
    throw wire;
  }
}

/** Pass-through failures in OpenIM's envelope: 90004 NetworkError, HTTP 200 like every business outcome. */
export function passThroughFailure(failure: 'timeout' | 'unreachable'): WireError {
  return new WireError(90004, failure === 'timeout' ? 'upstream OpenIM server timed out' : 'upstream OpenIM server unreachable');
}
