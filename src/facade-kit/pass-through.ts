/**
 * Pass-through for routes a facade does not translate: the request goes, unchanged and streamed,
 * to the vendor upstream, with the client's vendor credentials removed and the upstream backend's
 * own applied (a fresh signature where the vendor signs each call, else the backend's token). The answer
 * comes back unchanged; a timeout or an unreachable upstream is answered in the vendor's shape.
 */
import { Agent as HttpAgent, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Request, RequestHandler, Response } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { Logger } from 'pino';
import type { UpstreamAccess } from '../spec/index.js';
import { requestContextHeaders } from '../runtime/request-context.js';
import { markFacadeOutcome } from './facade-outcome.js';
import { currentCallScope } from '../runtime/index.js';

/** Ends the upstream leg's share of the request's vendor time (Server-Timing). */
const UPSTREAM_ENDED = Symbol('imbridge.pass-through-ended');
type TimedRequest = IncomingMessage & { [UPSTREAM_ENDED]?: () => void };

export type PassThroughFailure = 'timeout' | 'unreachable';

export interface PassThroughOptions {
  upstream: UpstreamAccess;
  /** The upstream path (query included) for a facade-relative request URL; default: unchanged. */
  rewritePath?: (path: string, request: Request) => string;
  /** Writes the vendor's own error answer for an upstream that did not answer. */
  answerFailure: (response: Response, failure: PassThroughFailure) => void;
  timeoutMs?: number;
  logger: Logger;
}

export function createPassThrough(options: PassThroughOptions): RequestHandler {
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Without a keep-alive agent every forwarded call would open a new connection to the vendor.
  const agentOptions = { keepAlive: true, maxSockets: 64, keepAliveMsecs: 30_000 };
  const agent = options.upstream.baseUrl.startsWith('https:') ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const proxy = createProxyMiddleware<Request, Response>({
    target: options.upstream.baseUrl,
    agent,
    changeOrigin: true,
    xfwd: false,
    // Only the upstream leg is timed: a timeout on the client's socket would close it before the
    // vendor-shaped timeout answer could be written.
    proxyTimeout: timeoutMs,
    ...(options.rewritePath ? { pathRewrite: (path: string, request: Request) => options.rewritePath!(path, request) } : {}),
    on: {
      // The upstream leg, up to its answer's headers, is vendor time.
      proxyRes: (_answer, request) => (request as TimedRequest)[UPSTREAM_ENDED]?.(),
      error: (error: Error & { code?: string }, request: IncomingMessage, response: ServerResponse | unknown) => {
        (request as TimedRequest)[UPSTREAM_ENDED]?.();
        const started = (request as Request & { passThroughStarted?: number }).passThroughStarted ?? Date.now();
        const failure: PassThroughFailure = Date.now() - started >= timeoutMs - 50 ? 'timeout' : 'unreachable';
        options.logger.warn({ vendor: options.upstream.vendor, path: (request as Request).path, failure, reason: error.code ?? error.message }, 'pass-through failed');
        const answer = response as Response;
        if (typeof answer.status !== 'function' || answer.headersSent) {
          (response as ServerResponse).destroy?.();
          return;
        }
        options.answerFailure(answer, failure);
      },
    },
  });
  return async (request, response, next) => {
    let headers: Record<string, string>;
    try {
      headers = await options.upstream.authHeaders();
    } catch (error) {
      options.logger.warn({ vendor: options.upstream.vendor, reason: error instanceof Error ? error.message : String(error) }, 'pass-through could not authenticate upstream');
      options.answerFailure(response, 'unreachable');
      return;
    }
    for (const name of options.upstream.credentialHeaders) delete request.headers[name];
    // The request id (and trace) reach the old vendor too, so its logs join imbridge's.
    Object.assign(request.headers, requestContextHeaders(), headers);
    markFacadeOutcome(response, 'pass_through');
    (request as Request & { passThroughStarted?: number }).passThroughStarted = Date.now();
    const ended = currentCallScope()?.vendorTime?.begin();
    if (ended) (request as TimedRequest)[UPSTREAM_ENDED] = ended;
    await proxy(request, response, next);
  };
}
