/** Blocks: one-way, independent of friendship, refusing the blocked user's messages. */
import { defineFacet, messagingPair, expectError, newUsers, randomId, sorted, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

export function blocksFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'blocks', (facet) => {
    const { expect } = runner;

    facet.test('PUT blocks b, visible in the store and the list; a repeat keeps `since`', ['blocks.put', 'blocks.list'], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      const first = await backend.blocks.put(a!, b!);
      expect(first).toMatchObject({ uid: a, blocked: b });
      const again = await backend.blocks.put(a!, b!);
      expect(again.since).toBe(first.since);
      expect(await backdoor.blocks(a!)).toEqual([b]);
      expect(await backdoor.blocks(b!)).toEqual([]);
      expect((await backend.blocks.list(a!, {})).items.map((item) => item.blocked)).toEqual([b]);
    });

    // Through HTTP the route answered first; a direct call once reached an adapter that answered
    // success and stored nothing.
    facet.test('PUT with a == b is INVALID_ARGUMENT and stores no block', ['blocks.put'], async ({ backend, backdoor }) => {
      const [a] = await newUsers(backend, 1);
      await expectError(facet, backend.blocks.put(a!, a!), 'INVALID_ARGUMENT', 400);
      expect(await backdoor.blocks(a!)).toEqual([]);
    });

    facet.test('POST blocks several users with a result per item', ['blocks.batchPut'], async ({ backend, backdoor }) => {
      const [a, b, c] = await newUsers(backend, 3);
      const ghost = randomId('ghost');
      const result = await backend.blocks.putMany(a!, [b!, ghost, c!]);
      expect(result.results.map((item) => [item.id, item.ok, item.error?.code])).toEqual([
        [b, true, undefined],
        [ghost, false, 'USER_NOT_FOUND'],
        [c, true, undefined],
      ]);
      expect(sorted(await backdoor.blocks(a!))).toEqual(sorted([b!, c!]));
    });

    facet.test('DELETE unblocks, idempotently', ['blocks.put', 'blocks.remove'], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.blocks.put(a!, b!);
      await backend.blocks.remove(a!, b!);
      expect(await backdoor.blocks(a!)).toEqual([]);
      await backend.blocks.remove(a!, b!);
      expect(await backdoor.blocks(a!)).toEqual([]);
    });

    facet.test('a block leaves both friend lists untouched', ['blocks.put', 'friends.put'], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.friends.put(a!, b!, {});
      await backend.blocks.put(a!, b!);
      expect((await backdoor.friends(a!)).map((entry) => entry.friend)).toEqual([b]);
      expect((await backdoor.friends(b!)).map((entry) => entry.friend)).toEqual([a]);
    });

    facet.test('the blocked user’s messages are refused with BLOCKED; the blocker may still message', ['blocks.put', ['messages.send', 'toUser']], async ({ backend, backdoor }) => {
      const [a, b] = await messagingPair(backend);
      await backend.blocks.put(a!, b!);
      await expectError(facet, backend.messages.send({ from: b!, to: { type: 'user', id: a! }, text: 'hello?' }), 'BLOCKED', 403);
      expect((await backdoor.conversations(a!)).some((peer) => peer.id === b)).toBe(false);
      const sent = await backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'still here' });
      expect(typeof sent.id).toBe('string');
    });

    facet.test('after unblocking, messages flow again', ['blocks.put', 'blocks.remove', ['messages.send', 'toUser']], async ({ backend }) => {
      const [a, b] = await messagingPair(backend);
      await backend.blocks.put(a!, b!);
      await backend.blocks.remove(a!, b!);
      await backend.messages.send({ from: b!, to: { type: 'user', id: a! }, text: 'back' });
    });
  });
}
