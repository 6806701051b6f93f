/**
 * Group and chat room allow lists (vendor note §10): list, add one (object), add a batch (array),
 * remove a comma list (array, also for one user: the fake's choice on open question 5). Targets
 * must be members: `forbidden_op`, 403 for groups and 400 for chat rooms.
 */
import express, { type Router } from 'express';
import { ImBridgeError } from '../../../src/spec/index.js';
import { ROOM_CAP, TEXTS, notMemberStatus } from '../protocol/wire.js';
import { membersOf, requireRoom, type RoomResource, type RoomTarget } from './backend-reads.js';
import { refuse } from './errors.js';
import type { FacadeCall, RouteKit } from './route-kit.js';
import { listAll } from '../../../src/facade-kit/index.js';

export function roomWhitelistRouter(kit: RouteKit): Router {
  const router = express.Router();

  for (const resource of ['chatgroups', 'chatrooms'] as const satisfies readonly RoomResource[]) {
    const isGroup = resource === 'chatgroups';

    router.get(
      `/${resource}/:id/white/users`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const listed = (await listAll((options) => call.backend.rooms.whitelist.list(target.ref, options))).map((entry) => entry.uid);
        call.ok({ data: listed, count: listed.length });
      }),
    );

    const addAll = async (call: FacadeCall, target: RoomTarget, names: string[]): Promise<Array<Record<string, unknown>>> => {
      const members = new Set((await membersOf(call.backend, target)).map((member) => member.uid));
      const outsiders = names.filter((name) => !members.has(name));
      if (outsiders.length > 0) refuse(notMemberStatus(isGroup), 'forbidden_op', TEXTS.notMembers(outsiders));
      const result = await call.backend.rooms.whitelist.add(target.ref, [...new Set(names)]);
      const failed = result.results.find((item) => !item.ok);
      if (failed !== undefined) refuse(500, 'internal_server_error', failed.error?.message ?? 'allow-list add failed');
      return names.map((name) => ({ result: true, action: 'add_user_whitelist', user: name, [target.idKey]: target.room.id }));
    };

    router.post(
      `/${resource}/:id/white/users/:username`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const [entry] = await addAll(call, target, [call.param('username')]);
        call.ok({ data: entry });
      }),
    );

    router.post(
      `/${resource}/:id/white/users`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const usernames = call.usernames();
        if (usernames === null) refuse(400, 'invalid_parameter', TEXTS.usernamesMissing);
        if (usernames.length > ROOM_CAP) refuse(400, 'invalid_parameter', TEXTS.whitelistAddCap);
        call.ok({ data: usernames.length === 0 ? [] : await addAll(call, target, usernames) });
      }),
    );

    router.delete(
      `/${resource}/:id/white/users/:usernames`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const names = call.param('usernames').split(',').filter(Boolean);
        if (names.length > ROOM_CAP) refuse(400, 'invalid_parameter', TEXTS.whitelistRemoveCap);
        const data = [];
        for (const name of names) {
          try {
            await call.backend.rooms.whitelist.remove(target.ref, name);
          } catch (error) {
            // The vendor removes whatever is named: an unknown user was simply not listed.
            const notListed = error instanceof ImBridgeError && (error.code === 'USER_NOT_FOUND' || error.code === 'NOT_MEMBER' || error.code === 'INVALID_ID');
            if (!notListed) throw error;
          }
          data.push({ result: true, action: 'remove_user_whitelist', user: name, [target.idKey]: target.room.id });
        }
        call.ok({ data });
      }),
    );
  }

  return router;
}
