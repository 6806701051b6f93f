/** User whitelist: who may message a user; empty means anyone. */
import { defineFacet, expectError, newUsers, randomId, sorted, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

export function userWhitelistFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'user whitelist', (facet) => {
    const { expect } = runner;

    facet.test('PUT replaces, POST adds, DELETE removes; the store follows', ['users.whitelist.replace', 'users.whitelist.add', 'users.whitelist.remove', 'users.whitelist.list'], async ({ backend, backdoor }) => {
      const [a, b, c, d] = await newUsers(backend, 4);
      const replaced = await backend.userWhitelist.replace(a!, [b!, c!]);
      expect(sorted(replaced.items.map((entry) => entry.uid))).toEqual(sorted([b!, c!]));
      expect(sorted(await backdoor.userWhitelist(a!))).toEqual(sorted([b!, c!]));
      const added = await backend.userWhitelist.add(a!, [d!]);
      expect(added.results).toEqual([{ id: d, ok: true }]);
      await backend.userWhitelist.remove(a!, b!);
      expect(sorted(await backdoor.userWhitelist(a!))).toEqual(sorted([c!, d!]));
      expect(sorted((await backend.userWhitelist.list(a!, {})).items.map((entry) => entry.uid))).toEqual(sorted([c!, d!]));
      await backend.userWhitelist.replace(a!, []);
      expect(await backdoor.userWhitelist(a!)).toEqual([]);
    });

    facet.test('a replace naming an unknown user changes nothing', ['users.whitelist.replace'], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.userWhitelist.replace(a!, [b!]);
      await expectError(facet, backend.userWhitelist.replace(a!, [randomId('ghost')]), 'USER_NOT_FOUND', 404);
      expect(await backdoor.userWhitelist(a!)).toEqual([b]);
    });

    facet.test('a non-empty whitelist refuses others with NOT_WHITELISTED; listed users and an empty list pass', ['users.whitelist.replace', ['messages.send', 'toUser']], async ({ backend }) => {
      const [a, b, c] = await newUsers(backend, 3);
      await backend.messages.send({ from: c!, to: { type: 'user', id: a! }, text: 'before' });
      await backend.userWhitelist.replace(a!, [b!]);
      await expectError(facet, backend.messages.send({ from: c!, to: { type: 'user', id: a! }, text: 'no' }), 'NOT_WHITELISTED', 403);
      await backend.messages.send({ from: b!, to: { type: 'user', id: a! }, text: 'yes' });
      await backend.userWhitelist.replace(a!, []);
      await backend.messages.send({ from: c!, to: { type: 'user', id: a! }, text: 'again' });
    });
  });
}
