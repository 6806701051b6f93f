/**
 * Change records: each successful write emits exactly the records docs/api.md lists for it (type
 * and target), the same on every backend, and a write that changes nothing emits none. Webhooks
 * and streams are built on this seam, so a backend that emits two records where the others emit
 * one, or none at all, would tell subscribers a different story.
 */
import type { ChangeRecord, ChangeType } from '../../spec/index.js';
import { defineFacet, messagingPair, newRoom, newUsers, randomId, ROOM_KINDS, type ConformanceOptions, type ConformanceRunner, type ConformanceTarget, type TargetFactory } from '../suite-context.js';

type Seen = { type: ChangeType; target: Record<string, string> };

/** The records `action` made the backend emit, as type and target, in a stable order. */
async function recorded(target: ConformanceTarget, action: () => Promise<unknown>): Promise<Seen[]> {
  const changes = target.changes as readonly ChangeRecord[];
  const start = changes.length;
  await action();
  return order(changes.slice(start).map((record) => ({ type: record.type, target: record.target })));
}

function order(records: Seen[]): Seen[] {
  const key = (record: Seen) => `${record.type} ${JSON.stringify(Object.entries(record.target).sort())}`;
  return [...records].sort((a, b) => key(a).localeCompare(key(b)));
}

export function changeRecordsFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'change records', (facet) => {
    const { expect } = runner;
    const changes = { target: 'changes' } as const;

    facet.test('users.put emits user.updated for a new user and for a change, nothing for a repeat', [changes, 'users.put'], async (target) => {
      const id = randomId('u');
      expect(await recorded(target, () => target.backend.users.put(id, { name: 'One' }))).toEqual([{ type: 'user.updated', target: { uid: id } }]);
      expect(await recorded(target, () => target.backend.users.put(id, { name: 'Two' }))).toEqual([{ type: 'user.updated', target: { uid: id } }]);
    });

    facet.test('a mutual friends.put emits one friend.added; update emits friend.infoChanged; a mutual remove one friend.deleted', [changes, 'friends.put', 'friends.update', 'friends.remove'], async (target) => {
      const { backend } = target;
      const [a, b] = await newUsers(backend, 2);
      expect(await recorded(target, () => backend.friends.put(a!, b!, {}))).toEqual([{ type: 'friend.added', target: { uid: a!, friend: b!, mode: 'mutual' } }]);
      expect(await recorded(target, () => backend.friends.update(a!, b!, { alias: 'bee' }))).toEqual([{ type: 'friend.infoChanged', target: { uid: a!, friend: b! } }]);
      expect(await recorded(target, () => backend.friends.remove(a!, b!, 'mutual'))).toEqual([{ type: 'friend.deleted', target: { uid: a!, friend: b!, mode: 'mutual' } }]);
      expect(await recorded(target, () => backend.friends.remove(a!, b!, 'mutual'))).toEqual([]);
    });

    facet.test('a one-way friends.put and remove name their mode', [changes, ['friends.put', 'oneWay'], ['friends.remove', 'oneWay']], async (target) => {
      const { backend } = target;
      const [a, b] = await newUsers(backend, 2);
      expect(await recorded(target, () => backend.friends.put(a!, b!, {}, 'one-way'))).toEqual([{ type: 'friend.added', target: { uid: a!, friend: b!, mode: 'one-way' } }]);
      expect(await recorded(target, () => backend.friends.remove(a!, b!, 'one-way'))).toEqual([{ type: 'friend.deleted', target: { uid: a!, friend: b!, mode: 'one-way' } }]);
    });

    facet.test('blocks.put emits block.added once; blocks.remove block.deleted once', [changes, 'blocks.put', 'blocks.remove'], async (target) => {
      const { backend } = target;
      const [a, b] = await newUsers(backend, 2);
      expect(await recorded(target, () => backend.blocks.put(a!, b!))).toEqual([{ type: 'block.added', target: { uid: a!, blocked: b! } }]);
      expect(await recorded(target, () => backend.blocks.put(a!, b!))).toEqual([]);
      expect(await recorded(target, () => backend.blocks.remove(a!, b!))).toEqual([{ type: 'block.deleted', target: { uid: a!, blocked: b! } }]);
      expect(await recorded(target, () => backend.blocks.remove(a!, b!))).toEqual([]);
    });

    facet.test('a friend request: added on send; accepted plus friend.added on accept', [changes, 'friendRequests.send', 'friendRequests.accept'], async (target) => {
      const { backend } = target;
      const [a, b] = await newUsers(backend, 2);
      expect(await recorded(target, () => backend.friendRequests.send(a!, b!, 'hi'))).toEqual([{ type: 'friendRequest.added', target: { from: a!, to: b! } }]);
      expect(await recorded(target, () => backend.friendRequests.accept(b!, a!))).toEqual(
        order([
          { type: 'friend.added', target: { uid: b!, friend: a!, mode: 'mutual' } },
          { type: 'friendRequest.accepted', target: { from: a!, to: b! } },
        ]),
      );
    });

    facet.test('userWhitelist.replace emits userWhitelist.changed', [changes, 'users.whitelist.replace'], async (target) => {
      const { backend } = target;
      const [a, b] = await newUsers(backend, 2);
      expect(await recorded(target, () => backend.userWhitelist.replace(a!, [b!]))).toEqual([{ type: 'userWhitelist.changed', target: { uid: a! } }]);
    });

    facet.test('messages.send emits message.sent', [changes, ['messages.send', 'toUser']], async (target) => {
      const { backend } = target;
      const [a, b] = await messagingPair(backend);
      expect(await recorded(target, () => backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'hello' }))).toEqual([
        { type: 'message.sent', target: { from: a!, to: `user:${b}` } },
      ]);
    });

    for (const { kind, prefix } of ROOM_KINDS) {
      facet.test(`${kind}: create, members, mutes, mute-all and dismiss each emit their record`, [changes, `${prefix}.create`, `${prefix}.members.add`, `${prefix}.members.remove`, `${prefix}.dismiss`], async (target) => {
        const { backend } = target;
        const [owner, a, c] = await newUsers(backend, 3);
        let room = { kind, id: '' };
        const created = await recorded(target, async () => {
          room = await newRoom(backend, kind, owner!, [a!]);
        });
        const label = `${kind}:${room.id}`;
        expect(created).toEqual([{ type: 'room.created', target: { room: label } }]);
        expect(await recorded(target, () => backend.rooms.members.add(room, [c!]))).toEqual([{ type: 'member.added', target: { room: label, uid: c! } }]);
        if (backend.capabilities[`${prefix}.mutes.set`] !== false && backend.capabilities[`${prefix}.mutes.remove`] !== false) {
          expect(await recorded(target, () => backend.rooms.mutes.set(room, c!, null))).toEqual([{ type: 'member.muted', target: { room: label, uid: c! } }]);
          expect(await recorded(target, () => backend.rooms.mutes.remove(room, c!))).toEqual([{ type: 'member.unmuted', target: { room: label, uid: c! } }]);
        }
        if (backend.capabilities[`${prefix}.muteAll.set`] !== false) {
          expect(await recorded(target, () => backend.rooms.setMuteAll(room, true))).toEqual([{ type: 'room.muteAllChanged', target: { room: label } }]);
        }
        expect(await recorded(target, () => backend.rooms.members.remove(room, [c!]))).toEqual([{ type: 'member.removed', target: { room: label, uid: c! } }]);
        expect(await recorded(target, () => backend.rooms.dismiss(room))).toEqual([{ type: 'room.dismissed', target: { room: label } }]);
      });
    }
  });
}
