/**
 * The one error hierarchy of imbridge. Every backend (native or vendor) throws these; the HTTP
 * layer turns them into the unified envelope with a single code → status function
 * (`src/http/error-status.ts`). Vendor adapters translate their vendor's errors into these once,
 * in their own `errors.ts`.
 */

/** Every unified error code of the contract (`docs/api.md`, "Errors"). */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'INVALID_ID',
  'UNAUTHENTICATED',
  'FORBIDDEN_BACKEND',
  'BLOCKED',
  'NOT_FRIENDS',
  'NOT_WHITELISTED',
  'MUTED',
  'NOT_MEMBER',
  'USER_NOT_FOUND',
  'GROUP_NOT_FOUND',
  'REQUEST_NOT_FOUND',
  'BACKEND_NOT_FOUND',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'IDEMPOTENCY_MISMATCH',
  'ALREADY_FRIENDS',
  'ALREADY_EXISTS',
  'REQUEST_PENDING',
  'UNSUPPORTED',
  'UNSUPPORTED_OPTION',
  'RATE_LIMITED',
  'UPSTREAM_AUTH',
  'UPSTREAM_ERROR',
  'UPSTREAM_UNAVAILABLE',
  'PARTIAL_FAILURE',
  /** An unexpected failure inside imbridge itself (a bug): never caused by the caller's input. */
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** What the vendor itself answered, kept verbatim (minus secrets) for the caller's diagnosis. */
export interface UpstreamInfo {
  /** The vendor's name, as in `adapters/index.ts`. */
  vendor: string;
  /** HTTP status the vendor answered with; 0 when no answer arrived (timeout, refused connection). */
  status: number;
  /** The vendor's own error code (`errCode`, `code`, `error`, …) as a string; null when it had none. */
  code: string | null;
  /** The vendor's own error text; null when it had none. */
  message: string | null;
}

export interface ImBridgeErrorOptions {
  /** Structured, secret-free detail for the caller (ajv paths, capability name, steps …). */
  details?: Record<string, unknown>;
  upstream?: UpstreamInfo;
  /** Overrides the code's default retryability (e.g. an upstream 503 is retryable, a 502 is not). */
  retryable?: boolean;
  /** Seconds the caller should wait before retrying (RATE_LIMITED); sent as `Retry-After`. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['RATE_LIMITED', 'UPSTREAM_UNAVAILABLE']);

/**
 * Marks every unified error, so that two copies of this module (two installed versions of the
 * package, or a bundle beside the sources) still recognise each other's errors.
 */
const ERROR_MARKER = Symbol.for('imbridge.error');

/** Base class: a unified error code, a human message, and whether retrying the same call may succeed. */
export class ImBridgeError extends Error {
  readonly [ERROR_MARKER] = true;
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details?: Record<string, unknown>;
  readonly upstream?: UpstreamInfo;
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, options: ImBridgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    if (options.details !== undefined) this.details = options.details;
    if (options.upstream !== undefined) this.upstream = options.upstream;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** True for any unified error, from this copy of the module or another one. */
  static is(value: unknown): value is ImBridgeError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ERROR_MARKER] === true;
  }

  // `x instanceof ImBridgeError` reads the marker, so it holds across copies too; the subclasses
  // keep the ordinary prototype test.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === ImBridgeError) return ImBridgeError.is(value);
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/** 400: schema or value error. `details.errors` lists the failing paths. */
export class InvalidArgumentError extends ImBridgeError {
  constructor(message: string, options: ImBridgeErrorOptions = {}) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** 400: an ID breaks the unified or the backend's ID rule. */
export class InvalidIdError extends ImBridgeError {
  constructor(message: string, options: ImBridgeErrorOptions = {}) {
    super('INVALID_ID', message, options);
  }
}

export type NotFoundCode = 'USER_NOT_FOUND' | 'GROUP_NOT_FOUND' | 'REQUEST_NOT_FOUND' | 'BACKEND_NOT_FOUND' | 'NOT_FOUND' | 'NOT_FRIENDS';

/** 404 family: the named thing does not exist. */
export class NotFoundError extends ImBridgeError {
  constructor(code: NotFoundCode, message: string, options: ImBridgeErrorOptions = {}) {
    super(code, message, options);
  }
}

export type PolicyCode = 'BLOCKED' | 'NOT_FRIENDS' | 'NOT_WHITELISTED' | 'MUTED' | 'NOT_MEMBER';

/** 403: relationship policy refused a send, a request or a member operation. */
export class PolicyError extends ImBridgeError {
  constructor(code: PolicyCode, message: string, options: ImBridgeErrorOptions = {}) {
    super(code, message, options);
  }
}

export type ConflictCode = 'ALREADY_FRIENDS' | 'ALREADY_EXISTS' | 'REQUEST_PENDING' | 'IDEMPOTENCY_MISMATCH';

/** 409 (422 for IDEMPOTENCY_MISMATCH): the state already is what the call would create. */
export class ConflictError extends ImBridgeError {
  constructor(code: ConflictCode, message: string, options: ImBridgeErrorOptions = {}) {
    super(code, message, options);
  }
}

/** 501: the backend cannot perform this operation at all. */
export class UnsupportedError extends ImBridgeError {
  constructor(capability: string, vendor: string, message?: string, options: ImBridgeErrorOptions = {}) {
    super('UNSUPPORTED', message ?? `${vendor} cannot do ${capability}`, { ...options, details: { ...options.details, capability, vendor } });
  }
}

/** 422: the backend can do the operation, but not with this option. */
export class UnsupportedOptionError extends ImBridgeError {
  constructor(capability: string, option: string, vendor: string, message?: string, options: ImBridgeErrorOptions = {}) {
    super('UNSUPPORTED_OPTION', message ?? `${vendor} cannot do ${capability} with option "${option}"`, {
      ...options,
      details: { ...options.details, capability, option, vendor },
    });
  }
}

export type UpstreamCode = 'RATE_LIMITED' | 'UPSTREAM_AUTH' | 'UPSTREAM_ERROR' | 'UPSTREAM_UNAVAILABLE';

/** 429/502/503: the vendor throttled, refused our credentials, answered nonsense, or is down. */
export class UpstreamError extends ImBridgeError {
  constructor(code: UpstreamCode, message: string, options: ImBridgeErrorOptions = {}) {
    super(code, message, options);
  }
}

/** State of one side of a two-sided change, as reported by PARTIAL_FAILURE. */
export interface StepState {
  /** What the step does, e.g. `whitelist_add alice→bob`. */
  step: string;
  /** `applied`: the vendor holds the change; `not-applied`: it does not; `unknown`: no answer. */
  state: 'applied' | 'not-applied' | 'unknown';
  error?: string;
}

/** 502: a multi-step change failed mid-way and compensation failed too. `details.steps` is exact. */
export class PartialFailureError extends ImBridgeError {
  constructor(message: string, steps: StepState[], options: ImBridgeErrorOptions = {}) {
    super('PARTIAL_FAILURE', message, { ...options, details: { ...options.details, steps } });
  }
}

/** The JSON shape of an error inside the unified envelope `{ "error": … }`. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
  upstream?: UpstreamInfo;
}

export function toErrorBody(error: ImBridgeError): ErrorBody {
  const body: ErrorBody = { code: error.code, message: error.message, retryable: error.retryable };
  if (error.details !== undefined) body.details = error.details;
  if (error.upstream !== undefined) body.upstream = error.upstream;
  return body;
}

/** A unified error as the failed item of a batch result; anything else is a bug and is rethrown. */
export function failedBatchItem(id: string, error: unknown): { id: string; ok: false; error: ErrorBody } {
  if (error instanceof ImBridgeError) return { id, ok: false, error: toErrorBody(error) };
  throw error;
}

const NOT_FOUND_CODES: ReadonlySet<ErrorCode> = new Set<NotFoundCode>(['USER_NOT_FOUND', 'GROUP_NOT_FOUND', 'REQUEST_NOT_FOUND', 'BACKEND_NOT_FOUND', 'NOT_FOUND']);
const POLICY_CODES: ReadonlySet<ErrorCode> = new Set<PolicyCode>(['BLOCKED', 'NOT_FRIENDS', 'NOT_WHITELISTED', 'MUTED', 'NOT_MEMBER']);
const CONFLICT_CODES: ReadonlySet<ErrorCode> = new Set<ConflictCode>(['ALREADY_FRIENDS', 'ALREADY_EXISTS', 'REQUEST_PENDING', 'IDEMPOTENCY_MISMATCH']);
const UPSTREAM_CODES: ReadonlySet<ErrorCode> = new Set<UpstreamCode>(['RATE_LIMITED', 'UPSTREAM_AUTH', 'UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE']);

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * The unified error of the class that carries `code`: the one code → class choice, for adapters
 * translating vendor answers and for errors rebuilt from the wire. NOT_FRIENDS is a PolicyError
 * here; the 404 of an absent friendship entry comes from the call it answers, not the class.
 */
export function errorForCode(code: ErrorCode, message: string, options: ImBridgeErrorOptions = {}): ImBridgeError {
  if (code === 'INVALID_ARGUMENT') return new InvalidArgumentError(message, options);
  if (code === 'INVALID_ID') return new InvalidIdError(message, options);
  if (NOT_FOUND_CODES.has(code)) return new NotFoundError(code as NotFoundCode, message, options);
  if (POLICY_CODES.has(code)) return new PolicyError(code as PolicyCode, message, options);
  if (CONFLICT_CODES.has(code)) return new ConflictError(code as ConflictCode, message, options);
  if (UPSTREAM_CODES.has(code)) return new UpstreamError(code as UpstreamCode, message, options);
  if (code === 'UNSUPPORTED') return new UnsupportedError(text(options.details?.capability), text(options.details?.vendor), message, options);
  if (code === 'UNSUPPORTED_OPTION') {
    return new UnsupportedOptionError(text(options.details?.capability), text(options.details?.option), text(options.details?.vendor), message, options);
  }
  if (code === 'PARTIAL_FAILURE') {
    const steps = Array.isArray(options.details?.steps) ? (options.details.steps as StepState[]) : [];
    return new PartialFailureError(message, steps, options);
  }
  return new ImBridgeError(code, message, options);
}

/** Rebuilds the error a remote imbridge answered, so clients of the HTTP API see the same class. */
export function fromErrorBody(body: ErrorBody): ImBridgeError {
  const options: ImBridgeErrorOptions = { retryable: body.retryable };
  if (body.details !== undefined) options.details = body.details;
  if (body.upstream !== undefined) options.upstream = body.upstream;
  return errorForCode(body.code, body.message, options);
}
