/**
 * `imbridge/client`: a typed client of the unified API for applications. Every operation of the
 * contract is a method (the `Backend` interface of `imbridge/spec`), each error a RemoteError
 * with the contract's `code`. It imports nothing of the server: no express, no SQLite, no vendor.
 *
 * ```js
 * import { createClient, idempotencyKey } from 'imbridge/client';
 * const im = await createClient({ url: 'http://127.0.0.1:8080', apiKey: process.env.IMBRIDGE_KEY });
 * await im.users.put('alice', { name: 'Alice' });
 * const key = idempotencyKey();   // keep it with the job: a re-run after a crash sends it again
 * const group = await im.withIdempotencyKey(key).rooms.create('group', { name: 'Team', owner: 'alice' });
 * ```
 */
import { DEFAULT_RETRY } from './imbridge-client.js';
import { HttpBackend, type HttpBackendOptions } from './http-backend.js';

export { HttpBackend, type HttpBackendOptions } from './http-backend.js';
export {
  DEFAULT_RETRY,
  ImbridgeClient,
  NoAnswerError,
  RemoteError,
  fetchTransport,
  idempotencyKey,
  type ClientOptions,
  type Query,
  type RequestOptions,
  type RetryOptions,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './imbridge-client.js';
export { ImBridgeError, everyItem, listAll, type ErrorBody, type ErrorCode, type PageReader } from '../spec/index.js';

/** What `createClient` uses unless told otherwise. */
export const CLIENT_DEFAULTS = { timeoutMs: 10_000, retry: DEFAULT_RETRY, idempotencyKeys: true } as const;

/**
 * Connects to an imbridge server (reading the backend's capability document) with an application's
 * defaults: 10 s per attempt, 3 attempts for what the server marks `retryable` or what got no
 * answer (honouring Retry-After up to 30 s), and an Idempotency-Key on each creating POST so that
 * those are retried as safely as a PUT.
 */
export function createClient(options: HttpBackendOptions): Promise<HttpBackend> {
  return HttpBackend.connect({
    timeoutMs: CLIENT_DEFAULTS.timeoutMs,
    idempotencyKeys: CLIENT_DEFAULTS.idempotencyKeys,
    ...options,
    retry: { ...CLIENT_DEFAULTS.retry, ...options.retry },
  });
}
