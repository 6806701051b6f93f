/**
 * Builds the OpenAPI 3.1 document from the route table and schemas/api.schema.json, the same
 * sources the server validates with, so the document cannot drift from the behaviour.
 */
import { STATUS_CODES } from 'node:http';
import { apiSchema, type JsonSchema } from '../schemas/load-schemas.js';
import { ERROR_CODES, type ErrorCode } from '../spec/index.js';
import { httpStatusForCode } from './error-status.js';
import { errorCodesByStatus } from './route-errors.js';
import type { RouteDefinition } from './routes.js';
import { PATH_PARAMETER_EXAMPLES, SCHEMA_DOCS } from './schema-docs.js';

/** A vendor-compatible facade this build knows, and whether this server mounts it. */
export interface FacadeEntry {
  vendor: string;
  mounted: boolean;
  /** The backend its unmapped routes pass through to, when one is configured. */
  upstream?: string;
}

export interface OpenApiOptions {
  facades?: readonly FacadeEntry[];
}
import { VENDORS } from '../../adapters/index.js';

/** `#/$defs/X` → `#/components/schemas/X`, everywhere in a schema. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        key === '$ref' && typeof item === 'string' ? item.replace('#/$defs/', '#/components/schemas/') : rewriteRefs(item),
      ]),
    );
  }
  return value;
}

function reference(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

function pageOf(name: string): JsonSchema {
  return {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: { items: { type: 'array', items: reference(name) }, nextCursor: { type: ['string', 'null'] } },
  };
}

const errorResponse = {
  description: 'Any other error, in the unified envelope (for example 405 METHOD_NOT_ALLOWED, or 408/431 from the HTTP parser).',
  content: { 'application/json': { schema: reference('ErrorEnvelope') } },
};

function exampleOf(name: string): unknown {
  // A schema that carries its own `examples` (the events ones) needs no second copy in SCHEMA_DOCS.
  const own = ((apiSchema().$defs ?? {}) as Record<string, { examples?: unknown[] }>)[name]?.examples?.[0];
  return SCHEMA_DOCS[name]?.example ?? own;
}

/** One error response: the envelope with `code` narrowed to what this operation answers with this status. */
function errorResponseFor(status: number, codes: readonly ErrorCode[]): Record<string, unknown> {
  const first = codes[0]!;
  return {
    description: `${STATUS_CODES[status] ?? 'Error'}: ${codes.join(', ')}`,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['error'],
          properties: { error: { allOf: [reference('ErrorBody'), { type: 'object', properties: { code: { enum: [...codes] } } }] } },
        },
        example: { error: { code: first, message: `an example ${first} answer`, retryable: ['UPSTREAM_UNAVAILABLE', 'RATE_LIMITED'].includes(first) } },
      },
    },
  };
}

function successExample(response: RouteDefinition['response']): unknown {
  if (response === null) return undefined;
  if ('schema' in response) return exampleOf(response.schema);
  return { items: [exampleOf(response.page)], nextCursor: null };
}

/** Each schema with its description and example (the schema's own description wins). */
function documentedSchemas(definitions: Record<string, JsonSchema>): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.entries(definitions).map(([name, schema]) => {
      const doc = SCHEMA_DOCS[name];
      const documented: JsonSchema = { ...schema };
      if (documented.description === undefined && doc?.description !== undefined) documented.description = doc.description;
      if (doc !== undefined) documented.examples = [doc.example];
      if (name === 'ErrorBody') {
        const properties = documented.properties as Record<string, JsonSchema>;
        documented.properties = { ...properties, code: { ...properties.code, enum: [...ERROR_CODES], description: 'Stable error code; docs/api.md, "Errors", says what each means.' } };
      }
      return [name, documented];
    }),
  );
}

const FACADE_DESCRIPTION =
  "Vendor-compatible endpoints for migration: `/compat/<vendor>/…` accepts that vendor's own request shapes, credentials and envelopes, " +
  'runs each call on the configured backend (which may be of any vendor, or native), and answers in the vendor\'s envelope, so an app ' +
  'written against the vendor keeps working while its data moves. Routes a facade does not translate pass through unchanged to ' +
  "`compat.<vendor>.upstream` (that vendor's own server) when configured, or get the vendor's own \"not supported\" error. " +
  'A facade checks the vendor\'s credentials, not API keys. `/metrics` counts both (`imbridge_facade_requests_total{outcome="translated"|"pass_through"|"unmapped"}`), ' +
  'which is how much of an app still depends on the old vendor. Each vendor\'s mapped routes are listed in `adapters/<vendor>/README.md`.';

function facadePaths(facades: readonly FacadeEntry[]): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const facade of facades.filter((entry) => entry.mounted)) {
    const passThrough = facade.upstream === undefined ? 'No upstream is configured: untranslated routes get the vendor\'s "not supported" error.' : `Untranslated routes pass through to backend \`${facade.upstream}\`.`;
    const operation = (method: string) => ({
      operationId: `compat_${facade.vendor.replace(/\W/g, '_')}_${method}`,
      summary: `${facade.vendor}-compatible endpoint (the vendor's own wire format)`,
      description: `Any ${facade.vendor} server API route, in ${facade.vendor}'s request and answer shapes and with its credentials, served on the configured backend. ${passThrough} Not a unified operation: the request and answer are the vendor's.`,
      tags: ['Vendor-compatible facades'],
      security: [],
      parameters: [{ name: 'vendorPath', in: 'path', required: true, description: `The ${facade.vendor} API path, as the vendor documents it.`, schema: { type: 'string' }, example: 'user/token' }],
      responses: { default: { description: `Whatever ${facade.vendor} itself would answer, in its envelope.` } },
    });
    paths[`/compat/${facade.vendor}/{vendorPath}`] = { get: operation('get'), post: operation('post') };
  }
  return paths;
}

export function buildOpenApiDocument(routes: readonly RouteDefinition[], options: OpenApiOptions = {}): JsonSchema {
  const definitions = (apiSchema().$defs ?? {}) as Record<string, JsonSchema>;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters: unknown[] = [];
    for (const match of route.path.matchAll(/\{(\w+)\}/g)) {
      const name = match[1]!;
      let schema: JsonSchema = reference('Id');
      if (name === 'kind') schema = { enum: ['groups', 'chatrooms'] };
      if (name === 'type') schema = { enum: ['user', 'group', 'chatroom'] };
      parameters.push({ name, in: 'path', required: true, schema, example: PATH_PARAMETER_EXAMPLES[name] ?? 'alice' });
    }
    const querySchema = definitions[route.query] as { properties?: Record<string, JsonSchema>; required?: string[] } | undefined;
    for (const [name, schema] of Object.entries(querySchema?.properties ?? {})) {
      parameters.push({ name, in: 'query', required: querySchema?.required?.includes(name) ?? false, schema: rewriteRefs(schema) });
    }
    if (route.idempotent) {
      parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 } });
    }
    parameters.push({ name: 'X-IM-Backend', in: 'header', required: false, schema: { type: 'string' }, description: 'Backend name from the config; absent = the default backend.' });
    const responses: Record<string, unknown> = {};
    if (route.response === null) responses[String(route.status)] = { description: 'Done: no content' };
    else {
      const schema = 'schema' in route.response ? reference(route.response.schema) : pageOf(route.response.page);
      responses[String(route.status)] = { description: 'Success', content: { 'application/json': { schema, example: successExample(route.response) } } };
    }
    for (const [status, codes] of errorCodesByStatus(route)) responses[String(status)] = errorResponseFor(status, codes);
    responses.default = errorResponse;
    const capability = 'user' in route.capability ? route.capability.user : `{kind}.${route.capability.room}`;
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      description: `${route.description}\n\nRequires the capability \`${capability}\` (see \`GET /v1/capabilities\`); a backend without it answers 501 UNSUPPORTED.`,
      tags: [route.tag],
      parameters,
      responses,
      'x-capability': capability,
    };
    if (route.body !== 'NoBody') {
      operation.requestBody = { required: true, content: { 'application/json': { schema: reference(route.body), example: exampleOf(route.body) } } };
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  const json = (schema: JsonSchema, example: unknown, description = 'OK') => ({ description, content: { 'application/json': { schema, example } } });
  const metaErrors = (codes: ErrorCode[]) => Object.fromEntries([...new Set(codes.map(httpStatusForCode))].map((status) => [status, errorResponseFor(status, codes.filter((code) => httpStatusForCode(code) === status))]));
  const readiness: JsonSchema = {
    type: 'object',
    required: ['status', 'backends'],
    properties: {
      status: { enum: ['ready', 'not ready'] },
      backends: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          required: ['ok', 'critical'],
          properties: { ok: { type: 'boolean' }, critical: { type: 'boolean' }, checkedAt: { type: ['string', 'null'], format: 'date-time' } },
        },
      },
    },
  };
  const readyExample = (ok: boolean) => ({
    status: 'ready',
    backends: { local: { ok: true, critical: true, checkedAt: '2026-12-02T09:30:00.000Z' }, old: { ok, critical: false, checkedAt: '2026-12-02T09:30:00.000Z' } },
  });
  paths['/v1/capabilities'] = {
    get: {
      operationId: 'getCapabilities',
      summary: "The selected backend's capabilities and ID rule",
      description: 'What the backend selected by `X-IM-Backend` (or the default) can do: each capability `true`, `false` (the operation answers 501 UNSUPPORTED) or an object of options (a missing option answers 422 UNSUPPORTED_OPTION), its ID rule, and its send policy when direct messages need more than not being blocked.',
      tags: ['Meta'],
      parameters: [{ name: 'X-IM-Backend', in: 'header', required: false, schema: { type: 'string' }, example: 'local', description: 'Backend name from the config; absent = the default backend.' }],
      responses: { 200: json(reference('CapabilityDocument'), exampleOf('CapabilityDocument')), ...metaErrors(['UNAUTHENTICATED', 'FORBIDDEN_BACKEND', 'BACKEND_NOT_FOUND']), default: errorResponse },
    },
  };
  paths['/v1/backends'] = {
    get: {
      operationId: 'listBackends',
      summary: 'Configured backends and their health (no secrets)',
      description: 'The configured backends this API key may use, each with its vendor, whether it is the default, and its health checked now. Never shows credentials.',
      tags: ['Meta'],
      responses: { 200: json(reference('BackendList'), exampleOf('BackendList')), ...metaErrors(['UNAUTHENTICATED']), default: errorResponse },
    },
  };
  paths['/healthz'] = {
    get: {
      operationId: 'healthz',
      summary: 'The process is up',
      description: 'Liveness: 200 while the process serves HTTP, whatever its backends do. Needs no key.',
      tags: ['Meta'],
      security: [],
      responses: { 200: json({ type: 'object', required: ['status'], properties: { status: { const: 'ok' } } }, { status: 'ok' }) },
    },
  };
  paths['/readyz'] = {
    get: {
      operationId: 'readyz',
      summary: 'Every critical backend is reachable',
      description:
        'Readiness, from health checked in the background (never a vendor call per probe): 200 while every backend marked `critical` in the config answered its last check, 503 otherwise. ' +
        'A backend is critical when its config block says `critical: true`; without the key only the default backend is. A non-critical backend that is down (an old vendor kept as a pass-through upstream during a migration) is reported but does not take the instance out of the load balancer. Needs no key.',
      tags: ['Meta'],
      security: [],
      responses: { 200: json(readiness, readyExample(false)), 503: json(readiness, { status: 'not ready', backends: { local: { ok: false, critical: true, checkedAt: '2026-12-02T09:30:00.000Z' } } }, 'Not ready: a critical backend failed its last check') },
    },
  };
  paths['/metrics'] = {
    get: {
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      description:
        'Prometheus text format: HTTP requests and latency by route, error answers by code (`imbridge_http_errors_total`), facade calls translated or passed through (`imbridge_facade_requests_total`), backend health from the background check (`imbridge_backend_up`), the backends\' own metrics, and the Node.js process. Needs a key when keys are configured, one allowed on every backend (`backends: ["*"]`): the series name each backend, so a key limited to some would see the traffic of the others (403 FORBIDDEN_BACKEND).',
      tags: ['Meta'],
      responses: {
        200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' }, example: 'imbridge_http_errors_total{method="GET",route="/v1/users/{uid}",status="404",code="USER_NOT_FOUND"} 3\n' } } },
        ...metaErrors(['UNAUTHENTICATED', 'FORBIDDEN_BACKEND']),
      },
    },
  };
  paths['/openapi.json'] = {
    get: {
      operationId: 'openapi',
      summary: 'This document',
      description: 'This OpenAPI 3.1 document, built from the same route table and JSON Schemas the server validates with. Needs no key.',
      tags: ['Meta'],
      security: [],
      responses: { 200: json({ type: 'object' }, { openapi: '3.1.0', info: { title: 'imbridge unified IM API', version: '1.0.0' } }) },
    },
  };
  paths['/docs'] = {
    get: {
      operationId: 'docs',
      summary: 'Interactive documentation of this API',
      description: 'Swagger UI over `/openapi.json`, served by imbridge itself (no CDN). Needs no key; Try-it-out calls use the key set with Authorize.',
      tags: ['Meta'],
      security: [],
      responses: { 200: { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' }, example: '<!doctype html>…' } } } },
    },
  };
  Object.assign(paths, facadePaths(options.facades ?? []));
  const facadeList = (options.facades ?? []).map((facade) => `\`${facade.vendor}\`${facade.mounted ? ' (mounted here)' : ''}`).join(', ');
  Object.assign(paths, eventPaths(json, metaErrors));

  return {
    openapi: '3.1.0',
    info: {
      title: 'imbridge unified IM API',
      version: '1.0.0',
      description: `One API for IM relationships over the vendor backends in adapters/ or the native backend. Error codes and statuses: ${ERROR_CODES.map((code) => `${code} ${httpStatusForCode(code)}`).join(', ')}.`,
    },
    // No `jsonSchemaDialect`: 3.1 already defaults to 2020-12, and Swagger UI shows a red warning for any value.
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    tags: [
      { name: 'Users', description: 'Registering, reading and enumerating users.' },
      { name: 'Friends', description: 'Friend lists: symmetric by default, one-way where the backend can.' },
      { name: 'Friend requests', description: 'Requests that become a friendship when accepted.' },
      { name: 'Blocks', description: 'One-way blocks: the blocked user can no longer message or befriend the blocker.' },
      { name: 'Relations', description: 'Everything two users are to each other, in one read.' },
      { name: 'User whitelist', description: 'Who may message a user (optional capability).' },
      { name: 'Conversations', description: "A user's conversation list." },
      { name: 'Messages', description: 'Sending, where relationship policy is enforced.' },
      { name: 'Rooms', description: '`{kind}` is `groups` or `chatrooms`: members, roles, mutes, mute-all, whitelists and bans.' },
      { name: 'Meta', description: 'Capabilities, backends, health, readiness, metrics and this document.' },
      { name: 'Vendor-compatible facades', description: `${FACADE_DESCRIPTION}${facadeList === '' ? '' : ` Facades in this build: ${facadeList}.`}` },
    ],
    paths,
    webhooks: eventWebhooks(),
    components: {
      schemas: rewriteRefs(documentedSchemas(definitions)) as Record<string, JsonSchema>,
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from auth.apiKeys; not needed when none are configured (loopback only).' } },
    },
  };
}

const EXAMPLE_EVENT = {
  id: 'evt_3f9a1c0d2b8e4f6a9c7d5e1b2a4c6d8e',
  type: 'block.added',
  time: '2026-12-02T17:30:00.000Z',
  backend: 'local',
  source: 'imbridge',
  actor: 'alice',
  target: { uid: 'alice', blocked: 'bob' },
  before: null,
  after: { uid: 'alice', blocked: 'bob', since: '2026-12-02T17:30:00.000Z' },
};

/** `/v1/events`, its dead letters and replay, and `/callbacks/{vendor}/{backend}` (docs/api.md, "Events"). */
function eventPaths(
  json: (schema: JsonSchema, example: unknown, description?: string) => unknown,
  errors: (codes: ErrorCode[]) => Record<string, unknown>,
): Record<string, Record<string, unknown>> {
  const text = (name: string, description: string, example: string) => ({ name, in: 'query', required: false, description, schema: { type: 'string' }, example });
  return {
    '/v1/events': {
      get: {
        operationId: 'streamEvents',
        summary: 'Every change as Server-Sent Events, resumable',
        description:
          'An SSE stream (text/event-stream) of events from the outbox: each message has `id:` (the event id), `event:` (its type) and `data:` (the Event as JSON). Reconnect with `Last-Event-ID` (EventSource does) to get exactly the events after that one; without it the stream starts with events appended from now, or with `after=0` from the oldest held. Covers the backends the API key may use. An id the outbox no longer holds is 404 NOT_FOUND.',
        tags: ['Events'],
        parameters: [
          { name: 'Last-Event-ID', in: 'header', required: false, description: 'Resume after this event id.', schema: { type: 'string' }, example: EXAMPLE_EVENT.id },
          text('after', 'Resume after this event id (for a first connection; `0` = from the oldest held).', '0'),
          text('types', 'Comma-separated event types to keep.', 'block.added,block.deleted'),
          text('user', 'Keep events about this user (any role in the target).', 'alice'),
          text('backend', 'Keep events of this backend.', 'local'),
        ],
        responses: {
          200: { description: 'The stream', content: { 'text/event-stream': { schema: { type: 'string' }, example: `id: ${EXAMPLE_EVENT.id}\nevent: block.added\ndata: ${JSON.stringify(EXAMPLE_EVENT)}\n\n` } } },
          ...errors(['UNAUTHENTICATED', 'INVALID_ARGUMENT', 'NOT_FOUND']),
          default: errorResponse,
        },
      },
    },
    '/v1/events/dead': {
      get: {
        operationId: 'listDeadDeliveries',
        summary: 'Webhook deliveries given up after their retry window',
        description: 'Oldest first, of the backends the API key may use; page with `cursor` (the previous page\'s nextCursor) and `limit` (1–100, default 50).',
        tags: ['Events'],
        parameters: [text('cursor', 'nextCursor of the previous page.', '42'), { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 }, example: 50 }],
        responses: { 200: { ...(json(reference('DeadDeliveryPage'), exampleOf('DeadDeliveryPage')) as object), description: 'Dead-lettered deliveries' }, ...errors(['UNAUTHENTICATED', 'INVALID_ARGUMENT']), default: errorResponse },
      },
    },
    '/v1/events/dead/{id}/replay': {
      post: {
        operationId: 'replayDeadDelivery',
        summary: 'Queue a dead-lettered delivery again',
        description: 'Attempted again at once, with a fresh retry window; 404 NOT_FOUND when the id is not a dead delivery (already replayed, or never dead).',
        tags: ['Events'],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' }, example: 42 }],
        responses: { 202: { ...(json(reference('ReplayResult'), exampleOf('ReplayResult')) as object), description: 'Queued again' }, ...errors(['UNAUTHENTICATED', 'INVALID_ARGUMENT', 'NOT_FOUND']), default: errorResponse },
      },
    },
    '/callbacks/{vendor}/{backend}': {
      post: {
        operationId: 'vendorCallback',
        summary: "A vendor's own change callback, turned into events",
        description:
          "The URL to configure as the vendor's own callback or webhook address, for a backend listed under events.callbacks (vendors with callbacks: ${VENDORS.filter((vendor) => vendor.callbacks).map((vendor) => vendor.name).join(', ')}). The body is the vendor's own format; the check is the vendor's own signature where it signs (with events.callbacks.<backend>.secret), else the token of events.callbacks.<backend>.token in the URL (`?token=`). Answered in the vendor's expected reply; refused with 401 UNAUTHENTICATED otherwise. `{backend}` may be left out when one backend of that vendor takes callbacks.",
        tags: ['Events'],
        security: [],
        parameters: [
          { name: 'vendor', in: 'path', required: true, schema: { type: 'string' }, example: VENDORS.find((vendor) => vendor.callbacks)?.name ?? 'vendor' },
          { name: 'backend', in: 'path', required: true, schema: { type: 'string' }, example: 'im' },
          text('token', 'events.callbacks.<backend>.token, for vendors that sign nothing.', 'a-long-random-token'),
        ],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', description: "The vendor's own callback body (each vendor's NOTES.md)" }, example: { userId: 'alice', targetId: 'bob', type: 2, value: '1' } } } },
        responses: { 200: { description: "The vendor's expected reply", content: { 'application/json': { schema: { type: 'object' }, example: {} } } }, default: errorResponse },
      },
    },
  };
}

/** OpenAPI 3.1 `webhooks`: what imbridge POSTs to each `events.webhooks[].url`. */
function eventWebhooks(): Record<string, unknown> {
  const header = (name: string, description: string, example: string) => ({ name, in: 'header', required: true, description, schema: { type: 'string' }, example });
  return {
    event: {
      post: {
        operationId: 'receiveEvent',
        summary: 'One event, signed (Standard Webhooks)',
        description:
          'Sent for every event the webhook\'s filter (backends, types) keeps: at least once, in order per pair of users or per room, retried with exponential backoff for events.delivery.retryForMs (25 h by default), then dead-lettered. Answer 2xx to acknowledge; deduplicate on webhook-id. Verify with any Standard Webhooks library and the whsec_ secret.',
        tags: ['Events'],
        parameters: [
          header('webhook-id', 'The event id: the same on every retry.', EXAMPLE_EVENT.id),
          header('webhook-timestamp', 'Unix seconds of this attempt.', '1796232600'),
          header('webhook-signature', 'v1,<base64 HMAC-SHA256 of "id.timestamp.body"> keyed with the secret\'s base64-decoded bytes.', 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4='),
        ],
        requestBody: { required: true, content: { 'application/json': { schema: reference('WebhookPayload'), example: { type: EXAMPLE_EVENT.type, timestamp: EXAMPLE_EVENT.time, data: EXAMPLE_EVENT } } } },
        responses: { 200: { description: 'Acknowledged (any 2xx)' }, default: { description: 'Not acknowledged: retried later' } },
      },
    },
  };
}
