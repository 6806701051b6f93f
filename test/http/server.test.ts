// Server features around the operations: auth, backend selection, idempotency keys, meta routes.
import { Validator } from '@seriousme/openapi-schema-validator';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveImbridge } from '../../src/conformance/index.js';
import type { RunningImbridge } from '../../src/server/start-server.js';

const ADMIN_KEY = 'admin-key-0123456789abcdef';
const LIMITED_KEY = 'limited-key-0123456789abcdef';

describe('API keys and backend selection', () => {
  let running: RunningImbridge;
  let agent: supertest.Agent;
  beforeAll(async () => {
    running = await serveImbridge({
      auth: { apiKeys: [{ key: ADMIN_KEY, name: 'admin', backends: ['*'] }, { key: LIMITED_KEY, name: 'limited', backends: ['mem'] }] },
      defaultBackend: 'local',
      backends: { local: { vendor: 'native', store: { driver: 'memory' } }, mem: { vendor: 'native', store: { driver: 'memory' } } },
    });
    agent = supertest.agent(running.server);
  });
  afterAll(() => running.close());

  it('refuses a missing or wrong key with 401 UNAUTHENTICATED', async () => {
    const missing = await agent.get('/v1/users/alice');
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('UNAUTHENTICATED');
    const wrong = await agent.get('/v1/users/alice').set('Authorization', `Bearer ${ADMIN_KEY.slice(0, -1)}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain(ADMIN_KEY);
  });

  it('serves a valid key, on the default backend or the one named by X-IM-Backend', async () => {
    const put = await agent.put('/v1/users/alice').set('Authorization', `Bearer ${ADMIN_KEY}`).send({ name: 'A' });
    expect(put.status).toBe(200);
    const otherBackend = await agent.get('/v1/users/alice').set('Authorization', `Bearer ${ADMIN_KEY}`).set('X-IM-Backend', 'mem');
    expect(otherBackend.status).toBe(404);
    expect(otherBackend.body.error.code).toBe('USER_NOT_FOUND');
  });

  it('answers 403 FORBIDDEN_BACKEND for a key limited to other backends', async () => {
    const response = await agent.get('/v1/users/alice').set('Authorization', `Bearer ${LIMITED_KEY}`);
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('FORBIDDEN_BACKEND');
    const allowed = await agent.put('/v1/users/bob').set('Authorization', `Bearer ${LIMITED_KEY}`).set('X-IM-Backend', 'mem').send({});
    expect(allowed.status).toBe(200);
  });

  it('/v1/backends lists only the backends the key may use, with health and no secrets', async () => {
    const response = await agent.get('/v1/backends').set('Authorization', `Bearer ${LIMITED_KEY}`);
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([{ name: 'mem', vendor: 'native', default: false, health: { ok: true } }]);
    const all = await agent.get('/v1/backends').set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(all.body.items.map((item: { name: string }) => item.name).sort()).toEqual(['local', 'mem']);
    expect(all.text).not.toContain(ADMIN_KEY);
  });

  it('healthz and readyz need no key; metrics do', async () => {
    expect((await agent.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await agent.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.backends.local.ok).toBe(true);
    expect((await agent.get('/metrics')).status).toBe(401);
    const metrics = await agent.get('/metrics').set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/imbridge_http_requests_total\{method="PUT",route="\/v1\/users\/\{uid\}",status="200",backend="local"\} 1/);
  });

  it('/metrics needs a key allowed on every backend: its series name each one', async () => {
    const limited = await agent.get('/metrics').set('Authorization', `Bearer ${LIMITED_KEY}`);
    expect(limited.status).toBe(403);
    expect(limited.body.error.code).toBe('FORBIDDEN_BACKEND');
    expect(limited.text).not.toContain('imbridge_http_requests_total');
  });

  it('echoes a client request id and generates one otherwise', async () => {
    const given = await agent.get('/healthz').set('X-Request-Id', 'trace-42');
    expect(given.headers['x-request-id']).toBe('trace-42');
    const generated = await agent.get('/healthz');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('Idempotency-Key on creating POSTs', () => {
  let running: RunningImbridge;
  let agent: supertest.Agent;
  beforeAll(async () => {
    running = await serveImbridge({ backends: { local: { vendor: 'native', store: { driver: 'memory' } } } });
    agent = supertest.agent(running.server);
    await agent.put('/v1/users/owner').send({});
  });
  afterAll(() => running.close());

  it('replays the first answer for the same key and body, creating once', async () => {
    const body = { name: 'Team', owner: 'owner' };
    const first = await agent.post('/v1/groups').set('Idempotency-Key', 'k1').send(body);
    expect(first.status).toBe(201);
    const again = await agent.post('/v1/groups').set('Idempotency-Key', 'k1').send(body);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const separate = await agent.post('/v1/groups').send(body);
    expect(separate.body.id).not.toBe(first.body.id);
  });

  it('answers 422 IDEMPOTENCY_MISMATCH for the same key with another body', async () => {
    await agent.post('/v1/groups').set('Idempotency-Key', 'k2').send({ name: 'One', owner: 'owner' });
    const mismatch = await agent.post('/v1/groups').set('Idempotency-Key', 'k2').send({ name: 'Two', owner: 'owner' });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.code).toBe('IDEMPOTENCY_MISMATCH');
  });

  it('treats the same body with its keys in another order as the same request', async () => {
    const first = await agent.post('/v1/groups').set('Idempotency-Key', 'k-order').set('content-type', 'application/json').send('{"name":"Ordered","owner":"owner"}');
    const reordered = await agent.post('/v1/groups').set('Idempotency-Key', 'k-order').set('content-type', 'application/json').send('{"owner":"owner","name":"Ordered"}');
    expect(reordered.status).toBe(201);
    expect(reordered.body.id).toBe(first.body.id);
  });

  it('does not keep a failed answer: the same key may retry after fixing the cause', async () => {
    const failed = await agent.post('/v1/groups').set('Idempotency-Key', 'k3').send({ id: 'later', name: 'L', owner: 'late' });
    expect(failed.body.error.code).toBe('USER_NOT_FOUND');
    await agent.put('/v1/users/late').send({});
    const retried = await agent.post('/v1/groups').set('Idempotency-Key', 'k3').send({ id: 'later', name: 'L', owner: 'late' });
    expect(retried.status).toBe(201);
  });
});

describe('OpenAPI document and docs page', () => {
  let running: RunningImbridge;
  beforeAll(async () => {
    running = await serveImbridge({ backends: { local: { vendor: 'native', store: { driver: 'memory' } } } });
  });
  afterAll(() => running.close());

  it('GET /openapi.json is an OpenAPI 3.1 document a standard validator accepts', async () => {
    const response = await supertest(running.server).get('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(response.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(response.body.paths)).toContain('/v1/users/{uid}/relations/{other}');
    expect(response.body.paths['/v1/{kind}/{id}/mutes/{uid}'].put.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/MutePut' });
  });

  it('GET /docs renders Swagger UI over the document, with its assets served locally', async () => {
    const page = await supertest(running.server).get('/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui-bundle.js');
    const bundle = await supertest(running.server).get('/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.text.length).toBeGreaterThan(100_000);
    const init = await supertest(running.server).get('/docs/init.js');
    expect(init.text).toContain('/openapi.json');
  });
});

describe('Idempotency-Key scope', () => {
  it('belongs to the API key itself: two keys sharing a label do not see each other’s answers', async () => {
    const running = await serveImbridge({
      auth: { apiKeys: [{ key: 'first-key-0123456789', name: 'app' }, { key: 'second-key-0123456789', name: 'app' }] },
      backends: { local: { vendor: 'native', store: { driver: 'memory' } } },
    });
    try {
      const agent = supertest.agent(running.server);
      for (const uid of ['owner']) await agent.put(`/v1/users/${uid}`).set('Authorization', 'Bearer first-key-0123456789').send({});
      const first = await agent.post('/v1/groups').set('Authorization', 'Bearer first-key-0123456789').set('Idempotency-Key', 'same').send({ name: 'One', owner: 'owner' });
      const second = await agent.post('/v1/groups').set('Authorization', 'Bearer second-key-0123456789').set('Idempotency-Key', 'same').send({ name: 'Two', owner: 'owner' });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body.id).not.toBe(first.body.id);
      expect(second.body.name).toBe('Two');
    } finally {
      await running.close();
    }
  });
});
