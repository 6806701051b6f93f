/** Room blocklist: a banned user is removed, cannot send, and cannot be re-added until unbanned. */
import { defineFacet, newRoom, newUsers, ROOM_KINDS, expectError, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

export function roomBlocksFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'room blocks', (facet) => {
    const { expect } = runner;
    for (const { kind, prefix } of ROOM_KINDS) {
      const toRoom = kind === 'group' ? 'toGroup' : 'toChatroom';

      facet.test(`${kind}: banning removes the member and lists the ban; the owner cannot be banned`, [`${prefix}.create`, `${prefix}.blocks.add`, `${prefix}.blocks.list`], async ({ backend, backdoor }) => {
        const [owner, a] = await newUsers(backend, 2);
        const ref = await newRoom(backend, kind, owner!, [a!]);
        const result = await backend.rooms.blocks.add(ref, [a!, owner!]);
        expect(result.results.map((item) => [item.id, item.ok, item.error?.code])).toEqual([
          [a, true, undefined],
          [owner, false, 'INVALID_ARGUMENT'],
        ]);
        expect(await backdoor.roomBlocks(kind, ref.id)).toEqual([a]);
        expect((await backdoor.members(kind, ref.id)).map((member) => member.uid)).toEqual([owner]);
        expect((await backend.rooms.blocks.list(ref, {})).items).toEqual([{ uid: a }]);
      });

      facet.test(`${kind}: a banned user's sends are NOT_MEMBER and re-adding fails with BLOCKED until unbanned`, [`${prefix}.create`, `${prefix}.blocks.add`, `${prefix}.blocks.remove`, `${prefix}.members.add`, ['messages.send', toRoom]], async ({ backend, backdoor }) => {
        const [owner, a] = await newUsers(backend, 2);
        const ref = await newRoom(backend, kind, owner!, [a!]);
        await backend.rooms.blocks.add(ref, [a!]);
        await expectError(facet, backend.messages.send({ from: a!, to: { type: kind, id: ref.id }, text: 'x' }), 'NOT_MEMBER', 403);
        const readd = await backend.rooms.members.add(ref, [a!]);
        expect(readd.results[0]).toMatchObject({ id: a, ok: false, error: { code: 'BLOCKED' } });
        expect((await backdoor.members(kind, ref.id)).map((member) => member.uid)).toEqual([owner]);
        await backend.rooms.blocks.remove(ref, a!);
        expect(await backdoor.roomBlocks(kind, ref.id)).toEqual([]);
        expect((await backend.rooms.members.add(ref, [a!])).results[0]).toEqual({ id: a, ok: true });
        await backend.messages.send({ from: a!, to: { type: kind, id: ref.id }, text: 'back' });
      });
    }
  });
}
