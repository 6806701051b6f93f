/**
 * The end a facade router built of express routes shares: its pass-through step, then its
 * fallback answer, and the lane that takes the same pass-through requests before express. Built
 * here once so the lane's route table always sees the router's final stack, and the step whose
 * decision the lane repeats is the one the router runs.
 */
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { Logger } from 'pino';
import type { UpstreamAccess } from '../spec/index.js';
import type { Facade, LaneUrl } from './facade.js';
import { createPassThrough, type FailureAnswer, type PassThroughFailure } from './pass-through.js';
import { routeTable, type RouteTable } from './route-table.js';

export interface PassThroughEnd {
  upstream: UpstreamAccess | null;
  logger: Logger;
  timeoutMs?: number;
  answerFailure: (failure: PassThroughFailure) => FailureAnswer;
  /** The router's answer for what it neither translates nor passes through. */
  fallback: RequestHandler;
  /**
   * A check the router runs just before forwarding, answering its own refusal (false), such as a
   * token the upstream's credentials must not be spent without; the lane's
   * `accepts` must refuse the same requests.
   */
  guard?: (request: Request, response: Response) => boolean;
  /** The router's middleware that never answer what the lane takes (its credential check). */
  transparent: readonly unknown[];
  /** The lane's decision; `translates` is the router's route table. */
  accepts(request: IncomingMessage, url: LaneUrl, translates: RouteTable): string | null;
}

export function endWithPassThrough(router: Router, end: PassThroughEnd): Facade {
  if (!end.upstream) {
    router.use(end.fallback);
    return { router };
  }
  const passThrough = createPassThrough({
    upstream: end.upstream,
    logger: end.logger,
    answerFailure: end.answerFailure,
    ...(end.timeoutMs !== undefined ? { timeoutMs: end.timeoutMs } : {}),
  });
  const { guard } = end;
  const step: RequestHandler = guard
    ? (request, response, next) => {
        if (guard(request, response)) void passThrough.handler(request, response, next);
      }
    : passThrough.handler;
  router.use(step);
  router.use(end.fallback);
  const translates = routeTable(router, [...end.transparent, step, end.fallback]);
  return { router, lane: { accepts: (request, url) => end.accepts(request, url, translates), forward: passThrough.forward } };
}
