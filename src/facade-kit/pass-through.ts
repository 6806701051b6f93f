/**
 * Pass-through for routes a facade does not translate: the request goes, unchanged and streamed,
 * to the vendor upstream, with the client's vendor credentials removed and the upstream backend's
 * own applied (a fresh signature where the vendor signs each call, else the backend's token). The answer
 * comes back unchanged; a timeout or an unreachable upstream is answered in the vendor's shape.
 *
 * It works on node's own request and response, so the same forward serves the facade router's
 * last step and the lane that takes plain pass-through requests before express
 * (src/http/mount-compat.ts). The upstream leg is undici's `stream` on a keep-alive pool, writing
 * the answer into the client's response as it arrives.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { Pool, errors as undiciErrors } from 'undici';
import type { UpstreamAccess } from '../spec/index.js';
import { requestContextHeaders } from '../runtime/request-context.js';
import { markFacadeOutcome, noteErrorCode } from './facade-outcome.js';
import { currentCallScope } from '../runtime/index.js';

export type PassThroughFailure = 'timeout' | 'unreachable';

/** The vendor's own answer for an upstream that did not answer. */
export interface FailureAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The unified code behind it, for the access log and the error counter. */
  errorCode?: string;
}

export interface PassThroughOptions {
  upstream: UpstreamAccess;
  /** The vendor-shaped answer for an upstream that timed out or could not be reached. */
  answerFailure: (failure: PassThroughFailure) => FailureAnswer;
  /** How long the upstream may take to start answering, and to go silent in its body. */
  timeoutMs?: number;
  logger: Logger;
}

export interface PassThrough {
  /** The facade router's last step: forwards `request.url`, which express made facade-relative. */
  handler: RequestHandler;
  /** The same forward for a request express never saw; `url` is facade-relative, query included. */
  forward(request: IncomingMessage, response: ServerResponse, url: string): Promise<void>;
}

/**
 * Headers of one connection, not of the message (RFC 9110 §7.6.1), and `host`, which names the
 * upstream's origin on the upstream leg. Names the `connection` header lists are dropped too.
 */
const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

function connectionScoped(headers: Record<string, string | string[] | undefined>): ReadonlySet<string> {
  const listed = headers.connection;
  // Nearly every request and answer says only `keep-alive` or `close`, which name no other header.
  if (listed === undefined || listed === 'keep-alive' || listed === 'close') return HOP_BY_HOP;
  const names = new Set(HOP_BY_HOP);
  for (const name of [listed].flat().join(',').split(',')) if (name.trim() !== '') names.add(name.trim().toLowerCase());
  return names;
}

function forwardable(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const dropped = connectionScoped(headers);
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !dropped.has(name)) kept[name] = value;
  return kept;
}

const TIMEOUT_CODES: ReadonlySet<string> = new Set<string>([new undiciErrors.HeadersTimeoutError().code, new undiciErrors.BodyTimeoutError().code, new undiciErrors.ConnectTimeoutError().code]);

function writeFailure(response: ServerResponse, answer: FailureAnswer): void {
  if (answer.errorCode !== undefined) noteErrorCode(response, answer.errorCode);
  response.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
  response.setHeader('Content-Length', Buffer.byteLength(answer.body));
  response.end(answer.body);
}

export function createPassThrough(options: PassThroughOptions): PassThrough {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const base = new URL(options.upstream.baseUrl);
  // The upstream's own prefix (such as `/{org}/{app}`) comes before the facade-relative path.
  const prefix = base.pathname.replace(/\/+$/, '');
  // Without keep-alive every forwarded call would open a new connection to the vendor.
  const pool = new Pool(base.origin, { connections: 64, keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: timeoutMs });

  const forward = async (request: IncomingMessage, response: ServerResponse, url: string): Promise<void> => {
    let credentials: Record<string, string>;
    try {
      credentials = await options.upstream.authHeaders();
    } catch (error) {
      options.logger.warn({ vendor: options.upstream.vendor, reason: error instanceof Error ? error.message : String(error) }, 'pass-through could not authenticate upstream');
      writeFailure(response, options.answerFailure('unreachable'));
      return;
    }
    const headers = forwardable(request.headers);
    for (const name of options.upstream.credentialHeaders) delete headers[name];
    // The request id (and trace) reach the old vendor too, so its logs join imbridge's.
    Object.assign(headers, requestContextHeaders(), credentials);
    markFacadeOutcome(response, 'pass_through');

    // A body is what the client declared one with; undici then checks its length as it streams.
    const hasBody = request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');
    const aborted = new AbortController();
    // A client gone before the answer ended frees the upstream connection instead of waiting for it.
    response.once('close', () => {
      if (!response.writableFinished) aborted.abort();
    });
    // The upstream leg, up to its answer's headers, is vendor time (Server-Timing).
    let ended = currentCallScope()?.vendorTime?.begin();
    const endVendorTime = () => {
      ended?.();
      ended = undefined;
    };
    const started = performance.now();
    try {
      await pool.stream(
        {
          method: (request.method ?? 'GET') as 'GET',
          path: prefix + (url.startsWith('/') ? url : `/${url}`),
          headers,
          body: hasBody ? request : null,
          signal: aborted.signal,
        },
        ({ statusCode, headers: answered }) => {
          endVendorTime();
          response.writeHead(statusCode, forwardable(answered as Record<string, string | string[] | undefined>) as OutgoingHttpHeaders);
          return response;
        },
      );
    } catch (error) {
      endVendorTime();
      if (aborted.signal.aborted) return;
      const code = (error as { code?: string }).code;
      const failure: PassThroughFailure = (code !== undefined && TIMEOUT_CODES.has(code)) || performance.now() - started >= timeoutMs - 50 ? 'timeout' : 'unreachable';
      options.logger.warn({ vendor: options.upstream.vendor, path: url.split('?')[0], failure, reason: code ?? (error instanceof Error ? error.message : String(error)) }, 'pass-through failed');
      // Half an answer already went out: the client must see it cut, not a second answer.
      if (response.headersSent) {
        response.destroy();
        return;
      }
      writeFailure(response, options.answerFailure(failure));
    }
  };
  return { forward, handler: (request, response) => forward(request, response, request.url) };
}
