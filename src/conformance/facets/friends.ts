/** Friends: mutual add, one-way and mutual delete, the owner's view, lists and filters. */
import { defineFacet, expectError, newUsers, randomId, sorted, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

export function friendsFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'friends', (facet) => {
    const { expect } = runner;
    const friendIds = async (lookup: (uid: string) => Promise<Array<{ friend: string }>>, uid: string) => sorted((await lookup(uid)).map((entry) => entry.friend));

    facet.test('PUT makes both users list each other; the alias is the caller’s view only', ['friends.put'], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      const friendship = await backend.friends.put(a!, b!, { alias: 'Bobby' });
      expect(friendship).toMatchObject({ uid: a, friend: b, alias: 'Bobby' });
      expect(Number.isNaN(Date.parse(friendship.since))).toBe(false);
      expect(await backdoor.friends(a!)).toEqual([{ friend: b, alias: 'Bobby' }]);
      expect(await friendIds(backdoor.friends, b!)).toEqual([a]);
      expect((await backdoor.friends(b!))[0]!.alias).toBeNull();
    });

    facet.test('PUT is idempotent: a repeat keeps one entry each and the first `since`', ['friends.put'], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      const first = await backend.friends.put(a!, b!, {});
      const second = await backend.friends.put(a!, b!, {});
      expect(second.since).toBe(first.since);
      expect(await friendIds(backdoor.friends, a!)).toEqual([b]);
      expect(await friendIds(backdoor.friends, b!)).toEqual([a]);
    });

    facet.test('PUT with a == b is INVALID_ARGUMENT', ['friends.put'], async ({ backend, backdoor }) => {
      const [a] = await newUsers(backend, 1);
      await expectError(facet, backend.friends.put(a!, a!, {}), 'INVALID_ARGUMENT');
      expect(await backdoor.friends(a!)).toEqual([]);
    });

    facet.test('DELETE mutual removes both entries', ['friends.put', 'friends.remove'], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.friends.put(a!, b!, {});
      await backend.friends.remove(a!, b!, 'mutual');
      expect(await backdoor.friends(a!)).toEqual([]);
      expect(await backdoor.friends(b!)).toEqual([]);
      await backend.friends.remove(a!, b!, 'mutual'); // idempotent
    });

    facet.test('DELETE one-way removes b from a’s list and leaves b’s list', ['friends.put', ['friends.remove', 'oneWay']], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.friends.put(a!, b!, {});
      await backend.friends.remove(a!, b!, 'one-way');
      expect(await backdoor.friends(a!)).toEqual([]);
      expect(await friendIds(backdoor.friends, b!)).toEqual([a]);
      const relation = await backend.relations.get(a!, b!);
      expect({ friend: relation.friend, friendOf: relation.friendOf }).toEqual({ friend: false, friendOf: true });
    });

    facet.test('PUT ?mode=one-way puts b in a’s list only, and a later mutual PUT completes the pair', [['friends.put', 'oneWay']], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      const entry = await backend.friends.put(a!, b!, { alias: 'one side' }, 'one-way');
      expect(entry).toMatchObject({ uid: a, friend: b, alias: 'one side' });
      expect(await backdoor.friends(a!)).toEqual([{ friend: b, alias: 'one side' }]);
      expect(await backdoor.friends(b!)).toEqual([]);
      const relation = await backend.relations.get(b!, a!);
      expect({ friend: relation.friend, friendOf: relation.friendOf }).toEqual({ friend: false, friendOf: true });
      await backend.friends.put(b!, a!, {});
      expect(await friendIds(backdoor.friends, b!)).toEqual([a]);
      expect(await backdoor.friends(a!)).toEqual([{ friend: b, alias: 'one side' }]);
    });

    facet.test('GET one entry, or NOT_FRIENDS (404) when b is not in a’s list', ['friends.put', 'friends.get'], async ({ backend }) => {
      const [a, b, c] = await newUsers(backend, 3);
      await backend.friends.put(a!, b!, { alias: 'B' });
      expect(await backend.friends.get(a!, b!)).toMatchObject({ uid: a, friend: b, alias: 'B' });
      await expectError(facet, backend.friends.get(a!, c!), 'NOT_FRIENDS', 404);
    });

    facet.test('PATCH changes a’s view only; NOT_FRIENDS (404) without an entry', ['friends.put', 'friends.update'], async ({ backend, backdoor }) => {
      const [a, b, c] = await newUsers(backend, 3);
      await backend.friends.put(a!, b!, { alias: 'old' });
      const updated = await backend.friends.update(a!, b!, { alias: 'new' });
      expect(updated.alias).toBe('new');
      expect(await backdoor.friends(a!)).toEqual([{ friend: b, alias: 'new' }]);
      expect((await backdoor.friends(b!))[0]!.alias).toBeNull();
      await expectError(facet, backend.friends.update(a!, c!, { alias: 'x' }), 'NOT_FRIENDS', 404);
      expect(await backdoor.friends(a!)).toEqual([{ friend: b, alias: 'new' }]);
    });

    facet.test('GET the list pages with limit and cursor', ['friends.put', 'friends.list'], async ({ backend }) => {
      const [a, ...others] = await newUsers(backend, 4);
      for (const other of others) await backend.friends.put(a!, other, {});
      const first = await backend.friends.list(a!, { limit: 2 });
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).not.toBeNull();
      const second = await backend.friends.list(a!, { limit: 2, cursor: first.nextCursor });
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
      expect(sorted([...first.items, ...second.items].map((entry) => entry.friend))).toEqual(sorted(others));
    });

    facet.test('?q= keeps friends whose uid, name or alias contains the text, case-insensitively', ['friends.put', ['friends.list', 'query']], async ({ backend }) => {
      const [a, b, c] = await newUsers(backend, 3);
      await backend.friends.put(a!, b!, { alias: 'Tennis Partner' });
      await backend.friends.put(a!, c!, {});
      const byAlias = await backend.friends.list(a!, { query: 'tennis' });
      expect(byAlias.items.map((entry) => entry.friend)).toEqual([b]);
      const byUid = await backend.friends.list(a!, { query: c!.slice(-6).toUpperCase() });
      expect(byUid.items.map((entry) => entry.friend)).toEqual([c]);
    });

    facet.test('?uids= returns just those entries, leaving out non-friends and unknown ids', ['friends.put', ['friends.list', 'uids']], async ({ backend }) => {
      const [a, b, c, d] = await newUsers(backend, 4);
      await backend.friends.put(a!, b!, {});
      await backend.friends.put(a!, c!, {});
      const page = await backend.friends.list(a!, { uids: [c!, d!, randomId('ghost')] });
      expect(page.items.map((entry) => entry.friend)).toEqual([c]);
    });

    facet.test('an unknown user is USER_NOT_FOUND on every friends call', ['friends.put', 'friends.list', 'friends.remove'], async ({ backend }) => {
      const [a] = await newUsers(backend, 1);
      const ghost = randomId('ghost');
      await expectError(facet, backend.friends.list(ghost, {}), 'USER_NOT_FOUND');
      await expectError(facet, backend.friends.remove(a!, ghost, 'mutual'), 'USER_NOT_FOUND');
      await expectError(facet, backend.friends.put(ghost, a!, {}), 'USER_NOT_FOUND');
    });
  });
}
