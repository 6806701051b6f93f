/**
 * Group and chat room members (vendor note §8, §9): list pages, add one (403/400 when already in
 * or banned), add a batch (`newmembers`), remove one (object) or a comma list (per-user array
 * with `result` and `reason`). The owner is listed first and cannot be removed.
 */
import express, { type Router } from 'express';
import { ROOM_CAP, TEXTS, notMemberStatus } from '../protocol/wire.js';
import { findUser, membersOf, requireRoom, type RoomResource, type RoomTarget } from './backend-reads.js';
import { refuse } from './errors.js';
import type { FacadeCall, RouteKit } from './route-kit.js';
import { listAll } from '../../../src/facade-kit/index.js';

async function bannedOf(call: FacadeCall, target: RoomTarget): Promise<Set<string>> {
  return new Set((await listAll((options) => call.backend.rooms.blocks.list(target.ref, options))).map((entry) => entry.uid));
}

/** Throws the item's own error when a one-user batch did not apply. */
function requireApplied(result: { results: Array<{ ok: boolean; error?: { code: string; message: string } }> }): void {
  const failed = result.results.find((item) => !item.ok);
  if (failed !== undefined) refuse(500, 'internal_server_error', failed.error?.message ?? 'the change was not applied');
}

export function roomMembersRouter(kit: RouteKit): Router {
  const router = express.Router();

  for (const resource of ['chatgroups', 'chatrooms'] as const satisfies readonly RoomResource[]) {
    const isGroup = resource === 'chatgroups';

    router.get(
      `/${resource}/:id/users`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const maxSize = isGroup ? 100 : 1000;
        const query = call.request.query;
        const size = query.pagesize === undefined ? (isGroup ? 10 : 1000) : Number(query.pagesize);
        const pageNumber = query.pagenum === undefined ? 1 : Number(query.pagenum);
        if (!Number.isInteger(size) || size < 1 || size > maxSize || !Number.isInteger(pageNumber) || pageNumber < 1) {
          refuse(400, 'invalid_parameter', TEXTS.pageSizeBetween(maxSize));
        }
        const all = (await membersOf(call.backend, target)).map((member) => (member.uid === target.room.owner ? { owner: member.uid } : { member: member.uid }));
        const data = all.slice((pageNumber - 1) * size, pageNumber * size);
        call.ok({ data, count: data.length, extra: { params: { pagesize: [String(size)], pagenum: [String(pageNumber)] } } });
      }),
    );

    router.post(
      `/${resource}/:id/users/:username`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const username = call.param('username');
        if ((await findUser(call.backend, username)) === null) refuse(404, 'resource_not_found', TEXTS.userMissing(username));
        if ((await bannedOf(call, target)).has(username)) refuse(403, 'forbidden_op', TEXTS.bannedFromRoom(username, target.room.id));
        const members = await membersOf(call.backend, target);
        if (members.some((member) => member.uid === username)) refuse(notMemberStatus(isGroup), 'forbidden_op', TEXTS.alreadyMember(username, target.room.id));
        requireApplied(await call.backend.rooms.members.add(target.ref, [username]));
        call.ok({ data: { result: true, action: 'add_member', user: username, [target.memberIdKey]: target.room.id } });
      }),
    );

    router.post(
      `/${resource}/:id/users`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const usernames = call.usernames();
        if (usernames === null) refuse(400, 'invalid_parameter', TEXTS.usernamesMissing);
        if (usernames.length > ROOM_CAP) refuse(400, 'invalid_parameter', TEXTS.addMembersCap);
        for (const name of usernames) if ((await findUser(call.backend, name)) === null) refuse(404, 'resource_not_found', TEXTS.userMissing(name));
        const members = new Set((await membersOf(call.backend, target)).map((member) => member.uid));
        // A group batch of members only is refused as a whole, as on the vendor (audit A7).
        if (isGroup && usernames.length > 0 && usernames.every((name) => members.has(name))) {
          refuse(403, 'forbidden_op', TEXTS.alreadyMember(usernames[0]!, target.room.id));
        }
        const banned = await bannedOf(call, target);
        // Members already in, banned users and repeats are left out of `newmembers`, as on the vendor.
        const added: string[] = [];
        for (const name of usernames) if (!members.has(name) && !banned.has(name) && !added.includes(name)) added.push(name);
        if (added.length > 0) requireApplied(await call.backend.rooms.members.add(target.ref, added));
        call.ok({ data: { newmembers: added, action: 'add_member', [target.memberIdKey]: target.room.id } });
      }),
    );

    router.delete(
      `/${resource}/:id/users/:usernames`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const names = call.param('usernames').split(',').filter(Boolean);
        if (names.length > ROOM_CAP) refuse(400, 'invalid_parameter', TEXTS.kickCap);
        const where = { [target.memberIdKey]: target.room.id };
        const members = new Set((await membersOf(call.backend, target)).map((member) => member.uid));
        if (names.length === 1) {
          const name = names[0]!;
          call.context.users = [name];
          if (name === target.room.owner) refuse(403, 'forbidden_op', TEXTS.ownerRefused);
          if (!members.has(name)) refuse(notMemberStatus(isGroup), 'forbidden_op', TEXTS.notMembers([name]));
          requireApplied(await call.backend.rooms.members.remove(target.ref, [name]));
          call.ok({ data: { result: true, action: 'remove_member', user: name, ...where } });
          return;
        }
        const removable = [...new Set(names.filter((name) => name !== target.room.owner && members.has(name)))];
        const outcome = removable.length === 0 ? { results: [] } : await call.backend.rooms.members.remove(target.ref, removable);
        const applied = new Set(outcome.results.filter((item) => item.ok).map((item) => item.id));
        const done = new Set<string>();
        const data = names.map((name) => {
          if (name === target.room.owner) return { result: false, action: 'remove_member', reason: TEXTS.ownerRefused, user: name, ...where };
          // A repeated name was removed by its first mention: the vendor answers "doesn't exist" for it.
          if (!applied.has(name) || done.has(name)) return { result: false, action: 'remove_member', reason: TEXTS.kickNotMember(name), user: name, ...where };
          done.add(name);
          return { result: true, action: 'remove_member', user: name, ...where };
        });
        call.ok({ data });
      }),
    );
  }

  return router;
}
