/** Member mutes: permanent and timed (expiry honoured), refusing sends; an individual mute beats the whitelist. */
import { defineFacet, expectError, newRoom, newUsers, ROOM_KINDS, sleep, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

export function roomMutesFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'room mutes', (facet) => {
    const { expect } = runner;
    for (const { kind, prefix } of ROOM_KINDS) {
      const toRoom = kind === 'group' ? 'toGroup' : 'toChatroom';

      facet.test(`${kind}: a permanent mute refuses sends with MUTED until unmuted`, [`${prefix}.create`, `${prefix}.mutes.set`, `${prefix}.mutes.remove`, `${prefix}.mutes.list`, ['messages.send', toRoom]], async ({ backend, backdoor }) => {
        const [owner, a] = await newUsers(backend, 2);
        const ref = await newRoom(backend, kind, owner!, [a!]);
        expect(await backend.rooms.mutes.set(ref, a!, null)).toEqual({ uid: a, mutedUntil: 'forever' });
        expect(await backdoor.mutedMembers(kind, ref.id)).toEqual([a]);
        expect((await backend.rooms.mutes.list(ref, {})).items).toEqual([{ uid: a, mutedUntil: 'forever' }]);
        await expectError(facet, backend.messages.send({ from: a!, to: { type: kind, id: ref.id }, text: 'x' }), 'MUTED', 403);
        await backend.rooms.mutes.remove(ref, a!);
        expect(await backdoor.mutedMembers(kind, ref.id)).toEqual([]);
        await backend.messages.send({ from: a!, to: { type: kind, id: ref.id }, text: 'free' });
      });

      facet.test(`${kind}: a timed mute refuses sends until it expires, then lapses by itself`, [`${prefix}.create`, [`${prefix}.mutes.set`, 'duration'], ['messages.send', toRoom]], async ({ backend, backdoor }) => {
        const [owner, a] = await newUsers(backend, 2);
        const ref = await newRoom(backend, kind, owner!, [a!]);
        const mute = await backend.rooms.mutes.set(ref, a!, 1);
        const until = Date.parse(mute.mutedUntil);
        expect(until).toBeGreaterThan(Date.now() - 1_000);
        expect(until).toBeLessThanOrEqual(Date.now() + 3_000);
        await expectError(facet, backend.messages.send({ from: a!, to: { type: kind, id: ref.id }, text: 'x' }), 'MUTED', 403);
        await sleep(Math.max(0, until - Date.now()) + 1_100);
        expect(await backdoor.mutedMembers(kind, ref.id)).toEqual([]);
        const members = await backend.rooms.members.list(ref, {});
        expect(members.items.find((member) => member.uid === a)?.mutedUntil).toBeNull();
        await backend.messages.send({ from: a!, to: { type: kind, id: ref.id }, text: 'after expiry' });
      });

      facet.test(`${kind}: POST mutes several members, per item; a non-member is NOT_MEMBER, the owner INVALID_ARGUMENT`, [`${prefix}.create`, `${prefix}.mutes.batchSet`], async ({ backend, backdoor }) => {
        const [owner, a, b, stranger] = await newUsers(backend, 4);
        const ref = await newRoom(backend, kind, owner!, [a!, b!]);
        const result = await backend.rooms.mutes.setMany(ref, [a!, stranger!, owner!, b!], null);
        expect(result.results.map((item) => [item.id, item.ok, item.error?.code])).toEqual([
          [a, true, undefined],
          [stranger, false, 'NOT_MEMBER'],
          [owner, false, 'INVALID_ARGUMENT'],
          [b, true, undefined],
        ]);
        expect((await backdoor.mutedMembers(kind, ref.id)).sort()).toEqual([a!, b!].sort());
      });

      facet.test(`${kind}: muting a non-member is NOT_MEMBER`, [`${prefix}.create`, `${prefix}.mutes.set`], async ({ backend, backdoor }) => {
        const [owner, stranger] = await newUsers(backend, 2);
        const ref = await newRoom(backend, kind, owner!);
        await expectError(facet, backend.rooms.mutes.set(ref, stranger!, null), 'NOT_MEMBER', 403);
        expect(await backdoor.mutedMembers(kind, ref.id)).toEqual([]);
      });

      facet.test(`${kind}: an individual mute wins over the whitelist`, [`${prefix}.create`, [`${prefix}.mutes.set`, 'stacked'], `${prefix}.mutes.remove`, `${prefix}.whitelist.add`, ['messages.send', toRoom]], async ({ backend, backdoor }) => {
        const [owner, a] = await newUsers(backend, 2);
        const ref = await newRoom(backend, kind, owner!, [a!]);
        await backend.rooms.whitelist.add(ref, [a!]);
        await backend.rooms.mutes.set(ref, a!, null);
        await expectError(facet, backend.messages.send({ from: a!, to: { type: kind, id: ref.id }, text: 'x' }), 'MUTED', 403);
        // Both states are kept: unmuted, the member is still on the whitelist.
        expect(await backdoor.roomWhitelist(kind, ref.id)).toEqual([a]);
        await backend.rooms.mutes.remove(ref, a!);
        expect(await backdoor.roomWhitelist(kind, ref.id)).toEqual([a]);
      });
    }
  });
}
