/**
 * `?q=` on a friend list is case-insensitive for every script, not only ASCII (docs/api.md):
 * "ÉLODIE" finds "élodie", "ΣΟΦΙΑ" finds "σοφια", on each store.
 */
import { describe, expect, it } from 'vitest';
import { guardBackend } from '../../../src/runtime/index.js';
import { nativeFixture, type StoreKind } from './native-targets.js';

for (const store of ['memory', 'sqlite', 'postgres'] as const satisfies readonly StoreKind[]) {
  describe(`native/${store}: ?q= folds case beyond ASCII`, () => {
    it('matches names, aliases and ids whatever their case', async () => {
      const fixture = await nativeFixture(store);
      try {
        const backend = guardBackend(fixture.backend);
        await backend.users.put('owner', {});
        await backend.users.put('f1', { name: 'élodie Durand' });
        await backend.users.put('f2', { name: 'plain' });
        await backend.users.put('f3', { name: 'x' });
        await backend.friends.put('owner', 'f1', {});
        await backend.friends.put('owner', 'f2', { alias: 'Σοφια' });
        await backend.friends.put('owner', 'f3', {});
        const found = async (query: string) => (await backend.friends.list('owner', { query })).items.map((item) => item.friend);
        expect(await found('ÉLODIE')).toEqual(['f1']);
        expect(await found('σοφια')).toEqual(['f2']);
        expect(await found('ΣΟΦΙΑ')).toEqual(['f2']);
        expect(await found('F3')).toEqual(['f3']);
      } finally {
        await fixture.close();
      }
    });
  });
}
