/**
 * One HTTP exchange with an imbridge server, and what a client needs around it: a time limit per
 * attempt, retries of what the server marks `retryable` (honouring its Retry-After) or of a
 * request that got no answer at all, and the `Idempotency-Key` that makes a creating POST safe to
 * repeat. Depends on nothing but the spec and the platform's `fetch`, so an application can use
 * it without the server, its store or its vendor clients.
 */
import { fromErrorBody, ImBridgeError, type ErrorBody } from '../spec/index.js';

/** An error answered by a remote imbridge, with the HTTP status and request id it came with. */
export class RemoteError extends ImBridgeError {
  /** `X-Request-Id` of the answer: the server's log line for this request carries it. */
  readonly requestId?: string;

  constructor(
    readonly httpStatus: number,
    body: ErrorBody,
    requestId?: string,
    retryAfterSeconds?: number,
  ) {
    const rebuilt = fromErrorBody(body);
    super(body.code, body.message, {
      retryable: rebuilt.retryable,
      ...(rebuilt.details !== undefined ? { details: rebuilt.details } : {}),
      ...(rebuilt.upstream !== undefined ? { upstream: rebuilt.upstream } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    });
    if (requestId !== undefined) this.requestId = requestId;
  }
}

/** No answer came: the connection failed, or the attempt ran out of time. */
export class NoAnswerError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'NoAnswerError';
  }
}

export interface TransportRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** Aborts the attempt (its time limit, or the caller's own signal). */
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  text: string;
  /** Response headers, names in lower case; a transport may leave out what it cannot see. */
  headers?: Record<string, string>;
}

/** Sends one request; the default uses `fetch`. Tests may route through supertest instead. */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

export const fetchTransport: Transport = async ({ method, url, headers, body, signal }) => {
  const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), ...(signal ? { signal } : {}) });
  return { status: response.status, text: await response.text(), headers: Object.fromEntries(response.headers) };
};

export interface RetryOptions {
  /** Attempts in all, the first included; 1 = never retry. */
  maxAttempts: number;
  /** Backoff before retry n: a random wait up to baseDelayMs × 2^(n−1), at most maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is thrown at once. */
  maxRetryAfterMs: number;
}

export interface ClientOptions {
  /** Base URL of the imbridge server, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Backend name sent as `X-IM-Backend`; absent = the server's default. */
  backend?: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Time limit of one attempt, in ms; absent = none. */
  timeoutMs?: number;
  /** Retries; absent = one attempt. */
  retry?: Partial<RetryOptions>;
  /** Headers sent with every request (a `traceparent`, a user agent). */
  headers?: Record<string, string>;
  transport?: Transport;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5_000, maxRetryAfterMs: 30_000 };

export type Query = Record<string, string | number | undefined | null>;

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  /**
   * Sent as `Idempotency-Key`: the server answers a repeat with the first answer, so the request
   * is retried like a PUT. Only creating POSTs honour it (docs/api.md, "Idempotency").
   */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** A fresh Idempotency-Key: keep it with the operation, and send it again when repeating it. */
export function idempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/** PUT and DELETE are idempotent by the contract; GET and HEAD change nothing. */
const REPEATABLE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** Retry-After as seconds or an HTTP date, in ms from now. */
function retryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1_000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });

export class ImbridgeClient {
  private readonly retry: RetryOptions;

  constructor(readonly options: ClientOptions) {
    this.retry = { ...DEFAULT_RETRY, maxAttempts: 1, ...options.retry };
  }

  /** One call: the answer's parsed JSON (null for an empty body), or RemoteError / NoAnswerError. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    const url = new URL(path, this.options.url);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers, ...options.headers };
    if (this.options.backend) headers['x-im-backend'] = this.options.backend;
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    // A request the server may see twice without harm; anything else is sent once.
    const repeatable = REPEATABLE_METHODS.has(method.toUpperCase()) || options.idempotencyKey !== undefined;
    const attempts = repeatable ? Math.max(1, this.retry.maxAttempts) : 1;

    for (let attempt = 1; ; attempt++) {
      let failure: RemoteError | NoAnswerError;
      let waitMs: number | undefined;
      try {
        return await this.attempt(method, url, headers, body, options.signal);
      } catch (error) {
        if (!(error instanceof RemoteError || error instanceof NoAnswerError)) throw error;
        failure = error;
        if (error instanceof RemoteError && !error.retryable) throw error;
        if (error instanceof RemoteError && error.retryAfterSeconds !== undefined) waitMs = error.retryAfterSeconds * 1_000;
      }
      if (attempt >= attempts || options.signal?.aborted) throw failure;
      if (waitMs !== undefined && waitMs > this.retry.maxRetryAfterMs) throw failure;
      const backoff = Math.random() * Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.max(backoff, waitMs ?? 0), options.signal);
    }
  }

  private async attempt(method: string, url: URL, headers: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined): Promise<unknown> {
    const signals = [...(signal ? [signal] : []), ...(this.options.timeoutMs !== undefined ? [AbortSignal.timeout(this.options.timeoutMs)] : [])];
    const transport = this.options.transport ?? fetchTransport;
    let response: TransportResponse;
    try {
      response = await transport({
        method,
        url,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(signals.length > 0 ? { signal: signals.length === 1 ? signals[0]! : AbortSignal.any(signals) } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const reason = timedOut ? `no answer within ${this.options.timeoutMs} ms` : error instanceof Error ? error.message : String(error);
      throw new NoAnswerError(`${method} ${url.pathname}: ${reason}`, timedOut, error);
    }
    const parsed: unknown = response.text === '' ? null : JSON.parse(response.text);
    if (response.status >= 400) {
      const envelope = parsed as { error?: ErrorBody } | null;
      if (!envelope?.error) throw new Error(`imbridge answered ${response.status} without an error envelope: ${response.text.slice(0, 200)}`);
      const wait = retryAfterMs(response.headers?.['retry-after']);
      throw new RemoteError(response.status, envelope.error, response.headers?.['x-request-id'], wait === undefined ? undefined : wait / 1_000);
    }
    return parsed;
  }
}
