/** Relation: every flag read back from each side. */
import { defineFacet, expectError, newUsers, randomId, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

export function relationsFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'relations', (facet) => {
    const { expect } = runner;

    facet.test('strangers: every flag false, alias null', ['relations.get'], async ({ backend }) => {
      const [a, b] = await newUsers(backend, 2);
      expect(await backend.relations.get(a!, b!)).toEqual({ uid: a, other: b, friend: false, friendOf: false, blocking: false, blockedBy: false, alias: null, extra: null });
    });

    facet.test('friends with an alias, and a one-way block, seen from both sides', ['relations.get', 'friends.put', 'blocks.put'], async ({ backend }) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.friends.put(a!, b!, { alias: 'Bee' });
      await backend.blocks.put(b!, a!);
      expect(await backend.relations.get(a!, b!)).toEqual({ uid: a, other: b, friend: true, friendOf: true, blocking: false, blockedBy: true, alias: 'Bee', extra: null });
      const reverse = await backend.relations.get(b!, a!);
      expect(reverse).toMatchObject({ friend: true, friendOf: true, blocking: true, blockedBy: false, alias: null });
    });

    facet.test('the friendship `extra` of a’s entry is part of the relation', ['relations.get', ['friends.put', 'extra']], async ({ backend }) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.friends.put(a!, b!, { extra: '{"met":"work"}' });
      expect((await backend.relations.get(a!, b!)).extra).toBe('{"met":"work"}');
      expect((await backend.relations.get(b!, a!)).extra).toBeNull();
    });

    facet.test('an unknown user is USER_NOT_FOUND', ['relations.get'], async ({ backend }) => {
      const [a] = await newUsers(backend, 1);
      await expectError(facet, backend.relations.get(a!, randomId('ghost')), 'USER_NOT_FOUND', 404);
    });
  });
}
