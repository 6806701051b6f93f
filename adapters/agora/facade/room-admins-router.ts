/**
 * Group and chat room admins (vendor note §17): list, add one (`newadmin`), demote one. The
 * unified member role `admin` is the vendor's admin list; the member list keeps showing admins
 * as `member` entries, as the vendor does.
 */
import express, { type Router } from 'express';
import { TEXTS, newAdminOf } from '../protocol/wire.js';
import { findUser, membersOf, requireRoom, type RoomResource } from './backend-reads.js';
import { refuse } from './errors.js';
import type { RouteKit } from './route-kit.js';

export function roomAdminsRouter(kit: RouteKit): Router {
  const router = express.Router();

  for (const resource of ['chatgroups', 'chatrooms'] as const satisfies readonly RoomResource[]) {
    const isGroup = resource === 'chatgroups';

    router.get(
      `/${resource}/:id/admin`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const admins = (await membersOf(call.backend, target)).filter((member) => member.role === 'admin').map((member) => member.uid);
        call.ok({ data: admins, count: admins.length });
      }),
    );

    router.post(
      `/${resource}/:id/admin`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const name = newAdminOf(call.json);
        if (typeof name !== 'string') refuse(name.status, name.error, name.description);
        if ((await findUser(call.backend, name)) === null) refuse(404, 'resource_not_found', TEXTS.userMissing(name));
        if (name === target.room.owner) refuse(403, 'forbidden_op', TEXTS.ownerRefused);
        const member = (await membersOf(call.backend, target)).find((entry) => entry.uid === name);
        if (member === undefined) refuse(404, 'resource_not_found', TEXTS.adminNotMember(name, isGroup, target.room.id));
        if (member.role !== 'admin') await call.backend.rooms.members.setRole(target.ref, name, 'admin');
        call.ok({ data: { result: 'success', newadmin: name } });
      }),
    );

    router.delete(
      `/${resource}/:id/admin/:username`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const name = call.param('username');
        if ((await findUser(call.backend, name)) === null) refuse(404, 'resource_not_found', TEXTS.userMissing(name));
        const member = (await membersOf(call.backend, target)).find((entry) => entry.uid === name);
        if (member?.role !== 'admin') refuse(403, 'forbidden_op', TEXTS.notAdmin(name, isGroup, target.room.id));
        await call.backend.rooms.members.setRole(target.ref, name, 'member');
        call.ok({ data: { result: 'success', oldadmin: name } });
      }),
    );
  }

  return router;
}
