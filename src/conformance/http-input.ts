/**
 * Bad input never yields a 5xx: every class of bad input (malformed JSON, wrong types, unknown
 * fields, ID-rule breaks, composite conversation ids, oversize bodies, bad queries, unknown users
 * and rooms) is sent to every `/v1` route of the route table, and each must get its documented
 * 4xx code in the unified envelope, with nothing changed.
 */
import type { Server } from 'node:http';
import supertest from 'supertest';
import { ROUTES, type RouteDefinition } from '../http/routes.js';
import { randomId, type ConformanceRunner } from './suite-context.js';

export interface HttpInputTarget {
  /** A listening imbridge server (or its URL). */
  server: Server | string;
  close(): Promise<void>;
}

interface ConcreteRoute {
  route: RouteDefinition;
  method: string;
  /** Fills the path with the given ids. */
  path(ids: Record<string, string>): string;
  label: string;
}

function concreteRoutes(): ConcreteRoute[] {
  const routes: ConcreteRoute[] = [];
  for (const route of ROUTES) {
    for (const kind of route.path.includes('{kind}') ? ['groups', 'chatrooms'] : [null]) {
      const template = kind ? route.path.replace('{kind}', kind) : route.path;
      routes.push({
        route,
        method: route.method,
        label: `${route.method} ${template}`,
        path: (ids) => template.replace(/\{(\w+)\}/g, (_match, name: string) => ids[name] ?? encodeURIComponent(randomId('x'))),
      });
    }
  }
  return routes;
}

/** A body of the right shape for each body schema, naming `ghost` users where ids are needed. */
function validBody(schema: string, ghost: string, other: string): Record<string, unknown> | undefined {
  const bodies: Record<string, Record<string, unknown> | undefined> = {
    NoBody: undefined,
    UserPut: { name: 'n' },
    UsersBatch: { users: [{ uid: ghost }] },
    FriendshipInput: { alias: 'a' },
    FriendRequestCreate: { to: other },
    UidsAdd: { uids: [other] },
    UidsReplace: { uids: [other] },
    RoomCreate: { name: 'r', owner: ghost },
    MemberPatch: { role: 'admin' },
    MutePut: {},
    MutesBatch: { uids: [other] },
    MessageSend: { from: ghost, to: { type: 'user', id: other }, text: 't' },
  };
  if (!(schema in bodies)) throw new Error(`no sample body for ${schema}`);
  return bodies[schema];
}

/** One value of the wrong type for the first property of each body schema. */
const WRONG_TYPES: Record<string, Record<string, unknown>> = {
  UserPut: { name: 42 },
  UsersBatch: { users: 'alice' },
  FriendshipInput: { alias: ['x'] },
  FriendRequestCreate: { to: 7 },
  UidsAdd: { uids: 'a,b' },
  UidsReplace: { uids: { a: 1 } },
  RoomCreate: { name: 'r', owner: true },
  MemberPatch: { role: 'owner' },
  MutePut: { durationSeconds: 'soon' },
  MutesBatch: { uids: ['a'], durationSeconds: 0 },
  MessageSend: { from: 'a', to: 'b', text: 'x' },
};

export function httpInputSuite(runner: ConformanceRunner, factory: () => Promise<HttpInputTarget>, options: { name?: string } = {}): void {
  const { describe, it, expect, beforeAll, afterAll } = runner;
  describe(`${options.name ?? 'imbridge'} · bad input on every route`, () => {
    let target: HttpInputTarget;
    let agent: supertest.Agent;
    beforeAll(async () => {
      target = await factory();
      agent = supertest.agent(target.server);
    }, 60_000);
    afterAll(async () => {
      await target?.close();
    });

    const send = (method: string, path: string) => {
      const lower = method.toLowerCase() as 'get' | 'put' | 'post' | 'delete' | 'patch';
      return agent[lower](path);
    };

    const expectCode = (response: supertest.Response, status: number, code: string, label: string) => {
      expect(response.status, `${label}: ${response.text.slice(0, 300)}`).toBe(status);
      expect(response.body?.error?.code, label).toBe(code);
      expect(typeof response.body.error.message, label).toBe('string');
      expect(typeof response.body.error.retryable, label).toBe('boolean');
    };

    const routes = concreteRoutes();

    it(`covers all ${routes.length} concrete routes`, async () => {
      expect(routes.length).toBeGreaterThanOrEqual(ROUTES.length);
    });

    it('malformed JSON is 400 INVALID_ARGUMENT on every route', async () => {
      for (const route of routes) {
        const response = await send(route.method, route.path({})).set('content-type', 'application/json').send('{"broken": ');
        expectCode(response, 400, 'INVALID_ARGUMENT', route.label);
      }
    });

    it('a body that is not an object, or has an unknown field, is 400 INVALID_ARGUMENT on every route', async () => {
      for (const route of routes) {
        for (const body of [[1, 2], { unknownField: true }, 'just text']) {
          const base = validBody(route.route.body, 'ghost', 'other') ?? {};
          const payload = typeof body === 'object' && !Array.isArray(body) ? { ...base, ...body } : body;
          const response = await send(route.method, route.path({})).set('content-type', 'application/json').send(JSON.stringify(payload));
          expectCode(response, 400, 'INVALID_ARGUMENT', `${route.label} with ${JSON.stringify(body)}`);
        }
      }
    });

    it('wrong types are 400 INVALID_ARGUMENT with ajv paths', async () => {
      for (const route of routes) {
        const wrong = WRONG_TYPES[route.route.body];
        if (!wrong) continue;
        const response = await send(route.method, route.path({})).send(wrong);
        expectCode(response, 400, 'INVALID_ARGUMENT', route.label);
        expect(Array.isArray(response.body.error.details?.errors), route.label).toBe(true);
      }
    });

    it('path ids breaking the ID rule (bad characters, 65 characters) are 400 INVALID_ID', async () => {
      for (const route of routes) {
        const names = [...route.route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).filter((name) => route.route.idParams.includes(name));
        for (const name of names) {
          for (const bad of [encodeURIComponent('bad#id'), encodeURIComponent('sp ace'), 'x'.repeat(65), '%E0', '%']) {
            const response = await send(route.method, route.path({ [name]: bad })).send(validBody(route.route.body, 'ghost', 'other') ?? {});
            expectCode(response, 400, 'INVALID_ID', `${route.label} with ${name}=${bad}`);
          }
        }
      }
    });

    it('a user relating to themselves is 400 INVALID_ARGUMENT on every route naming two users', async () => {
      const self = randomId('self');
      await send('PUT', `/v1/users/${self}`).send({});
      const pairRoutes = routes.filter((entry) => entry.route.pair !== undefined && entry.route.operationId !== 'sendMessage' && entry.route.operationId !== 'sendFriendRequest');
      expect(pairRoutes.length).toBeGreaterThanOrEqual(10);
      for (const route of pairRoutes) {
        const response = await send(route.method, route.path({ uid: self, friend: self, other: self })).send(validBody(route.route.body, self, self) ?? {});
        expectCode(response, 400, 'INVALID_ARGUMENT', route.label);
      }
      expectCode(await send('POST', `/v1/users/${self}/friend-requests`).send({ to: self }), 400, 'INVALID_ARGUMENT', 'request to self');
      expectCode(await send('POST', '/v1/messages').send({ from: self, to: { type: 'user', id: self }, text: 'x' }), 400, 'INVALID_ARGUMENT', 'message to self');
    });

    it('ids in bodies breaking the ID rule are 400 INVALID_ID', async () => {
      const bodies: Array<[string, string, unknown]> = [
        ['POST', '/v1/users', { users: [{ uid: 'no#pe' }] }],
        ['POST', '/v1/users/alice/friend-requests', { to: 'a b' }],
        ['POST', '/v1/users/alice/blocks', { uids: ['x'.repeat(65)] }],
        ['POST', '/v1/groups', { name: 'g', owner: 'o&wner' }],
        ['POST', '/v1/messages', { from: 'a', to: { type: 'user', id: 'b#' }, text: 'x' }],
      ];
      for (const [method, path, body] of bodies) expectCode(await send(method, path).send(body as object), 400, 'INVALID_ID', `${method} ${path}`);
    });

    it('bodies over 1 MiB are 413 PAYLOAD_TOO_LARGE on every route', async () => {
      const huge = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
      for (const route of routes) {
        const response = await send(route.method, route.path({})).set('content-type', 'application/json').send(huge);
        expectCode(response, 413, 'PAYLOAD_TOO_LARGE', route.label);
      }
    });

    it('a uids array of more than 1,000 is 400 INVALID_ARGUMENT', async () => {
      const uids = Array.from({ length: 1001 }, (_unused, index) => `u${index}`);
      for (const route of routes.filter((entry) => ['UidsAdd', 'UidsReplace', 'MutesBatch'].includes(entry.route.body))) {
        expectCode(await send(route.method, route.path({})).send({ uids }), 400, 'INVALID_ARGUMENT', route.label);
      }
      const many = uids.join(',');
      expectCode(await send('DELETE', `/v1/groups/g1/members?uids=${many}`), 400, 'INVALID_ARGUMENT', 'DELETE members?uids');
    });

    it('unknown or invalid query parameters are 400 INVALID_ARGUMENT', async () => {
      for (const route of routes) {
        expectCode(await send(route.method, `${route.path({})}?bogus=1`).send(validBody(route.route.body, 'ghost', 'other') ?? {}), 400, 'INVALID_ARGUMENT', `${route.label}?bogus`);
      }
      for (const query of ['limit=0', 'limit=501', 'limit=ten']) {
        expectCode(await send('GET', `/v1/users/alice/friends?${query}`), 400, 'INVALID_ARGUMENT', query);
      }
      expectCode(await send('DELETE', '/v1/users/alice/friends/bob?mode=sideways'), 400, 'INVALID_ARGUMENT', 'mode');
      expectCode(await send('GET', '/v1/users/alice/friend-requests?direction=up'), 400, 'INVALID_ARGUMENT', 'direction');
    });

    it('unknown users are 404 USER_NOT_FOUND and unknown rooms 404 GROUP_NOT_FOUND, for reads, writes and deletes', async () => {
      const creators = new Set(['putUser', 'putUsers']);
      // Enumerations name no user or room: there is nothing unknown to answer 404 for.
      const enumerations = new Set(['listUsers', 'listRooms']);
      for (const route of routes) {
        if (creators.has(route.route.operationId) || enumerations.has(route.route.operationId)) continue;
        const ghost = randomId('ghost');
        const other = randomId('ghost');
        const ids: Record<string, string> = { uid: ghost, friend: other, other, peerId: other, type: 'user', id: randomId('nogroup') };
        const query = route.route.query === 'MembersDeleteQuery' ? `?uids=${other}` : '';
        const response = await send(route.method, route.path(ids) + query).send(validBody(route.route.body, ghost, other) ?? {});
        const isRoomRoute = route.route.path.startsWith('/v1/{kind}/{id}');
        expectCode(response, 404, isRoomRoute ? 'GROUP_NOT_FOUND' : 'USER_NOT_FOUND', route.label);
      }
      // A PUT that registers is not an error, and leaves exactly one new user.
      const fresh = randomId('fresh');
      expect((await send('PUT', `/v1/users/${fresh}`).send({})).status).toBe(200);
      expect((await send('GET', `/v1/users/${fresh}`)).body).toEqual({ uid: fresh, name: null, extra: null });
    });

    it('a composite conversation id is 400 INVALID_ID naming the bare id to pass', async () => {
      const me = randomId('me');
      await send('PUT', `/v1/users/${me}`).send({});
      for (const composite of [`${me}@bob`, `bob@${me}`, `si_${me}_bob`]) {
        const response = await send('DELETE', `/v1/users/${me}/conversations/user/${encodeURIComponent(composite)}`);
        expectCode(response, 400, 'INVALID_ID', composite);
        expect(response.body.error.message).toContain('bare');
      }
      expectCode(await send('DELETE', `/v1/users/${me}/conversations/planet/x`), 400, 'INVALID_ARGUMENT', 'type');
    });

    it('an unknown route is 404 NOT_FOUND; a known path with the wrong method is 405 with Allow', async () => {
      expectCode(await send('GET', '/v1/nowhere'), 404, 'NOT_FOUND', 'unknown');
      expectCode(await send('GET', '/v1/widgets/w1'), 404, 'NOT_FOUND', 'unknown kind');
      const response = await send('POST', '/v1/users/alice/relations/bob');
      expectCode(response, 405, 'METHOD_NOT_ALLOWED', 'wrong method');
      expect(response.headers.allow).toBe('GET');
    });

    it('an unknown X-IM-Backend is 404 BACKEND_NOT_FOUND', async () => {
      expectCode(await send('GET', '/v1/users/alice').set('X-IM-Backend', 'nope'), 404, 'BACKEND_NOT_FOUND', 'backend');
    });
  });
}
