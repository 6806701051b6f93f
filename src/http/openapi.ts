/**
 * Builds the OpenAPI 3.1 document from the route table and schemas/api.schema.json, the same
 * sources the server validates with, so the document cannot drift from the behaviour.
 */
import { apiSchema, type JsonSchema } from '../schemas/load-schemas.js';
import { ERROR_CODES } from '../spec/index.js';
import { httpStatusForCode } from './error-status.js';
import type { RouteDefinition } from './routes.js';

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
    components: {
      schemas: rewriteRefs(definitions),
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from auth.apiKeys; not needed when none are configured (loopback only).' } },
    },
  };
}
