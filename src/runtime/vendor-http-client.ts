/**
 * The one HTTP client every vendor adapter uses: a keep-alive connection pool per vendor base URL,
 * a per-call timeout, lossless int64 JSON, retries with backoff for idempotent calls only
 * (honouring 429 and `Retry-After`), and a circuit breaker so a dead vendor fails fast.
 *
 * It returns every HTTP answer to the adapter (vendors put business errors in 200s and 400s alike;
 * only the adapter knows what they mean) and throws only for transport-level outcomes:
 * UPSTREAM_UNAVAILABLE (no answer, timeout, circuit open) and RATE_LIMITED (still throttled).
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { Pool } from 'undici';
import { UpstreamError, type BackendLogger } from '../spec/index.js';
import { parseJson, stringifyJson } from './lossless-json.js';
import { requestContextHeaders } from './request-context.js';
import { currentCallScope } from './call-scope.js';
import { vendorCallMetrics, type AttemptOutcome, type CallLabels, type RetryReason } from './vendor-call-metrics.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface VendorCall {
  method: HttpMethod;
  /** Path below the base URL, starting with `/`; query goes in `query`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Static headers, or a function called per attempt (a signing vendor signs each attempt anew). */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** Sent as JSON (bigint values exactly); absent = no body. */
  body?: unknown;
  /** Only idempotent calls are ever retried. */
  idempotent: boolean;
}

export interface VendorResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Raw body text. */
  text: string;
  /** Parsed JSON (int64 beyond 2^53 as bigint); undefined when the body is empty or not JSON. */
  body: unknown;
}

export interface RetryOptions {
  /** Attempts in total, first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A throttle asking for a longer wait than this is not waited for: RATE_LIMITED at once. */
  maxRetryAfterMs: number;
}

export interface VendorHttpClientOptions {
  vendor: string;
  baseUrl: string;
  timeoutMs?: number;
  connections?: number;
  retry?: Partial<RetryOptions>;
  circuit?: { consecutiveFailures?: number; halfOpenAfterMs?: number };
  logger?: BackendLogger;
  /**
   * Recognizes a throttled answer and returns the wait in ms it asks for (0 = unspecified).
   * Default: HTTP 429 with `Retry-After` seconds.
   */
  rateLimitDelay?: (response: VendorResponse) => number | null;
  /** Answers that are transient and worth retrying on idempotent calls. Default: 502, 503, 504. */
  isTransient?: (response: VendorResponse) => boolean;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000, maxRetryAfterMs: 10_000 };

/** Reads `Retry-After` (seconds or an HTTP date) as milliseconds. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | null {
  const header = Array.isArray(value) ? value[0] : value;
  if (header === undefined || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function defaultRateLimitDelay(response: VendorResponse): number | null {
  if (response.status !== 429) return null;
  return retryAfterMs(response.headers['retry-after']) ?? 0;
}

/** An attempt's throttled answer, carried through the retry policy. */
class ThrottledAttempt extends Error {
  constructor(
    readonly response: VendorResponse,
    readonly delayMs: number,
  ) {
    super('throttled');
  }
}

/** An attempt's transient answer (502/503/504), carried through the retry policy. */
class TransientAttempt extends Error {
  constructor(readonly response: VendorResponse) {
    super('transient');
  }
}

/** The circuit gauge's value per breaker state: 0 closed, 1 half-open, 2 open. */
const CIRCUIT_GAUGE: Readonly<Record<CircuitState, number>> = {
  [CircuitState.Closed]: 0,
  [CircuitState.HalfOpen]: 1,
  [CircuitState.Open]: 2,
  [CircuitState.Isolated]: 2,
};

function statusClass(status: number): AttemptOutcome {
  if (status < 300) return '2xx';
  if (status < 400) return '3xx';
  return status < 500 ? '4xx' : '5xx';
}

function outcomeOf(error: unknown): 'rate_limited' | 'unavailable' | 'circuit_open' | 'answered' {
  if (error instanceof ThrottledAttempt) return 'rate_limited';
  // A transient answer retried to the end is still an answer the adapter reads.
  if (error instanceof TransientAttempt) return 'answered';
  if (error instanceof BrokenCircuitError) return 'circuit_open';
  return 'unavailable';
}

export class VendorHttpClient {
  readonly vendor: string;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly timeoutMs: number;
  private readonly retryOptions: RetryOptions;
  private readonly logger: BackendLogger | undefined;
  private readonly rateLimitDelay: (response: VendorResponse) => number | null;
  private readonly isTransient: (response: VendorResponse) => boolean;
  private readonly breaker: CircuitBreakerPolicy;
  /** The backend this client serves, learned from the first call made in a backend's scope. */
  private backendName = '';
  private readonly stopWatchingCircuit: () => void;

  constructor(options: VendorHttpClientOptions) {
    const url = new URL(options.baseUrl);
    this.vendor = options.vendor;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.retryOptions = { ...DEFAULT_RETRY, ...options.retry };
    this.logger = options.logger;
    this.rateLimitDelay = options.rateLimitDelay ?? defaultRateLimitDelay;
    this.isTransient = options.isTransient ?? ((response) => [502, 503, 504].includes(response.status));
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 16,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      keepAliveTimeout: 30_000,
    });
    this.breaker = circuitBreaker(
      handleWhen((error) => error instanceof UpstreamError && error.code === 'UPSTREAM_UNAVAILABLE'),
      {
        halfOpenAfter: options.circuit?.halfOpenAfterMs ?? 10_000,
        breaker: new ConsecutiveBreaker(options.circuit?.consecutiveFailures ?? 5),
      },
    );
    this.stopWatchingCircuit = vendorCallMetrics.watchCircuit(
      () => ({ backend: this.backendName, vendor: this.vendor }),
      () => CIRCUIT_GAUGE[this.breaker.state],
    );
  }

  private labels(): CallLabels {
    const scope = currentCallScope();
    if (scope?.backend !== undefined && this.backendName === '') this.backendName = scope.backend;
    return { backend: scope?.backend ?? this.backendName, vendor: this.vendor, operation: scope?.operation ?? 'other' };
  }

  /** Sends the call; retries idempotent calls on no-answer, transient answers and throttling. */
  async request(call: VendorCall): Promise<VendorResponse> {
    const labels = this.labels();
    const options = this.retryOptions;
    // Why the previous attempt failed, for the retry counter when another one follows.
    let previous: RetryReason | null = null;
    const policy = retry(
      handleWhen((error) => {
        if (!call.idempotent) return false;
        if (error instanceof ThrottledAttempt) return error.delayMs <= options.maxRetryAfterMs;
        if (error instanceof TransientAttempt) return true;
        return error instanceof UpstreamError && error.code === 'UPSTREAM_UNAVAILABLE' && !(error.cause instanceof BrokenCircuitError);
      }),
      {
        maxAttempts: options.maxAttempts - 1,
        backoff: new DelegateBackoff((context) => {
          const failure = 'error' in context.result ? context.result.error : undefined;
          const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (context.attempt - 1));
          if (failure instanceof ThrottledAttempt && failure.delayMs > 0) return failure.delayMs;
          return exponential;
        }),
      },
    );
    try {
      const response = await wrap(policy, this.breaker).execute(async () => {
        if (previous !== null) vendorCallMetrics.retry(labels, previous);
        try {
          return await this.attempt(call, labels);
        } catch (error) {
          previous = error instanceof ThrottledAttempt ? 'throttled' : error instanceof TransientAttempt ? 'transient' : 'no_answer';
          throw error;
        }
      });
      vendorCallMetrics.call(labels, 'answered');
      return response;
    } catch (error) {
      vendorCallMetrics.call(labels, outcomeOf(error));
      if (error instanceof ThrottledAttempt) {
        throw new UpstreamError('RATE_LIMITED', `${this.vendor} is throttling requests`, {
          retryAfterSeconds: Math.max(1, Math.ceil(error.delayMs / 1000)),
          upstream: { vendor: this.vendor, status: error.response.status, code: null, message: error.response.text.slice(0, 200) || null },
        });
      }
      if (error instanceof TransientAttempt) return error.response;
      if (error instanceof BrokenCircuitError) {
        throw new UpstreamError('UPSTREAM_UNAVAILABLE', `${this.vendor} is failing; calls are paused for a while (circuit open)`, {
          cause: error,
          upstream: { vendor: this.vendor, status: 0, code: null, message: 'circuit open' },
        });
      }
      throw error;
    }
  }

  private async attempt(call: VendorCall, labels: CallLabels): Promise<VendorResponse> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      // The request this call serves, so the vendor's logs can be joined to imbridge's; vendors ignore headers they do not know.
      ...requestContextHeaders(),
      ...(typeof call.headers === 'function' ? await call.headers() : call.headers),
    };
    let payload: string | undefined;
    if (call.body !== undefined) {
      payload = stringifyJson(call.body);
      headers['content-type'] = 'application/json';
    }
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(call.query ?? {})) if (value !== undefined) query.set(key, String(value));
    const path = this.basePath + call.path + (query.size > 0 ? `?${query}` : '');
    const started = performance.now();
    const ended = currentCallScope()?.vendorTime?.begin();
    let response: VendorResponse;
    // The whole call (connect, answer, body) within timeoutMs. A controller and a timer cleared
    // when the call ends cost a tenth of AbortSignal.timeout, whose timer outlives every call.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), this.timeoutMs);
    timer.unref();
    try {
      const answer = await this.pool.request({
        method: call.method,
        path,
        headers,
        body: payload ?? null,
        signal: deadline.signal,
      });
      const text = await answer.body.text();
      let body: unknown;
      if (text.length > 0) {
        try {
          body = parseJson(text);
        } catch {
          body = undefined;
        }
      }
      response = { status: answer.statusCode, headers: answer.headers, text, body };
    } catch (error) {
      ended?.();
      vendorCallMetrics.attempt(labels, 'no_answer', (performance.now() - started) / 1000);
      const reason = error instanceof Error ? error.message : String(error);
      this.logger?.warn({ vendor: this.vendor, method: call.method, path: call.path, reason }, 'vendor call got no answer');
      throw new UpstreamError('UPSTREAM_UNAVAILABLE', `${this.vendor} did not answer ${call.method} ${call.path}: ${reason}`, {
        cause: error,
        upstream: { vendor: this.vendor, status: 0, code: null, message: reason },
      });
    } finally {
      clearTimeout(timer);
    }
    ended?.();
    const elapsed = performance.now() - started;
    vendorCallMetrics.attempt(labels, statusClass(response.status), elapsed / 1000);
    this.logger?.debug(
      { vendor: this.vendor, method: call.method, path: call.path, status: response.status, ms: Math.round(elapsed) },
      'vendor call',
    );
    const delay = this.rateLimitDelay(response);
    if (delay !== null) throw new ThrottledAttempt(response, delay);
    if (call.idempotent && this.isTransient(response)) throw new TransientAttempt(response);
    return response;
  }

  async close(): Promise<void> {
    this.stopWatchingCircuit();
    await this.pool.close();
  }
}
