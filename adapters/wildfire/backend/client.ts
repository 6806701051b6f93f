/**
 * Wildfire's admin API over the shared VendorHttpClient: every call is a POST of a JSON body to
 * `/admin/...`, signed per attempt (headers nonce, timestamp in ms, sign = lower-case hex SHA-1 of
 * `nonce|secret|timestamp`, vendor note §2), and answered with the `{code, msg, result}` envelope
 * (§3). Code 250 "over frequency" is the vendor's throttle: it goes through the client's
 * rate-limit path so idempotent calls are retried after backoff.
 */
import { UpstreamError, type BackendLogger } from '../../../src/spec/index.js';
import { VendorHttpClient, retryAfterMs, type RetryOptions, type VendorResponse } from '../../../src/runtime/index.js';
import { toUnifiedError, errorFromHttp, VENDOR } from './errors.js';
import { signedHeaders } from '../protocol/wire.js';

export { signedHeaders, wildfireSign } from '../protocol/wire.js';

/** The throttle answer of Wildfire: envelope code 250, plain or nested in `result` (§2, §3). */
function envelopeCode(body: unknown): number | null {
  if (typeof body !== 'object' || body === null) return null;
  const code = (body as { code?: unknown }).code;
  return typeof code === 'number' ? code : null;
}

export function wildfireRateLimitDelay(response: VendorResponse): number | null {
  if (response.status === 429) return retryAfterMs(response.headers['retry-after']) ?? 0;
  if (response.status === 200 && envelopeCode(response.body) === 250) return 0;
  return null;
}

/** The shared client reports a throttle without the vendor's code; a 200 throttle is Wildfire's 250 "over frequency". */
function withVendorThrottleCode(error: unknown): unknown {
  if (!(error instanceof UpstreamError) || error.code !== 'RATE_LIMITED' || error.upstream?.status !== 200) return error;
  return new UpstreamError('RATE_LIMITED', error.message, {
    upstream: { ...error.upstream, code: '250', message: 'over frequency' },
    ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    cause: error,
  });
}

export interface WildfireClientOptions {
  baseUrl: string;
  secret: string;
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  logger?: BackendLogger;
}

export interface CallOptions {
  /** Safe to repeat with the same outcome (set-state calls and reads); only these are retried. */
  idempotent: boolean;
  /** The unified capability being served, named in UNSUPPORTED errors. */
  capability: string;
}

export class WildfireClient {
  private readonly http: VendorHttpClient;
  private readonly secret: string;

  constructor(options: WildfireClientOptions) {
    this.secret = options.secret;
    this.http = new VendorHttpClient({
      vendor: VENDOR,
      baseUrl: options.baseUrl,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      rateLimitDelay: wildfireRateLimitDelay,
    });
  }

  /**
   * POSTs `body` to `route` and returns the envelope's `result` (undefined when the success
   * envelope has none). Non-zero codes and non-envelope answers become unified errors.
   */
  async call<Result = unknown>(route: string, body: Record<string, unknown>, options: CallOptions): Promise<Result> {
    const secret = this.secret;
    let response: VendorResponse;
    try {
      response = await this.http.request({
        method: 'POST',
        path: route,
        headers: () => signedHeaders(secret),
        body,
        idempotent: options.idempotent,
      });
    } catch (error) {
      throw withVendorThrottleCode(error);
    }
    if (response.status !== 200) throw errorFromHttp(route, response.status, response.text, options.capability);
    const envelope = response.body as { code?: unknown; msg?: unknown; result?: unknown } | undefined;
    if (typeof envelope !== 'object' || envelope === null || typeof envelope.code !== 'number') {
      throw errorFromHttp(route, response.status, response.text, options.capability);
    }
    if (envelope.code !== 0) {
      throw toUnifiedError(route, envelope.code, typeof envelope.msg === 'string' ? envelope.msg : null, options.capability);
    }
    return envelope.result as Result;
  }

  /** `GET /admin/health` needs no signature (§11); used only to tell "down" from "refusing us". */
  async health(): Promise<VendorResponse> {
    return this.http.request({ method: 'GET', path: '/admin/health', idempotent: true });
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
