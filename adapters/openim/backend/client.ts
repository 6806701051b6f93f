/**
 * Talks to one OpenIM server: every call is a POST with `operationID` (unique per request) and
 * the admin `token` header (note §2), answered in the `{errCode, errMsg, errDlt, data}` envelope
 * with HTTP 200 (note §3). The admin token is cached for its lifetime and fetched anew once when
 * the server refuses it with 1501–1507 (note §4, §5).
 */
import { randomUUID } from 'node:crypto';
import { UpstreamError, type BackendLogger, type ImBridgeError } from '../../../src/spec/index.js';
import { TokenCache, VendorHttpClient, currentRequestContext, type RetryOptions } from '../../../src/runtime/index.js';
import { featuresOf, type OpenImConfig, type OpenImFeatures } from './config.js';
import { VENDOR, isTokenError, toUnifiedError } from './errors.js';

/** `<request id>-<8 random hex>` inside a request (unique per attempt, still joinable), else a UUID. */
export function operationIdFor(requestId: string | undefined): string {
  return requestId === undefined ? randomUUID() : `${requestId}-${randomUUID().slice(0, 8)}`;
}

/** A JSON object as OpenIM answers it (`data`). */
export type VendorData = Record<string, unknown>;

export interface CallOptions {
  /** Repeating the call leaves the same state; only these are retried by the HTTP client. */
  idempotent: boolean;
}

/** Admin platform id (note §5): the legacy `/auth/user_token` needs it. */
const ADMIN_PLATFORM_ID = 10;

export class OpenImClient {
  readonly features: OpenImFeatures;
  private readonly http: VendorHttpClient;
  private readonly tokens: TokenCache;
  /** Tokens handed out to us, kept only to scrub them from error texts. */
  private readonly issuedTokens = new Set<string>();

  constructor(
    private readonly config: OpenImConfig,
    logger?: BackendLogger,
  ) {
    this.features = featuresOf(config.version);
    const retry: Partial<RetryOptions> = config.retry ?? {};
    this.http = new VendorHttpClient({
      vendor: VENDOR,
      baseUrl: config.baseUrl,
      ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
      retry,
      ...(logger ? { logger } : {}),
    });
    this.tokens = new TokenCache(() => this.fetchAdminToken());
  }

  /** The cached admin token (fetched when missing or expired): what a pass-through proxy sends upstream. */
  adminToken(): Promise<string> {
    return this.tokens.get();
  }

  /** Calls `route` with the admin token; returns `data` (undefined for writes) or throws the mapped error. */
  async call(route: string, body: VendorData, options: CallOptions): Promise<VendorData | undefined> {
    const token = await this.tokens.get();
    try {
      return await this.send(route, body, options, token);
    } catch (error) {
      const code = (error as ImBridgeError).upstream?.code;
      if (code === undefined || code === null || !isTokenError(Number(code))) throw error;
      // The token check runs before the handler, so nothing happened yet: one more try is safe
      // even for a non-idempotent call.
      this.tokens.invalidate();
      return this.send(route, body, options, await this.tokens.get());
    }
  }

  private async send(route: string, body: VendorData, options: CallOptions, token: string | null): Promise<VendorData | undefined> {
    const response = await this.http.request({
      method: 'POST',
      path: route,
      // A fresh operationID per attempt: it is the vendor's per-request trace id. It starts with
      // imbridge's request id, so OpenIM's logs and imbridge's join on it.
      headers: () => ({ operationID: operationIdFor(currentRequestContext()?.requestId), ...(token === null ? {} : { token }) }),
      body,
      idempotent: options.idempotent,
    });
    const envelope = response.body;
    if (response.status !== 200 || typeof envelope !== 'object' || envelope === null || !('errCode' in envelope)) {
      const status = response.status;
      const code = status === 502 || status === 503 || status === 504 ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_ERROR';
      const message =
        status === 404 ? `OpenIM has no route ${route} (is "version" right?)` : `OpenIM answered ${route} with HTTP ${status} outside its envelope`;
      throw new UpstreamError(code, message, {
        upstream: { vendor: VENDOR, status, code: null, message: this.redact(response.text.slice(0, 200)) || null },
        details: { route },
      });
    }
    const { errCode, errMsg, errDlt, data } = envelope as { errCode: unknown; errMsg?: unknown; errDlt?: unknown; data?: unknown };
    const codeNumber = Number(errCode);
    if (codeNumber !== 0) {
      throw toUnifiedError(route, codeNumber, typeof errMsg === 'string' ? errMsg : '', typeof errDlt === 'string' ? errDlt : '', (text) => this.redact(text));
    }
    // A write's success has no `data` key at all (note §3).
    return typeof data === 'object' && data !== null ? (data as VendorData) : undefined;
  }

  private async fetchAdminToken(): Promise<{ token: string; ttlMs: number }> {
    const legacy = !this.features.adminTokenRoute;
    const route = legacy ? '/auth/user_token' : '/auth/get_admin_token';
    const body: VendorData = legacy
      ? { secret: this.config.secret, platformID: ADMIN_PLATFORM_ID, userID: this.config.adminUserId }
      : { secret: this.config.secret, userID: this.config.adminUserId };
    let data: VendorData | undefined;
    try {
      data = await this.send(route, body, { idempotent: true }, null);
    } catch (error) {
      const upstream = (error as ImBridgeError).upstream;
      if (upstream?.code === null || upstream === undefined) throw error;
      // 1002 wrong secret, 1001 not an admin user, 1004 unknown user (legacy route).
      throw new UpstreamError('UPSTREAM_AUTH', `OpenIM refused the admin credentials (adminUserId "${this.config.adminUserId}", secret not shown)`, {
        upstream,
        cause: error,
      });
    }
    const token = data?.['token'];
    const seconds = Number(data?.['expireTimeSeconds']);
    if (typeof token !== 'string' || token === '') {
      throw new UpstreamError('UPSTREAM_ERROR', `OpenIM ${route} answered without a token`, { upstream: { vendor: VENDOR, status: 200, code: '0', message: null } });
    }
    this.issuedTokens.add(token);
    // expireTimeSeconds is a duration (note §5); a missing one is treated as one hour.
    return { token, ttlMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 3_600_000 };
  }

  /** Removes the secret and any token we hold from a text that may reach callers or logs. */
  redact(text: string): string {
    let result = text;
    for (const secret of [this.config.secret, ...this.issuedTokens]) {
      if (secret.length >= 4) result = result.split(secret).join('***');
    }
    return result;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
