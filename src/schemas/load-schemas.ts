/**
 * The JSON Schemas in `schemas/` and each vendor's two beside its `vendor.ts` are the one source
 * for request validation, config validation and the OpenAPI document. This module loads them once
 * and hands out compiled validators. The config schema names no vendor: the vendor enum, the
 * per-vendor `backends` blocks and the `compat` blocks are composed here from `adapters/index.ts`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { VENDORS } from '../../adapters/index.js';

type AddFormats = (ajv: Ajv2020) => unknown;
// ajv-formats is CommonJS; under ESM interop its function may arrive wrapped in `default`.
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

export const SCHEMA_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');
export const API_SCHEMA_ID = 'https://imbridge.dev/schemas/api.schema.json';
export const CONFIG_SCHEMA_ID = 'https://imbridge.dev/schemas/config.schema.json';

export type JsonSchema = Record<string, unknown>;

function readSchema(path: string): JsonSchema {
  return JSON.parse(readFileSync(path, 'utf8')) as JsonSchema;
}

/** The config schema with the registry's vendors filled in. */
export function configSchema(): JsonSchema {
  const schema = readSchema(join(SCHEMA_DIRECTORY, 'config.schema.json')) as {
    properties: { backends: { additionalProperties: JsonSchema & { properties: { vendor: JsonSchema } } }; compat: { properties: Record<string, JsonSchema> } };
  } & JsonSchema;
  const backend = schema.properties.backends.additionalProperties;
  backend.properties.vendor = { ...backend.properties.vendor, enum: VENDORS.map((vendor) => vendor.name) };
  backend.allOf = VENDORS.map((vendor) => ({ if: { properties: { vendor: { const: vendor.name } } }, then: { $ref: schemaId(vendor.backendSchema) } }));
  for (const vendor of VENDORS) {
    if (vendor.facade) schema.properties.compat.properties[vendor.name] = { $ref: schemaId(vendor.facade.schema) };
  }
  return schema;
}

function schemaId(schema: JsonSchema): string {
  if (typeof schema.$id !== 'string') throw new Error('a vendor schema has no $id');
  return schema.$id;
}

/** Keys of a backend block that the host reads, whatever the vendor; vendors never see them. */
export const HOST_BACKEND_KEYS: Readonly<Record<string, JsonSchema>> = {
  critical: {
    type: 'boolean',
    description: 'Whether /readyz fails while this backend is unhealthy. Default: true for the default backend, false for every other.',
  },
};

/** A vendor's block schema, also admitting the host's own keys (vendor schemas forbid unknown keys). */
function withHostKeys(schema: JsonSchema): JsonSchema {
  return { ...schema, properties: { ...(schema.properties as Record<string, JsonSchema> | undefined), ...HOST_BACKEND_KEYS } };
}

/** Every schema: the files of `schemas/` (the config one composed) and each vendor's own. */
export function loadSchemaFiles(): JsonSchema[] {
  const files = readdirSync(SCHEMA_DIRECTORY)
    .filter((name) => name.endsWith('.json') && name !== 'config.schema.json')
    .map((name) => readSchema(join(SCHEMA_DIRECTORY, name)));
  const vendorSchemas = VENDORS.flatMap((vendor) => [withHostKeys(vendor.backendSchema), ...(vendor.facade ? [vendor.facade.schema] : [])]);
  return [...files, configSchema(), ...vendorSchemas];
}

let apiSchemaCache: JsonSchema | undefined;
export function apiSchema(): JsonSchema {
  apiSchemaCache ??= readSchema(join(SCHEMA_DIRECTORY, 'api.schema.json'));
  return apiSchemaCache;
}

function createAjv(coerceTypes: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, coerceTypes, useDefaults: true, allowUnionTypes: true });
  addFormats(ajv);
  for (const schema of loadSchemaFiles()) ajv.addSchema(schema);
  return ajv;
}

let bodyAjv: Ajv2020 | undefined;
let queryAjv: Ajv2020 | undefined;

/** Validator of a `$defs` entry of the API schema; queries coerce strings to numbers. */
export function definitionValidator(name: string, purpose: 'body' | 'query'): ValidateFunction {
  const ajv = purpose === 'query' ? (queryAjv ??= createAjv(true)) : (bodyAjv ??= createAjv(false));
  const validator = ajv.getSchema(`${API_SCHEMA_ID}#/$defs/${name}`);
  if (!validator) throw new Error(`schemas/api.schema.json has no $defs/${name}`);
  return validator;
}

export function configValidator(): ValidateFunction {
  const validator = (bodyAjv ??= createAjv(false)).getSchema(CONFIG_SCHEMA_ID);
  if (!validator) throw new Error('schemas/config.schema.json is missing');
  return validator;
}

export type { ErrorObject };
