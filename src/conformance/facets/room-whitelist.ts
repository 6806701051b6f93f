/** Room whitelist: members who may send during mute-all. */
import { defineFacet, expectError, newRoom, newUsers, ROOM_KINDS, sorted, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

export function roomWhitelistFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'room whitelist', (facet) => {
    const { expect } = runner;
    for (const { kind, prefix } of ROOM_KINDS) {
      facet.test(`${kind}: POST adds, PUT replaces, DELETE removes; the store follows`, [`${prefix}.create`, `${prefix}.whitelist.add`, `${prefix}.whitelist.replace`, `${prefix}.whitelist.remove`, `${prefix}.whitelist.list`], async ({ backend, backdoor }) => {
        const [owner, a, b, c] = await newUsers(backend, 4);
        const ref = await newRoom(backend, kind, owner!, [a!, b!, c!]);
        expect((await backend.rooms.whitelist.add(ref, [a!, b!])).results).toEqual([{ id: a, ok: true }, { id: b, ok: true }]);
        expect(sorted(await backdoor.roomWhitelist(kind, ref.id))).toEqual(sorted([a!, b!]));
        const replaced = await backend.rooms.whitelist.replace(ref, [c!]);
        expect(replaced.items).toEqual([{ uid: c }]);
        expect(await backdoor.roomWhitelist(kind, ref.id)).toEqual([c]);
        await backend.rooms.whitelist.remove(ref, c!);
        expect(await backdoor.roomWhitelist(kind, ref.id)).toEqual([]);
        expect((await backend.rooms.whitelist.list(ref, {})).items).toEqual([]);
      });

      facet.test(`${kind}: only members can be whitelisted (NOT_MEMBER)`, [`${prefix}.create`, `${prefix}.whitelist.add`, `${prefix}.whitelist.replace`], async ({ backend, backdoor }) => {
        const [owner, a, stranger] = await newUsers(backend, 3);
        const ref = await newRoom(backend, kind, owner!, [a!]);
        const result = await backend.rooms.whitelist.add(ref, [stranger!, a!]);
        expect(result.results.map((item) => [item.id, item.ok, item.error?.code])).toEqual([
          [stranger, false, 'NOT_MEMBER'],
          [a, true, undefined],
        ]);
        await expectError(facet, backend.rooms.whitelist.replace(ref, [stranger!]), 'NOT_MEMBER', 403);
        expect(await backdoor.roomWhitelist(kind, ref.id)).toEqual([a]);
      });
    }
  });
}
