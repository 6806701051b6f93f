/** Rooms (groups and chatrooms): create, read, dismiss. */
import { defineFacet, expectError, newRoom, newUsers, randomId, ROOM_KINDS, sorted, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

export function roomsFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'rooms', (facet) => {
    const { expect } = runner;
    for (const { kind, prefix } of ROOM_KINDS) {
      facet.test(`${kind}: create with a chosen id makes the owner a member with role owner, counted`, [[`${prefix}.create`, 'id'], `${prefix}.get`], async ({ backend, backdoor }) => {
        const [owner, m1, m2] = await newUsers(backend, 3);
        const id = randomId(kind === 'group' ? 'g' : 'c');
        const room = await backend.rooms.create(kind, { id, name: 'Team', owner: owner!, members: [m1!, m2!] });
        expect(room).toEqual({ id, kind, name: 'Team', owner, muteAll: false, memberCount: 3 });
        expect(await backdoor.room(kind, id)).toEqual({ name: 'Team', owner, muteAll: false });
        const members = await backdoor.members(kind, id);
        expect(sorted(members.map((member) => member.uid))).toEqual(sorted([owner!, m1!, m2!]));
        expect(members.find((member) => member.uid === owner)?.role).toBe('owner');
        expect(await backend.rooms.get({ kind, id })).toEqual(room);
      });

      facet.test(`${kind}: create without an id generates one; the owner is a counted member`, [`${prefix}.create`, `${prefix}.get`], async ({ backend, backdoor }) => {
        const [owner, m1] = await newUsers(backend, 2);
        const room = await backend.rooms.create(kind, { name: 'Anon', owner: owner!, members: [m1!] });
        expect(room).toMatchObject({ kind, name: 'Anon', owner, muteAll: false, memberCount: 2 });
        expect(room.id.length).toBeGreaterThan(0);
        expect(await backdoor.room(kind, room.id)).toEqual({ name: 'Anon', owner, muteAll: false });
        expect((await backdoor.members(kind, room.id)).find((member) => member.uid === owner)?.role).toBe('owner');
        expect(await backend.rooms.get({ kind, id: room.id })).toEqual(room);
      });

      facet.test(`${kind}: an existing id is ALREADY_EXISTS`, [[`${prefix}.create`, 'id']], async ({ backend, backdoor }) => {
        const [owner, other] = await newUsers(backend, 2);
        const ref = await newRoom(backend, kind, owner!);
        await expectError(facet, backend.rooms.create(kind, { id: ref.id, name: 'Again', owner: other! }), 'ALREADY_EXISTS', 409);
        expect((await backdoor.room(kind, ref.id))?.owner).toBe(owner);
      });

      facet.test(`${kind}: an unknown owner or member is USER_NOT_FOUND and nothing is created`, [[`${prefix}.create`, 'id']], async ({ backend, backdoor }) => {
        const [owner] = await newUsers(backend, 1);
        const id = randomId('r');
        await expectError(facet, backend.rooms.create(kind, { id, name: 'x', owner: randomId('ghost') }), 'USER_NOT_FOUND', 404);
        await expectError(facet, backend.rooms.create(kind, { id, name: 'x', owner: owner!, members: [randomId('ghost')] }), 'USER_NOT_FOUND', 404);
        expect(await backdoor.room(kind, id)).toBeNull();
      });

      facet.test(`${kind}: dismiss removes the room; reads are GROUP_NOT_FOUND`, [`${prefix}.create`, `${prefix}.dismiss`, `${prefix}.get`], async ({ backend, backdoor }) => {
        const [owner] = await newUsers(backend, 1);
        const ref = await newRoom(backend, kind, owner!);
        await backend.rooms.dismiss(ref);
        expect(await backdoor.room(kind, ref.id)).toBeNull();
        await expectError(facet, backend.rooms.get(ref), 'GROUP_NOT_FOUND', 404);
        await expectError(facet, backend.rooms.dismiss(ref), 'GROUP_NOT_FOUND', 404);
      });
    }
  });
}
