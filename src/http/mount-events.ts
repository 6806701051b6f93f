/**
 * The event routes: `GET /v1/events` (SSE, `Last-Event-ID` resume), `GET /v1/events/dead` and
 * `POST /v1/events/dead/{id}/replay` behind API-key auth, and `POST /callbacks/<vendor>[/<backend>]`,
 * which vendors call with their own format and their own signature or token instead.
 */
import express, { type Express, type Request, type Response } from 'express';
import { ImBridgeError, InvalidArgumentError, NotFoundError } from '../spec/index.js';
import type { ImbridgeConfig } from '../config/config-types.js';
import type { EventFilter, EventHub } from '../events/index.js';
import { streamEvents } from '../events/index.js';
import type { CallbackRequest } from '../vendor-kit/index.js';
import { findVendor } from '../../adapters/index.js';
import type { Caller } from './authenticate.js';

const TYPE_PATTERN = /^[A-Za-z]+\.[A-Za-z]+$/;
const DEAD_PAGE_LIMIT = 100;

function queryText(request: Request, name: string): string | undefined {
  const value = request.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidArgumentError(`the query parameter ${name} must be given once`, { details: { errors: [{ path: `?/${name}`, message: 'must be a string' }] } });
  return value;
}

/** Mounts `/callbacks/…` (call before API-key auth: vendors authenticate their own way). */
export function mountCallbacks(app: Express, config: ImbridgeConfig, events: EventHub, label: (response: Response, route: string) => void): void {
  const handle = async (request: Request, response: Response) => {
    const params = request.params as Record<string, string | string[] | undefined>;
    const vendorName = params.vendor as string;
    label(response, '/callbacks/{vendor}');
    const vendor = findVendor(vendorName);
    if (!vendor?.callbacks) throw new NotFoundError('NOT_FOUND', `no vendor "${vendorName}" with callbacks`);
    const configured = Object.keys(config.events?.callbacks ?? {}).filter((name) => config.backends[name]?.vendor === vendorName);
    const named = params.backend as string | undefined;
    let backend: string;
    if (named !== undefined) {
      if (!configured.includes(named)) throw new NotFoundError('BACKEND_NOT_FOUND', `callbacks are not configured for a ${vendorName} backend named "${named}" (events.callbacks)`);
      backend = named;
    } else if (configured.length === 1) {
      backend = configured[0]!;
    } else if (configured.length === 0) {
      throw new NotFoundError('BACKEND_NOT_FOUND', `callbacks are not configured for any ${vendorName} backend (events.callbacks)`);
    } else {
      throw new InvalidArgumentError(`several ${vendorName} backends take callbacks (${configured.join(', ')}); call /callbacks/${vendorName}/<backend>`);
    }
    const rawBody = typeof request.body === 'string' ? request.body : '';
    let body: unknown;
    try {
      body = rawBody === '' ? undefined : JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    const callback: CallbackRequest = {
      path: params.rest === undefined ? '' : `/${([] as string[]).concat(params.rest).join('/')}`,
      query: Object.fromEntries(Object.entries(request.query).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
      headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value])),
      rawBody,
      body,
    };
    const credentials = config.events!.callbacks[backend]!;
    const result = vendor.callbacks.read(callback, credentials, config.backends[backend]!);
    await events.ingest(backend, result.changes);
    response.status(result.reply.status).json(result.reply.body);
  };
  const parse = express.text({ type: () => true, limit: config.server.bodyLimitBytes });
  app.post('/callbacks/:vendor', parse, handle);
  app.post('/callbacks/:vendor/:backend', parse, handle);
  // Some vendors put the command in the path after the configured URL: `<url>/<command>`.
  app.post('/callbacks/:vendor/:backend/*rest', parse, handle);
}

/** Mounts the `/v1/events` routes (after API-key auth: they need a caller). */
export function mountEventRoutes(app: Express, events: EventHub, callerOf: (response: Response) => Caller, label: (response: Response, route: string) => void): void {
  const visible = (caller: Caller, backend: string) => caller.backends.includes('*') || caller.backends.includes(backend);

  app.get('/v1/events', (request: Request, response: Response) => {
    label(response, '/v1/events');
    const caller = callerOf(response);
    const types = queryText(request, 'types')?.split(',').filter((type) => type !== '');
    for (const type of types ?? []) {
      if (!TYPE_PATTERN.test(type)) throw new InvalidArgumentError(`"${type}" is not an event type (such as friend.added)`, { details: { errors: [{ path: '?/types', message: 'not an event type' }] } });
    }
    const user = queryText(request, 'user');
    const backend = queryText(request, 'backend');
    if (backend !== undefined && !visible(caller, backend)) throw new ImBridgeError('FORBIDDEN_BACKEND', `this API key may not use backend "${backend}"`, { details: { backend } });
    const filter: EventFilter = {
      ...(types ? { types } : {}),
      ...(user !== undefined ? { user } : {}),
      backends: backend !== undefined ? [backend] : caller.backends,
    };
    // EventSource sends `Last-Event-ID` on reconnect; `after` lets a first connection name a position.
    const after = request.get('last-event-id') ?? queryText(request, 'after');
    let afterSeq: number;
    if (after === undefined || after === '') {
      afterSeq = events.outbox.lastSeq();
    } else if (after === '0') {
      afterSeq = 0;
    } else {
      const seq = events.outbox.seqOf(after);
      if (seq === undefined) {
        throw new NotFoundError('NOT_FOUND', `event "${after}" is not in the outbox (unknown, or older than its retention); reconnect without Last-Event-ID, or with after=0 for all it holds`, { details: { lastEventId: after } });
      }
      afterSeq = seq;
    }
    streamEvents(events, request, response, afterSeq, filter);
  });

  app.get('/v1/events/dead', (request: Request, response: Response) => {
    label(response, '/v1/events/dead');
    const caller = callerOf(response);
    const cursor = queryText(request, 'cursor');
    if (cursor !== undefined && !/^\d{1,15}$/.test(cursor)) throw new InvalidArgumentError('cursor must be a value a previous page returned', { details: { errors: [{ path: '?/cursor', message: 'not a cursor' }] } });
    const limitText = queryText(request, 'limit');
    if (limitText !== undefined && !/^\d{1,4}$/.test(limitText)) throw new InvalidArgumentError('limit must be a decimal integer', { details: { errors: [{ path: '?/limit', message: 'must be a decimal integer' }] } });
    const limit = Math.min(DEAD_PAGE_LIMIT, Math.max(1, Number(limitText ?? 50)));
    const page = events.outbox.dead(Number(cursor ?? 0), limit + 1);
    const items = page.slice(0, limit).filter((item) => visible(caller, item.event.backend));
    const last = page.slice(0, limit).at(-1);
    response.json({ items, nextCursor: page.length > limit && last ? String(last.id) : null });
  });

  app.post('/v1/events/dead/:id/replay', (request: Request, response: Response) => {
    label(response, '/v1/events/dead/{id}/replay');
    const caller = callerOf(response);
    const text = String(request.params.id);
    const id = /^\d{1,15}$/.test(text) ? Number(text) : undefined;
    const dead = id === undefined ? undefined : events.outbox.dead(id - 1, 1).find((item) => item.id === id);
    if (!dead || !visible(caller, dead.event.backend)) throw new NotFoundError('NOT_FOUND', `no dead-lettered delivery ${text}`, { details: { id: text } });
    events.replay(dead.id);
    response.status(202).json({ id: dead.id, replayed: true, event: dead.event.id, webhook: dead.webhook });
  });
}
