/**
 * Lints the OpenAPI document the server publishes: valid 3.1, no field Swagger UI warns about, a
 * description and a realistic example for every operation and schema (each example valid against
 * its own schema), and errors per status with `code` narrowed to what the operation answers. An
 * operation or schema added later without them fails here.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveImbridge } from '../../src/conformance/index.js';
import type { RunningImbridge } from '../../src/server/start-server.js';
import { ERROR_CODES, ImBridgeError, type ErrorCode } from '../../src/spec/index.js';
import { httpStatusFor } from '../../src/http/error-status.js';
import { ROUTES } from '../../src/http/routes.js';
import { findVendor } from '../../adapters/index.js';
import type { RunningFake } from '../../src/vendor-kit/index.js';

type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  parameters?: Array<{ name: string; in: string; example?: unknown; schema?: Json }>;
  requestBody?: { content: Record<string, { schema: Json; example?: unknown }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema: Json; example?: unknown }> }>;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => unknown;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

let running: RunningImbridge;
let fake: RunningFake;
let document: Json & { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json> } };
let ajv: Ajv2020;

function operations(): Array<{ path: string; method: string; operation: Operation }> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ path, method, operation })),
  );
}

/** Validates a value against a schema of the document (its `#/components/...` refs resolved). */
function validates(schema: Json, value: unknown): string | null {
  const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"https://imbridge.test/openapi.json#/components/')) as Json;
  const validate = ajv.compile(rewritten);
  return validate(value) ? null : ajv.errorsText(validate.errors);
}

describe('the OpenAPI document', () => {
  beforeAll(async () => {
    fake = await findVendor('wukongim')!.fake!.start({ port: 0 });
    running = await serveImbridge({
      defaultBackend: 'local',
      backends: { local: { vendor: 'native', store: { driver: 'memory' } }, wk: { ...fake.backendConfig } },
      compat: { wukongim: { backend: 'local', upstream: 'wk' } },
    });
    document = (await supertest(running.server).get('/openapi.json')).body;
    ajv = new Ajv2020({ strict: false, allErrors: true, allowUnionTypes: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'https://imbridge.test/openapi.json', components: document.components });
  });
  afterAll(async () => {
    await running?.close();
    await fake?.close();
  });

  it('is OpenAPI 3.1 that a standard validator accepts, without the field Swagger UI warns about', async () => {
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    expect(document).not.toHaveProperty('jsonSchemaDialect');
  });

  it('gives every operation a summary, a description and an example for each parameter, body and success answer', () => {
    const problems: string[] = [];
    let descriptions = 0;
    let examples = 0;
    const all = operations();
    for (const { path, method, operation } of all) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!operation.summary) problems.push(`${where}: no summary`);
      if ((operation.description ?? '').length < 40) problems.push(`${where}: no description (or under 40 characters)`);
      else descriptions += 1;
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path' && parameter.example === undefined) problems.push(`${where}: path parameter ${parameter.name} has no example`);
      }
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
        if (media.example === undefined) problems.push(`${where}: the ${type} body has no example`);
        else {
          examples += 1;
          const invalid = validates(media.schema, media.example);
          if (invalid !== null) problems.push(`${where}: the body example breaks its schema: ${invalid}`);
        }
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!response.description) problems.push(`${where} ${status}: no description`);
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (status === 'default') continue;
          if (media.example === undefined) {
            problems.push(`${where} ${status}: the ${type} answer has no example`);
            continue;
          }
          examples += 1;
          if (type === 'application/json') {
            const invalid = validates(media.schema, media.example);
            if (invalid !== null) problems.push(`${where} ${status}: the example breaks its schema: ${invalid}`);
          }
        }
      }
    }
    // eslint-disable-next-line no-console -- the counts are the measurement the issue asks for
    console.log(`openapi: ${all.length} operations, ${descriptions} with a description, ${examples} examples in operations`);
    expect(problems).toEqual([]);
    expect(descriptions).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(ROUTES.length + 7);
  });

  it('gives every component schema a description and an example its schema accepts', () => {
    const problems: string[] = [];
    const schemas = Object.entries(document.components.schemas);
    for (const [name, schema] of schemas) {
      if (typeof schema.description !== 'string' || schema.description === '') problems.push(`${name}: no description`);
      const examples = schema.examples as unknown[] | undefined;
      if (!Array.isArray(examples) || examples.length === 0) {
        problems.push(`${name}: no example`);
        continue;
      }
      for (const example of examples) {
        const invalid = validates({ $ref: `#/components/schemas/${name}` }, example);
        if (invalid !== null) problems.push(`${name}: example ${JSON.stringify(example)} breaks the schema: ${invalid}`);
      }
    }
    // eslint-disable-next-line no-console -- the counts are the measurement the issue asks for
    console.log(`openapi: ${schemas.length} component schemas, ${schemas.length - problems.length} with a description and an example`);
    expect(problems).toEqual([]);
  });

  it('answers errors per status, `code` an enum of what the operation can answer at that status', () => {
    const errorBody = document.components.schemas.ErrorBody as { properties: { code: { enum?: string[] } } };
    expect(errorBody.properties.code.enum).toEqual([...ERROR_CODES]);
    for (const route of ROUTES) {
      const operation = document.paths[route.path]![route.method.toLowerCase()]!;
      const statuses = Object.keys(operation.responses).filter((status) => /^[45]\d\d$/.test(status));
      expect(statuses.length, route.operationId).toBeGreaterThan(3);
      for (const status of statuses) {
        const schema = operation.responses[status]!.content!['application/json']!.schema as {
          properties: { error: { allOf: Array<{ properties?: { code?: { enum: ErrorCode[] } } }> } };
        };
        const codes = schema.properties.error.allOf[1]!.properties!.code!.enum;
        for (const code of codes) {
          expect(ERROR_CODES, `${route.operationId} ${status}`).toContain(code);
          expect(httpStatusFor(new ImBridgeError(code, code), { friendshipEntry: route.friendshipEntry === true }), `${route.operationId}: ${code}`).toBe(Number(status));
        }
      }
      const all = statuses.flatMap((status) => (operation.responses[status]!.content!['application/json']!.schema as { properties: { error: { allOf: Array<{ properties?: { code?: { enum: string[] } } }> } } }).properties.error.allOf[1]!.properties!.code!.enum);
      // What the table implies, on every route.
      expect(all, route.operationId).toEqual(expect.arrayContaining(['UNAUTHENTICATED', 'UNSUPPORTED', 'UPSTREAM_UNAVAILABLE', 'INVALID_ARGUMENT']));
      if (route.idParams.length > 0) expect(all, route.operationId).toContain('INVALID_ID');
      if (route.idempotent) expect(all, route.operationId).toContain('IDEMPOTENCY_MISMATCH');
      for (const code of route.errors ?? []) expect(all, route.operationId).toContain(code);
    }
    // The friendship-entry routes answer NOT_FRIENDS as 404, the send as 403.
    expect(Object.keys(document.paths['/v1/users/{uid}/friends/{friend}']!.get!.responses)).toContain('404');
    const sendForbidden = document.paths['/v1/messages']!.post!.responses['403']!.content!['application/json']!.schema as { properties: { error: { allOf: Array<{ properties?: { code?: { enum: string[] } } }> } } };
    expect(sendForbidden.properties.error.allOf[1]!.properties!.code!.enum).toEqual(expect.arrayContaining(['BLOCKED', 'NOT_FRIENDS', 'MUTED']));
  });

  it('documents the vendor-compatible facades, and the ones mounted on this server', () => {
    const tags = document.tags as Array<{ name: string; description: string }>;
    const facades = tags.find((tag) => tag.name === 'Vendor-compatible facades');
    expect(facades?.description).toMatch(/pass through/);
    expect(facades?.description).toContain('`wukongim` (mounted here)');
    const mounted = document.paths['/compat/wukongim/{vendorPath}'];
    expect(mounted?.post?.description).toContain('pass through to backend `wk`');
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/compat/'))).toEqual(['/compat/wukongim/{vendorPath}']);
  });
});
