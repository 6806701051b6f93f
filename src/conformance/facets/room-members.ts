/** Room members: add, remove, roles; a removed member cannot send. */
import { defineFacet, expectError, newRoom, newUsers, randomId, ROOM_KINDS, sorted, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

export function roomMembersFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'room members', (facet) => {
    const { expect } = runner;
    for (const { kind, prefix } of ROOM_KINDS) {
      const toRoom = kind === 'group' ? 'toGroup' : 'toChatroom';

      facet.test(`${kind}: POST adds members with a result per item; GET lists them with roles`, [`${prefix}.create`, `${prefix}.members.add`, `${prefix}.members.list`], async ({ backend, backdoor }) => {
        const [owner, a, b] = await newUsers(backend, 3);
        const ref = await newRoom(backend, kind, owner!);
        const ghost = randomId('ghost');
        const result = await backend.rooms.members.add(ref, [a!, ghost, b!, a!]);
        expect(result.results.map((item) => [item.id, item.ok, item.error?.code])).toEqual([
          [a, true, undefined],
          [ghost, false, 'USER_NOT_FOUND'],
          [b, true, undefined],
          [a, true, undefined],
        ]);
        expect(sorted((await backdoor.members(kind, ref.id)).map((member) => member.uid))).toEqual(sorted([owner!, a!, b!]));
        const listed = await backend.rooms.members.list(ref, {});
        expect(listed.items.find((member) => member.uid === owner)).toEqual({ uid: owner, role: 'owner', mutedUntil: null });
        expect(listed.items.find((member) => member.uid === a)).toEqual({ uid: a, role: 'member', mutedUntil: null });
        expect((await backend.rooms.get(ref)).memberCount).toBe(3);
      });

      facet.test(`${kind}: DELETE removes members (single and batch); the owner cannot be removed`, [`${prefix}.create`, `${prefix}.members.remove`], async ({ backend, backdoor }) => {
        const [owner, a, b, c] = await newUsers(backend, 4);
        const ref = await newRoom(backend, kind, owner!, [a!, b!, c!]);
        const single = await backend.rooms.members.remove(ref, [a!]);
        expect(single.results).toEqual([{ id: a, ok: true }]);
        const batch = await backend.rooms.members.remove(ref, [b!, owner!, c!]);
        expect(batch.results.map((item) => [item.id, item.ok, item.error?.code])).toEqual([
          [b, true, undefined],
          [owner, false, 'INVALID_ARGUMENT'],
          [c, true, undefined],
        ]);
        expect((await backdoor.members(kind, ref.id)).map((member) => member.uid)).toEqual([owner]);
        expect((await backend.rooms.members.remove(ref, [a!])).results[0]!.ok).toBe(true); // idempotent
      });

      facet.test(`${kind}: PATCH sets a role; NOT_MEMBER for a non-member; the owner's role is fixed`, [`${prefix}.create`, `${prefix}.members.setRole`], async ({ backend, backdoor }) => {
        const [owner, a, stranger] = await newUsers(backend, 3);
        const ref = await newRoom(backend, kind, owner!, [a!]);
        expect(await backend.rooms.members.setRole(ref, a!, 'admin')).toEqual({ uid: a, role: 'admin', mutedUntil: null });
        expect((await backdoor.members(kind, ref.id)).find((member) => member.uid === a)?.role).toBe('admin');
        await expectError(facet, backend.rooms.members.setRole(ref, stranger!, 'admin'), 'NOT_MEMBER', 403);
        await expectError(facet, backend.rooms.members.setRole(ref, owner!, 'member'), 'INVALID_ARGUMENT', 400);
        expect((await backdoor.members(kind, ref.id)).find((member) => member.uid === owner)?.role).toBe('owner');
        await backend.rooms.members.setRole(ref, a!, 'member');
        expect((await backdoor.members(kind, ref.id)).find((member) => member.uid === a)?.role).toBe('member');
      });

      facet.test(`${kind}: a removed member cannot send (NOT_MEMBER); a member can`, [`${prefix}.create`, `${prefix}.members.remove`, ['messages.send', toRoom]], async ({ backend }) => {
        const [owner, a] = await newUsers(backend, 2);
        const ref = await newRoom(backend, kind, owner!, [a!]);
        await backend.messages.send({ from: a!, to: { type: kind, id: ref.id }, text: 'hi' });
        await backend.rooms.members.remove(ref, [a!]);
        await expectError(facet, backend.messages.send({ from: a!, to: { type: kind, id: ref.id }, text: 'still?' }), 'NOT_MEMBER', 403);
      });

      facet.test(`${kind}: member operations on an unknown room are GROUP_NOT_FOUND`, [`${prefix}.members.list`, `${prefix}.members.add`], async ({ backend }) => {
        const [a] = await newUsers(backend, 1);
        const ref = { kind, id: randomId('nope') };
        await expectError(facet, backend.rooms.members.list(ref, {}), 'GROUP_NOT_FOUND', 404);
        await expectError(facet, backend.rooms.members.add(ref, [a!]), 'GROUP_NOT_FOUND', 404);
      });
    }
  });
}
