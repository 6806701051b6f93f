// The events contract in the OpenAPI document: the routes, the webhook (OpenAPI 3.1 `webhooks`)
// and their schemas, each described with an example.
import { describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildOpenApiDocument } from '../../src/http/openapi.js';
import { ROUTES } from '../../src/http/routes.js';

describe('events in the OpenAPI document', () => {
  const document = buildOpenApiDocument(ROUTES) as {
    paths: Record<string, Record<string, { description?: string; responses: Record<string, unknown> }>>;
    webhooks: Record<string, Record<string, { description?: string; requestBody: { content: Record<string, { example?: unknown }> } }>>;
    components: { schemas: Record<string, { description?: string; examples?: unknown[] }> };
  };

  it('documents the stream, the dead letters, replay, callbacks and the webhook, each with a description', async () => {
    for (const [path, method] of [['/v1/events', 'get'], ['/v1/events/dead', 'get'], ['/v1/events/dead/{id}/replay', 'post'], ['/callbacks/{vendor}/{backend}', 'post']] as const) {
      expect(document.paths[path]?.[method]?.description, `${method} ${path}`).toMatch(/\w/);
    }
    const webhook = document.webhooks.event!.post!;
    expect(webhook.description).toMatch(/Standard Webhooks/);
    expect(webhook.requestBody.content['application/json']!.example).toMatchObject({ type: 'block.added', data: { type: 'block.added' } });
    for (const name of ['Event', 'EventType', 'WebhookPayload', 'DeadDelivery', 'DeadDeliveryPage', 'ReplayResult']) {
      expect(document.components.schemas[name]?.description, name).toMatch(/\w/);
      expect(document.components.schemas[name]?.examples?.length, name).toBeGreaterThan(0);
    }
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
