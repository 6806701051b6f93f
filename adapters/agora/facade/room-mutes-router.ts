/**
 * Member mutes and mute-all (vendor note §11). `mute_duration` is milliseconds from now, `-1`
 * until unmuted, `0` unmutes; the unified mute counts whole seconds, so a duration is rounded up
 * to the next second. Mute-all is `/ban` (answering `action: "put"`), the mute list answers
 * `action: "post"` — the vendor's own quirks.
 */
import express, { type Router } from 'express';
import { ImBridgeError } from '../../../src/spec/index.js';
import { ROOM_CAP, TEXTS, notMemberStatus } from '../protocol/wire.js';
import { membersOf, requireRoom, type RoomResource } from './backend-reads.js';
import { refuse } from './errors.js';
import type { RouteKit } from './route-kit.js';
import { listAll } from '../../../src/facade-kit/index.js';

export function roomMutesRouter(kit: RouteKit): Router {
  const router = express.Router();

  for (const resource of ['chatgroups', 'chatrooms'] as const satisfies readonly RoomResource[]) {
    const isGroup = resource === 'chatgroups';

    router.post(
      `/${resource}/:id/mute`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const usernames = call.usernames();
        if (usernames === null) refuse(400, 'invalid_parameter', TEXTS.usernamesMissing);
        if (usernames.length > ROOM_CAP) refuse(400, 'invalid_parameter', TEXTS.muteCap);
        const duration = call.record().mute_duration;
        if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < -1) refuse(400, 'invalid_parameter', TEXTS.muteDurationMissing);
        if (usernames.includes(target.room.owner)) refuse(403, 'forbidden_op', TEXTS.ownerRefused);
        const members = new Set((await membersOf(call.backend, target)).map((member) => member.uid));
        const outsiders = usernames.filter((name) => !members.has(name));
        if (outsiders.length > 0) refuse(notMemberStatus(isGroup), 'forbidden_op', TEXTS.notMembers(outsiders));
        const unique = [...new Set(usernames)];
        if (duration === 0) {
          for (const name of unique) await call.backend.rooms.mutes.remove(target.ref, name);
          call.ok({ data: usernames.map((user) => ({ result: true, expire: 0, user })) });
          return;
        }
        const seconds = duration === -1 ? null : Math.ceil(duration / 1000);
        const startedAt = call.now();
        if (unique.length > 0) {
          const result = await call.backend.rooms.mutes.setMany(target.ref, unique, seconds);
          const failed = result.results.find((item) => !item.ok);
          if (failed !== undefined) refuse(500, 'internal_server_error', failed.error?.message ?? 'mute failed');
        }
        const expire = duration === -1 ? -1 : startedAt + duration;
        call.ok({ data: usernames.map((user) => ({ result: true, expire, user })) });
      }),
    );

    router.delete(
      `/${resource}/:id/mute/:usernames`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const names = call.param('usernames').split(',').filter(Boolean);
        if (names.length > ROOM_CAP) refuse(400, 'invalid_parameter', TEXTS.unmuteCap);
        for (const name of names) {
          try {
            await call.backend.rooms.mutes.remove(target.ref, name);
          } catch (error) {
            // The vendor unmutes whatever is named: an unknown user was simply not muted.
            const notMuted = error instanceof ImBridgeError && (error.code === 'USER_NOT_FOUND' || error.code === 'NOT_MEMBER' || error.code === 'INVALID_ID');
            if (!notMuted) throw error;
          }
        }
        call.ok({ data: names.map((user) => ({ result: true, user })) });
      }),
    );

    router.get(
      `/${resource}/:id/mute`,
      kit.route(async (call) => {
        const target = await requireRoom(call, resource, call.param('id'));
        const mutes = await listAll((options) => call.backend.rooms.mutes.list(target.ref, options));
        call.ok({
          action: 'post',
          data: mutes.map((mute) => ({ user: mute.uid, expire: mute.mutedUntil === 'forever' ? -1 : Date.parse(mute.mutedUntil) })),
        });
      }),
    );

    for (const [method, on] of [
      ['post', true],
      ['delete', false],
    ] as const) {
      router[method](
        `/${resource}/:id/ban`,
        kit.route(async (call) => {
          const target = await requireRoom(call, resource, call.param('id'));
          await call.backend.rooms.setMuteAll(target.ref, on);
          call.ok({ action: 'put', data: { mute: on } });
        }),
      );
    }
  }

  return router;
}
