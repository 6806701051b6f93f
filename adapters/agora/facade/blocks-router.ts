/**
 * The user block list (vendor note §7): one-way blocks (`blocks.*`), newest first, 50 per add.
 */
import express, { type Router } from 'express';
import { BLOCK_ADD_CAP, TEXTS } from '../protocol/wire.js';
import { findUser, requireUser } from './backend-reads.js';
import { refuse } from './errors.js';
import { answerPagedList } from './paged-list.js';
import type { RouteKit } from './route-kit.js';
import { listAll } from '../../../src/facade-kit/index.js';

export function blocksRouter(kit: RouteKit): Router {
  const router = express.Router();

  router.post(
    '/users/:owner/blocks/users',
    kit.route(async (call) => {
      const owner = await requireUser(call.backend, call.param('owner'));
      const usernames = call.usernames();
      if (usernames === null) refuse(400, 'invalid_parameter', TEXTS.usernamesMissing);
      if (usernames.length > BLOCK_ADD_CAP) refuse(400, 'invalid_parameter', TEXTS.blockAddCap);
      for (const name of usernames) if ((await findUser(call.backend, name)) === null) refuse(404, 'service_resource_not_found', TEXTS.serviceResourceNotFound);
      // Blocking oneself is skipped silently, as the vendor does.
      const others = usernames.filter((name) => name !== owner.uid);
      const unique = [...new Set(others)];
      if (unique.length > 0) {
        const result = await call.backend.blocks.putMany(owner.uid, unique);
        const failed = result.results.find((item) => !item.ok);
        if (failed !== undefined) refuse(500, 'internal_server_error', failed.error?.message ?? 'block failed');
      }
      call.ok({ data: others });
    }),
  );

  router.get(
    '/users/:owner/blocks/users',
    kit.route(async (call) => {
      const owner = await requireUser(call.backend, call.param('owner'));
      const blocks = await listAll((options) => call.backend.blocks.list(owner.uid, options));
      // §7: newest first; equal times (a backend that keeps none) by uid.
      blocks.sort((left, right) => (left.since === right.since ? (left.blocked < right.blocked ? -1 : left.blocked > right.blocked ? 1 : 0) : left.since > right.since ? -1 : 1));
      answerPagedList(
        call,
        blocks.map((block) => block.blocked),
      );
    }),
  );

  router.delete(
    '/users/:owner/blocks/users/:blocked',
    kit.route(async (call) => {
      const owner = await requireUser(call.backend, call.param('owner'));
      const blocked = await requireUser(call.backend, call.param('blocked'));
      await call.backend.blocks.remove(owner.uid, blocked.uid);
      call.ok({ entities: [call.entity(blocked)] });
    }),
  );

  return router;
}
