/**
 * Users (vendor note §5): register one or a batch (`POST /users`), get, set the nickname.
 * Agora's nickname is the unified `name`; the password Agora requires is checked but not kept
 * (the unified model has no password: apps log in with user tokens, not with it).
 */
import express, { type Router } from 'express';
import { ROOM_CAP, TEXTS, checkRegistration, listLimit, type Registration } from '../protocol/wire.js';
import { findUser, requireUser } from './backend-reads.js';
import { refuse } from './errors.js';
import type { RouteKit } from './route-kit.js';
import { stableUuid } from './stable-uuid.js';

export function usersRouter(kit: RouteKit, appId: string): Router {
  const router = express.Router();
  const application = stableUuid(`agora-application:${appId}`);

  router.post(
    '/users',
    kit.route(async (call) => {
      const { backend } = call;
      if (Array.isArray(call.json)) {
        if (call.json.length > ROOM_CAP) refuse(400, 'invalid_parameter', TEXTS.registerCap);
        // §5 (current Agora docs): the others still succeed, each failure listed with its reason.
        const failures: Array<{ username: unknown; registerUserFailReason: string }> = [];
        const accepted: Registration[] = [];
        const seen = new Set<string>();
        for (const item of call.json) {
          const outcome = checkRegistration(item);
          const username = (item as Record<string, unknown> | null)?.username;
          if ('error' in outcome) {
            failures.push({ username, registerUserFailReason: outcome.description });
          } else if (seen.has(outcome.username) || (await findUser(backend, outcome.username)) !== null) {
            failures.push({ username, registerUserFailReason: TEXTS.batchDuplicate(outcome.username) });
          } else {
            seen.add(outcome.username);
            accepted.push(outcome);
          }
        }
        const result = accepted.length === 0 ? { results: [] } : await backend.users.putMany(accepted.map((entry) => ({ uid: entry.username, ...(entry.nickname !== undefined ? { name: entry.nickname } : {}) })));
        const entities: unknown[] = [];
        accepted.forEach((entry, index) => {
          const outcome = result.results[index];
          if (outcome?.ok) entities.push(call.entity({ uid: entry.username, name: entry.nickname ?? null, extra: null }));
          else failures.push({ username: entry.username, registerUserFailReason: outcome?.error?.message ?? 'not registered' });
        });
        call.ok({ entities, data: failures });
        return;
      }
      const outcome = checkRegistration(call.json);
      if ('error' in outcome) refuse(outcome.status, outcome.error, outcome.description);
      if ((await findUser(backend, outcome.username)) !== null) {
        refuse(400, 'duplicate_unique_property_exists', TEXTS.duplicateUser(application, outcome.username));
      }
      const user = await backend.users.put(outcome.username, outcome.nickname !== undefined ? { name: outcome.nickname } : {});
      call.ok({ entities: [call.entity(user)], data: [] });
    }),
  );

  // §18 `GET /users?limit&cursor` over users.list: the backend's cursor is handed out as the
  // vendor's (both are opaque text), and its order is the backend's (README, "Differences").
  router.get(
    '/users',
    kit.route(async (call) => {
      const limit = listLimit(call.request.query.limit, 100);
      if (limit === null) refuse(400, 'illegal_argument', TEXTS.listLimitInvalid);
      const cursor = typeof call.request.query.cursor === 'string' ? call.request.query.cursor : undefined;
      const page = await call.backend.users.list({ limit, ...(cursor === undefined ? {} : { cursor }) });
      call.ok({ entities: page.items.map((user) => call.entity(user)), count: page.items.length, ...(page.nextCursor === null ? {} : { cursor: page.nextCursor }) });
    }),
  );

  router.get(
    '/users/:username',
    kit.route(async (call) => {
      const user = await requireUser(call.backend, call.param('username'));
      call.ok({ entities: [call.entity(user)], count: 1 });
    }),
  );

  router.put(
    '/users/:username',
    kit.route(async (call) => {
      let user = await requireUser(call.backend, call.param('username'));
      const nickname = call.record().nickname;
      if (typeof nickname === 'string') user = await call.backend.users.put(user.uid, { name: nickname });
      call.ok({ entities: [call.entity(user)] });
    }),
  );

  return router;
}
