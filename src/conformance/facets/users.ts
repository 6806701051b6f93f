/** Users: register, update only what is given, batch, unknown users. */
import { defineFacet, expectError, newUsers, randomId, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

export function usersFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'users', (facet) => {
    const { expect } = runner;

    facet.test('PUT registers a user, readable through the store and GET', ['users.put', 'users.get'], async ({ backend, backdoor }) => {
      const uid = randomId('u');
      const user = await backend.users.put(uid, { name: 'Alice' });
      expect(user).toEqual({ uid, name: 'Alice', extra: null });
      expect(await backdoor.user(uid)).toEqual({ uid, name: 'Alice' });
      expect(await backend.users.get(uid)).toEqual(user);
    });

    facet.test('PUT without a name keeps the stored name', ['users.put', 'users.get'], async ({ backend, backdoor }) => {
      const uid = randomId('u');
      await backend.users.put(uid, { name: 'First' });
      expect((await backend.users.put(uid, {})).name).toBe('First');
      expect((await backdoor.user(uid))?.name).toBe('First');
      expect((await backend.users.put(uid, { name: 'Second' })).name).toBe('Second');
      expect((await backdoor.user(uid))?.name).toBe('Second');
    });

    facet.test('PUT updates only the fields it is given (extra kept when only the name changes)', [['users.put', 'extra'], 'users.get'], async ({ backend }) => {
      const uid = randomId('u');
      await backend.users.put(uid, { name: 'First', extra: 'keep me' });
      const updated = await backend.users.put(uid, { name: 'Second' });
      expect(updated).toEqual({ uid, name: 'Second', extra: 'keep me' });
      expect((await backend.users.put(uid, { extra: 'changed' })).name).toBe('Second');
    });

    facet.test('POST /users registers every user of the batch', ['users.batchPut'], async ({ backend, backdoor }) => {
      const uids = [randomId('u'), randomId('u'), randomId('u')];
      const result = await backend.users.putMany(uids.map((uid, index) => ({ uid, name: `N${index}` })));
      expect(result.results).toEqual(uids.map((uid) => ({ id: uid, ok: true })));
      for (const [index, uid] of uids.entries()) expect(await backdoor.user(uid)).toEqual({ uid, name: `N${index}` });
    });

    facet.test('an unknown user is USER_NOT_FOUND', ['users.get'], async ({ backend, backdoor }) => {
      const uid = randomId('ghost');
      await expectError(facet, backend.users.get(uid), 'USER_NOT_FOUND');
      expect(await backdoor.user(uid)).toBeNull();
    });

    facet.test('operations naming an unregistered user answer USER_NOT_FOUND and change nothing', ['friends.put', 'blocks.put'], async ({ backend, backdoor }) => {
      const [alice] = await newUsers(backend, 1);
      const ghost = randomId('ghost');
      await expectError(facet, backend.friends.put(alice!, ghost, {}), 'USER_NOT_FOUND');
      await expectError(facet, backend.blocks.put(alice!, ghost), 'USER_NOT_FOUND');
      expect(await backdoor.friends(alice!)).toEqual([]);
      expect(await backdoor.blocks(alice!)).toEqual([]);
    });
  });
}
