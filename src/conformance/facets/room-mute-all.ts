/** Mute-all: only the owner, admins and whitelisted members may send. */
import { defineFacet, expectError, newRoom, newUsers, ROOM_KINDS, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

export function roomMuteAllFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'room mute-all', (facet) => {
    const { expect } = runner;
    for (const { kind, prefix } of ROOM_KINDS) {
      const toRoom = kind === 'group' ? 'toGroup' : 'toChatroom';

      facet.test(`${kind}: PUT and DELETE mute-all switch the room's state`, [`${prefix}.create`, `${prefix}.muteAll.set`, `${prefix}.muteAll.remove`], async ({ backend, backdoor }) => {
        const [owner] = await newUsers(backend, 1);
        const ref = await newRoom(backend, kind, owner!);
        expect((await backend.rooms.setMuteAll(ref, true)).muteAll).toBe(true);
        expect((await backdoor.room(kind, ref.id))?.muteAll).toBe(true);
        expect((await backend.rooms.setMuteAll(ref, true)).muteAll).toBe(true); // idempotent
        expect((await backend.rooms.setMuteAll(ref, false)).muteAll).toBe(false);
        expect((await backdoor.room(kind, ref.id))?.muteAll).toBe(false);
      });

      facet.test(`${kind}: mute-all exempts the owner, admins and the whitelist; others get MUTED`, [`${prefix}.create`, `${prefix}.muteAll.set`, `${prefix}.muteAll.remove`, `${prefix}.members.setRole`, `${prefix}.whitelist.add`, ['messages.send', toRoom]], async ({ backend }) => {
        const [owner, admin, listed, plain] = await newUsers(backend, 4);
        const ref = await newRoom(backend, kind, owner!, [admin!, listed!, plain!]);
        await backend.rooms.members.setRole(ref, admin!, 'admin');
        await backend.rooms.whitelist.add(ref, [listed!]);
        await backend.rooms.setMuteAll(ref, true);
        const send = (from: string) => backend.messages.send({ from, to: { type: kind, id: ref.id }, text: `from ${from}` });
        await send(owner!);
        await send(admin!);
        await send(listed!);
        await expectError(facet, send(plain!), 'MUTED', 403);
        await backend.rooms.setMuteAll(ref, false);
        await send(plain!);
      });
    }
  });
}
