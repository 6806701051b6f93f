/**
 * Group and chat room block lists — bans (vendor note §12): banning removes the member and keeps
 * them out. One user answers an object, a batch or a comma list an array with per-user `result`
 * and `reason`; the owner and non-members are refused.
 */
import express, { type Router } from 'express';
import { ImBridgeError } from '../../../src/spec/index.js';
import { ROOM_CAP, TEXTS, notMemberStatus } from '../protocol/wire.js';
import { membersOf, requireRoom, type RoomResource, type RoomTarget } from './backend-reads.js';
import { refuse } from './errors.js';
import { answerPagedList } from './paged-list.js';
import type { FacadeCall, RouteKit } from './route-kit.js';
import { listAll } from '../../../src/facade-kit/index.js';

/** Bans each eligible name in one backend call; the per-user answers in the vendor's shape. */
async function ban(call: FacadeCall, target: RoomTarget, names: readonly string[]): Promise<Array<Record<string, unknown>>> {
  const members = new Set((await membersOf(call.backend, target)).map((member) => member.uid));
  const banned = new Set((await listAll((options) => call.backend.rooms.blocks.list(target.ref, options))).map((entry) => entry.uid));
  const toBan = [...new Set(names.filter((name) => !banned.has(name) && name !== target.room.owner && members.has(name)))];
  const outcome = toBan.length === 0 ? { results: [] } : await call.backend.rooms.blocks.add(target.ref, toBan);
  const applied = new Set(outcome.results.filter((item) => item.ok).map((item) => item.id));
  return names.map((name) => {
    const base = { action: 'add_blocks', user: name, [target.idKey]: target.room.id };
    if (banned.has(name) || applied.has(name)) return { result: true, ...base };
    if (name === target.room.owner) return { result: false, reason: TEXTS.ownerRefused, ...base };
    return { result: false, reason: TEXTS.banNotMember(name, target.isGroup, target.room.id), ...base };
  });
}

export function roomBlocksRouter(kit: RouteKit): Router {
  const router = express.Router();

  for (const resource of ['chatgroups', 'chatrooms'] as const satisfies readonly RoomResource[]) {
    const isGroup = resource === 'chatgroups';

    router.get(
      `/${resource}/:id/blocks/users`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const banned = (await listAll((options) => call.backend.rooms.blocks.list(target.ref, options))).map((entry) => entry.uid);
        // §12: chat rooms list all at once; groups page like the user block list.
        if (!isGroup) call.ok({ data: banned, count: banned.length });
        else answerPagedList(call, banned);
      }),
    );

    router.post(
      `/${resource}/:id/blocks/users/:username`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const name = call.param('username');
        if (name === target.room.owner) refuse(403, 'forbidden_op', TEXTS.ownerRefused);
        const members = new Set((await membersOf(call.backend, target)).map((member) => member.uid));
        const banned = new Set((await listAll((options) => call.backend.rooms.blocks.list(target.ref, options))).map((entry) => entry.uid));
        if (!members.has(name) && !banned.has(name)) refuse(notMemberStatus(isGroup), 'forbidden_op', TEXTS.notMembers([name]));
        const [entry] = await ban(call, target, [name]);
        call.ok({ data: entry });
      }),
    );

    router.post(
      `/${resource}/:id/blocks/users`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const usernames = call.usernames();
        if (usernames === null) refuse(400, 'invalid_parameter', TEXTS.usernamesMissing);
        if (usernames.length > ROOM_CAP) refuse(400, 'invalid_parameter', TEXTS.banAddCap);
        call.ok({ data: await ban(call, target, usernames) });
      }),
    );

    router.delete(
      `/${resource}/:id/blocks/users/:usernames`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const names = call.param('usernames').split(',').filter(Boolean);
        if (names.length > ROOM_CAP) refuse(400, 'invalid_parameter', TEXTS.banRemoveCap);
        const results = [];
        for (const name of names) {
          try {
            await call.backend.rooms.blocks.remove(target.ref, name);
          } catch (error) {
            const notBanned = error instanceof ImBridgeError && (error.code === 'USER_NOT_FOUND' || error.code === 'INVALID_ID');
            if (!notBanned) throw error;
          }
          results.push({ result: true, action: 'remove_blocks', user: name, [target.idKey]: target.room.id });
        }
        // §12: a single-user remove answers an object, a comma list an array.
        call.ok({ data: names.length === 1 ? results[0] : results });
      }),
    );
  }

  return router;
}
