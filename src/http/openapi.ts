/**
 * Builds the OpenAPI 3.1 document from the route table and schemas/api.schema.json, the same
 * sources the server validates with, so the document cannot drift from the behaviour.
 */
import { apiSchema, type JsonSchema } from '../schemas/load-schemas.js';
import { ERROR_CODES } from '../spec/index.js';
import { httpStatusForCode } from './error-status.js';
import type { RouteDefinition } from './routes.js';
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

const errorResponse = { description: 'Unified error envelope', content: { 'application/json': { schema: reference('ErrorEnvelope') } } };

export function buildOpenApiDocument(routes: readonly RouteDefinition[]): JsonSchema {
  const definitions = (apiSchema().$defs ?? {}) as Record<string, JsonSchema>;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters: unknown[] = [];
    for (const match of route.path.matchAll(/\{(\w+)\}/g)) {
      const name = match[1]!;
      let schema: JsonSchema = reference('Id');
      if (name === 'kind') schema = { enum: ['groups', 'chatrooms'] };
      if (name === 'type') schema = { enum: ['user', 'group', 'chatroom'] };
      parameters.push({ name, in: 'path', required: true, schema });
    }
    const querySchema = definitions[route.query] as { properties?: Record<string, JsonSchema>; required?: string[] } | undefined;
    for (const [name, schema] of Object.entries(querySchema?.properties ?? {})) {
      parameters.push({ name, in: 'query', required: querySchema?.required?.includes(name) ?? false, schema: rewriteRefs(schema) });
    }
    if (route.idempotent) {
      parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 } });
    }
    parameters.push({ name: 'X-IM-Backend', in: 'header', required: false, schema: { type: 'string' }, description: 'Backend name from the config; absent = the default backend.' });
    const responses: Record<string, unknown> = { default: errorResponse };
    if (route.response === null) responses[String(route.status)] = { description: 'Done' };
    else {
      const schema = 'schema' in route.response ? reference(route.response.schema) : pageOf(route.response.page);
      responses[String(route.status)] = { description: 'Success', content: { 'application/json': { schema } } };
    }
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      parameters,
      responses,
      'x-capability': 'user' in route.capability ? route.capability.user : `{kind}.${route.capability.room}`,
    };
    if (route.body !== 'NoBody') {
      operation.requestBody = { required: true, content: { 'application/json': { schema: reference(route.body) } } };
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  const json = (schema: JsonSchema, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
  paths['/v1/capabilities'] = { get: { operationId: 'getCapabilities', summary: "The selected backend's capabilities and ID rule", tags: ['Meta'], responses: { 200: json(reference('CapabilityDocument')), default: errorResponse } } };
  paths['/v1/backends'] = { get: { operationId: 'listBackends', summary: 'Configured backends and their health (no secrets)', tags: ['Meta'], responses: { 200: json(reference('BackendList')), default: errorResponse } } };
  paths['/healthz'] = { get: { operationId: 'healthz', summary: 'The process is up', tags: ['Meta'], security: [], responses: { 200: json({ type: 'object' }) } } };
  paths['/readyz'] = { get: { operationId: 'readyz', summary: 'Every backend is reachable', tags: ['Meta'], security: [], responses: { 200: json({ type: 'object' }), 503: json({ type: 'object' }, 'Not ready') } } };
  paths['/metrics'] = { get: { operationId: 'metrics', summary: 'Prometheus metrics', tags: ['Meta'], responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } } } };
  paths['/openapi.json'] = { get: { operationId: 'openapi', summary: 'This document', tags: ['Meta'], security: [], responses: { 200: json({ type: 'object' }) } } };
  Object.assign(paths, eventPaths(json));

  return {
    openapi: '3.1.0',
    info: {
      title: 'imbridge unified IM API',
      version: '1.0.0',
      description: `One API for IM relationships over the vendor backends in adapters/ or the native backend. Error codes and statuses: ${ERROR_CODES.map((code) => `${code} ${httpStatusForCode(code)}`).join(', ')}.`,
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    paths,
    webhooks: eventWebhooks(),
    components: {
      schemas: rewriteRefs(definitions),
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
function eventPaths(json: (schema: JsonSchema, description?: string) => unknown): Record<string, Record<string, unknown>> {
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
        responses: { 200: { ...(json(reference('DeadDeliveryPage')) as object), description: 'Dead-lettered deliveries' }, default: errorResponse },
      },
    },
    '/v1/events/dead/{id}/replay': {
      post: {
        operationId: 'replayDeadDelivery',
        summary: 'Queue a dead-lettered delivery again',
        description: 'Attempted again at once, with a fresh retry window; 404 NOT_FOUND when the id is not a dead delivery (already replayed, or never dead).',
        tags: ['Events'],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' }, example: 42 }],
        responses: { 202: { ...(json(reference('ReplayResult')) as object), description: 'Queued again' }, default: errorResponse },
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
