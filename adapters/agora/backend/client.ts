/**
 * Agora Chat transport: the app path prefix, the Bearer app token (AccessToken2 built locally with
 * `agora-token`, cached until shortly before expiry, rebuilt once on a 401), the usergrid success
 * envelope and the error body (vendor note §1–§4). Every call goes through VendorHttpClient.
 */
import agoraToken from 'agora-token';
import { InvalidArgumentError, type BackendLogger, type UpstreamAccess } from '../../../src/spec/index.js';
import {
  TokenCache,
  VendorHttpClient,
  retryAfterMs,
  type HttpMethod,
  type RetryOptions,
  type VendorResponse,
} from '../../../src/runtime/index.js';
import { toUnifiedError, VENDOR, type ResourceHint } from './errors.js';

const { ChatTokenBuilder } = agoraToken;

export interface AgoraClientOptions {
  baseUrl: string;
  orgName?: string;
  appName?: string;
  appId: string;
  appCertificate: string;
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** App token lifetime in seconds (§3: at most 24 h; the Java SDK uses 3600). */
  tokenTtlSeconds?: number;
  logger?: BackendLogger;
}

/** The usergrid success envelope (§2); every field may be absent. */
export interface AgoraEnvelope {
  action?: string;
  entities?: Array<Record<string, unknown>>;
  data?: unknown;
  count?: number;
  cursor?: string;
  [key: string]: unknown;
}

export interface AgoraCall {
  method: HttpMethod;
  /** Path below the app prefix, e.g. `/users/u1`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Safe to repeat: reads, DELETEs, PUTs and set-like POSTs (mute, mute-all). */
  idempotent: boolean;
  /** What a bare 404 is about. */
  resource?: ResourceHint;
}

export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/** The app path prefix (§1): `/{org}/{app}` when both are configured, else `/app-id/{appId}`. */
export function appPrefix(options: Pick<AgoraClientOptions, 'orgName' | 'appName' | 'appId'>): string {
  if (options.orgName !== undefined && options.appName !== undefined) {
    return `/${encodeURIComponent(options.orgName)}/${encodeURIComponent(options.appName)}`;
  }
  return `/app-id/${encodeURIComponent(options.appId)}`;
}

/** Builds an app token; '' from agora-token means the credentials are not 32 hex characters. */
export function buildAppToken(appId: string, appCertificate: string, ttlSeconds: number): string {
  return ChatTokenBuilder.buildAppToken(appId, appCertificate, ttlSeconds);
}

/** Checks the credentials at start-up: agora-token answers '' (no throw) for malformed ones (§3). */
export function assertCredentials(appId: string, appCertificate: string): void {
  const hex = /^[0-9a-fA-F]{32}$/;
  if (!hex.test(appId)) throw new InvalidArgumentError('agora config: appId must be the 32 hex characters of the App ID', { details: { key: 'appId' } });
  if (!hex.test(appCertificate)) {
    throw new InvalidArgumentError('agora config: appCertificate must be the 32 hex characters of the App Certificate', { details: { key: 'appCertificate' } });
  }
  if (buildAppToken(appId, appCertificate, 60) === '') {
    throw new InvalidArgumentError('agora config: appId/appCertificate do not build an app token', { details: { key: 'appCertificate' } });
  }
}

/** §4: only a QPS 429 is worth waiting for; a plan quota (`resource_limited`) is not. */
function rateLimitDelay(response: VendorResponse): number | null {
  if (response.status !== 429) return null;
  const body = response.body as { error?: unknown } | undefined;
  if (body !== undefined && body !== null && typeof body === 'object' && body.error === 'resource_limited') return null;
  return retryAfterMs(response.headers['retry-after']) ?? 0;
}

function failureOf(response: VendorResponse): { status: number; error: string | null; description: string | null } {
  const body = response.body;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    return {
      status: response.status,
      error: typeof record.error === 'string' ? record.error : null,
      description: typeof record.error_description === 'string' ? record.error_description : null,
    };
  }
  return { status: response.status, error: null, description: response.text.slice(0, 200) || null };
}

export class AgoraClient {
  private readonly http: VendorHttpClient;
  private readonly tokens: TokenCache;

  constructor(private readonly options: AgoraClientOptions) {
    assertCredentials(options.appId, options.appCertificate);
    const ttlSeconds = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    this.http = new VendorHttpClient({
      vendor: VENDOR,
      baseUrl: options.baseUrl.replace(/\/+$/, '') + appPrefix(options),
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      logger: options.logger,
      rateLimitDelay,
    });
    // Rebuilt at most once a minute before expiry, or at 10 % of a short lifetime.
    const marginMs = Math.min(60_000, Math.floor(ttlSeconds * 100));
    this.tokens = new TokenCache(async () => {
      const token = buildAppToken(options.appId, options.appCertificate, ttlSeconds);
      return { token, ttlMs: ttlSeconds * 1000 };
    }, marginMs);
  }

  /** Sends a call; answers the envelope of a 200, throws the unified error of anything else. */
  async call(call: AgoraCall): Promise<AgoraEnvelope> {
    let response = await this.send(call);
    if (response.status === 401) {
      // §3: an expired or revoked token. A 401 means the vendor did nothing, so one resend with
      // a freshly built token is safe even for a non-idempotent call.
      this.tokens.invalidate();
      response = await this.send(call);
    }
    if (response.status >= 200 && response.status < 300) {
      const body = response.body;
      if (body !== null && typeof body === 'object' && !Array.isArray(body)) return body as AgoraEnvelope;
      return {};
    }
    throw toUnifiedError(failureOf(response), call.resource ?? 'other');
  }

  /**
   * How a compat pass-through reaches the vendor as this client does: the app's base URL with its
   * path prefix and a Bearer app token from the same cache (rebuilt before expiry). Only the
   * `authorization` header carries credentials on Agora (§3).
   */
  upstreamAccess(): UpstreamAccess {
    return {
      vendor: VENDOR,
      baseUrl: this.options.baseUrl.replace(/\/+$/, '') + appPrefix(this.options),
      authHeaders: async () => ({ authorization: `Bearer ${await this.tokens.get()}` }),
      credentialHeaders: ['authorization'],
    };
  }

  private send(call: AgoraCall): Promise<VendorResponse> {
    return this.http.request({
      method: call.method,
      path: call.path,
      query: call.query,
      body: call.body,
      idempotent: call.idempotent,
      headers: async () => ({
        authorization: `Bearer ${await this.tokens.get()}`,
        // §1: sent on every call; a missing Content-Type can give 415.
        'content-type': 'application/json',
      }),
    });
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
