/**
 * Native lists are keyset walks: a cursor names the last entry of its page, not an offset, so
 * entries inserted while a caller walks the list (before or after its position) neither repeat
 * an entry nor skip one that was there when the walk began. Offset paging fails this: an insert
 * before the position shifts the next page back by one and repeats an entry.
 */
import { describe, expect, it } from 'vitest';
import type { Backend, Page } from '../../../src/spec/index.js';
import { guardBackend } from '../../../src/runtime/index.js';
import { nativeFixture, type StoreKind } from './native-targets.js';

async function walkWhileInserting<Item>(read: (cursor: string | null) => Promise<Page<Item>>, key: (item: Item) => string, insert: (round: number) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  let round = 0;
  do {
    const page: Page<Item> = await read(cursor);
    seen.push(...page.items.map(key));
    cursor = page.nextCursor;
    await insert((round += 1));
  } while (cursor !== null);
  return seen;
}

function expectEveryOriginalOnce(seen: string[], original: string[]): void {
  expect(seen.length, 'no entry twice').toBe(new Set(seen).size);
  expect(original.filter((entry) => !seen.includes(entry)), 'no original entry skipped').toEqual([]);
}

for (const store of ['sqlite', 'postgres'] as const satisfies readonly StoreKind[]) {
  describe(`native/${store}: cursors stay stable under concurrent inserts`, () => {
    const withBackend = async (test: (backend: Backend) => Promise<void>) => {
      const fixture = await nativeFixture(store);
      try {
        await test(guardBackend(fixture.backend));
      } finally {
        await fixture.close();
      }
    };

    it('friends: inserts before and after the position during a walk', async () => {
      await withBackend(async (backend) => {
        await backend.users.put('owner', {});
        const original = Array.from({ length: 30 }, (_, index) => `m${String(index).padStart(2, '0')}`);
        for (const uid of original) {
          await backend.users.put(uid, {});
          await backend.friends.put('owner', uid, {});
        }
        const seen = await walkWhileInserting(
          (cursor) => backend.friends.list('owner', { limit: 7, cursor }),
          (item) => item.friend,
          async (round) => {
            // "a…" sorts before every original entry, "z…" after.
            for (const uid of [`a${round}`, `z${round}`]) {
              await backend.users.put(uid, {});
              await backend.friends.put('owner', uid, {});
            }
          },
        );
        expectEveryOriginalOnce(seen, original);
      });
    });

    it('room members: members joining during a walk', async () => {
      await withBackend(async (backend) => {
        const original = Array.from({ length: 25 }, (_, index) => `u${String(index).padStart(2, '0')}`);
        for (const uid of ['boss', ...original]) await backend.users.put(uid, {});
        await backend.rooms.create('group', { id: 'walk', name: 'walk', owner: 'boss', members: original });
        await backend.rooms.members.setRole({ kind: 'group', id: 'walk' }, 'u20', 'admin');
        const seen = await walkWhileInserting(
          (cursor) => backend.rooms.members.list({ kind: 'group', id: 'walk' }, { limit: 6, cursor }),
          (item) => item.uid,
          async (round) => {
            await backend.users.put(`late${round}`, {});
            await backend.rooms.members.add({ kind: 'group', id: 'walk' }, [`late${round}`]);
          },
        );
        expectEveryOriginalOnce(seen, ['boss', ...original]);
        // Role order holds across pages: the owner, then the admin, then members.
        expect(seen.slice(0, 2)).toEqual(['boss', 'u20']);
      });
    });

    it('incoming friend requests: newer requests during a walk do not shift it', async () => {
      await withBackend(async (backend) => {
        await backend.users.put('target', {});
        const original = Array.from({ length: 20 }, (_, index) => `r${String(index).padStart(2, '0')}`);
        for (const uid of original) {
          await backend.users.put(uid, {});
          await backend.friendRequests.send(uid, 'target', null);
        }
        const seen = await walkWhileInserting(
          (cursor) => backend.friendRequests.list('target', 'incoming', { limit: 6, cursor }),
          (item) => item.from,
          async (round) => {
            await backend.users.put(`new${round}`, {});
            await backend.friendRequests.send(`new${round}`, 'target', null);
          },
        );
        expectEveryOriginalOnce(seen, original);
      });
    });

    it('a cursor of one list is refused by another', async () => {
      await withBackend(async (backend) => {
        for (const uid of ['x', 'y', 'z']) await backend.users.put(uid, {});
        await backend.friends.put('x', 'y', {});
        await backend.friends.put('x', 'z', {});
        const page = await backend.friends.list('x', { limit: 1 });
        expect(page.nextCursor).not.toBeNull();
        await expect(backend.friendRequests.list('x', 'incoming', { limit: 1, cursor: page.nextCursor })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      });
    });
  });
}
