/**
 * createApp(): the express application serving the unified API. It sees backends only through
 * the Backend spec. Order of the chain: Server-Timing → request id/metrics/log → the `/v1`
 * operations (found by RouteMatcher, then auth → backend selection → JSON body → shape check →
 * validation → handler, in one step) → a facade's plain pass-through (src/http/mount-compat.ts,
 * also before express) → meta routes → facades and callbacks (their own credentials) → auth →
 * the other `/v1` routes → 404/405 → the one error handler.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  ImBridgeError,
  InvalidArgumentError,
  InvalidIdError,
  NotFoundError,
  UNIFIED_ID_RULE,
  toErrorBody,
  type Backend,
  type CapabilityDocument,
} from '../spec/index.js';
import { IdempotencyStore, guardBackend, isTraceparent, runInCallScope, runInRequestContext, type Idempotency, type KeyedLock, type RequestContext } from '../runtime/index.js';
import { facadeOutcomeOf, facadeRouteOf } from '../facade-kit/index.js';
import type { ImbridgeConfig } from '../config/config-types.js';
import { apiSchema, definitionValidator, type ErrorObject } from '../schemas/load-schemas.js';
import { authenticate, type Caller } from './authenticate.js';
import { httpStatusFor } from './error-status.js';
import { buildOpenApiDocument } from './openapi.js';
import { mountDocs } from './docs-page.js';
import { MAX_JSON_DEPTH, jsonShapeProblem } from './check-json-shape.js';
import { mountCompat } from './mount-compat.js';
import { registerBackendMetrics } from './backend-metrics.js';
import { createServerTiming } from './server-timing.js';
import { registerVendorCallMetrics } from '../runtime/vendor-call-metrics.js';
import { ROUTES, roomKindOf, type HandlerContext, type RouteDefinition } from './routes.js';
import { RouteMatcher, type RouteMatch } from './route-matcher.js';
import { VENDORS } from '../../adapters/index.js';
import { HealthMonitor, healthWithin } from './health-monitor.js';
import { mountCallbacks, mountEventRoutes } from './mount-events.js';
import { createEventHub, type EventHub } from '../events/index.js';

export interface AppOptions {
  config: ImbridgeConfig;
  backends: ReadonlyMap<string, Backend>;
  logger: Logger;
  idempotency?: Idempotency;
  /** The guard's keyed lock for every backend; default: one in-process lock per backend. */
  lock?: KeyedLock;
  /** How often the background health check runs (ms); default 5 s. */
  healthIntervalMs?: number;
  /** The event kit (outbox, webhooks, stream); an in-memory one when absent. */
  events?: EventHub;
}

interface Locals {
  requestId: string;
  caller?: Caller;
  backend?: Backend;
  routeLabel?: string;
  /** The unified route answering, for the status of its errors. */
  route?: RouteDefinition;
  /** The unified error code answered, for the access log and the error counter. */
  errorCode?: string;
  /** Set on `/compat/<vendor>` requests. */
  facadeVendor?: string;
  /** The vendor path a pass-through request that skipped express forwarded. */
  facadePath?: string;
}

const ID_PATTERN = new RegExp(UNIFIED_ID_RULE.pattern);
const REQUEST_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/** An error the body parser raised for the client's input (it says so with a 4xx `status` and `expose`). */
function isClientBodyError(error: unknown): error is Error & { status: number } {
  if (!(error instanceof Error)) return false;
  const { status, expose } = error as Error & { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true;
}

/** What the operations' lane and express both read and write per request (express's `res.locals`). */
type AnsweringResponse = ServerResponse & { locals?: Locals };
/** A request as the operations' lane sees it: body-parser leaves the parsed body on it. */
type OperationRequest = IncomingMessage & { body?: unknown };

function locals(response: ServerResponse): Locals {
  const answering = response as AnsweringResponse;
  return (answering.locals ??= Object.create(null) as Locals);
}

/** The path of a request URL without its query (what express calls `req.path` for origin-form URLs). */
function pathnameOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The query of a request URL, parsed as express's default ("simple") query parser does. */
function queryOf(url: string): Record<string, unknown> {
  const mark = url.indexOf('?');
  return (mark === -1 ? Object.create(null) : parseQueryString(url.slice(mark + 1))) as Record<string, unknown>;
}

function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** A JSON answer written as express's `res.json` writes it, without express's response helpers. */
function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(text));
  response.end(text);
}

/** ajv errors as the envelope's `details.errors`, and whether they are all ID-rule breaks. */
function describeSchemaErrors(errors: ErrorObject[], where: 'body' | 'query'): { list: Array<Record<string, unknown>>; onlyIds: boolean } {
  const list = errors.map((error) => {
    const path = `${where === 'query' ? '?' : ''}${error.instancePath || '/'}`;
    if (error.keyword === 'additionalProperties') {
      return { path, keyword: error.keyword, message: `unknown field "${String(error.params.additionalProperty)}"` };
    }
    return { path, keyword: error.keyword, message: error.message ?? 'is invalid' };
  });
  // Only a break of the ID rule itself (not a wrong type) is INVALID_ID.
  const onlyIds = errors.length > 0 && errors.every((error) => error.schemaPath.includes('/$defs/Id/') && ['pattern', 'minLength', 'maxLength'].includes(error.keyword));
  return { list, onlyIds };
}

function pathMatcher(path: string): RegExp {
  const source = path
    .split(/\{(\w+)\}/)
    .map((part, index) => (index % 2 === 1 ? (part === 'kind' ? '(?:groups|chatrooms)' : '[^/]+') : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}/?$`);
}

const META_PATHS: ReadonlyArray<{ method: string; path: string }> = [
  { method: 'GET', path: '/v1/capabilities' },
  { method: 'GET', path: '/v1/backends' },
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/readyz' },
  { method: 'GET', path: '/metrics' },
  { method: 'GET', path: '/openapi.json' },
  { method: 'GET', path: '/v1/events' },
  { method: 'GET', path: '/v1/events/dead' },
  { method: 'POST', path: '/v1/events/dead/{id}/replay' },
  { method: 'POST', path: '/callbacks/{vendor}' },
  { method: 'POST', path: '/callbacks/{vendor}/{backend}' },
];

function healthOf(backend: Backend): Promise<{ ok: boolean; detail?: string }> {
  return healthWithin(backend, 2_000);
}

/**
 * A pass-through path as a metric label: segments holding digits or long names (ids, app keys)
 * become `:param`, so the label stays bounded while `/user/token` stays readable.
 */
function pathLabel(path: string): string {
  return path
    .split('/')
    .map((segment) => (segment === '' || /^[A-Za-z_-]{1,40}$/.test(segment) ? segment : ':param'))
    .join('/');
}

/** The caller's trace with imbridge as the next hop: same trace id, a new parent id. */
function childTraceparent(incoming: string | undefined): string | undefined {
  if (!isTraceparent(incoming)) return undefined;
  const [version, traceId, , flags] = incoming.split('-');
  return `${version}-${traceId}-${randomBytes(8).toString('hex')}-${flags}`;
}

/** The integer-typed fields of a query schema (`limit`): their text must be plain decimal digits. */
function integerQueryFields(definition: string): string[] {
  const schema = (apiSchema().$defs as Record<string, { properties?: Record<string, { type?: unknown }> }> | undefined)?.[definition];
  return Object.entries(schema?.properties ?? {})
    .filter(([, property]) => property.type === 'integer')
    .map(([name]) => name);
}

/** The server's request listener, and what start-up and shutdown reach inside it. */
export interface ImbridgeApp {
  listener: RequestListener;
  metricsRegistry: Registry;
  healthMonitor: HealthMonitor;
}

export function createApp(options: AppOptions): ImbridgeApp {
  const { config, logger } = options;
  // Every caller below (routes and facades) gets the contract's rules from the guard, once.
  const backends = new Map([...options.backends].map(([name, backend]) => [name, guardBackend(backend, options.lock ? { lock: options.lock } : {})] as const));
  const idempotency = options.idempotency ?? new IdempotencyStore();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Behind a proxy the operator decides; by default the socket address is the client.
  app.set('trust proxy', false);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestsTotal = new Counter({
    name: 'imbridge_http_requests_total',
    help: 'HTTP requests answered, by route pattern, status and backend',
    labelNames: ['method', 'route', 'status', 'backend'] as const,
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: 'imbridge_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  registerBackendMetrics(registry, backends);
  const errorsTotal = new Counter({
    name: 'imbridge_http_errors_total',
    help: 'Error answers of the unified API, by route pattern, status and error code',
    labelNames: ['method', 'route', 'status', 'code'] as const,
    registers: [registry],
  });
  const facadeRequestsTotal = new Counter({
    name: 'imbridge_facade_requests_total',
    help: 'Vendor-compatible facade requests: translated onto the backend, passed through to the old vendor, or unmapped',
    labelNames: ['vendor', 'outcome', 'route', 'status'] as const,
    registers: [registry],
  });
  const facadeRouteLabels = new Set<string>();
  // Defaults to the default backend alone: losing an extra backend (an old vendor) must not drain every replica.
  const critical = new Set(config.criticalBackends ?? [config.defaultBackend]);
  const health = new HealthMonitor(backends, { critical, ...(options.healthIntervalMs !== undefined ? { intervalMs: options.healthIntervalMs } : {}) });
  // Started by the first readiness probe or scrape: an embedded server nobody probes never polls its vendors.
  new Gauge({
    name: 'imbridge_backend_up',
    help: 'Whether the backend passed its last background health check (1) or not (0)',
    labelNames: ['backend', 'critical'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const result of health.lastResults()) if (result.checked) this.set({ backend: result.name, critical: String(result.critical) }, result.ok ? 1 : 0);
    },
  });
  registerVendorCallMetrics(registry);
  const timing = createServerTiming(registry);
  const events = options.events ?? createEventHub(undefined, logger);
  events.registerMetricsIn(registry);
  const label = (response: ServerResponse, route: string) => {
    locals(response).routeLabel = route;
  };

  // ---- the steps of every /v1 request, used by the operations' path below and by /v1/capabilities
  const selectBackend = (request: IncomingMessage, response: ServerResponse) => {
    const name = headerOf(request, 'x-im-backend') ?? config.defaultBackend;
    const backend = backends.get(name);
    if (!backend) throw new NotFoundError('BACKEND_NOT_FOUND', `no backend named "${name}" is configured`, { details: { backend: name } });
    const caller = locals(response).caller!;
    if (!caller.backends.includes('*') && !caller.backends.includes(name)) {
      throw new ImBridgeError('FORBIDDEN_BACKEND', `this API key may not use backend "${name}"`, { details: { backend: name } });
    }
    locals(response).backend = backend;
  };
  const parseJson = express.json({ limit: config.server.bodyLimitBytes, strict: false, type: ['application/json', 'application/*+json'] });
  // Before anything recursive (cloning, validation) sees the input.
  const checkShape = (body: unknown, query: unknown) => {
    const problem = jsonShapeProblem(body) ?? jsonShapeProblem(query);
    if (problem?.kind === 'depth') {
      throw new InvalidArgumentError(`the request nests deeper than ${MAX_JSON_DEPTH} levels`, { details: { errors: [{ path: problem.path, message: 'too deep' }] } });
    }
    if (problem?.kind === 'surrogate') {
      throw new InvalidArgumentError('the request holds text that is not well-formed Unicode (a lone UTF-16 surrogate)', {
        details: { errors: [{ path: problem.path, message: 'lone surrogate' }] },
      });
    }
  };

  // ---- request id, metrics and the access log
  /**
   * Opens a request: its id (the caller's when usable), its trace, and on finish its metrics and
   * its access log line. Every request goes through here, on either path.
   */
  const beginRequest = (request: IncomingMessage, response: ServerResponse): RequestContext => {
    const offered = headerOf(request, 'x-request-id');
    const requestId = offered !== undefined && REQUEST_ID_PATTERN.test(offered) ? offered : randomUUID();
    locals(response).requestId = requestId;
    response.setHeader('X-Request-Id', requestId);
    const traceparent = childTraceparent(headerOf(request, 'traceparent'));
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = locals(response).routeLabel ?? 'unmatched';
      const method = request.method ?? '';
      requestsTotal.inc({ method, route, status: response.statusCode, backend: locals(response).backend?.name ?? '' });
      requestSeconds.observe({ method, route }, seconds);
      const code = locals(response).errorCode;
      if (code !== undefined) errorsTotal.inc({ method, route, status: response.statusCode, code });
      // What the client asked for: express's routers leave the URL below their mount path.
      const path = pathnameOf((request as { originalUrl?: string }).originalUrl ?? request.url ?? '/');
      const vendor = locals(response).facadeVendor;
      let facade: { outcome: string; facadeRoute: string } | undefined;
      if (vendor !== undefined) {
        const outcome = facadeOutcomeOf(request, response);
        // The vendor's own path, below the facade's mount path (and any app prefix the facade strips).
        let facadeRoute = outcome === 'translated' ? (facadeRouteOf(request) ?? 'unknown') : pathLabel(locals(response).facadePath ?? pathnameOf(request.url ?? '/'));
        // A vendor path the facade does not know is the caller's choice: bound what it can add.
        if (!facadeRouteLabels.has(`${vendor} ${facadeRoute}`)) {
          if (facadeRouteLabels.size >= 500) facadeRoute = 'other';
          else facadeRouteLabels.add(`${vendor} ${facadeRoute}`);
        }
        facade = { outcome, facadeRoute };
        facadeRequestsTotal.inc({ vendor, outcome, route: facadeRoute, status: response.statusCode });
      }
      // Only the path: a query may carry user data, and headers carry the API key.
      logger.info(
        {
          requestId,
          method,
          path,
          route,
          status: response.statusCode,
          ...(code !== undefined ? { code } : {}),
          ...(facade !== undefined ? { facade: facade.outcome, facadeRoute: facade.facadeRoute } : {}),
          ms: Math.round(seconds * 1e4) / 10,
          backend: locals(response).backend?.name,
          caller: locals(response).caller?.name,
        },
        'request',
      );
    });
    return { requestId, ...(traceparent !== undefined ? { traceparent } : {}) };
  };
  /**
   * Runs `work` inside the request's scopes: the Server-Timing split covers everything after this
   * point, and everything the request does, vendor calls included, can name it
   * (src/runtime/request-context.ts).
   */
  const withinRequest = (request: IncomingMessage, response: ServerResponse, work: () => void) => {
    const scope = timing(response);
    const context = beginRequest(request, response);
    runInCallScope(scope, () => runInRequestContext(context, work));
  };
  app.use((request: Request, response: Response, next: NextFunction) => withinRequest(request, response, next));

  // ---- the unified operations
  const checks = new Map(
    ROUTES.map((route) => [route, { validateBody: definitionValidator(route.body, 'body'), validateQuery: definitionValidator(route.query, 'query'), integerFields: integerQueryFields(route.query) }] as const),
  );
  /** An operation whose request has passed auth, backend selection and the body: validation, the handler, the answer. */
  const runOperation = async ({ route, path, params }: RouteMatch, request: OperationRequest, response: ServerResponse, parsedQuery: Record<string, unknown>) => {
    const { validateBody, validateQuery, integerFields } = checks.get(route)!;
    locals(response).routeLabel = route.path;
    locals(response).route = route;
    const backend = locals(response).backend!;
    for (const name of route.idParams) {
      const value = params[name]!;
      if (!ID_PATTERN.test(value)) throw new InvalidIdError(`path parameter ${name} "${value}" breaks the ID rule: ${UNIFIED_ID_RULE.description}`, { details: { field: name } });
    }
    const segment = path.split('/')[2]!;
    const kind = roomKindOf(segment);
    const room = kind === undefined ? null : { kind, id: params.id ?? '' };

    const query: Record<string, unknown> = { ...parsedQuery };
    // Coercion would take whatever Number() takes (`0x10`, ` 1`, `1e1`); a count is decimal digits.
    const notDecimal = integerFields.filter((field) => typeof query[field] === 'string' && !/^\d+$/.test(query[field] as string));
    if (notDecimal.length > 0) {
      throw new InvalidArgumentError('the query string is invalid', { details: { errors: notDecimal.map((field) => ({ path: `?/${field}`, keyword: 'type', message: 'must be a decimal integer' })) } });
    }
    if (!validateQuery(query)) {
      const { list } = describeSchemaErrors(validateQuery.errors ?? [], 'query');
      throw new InvalidArgumentError('the query string is invalid', { details: { errors: list } });
    }
    const rawBody: unknown = request.body === undefined ? {} : request.body;
    if (rawBody === null || typeof rawBody !== 'object' || Array.isArray(rawBody)) {
      throw new InvalidArgumentError('the request body must be a JSON object', { details: { errors: [{ path: '/', message: 'must be object' }] } });
    }
    const body = structuredClone(rawBody) as Record<string, unknown>;
    if (!validateBody(body)) {
      const { list, onlyIds } = describeSchemaErrors(validateBody.errors ?? [], 'body');
      if (onlyIds) throw new InvalidIdError(`an id in the body breaks the ID rule: ${UNIFIED_ID_RULE.description}`, { details: { errors: list } });
      throw new InvalidArgumentError('the request body does not match the schema', { details: { errors: list } });
    }

    const context: HandlerContext = { backend, params, query, body, room };
    route.checkInput?.(context);

    const execute = async () => ({ status: route.status, body: (await route.handle(context)) ?? null });
    const key = route.idempotent ? headerOf(request, 'idempotency-key') : undefined;
    let answer: { status: number; body: unknown };
    if (key !== undefined) {
      if (key.length < 1 || key.length > 255) throw new InvalidArgumentError('Idempotency-Key must be 1–255 characters');
      const scope = `${locals(response).caller!.identity}|${backend.name}|${route.method} ${pathnameOf(request.url ?? '/')}`;
      const result = await idempotency.run(scope, key, body, execute);
      if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
      answer = result;
    } else {
      answer = await execute();
    }
    if (answer.status === 204) {
      response.statusCode = 204;
      response.end();
    } else {
      sendJson(response, answer.status, answer.body);
    }
  };
  /** Every error answer, of either path: the unified envelope, with the status the error maps to. */
  const answerError = (error: unknown, request: IncomingMessage, response: ServerResponse): void => {
    let unified: ImBridgeError;
    if (error instanceof ImBridgeError) {
      unified = error;
    } else if (error instanceof URIError) {
      // A path parameter did not percent-decode: the id is not even text.
      unified = new InvalidIdError('a path parameter is not valid percent-encoded UTF-8');
    } else if (typeof error === 'object' && error !== null && 'type' in error && typeof (error as { type: unknown }).type === 'string') {
      // body-parser's errors carry a `type`; all of them are the client's doing.
      const type = (error as { type: string }).type;
      unified =
        type === 'entity.too.large'
          ? new ImBridgeError('PAYLOAD_TOO_LARGE', `the request body exceeds ${config.server.bodyLimitBytes} bytes`)
          : new InvalidArgumentError(type === 'entity.parse.failed' ? 'the request body is not valid JSON' : `the request body cannot be read (${type})`);
    } else if (isClientBodyError(error)) {
      // A body its Content-Encoding does not decode: body-parser passes zlib's error on, a 400 without a type.
      unified = new InvalidArgumentError(`the request body cannot be decoded as its Content-Encoding says (${error.message})`);
    } else {
      logger.error({ requestId: locals(response).requestId, err: error, path: pathnameOf(request.url ?? '/') }, 'unexpected error');
      unified = new ImBridgeError('INTERNAL', 'an unexpected error occurred inside imbridge; the request id identifies it in the log');
    }
    const status = httpStatusFor(unified, { friendshipEntry: locals(response).route?.friendshipEntry === true });
    locals(response).errorCode = unified.code;
    if (status >= 500) logger.warn({ requestId: locals(response).requestId, code: unified.code, upstream: unified.upstream, message: unified.message }, 'request failed');
    if (unified.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(unified.retryAfterSeconds));
    if (response.headersSent) return;
    sendJson(response, status, { error: toErrorBody(unified) });
  };

  // An operation is found in one lookup (src/http/route-matcher.ts) and taken through its steps
  // by the server's listener itself, outside express: express's per-request work (its request and
  // response prototypes, a layer per route and step) cost more than the whole operation.
  const matcher = new RouteMatcher(ROUTES);
  const answerOperation = (found: RouteMatch, request: OperationRequest, response: ServerResponse) => {
    const failed = (error: unknown) => answerError(error, request, response);
    try {
      locals(response).caller = authenticate(request, config.auth.apiKeys);
      selectBackend(request, response);
    } catch (error) {
      return failed(error);
    }
    parseJson(request as Request, response as Response, (error?: unknown) => {
      if (error) return failed(error);
      try {
        const query = queryOf(request.url ?? '/');
        checkShape(request.body, query);
        runOperation(found, request, response, query).catch(failed);
      } catch (problem) {
        failed(problem);
      }
    });
  };

  // ---- meta routes that need no credentials
  app.get('/healthz', (_request, response) => {
    locals(response).routeLabel = '/healthz';
    response.json({ status: 'ok' });
  });
  // From the background check, not a vendor call per probe; failure details stay off this open route.
  app.get('/readyz', async (_request, response) => {
    locals(response).routeLabel = '/readyz';
    health.start();
    const snapshot = await health.snapshot();
    const ready = [...snapshot.values()].every((entry) => entry.ok || !entry.critical);
    const reported = Object.fromEntries([...snapshot].map(([name, entry]) => [name, { ok: entry.ok, critical: entry.critical, checkedAt: entry.checkedAt }]));
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', backends: reported });
  });
  const openApiDocument = buildOpenApiDocument(ROUTES, {
    facades: VENDORS.filter((vendor) => vendor.facade !== undefined).map((vendor) => {
      const block = config.compat[vendor.name];
      return { vendor: vendor.name, mounted: block !== undefined, ...(block?.upstream !== undefined ? { upstream: block.upstream } : {}) };
    }),
  });
  app.get('/openapi.json', (_request, response) => {
    locals(response).routeLabel = '/openapi.json';
    response.json(openApiDocument);
  });
  mountDocs(app);
  // A newcomer opening the server's address in a browser lands on the documentation.
  app.get('/', (_request, response) => {
    locals(response).routeLabel = '/';
    response.redirect(302, '/docs');
  });

  // ---- vendor-compatible facades: they check the vendor's own credentials, not API keys
  const compatLane = mountCompat(app, config, backends, logger);
  // ---- vendor callbacks: the vendor's own signature or token, not API keys
  mountCallbacks(app, config, events, label);

  // ---- who is calling
  app.use((request: Request, response: Response, next: NextFunction) => {
    locals(response).caller = authenticate(request, config.auth.apiKeys);
    next();
  });

  app.get('/metrics', async (_request, response) => {
    locals(response).routeLabel = '/metrics';
    // Series are labelled by backend, so a key limited to some backends would see the others' traffic.
    if (!locals(response).caller!.backends.includes('*')) {
      throw new ImBridgeError('FORBIDDEN_BACKEND', '/metrics covers every backend: it needs an API key allowed on all of them (backends: ["*"])');
    }
    health.start();
    response.type(registry.contentType).send(await registry.metrics());
  });

  // Listing backends selects none, so a key limited to some backends may still list them.
  app.get('/v1/backends', async (_request, response) => {
    locals(response).routeLabel = '/v1/backends';
    const caller = locals(response).caller!;
    const visible = [...backends].filter(([name]) => caller.backends.includes('*') || caller.backends.includes(name));
    const items = await Promise.all(
      visible.map(async ([name, backend]) => ({ name, vendor: backend.vendor, default: name === config.defaultBackend, health: await healthOf(backend) })),
    );
    response.json({ default: config.defaultBackend, items });
  });

  // Events span backends: each caller sees those its key may use, whatever X-IM-Backend says.
  mountEventRoutes(app, events, (response) => locals(response).caller!, label);

  // ---- which backend
  app.use('/v1', (request: Request, response: Response, next: NextFunction) => {
    selectBackend(request, response);
    next();
  });
  app.use('/v1', parseJson);
  app.use('/v1', (request: Request, _response: Response, next: NextFunction) => {
    checkShape(request.body, request.query);
    next();
  });

  app.get('/v1/capabilities', (_request, response) => {
    locals(response).routeLabel = '/v1/capabilities';
    const backend = locals(response).backend!;
    const document: CapabilityDocument = {
      backend: backend.name,
      vendor: backend.vendor,
      capabilities: backend.capabilities,
      idRule: backend.idRule,
      ...(backend.sendPolicy ? { sendPolicy: backend.sendPolicy } : {}),
    };
    response.json(document);
  });
  // ---- no such route, or not with this method
  const known = [...ROUTES.map((route) => ({ method: route.method, path: route.path })), ...META_PATHS].map((entry) => ({
    method: entry.method,
    matcher: pathMatcher(entry.path),
  }));
  app.use((request: Request, response: Response) => {
    const allowed = known.filter((entry) => entry.matcher.test(request.path)).map((entry) => entry.method);
    if (allowed.length > 0) {
      response.setHeader('Allow', [...new Set(allowed)].join(', '));
      throw new ImBridgeError('METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${[...new Set(allowed)].join(' or ')}`);
    }
    throw new NotFoundError('NOT_FOUND', `no route ${request.method} ${request.path}`);
  });

  // ---- the one error handler (answerError, above, for both paths)
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => answerError(error, request, response));

  const listener: RequestListener = (request, response) => {
    const url = request.url ?? '/';
    let found: RouteMatch | undefined;
    try {
      // Origin-form URLs only: any other form is express's to parse.
      found = url.startsWith('/') ? matcher.match(request.method ?? '', pathnameOf(url)) : undefined;
    } catch (error) {
      // An operation's path whose parameter does not percent-decode.
      return withinRequest(request, response, () => answerError(error, request, response));
    }
    if (found) return withinRequest(request, response, () => answerOperation(found, request, response));
    // A facade's plain pass-through (its credential checked, no route of its own) skips express:
    // express's per-request work costs more than the hop to the vendor (README, benchmarks).
    const passing = compatLane(request);
    if (passing === undefined) return app(request, response);
    withinRequest(request, response, () => {
      locals(response).routeLabel = `/compat/${passing.vendor}`;
      locals(response).facadeVendor = passing.vendor;
      locals(response).facadePath = pathnameOf(passing.url);
      passing.forward(response).catch((error: unknown) => answerError(error, request, response));
    });
  };
  return { listener, metricsRegistry: registry, healthMonitor: health };
}
