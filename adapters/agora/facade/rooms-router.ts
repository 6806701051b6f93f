/**
 * Groups and chat rooms (vendor note §8, §9): create (the backend generates the id, answered as
 * `groupid` / `id`), details of a comma list, dismiss. Fields the unified Room does not hold
 * (description, maxusers, public, custom, membersonly, allowinvites, created) are answered with
 * the vendor's defaults (README, "Differences").
 */
import express, { type Router } from 'express';
import { ImBridgeError, type Room } from '../../../src/spec/index.js';
import { TEXTS, listLimit } from '../protocol/wire.js';
import { affiliations, findUser, kindOf, membersOf, type RoomResource } from './backend-reads.js';
import { refuse } from './errors.js';
import type { RouteKit } from './route-kit.js';

/** §8: groups default to 200 members, §9: chat rooms to 1000. */
export function defaultMaxUsers(isGroup: boolean): number {
  return isGroup ? 200 : 1000;
}

/**
 * @param appKey `{orgName}#{appName}` when configured: the list of groups names each owner with it
 * (§18); an App-ID-only facade names the owner alone.
 */
export function roomsRouter(kit: RouteKit, appKey: string | null): Router {
  const router = express.Router();

  for (const resource of ['chatgroups', 'chatrooms'] as const satisfies readonly RoomResource[]) {
    const isGroup = resource === 'chatgroups';
    const kind = kindOf(resource);
    const missing = (id: string): never =>
      // §16: 404 codes differ between group and chat room details.
      isGroup ? refuse(404, 'resource_not_found', TEXTS.roomMissing(id)) : refuse(404, 'service_resource_not_found', TEXTS.chatroomMissing(id));

    router.post(
      `/${resource}`,
      kit.route(async (call) => {
        const body = call.record();
        const name = isGroup ? body.groupname : body.name;
        // §8: `public` is optional per Agora's docs (audit A8): an app written against them must work.
        if (!isGroup && typeof name !== 'string') refuse(400, 'invalid_parameter', TEXTS.nameMissing);
        if (!isGroup && typeof body.description !== 'string') refuse(400, 'invalid_parameter', TEXTS.descriptionMissing);
        if (typeof body.owner !== 'string' || body.owner === '') refuse(400, 'invalid_parameter', TEXTS.ownerMissing);
        const members = body.members === undefined ? [] : body.members;
        if (!Array.isArray(members) || members.some((member) => typeof member !== 'string')) refuse(400, 'invalid_parameter', TEXTS.membersNotList);
        if (!isGroup && body.members !== undefined && members.length === 0) refuse(400, 'invalid_parameter', TEXTS.membersEmpty);
        const owner = body.owner;
        for (const username of [owner, ...(members as string[])]) {
          if ((await findUser(call.backend, username)) === null) refuse(404, 'resource_not_found', TEXTS.userMissing(username));
        }
        const maxusers = typeof body.maxusers === 'number' ? body.maxusers : defaultMaxUsers(isGroup);
        const unique = [...new Set(members as string[])].filter((member) => member !== owner);
        if (unique.length + 1 > maxusers) refuse(403, 'exceed_limit', TEXTS.tooManyMembers);
        const room = await call.backend.rooms.create(kind, { name: typeof name === 'string' ? name : '', owner, members: unique });
        call.ok({ data: isGroup ? { groupid: room.id } : { id: room.id } });
      }),
    );

    // §18 list-all over rooms.list: the backend's cursor as the vendor's; groups up to 1000 a page,
    // chat rooms up to 100.
    router.get(
      `/${resource}`,
      kit.route(async (call) => {
        const limit = listLimit(call.request.query.limit, isGroup ? 1000 : 100);
        if (limit === null) refuse(400, 'illegal_argument', TEXTS.listLimitInvalid);
        const cursor = typeof call.request.query.cursor === 'string' ? call.request.query.cursor : undefined;
        // The unified list pages at most 500.
        const page = await call.backend.rooms.list(kind, { limit: Math.min(limit, 500), ...(cursor === undefined ? {} : { cursor }) });
        const data = page.items.map((room) =>
          isGroup
            ? {
                owner: appKey === null ? room.owner : `${appKey}_${room.owner}`,
                groupid: room.id,
                affiliations: room.memberCount,
                type: 'group',
                // The unified Room keeps no modification time.
                lastModified: String(call.now()),
                groupname: room.name,
              }
            : { id: room.id, name: room.name, owner: room.owner, affiliations_count: room.memberCount, disabled: false },
        );
        call.ok({ data, count: data.length, ...(page.nextCursor === null ? {} : { cursor: page.nextCursor }) });
      }),
    );

    router.get(
      `/${resource}/:ids`,
      kit.route(async (call) => {
        const ids = call.param('ids').split(',').filter(Boolean);
        const rooms: Room[] = [];
        for (const id of ids) {
          try {
            rooms.push(await call.backend.rooms.get({ kind, id }));
          } catch (error) {
            const gone = error instanceof ImBridgeError && (error.code === 'GROUP_NOT_FOUND' || error.code === 'INVALID_ID');
            if (!gone) throw error;
          }
        }
        if (rooms.length === 0) missing(ids.join(','));
        const data = [];
        for (const room of rooms) {
          const members = await membersOf(call.backend, { ref: { kind, id: room.id }, room, isGroup, idKey: 'groupid', memberIdKey: 'groupid' });
          data.push({
            id: room.id,
            name: room.name,
            description: '',
            membersonly: false,
            allowinvites: false,
            maxusers: defaultMaxUsers(isGroup),
            owner: room.owner,
            // The unified Room keeps no creation time.
            created: call.now(),
            custom: '',
            mute: room.muteAll,
            affiliations_count: room.memberCount,
            ...(isGroup ? { disabled: false } : {}),
            affiliations: affiliations(members, room.owner),
            public: false,
          });
        }
        call.ok({ data, count: data.length });
      }),
    );

    router.delete(
      `/${resource}/:id`,
      kit.route(async (call) => {
        const id = call.param('id');
        try {
          await call.backend.rooms.dismiss({ kind, id });
        } catch (error) {
          if (error instanceof ImBridgeError && (error.code === 'GROUP_NOT_FOUND' || error.code === 'INVALID_ID')) missing(id);
          throw error;
        }
        call.ok({ data: isGroup ? { success: true, groupid: id } : { success: true, id } });
      }),
    );
  }

  return router;
}
