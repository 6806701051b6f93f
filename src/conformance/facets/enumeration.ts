/**
 * Enumeration: every user and every room of a kind, a page at a time. Walking a list that does not
 * change, from no cursor until `nextCursor` is null, must see each item exactly once, as the
 * backdoor stores it; a cursor the server did not issue is INVALID_ARGUMENT.
 */
import type { ListOptions, Page, Room, RoomKind, User } from '../../spec/index.js';
import { defineFacet, expectError, newRoom, newUsers, ROOM_KINDS, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

/** Small pages first, so that cursors are crossed often; then larger ones, so a live server with many users is walked in reasonable time. */
const SMALL_PAGES = 10;
const SMALL_LIMIT = 2;
const LARGE_LIMIT = 100;
/** A walk longer than this has a cursor that never ends. */
const MAX_PAGES = 5_000;

/** Every page of a list, from no cursor to a null `nextCursor`. */
async function walk<T>(read: (options: ListOptions) => Promise<Page<T>>, expectLimit: (page: Page<T>, limit: number) => void): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  do {
    const limit = pages.length < SMALL_PAGES ? SMALL_LIMIT : LARGE_LIMIT;
    const page: Page<T> = await read(cursor === null ? { limit } : { limit, cursor });
    expectLimit(page, limit);
    pages.push(page.items);
    cursor = page.nextCursor;
    if (pages.length > MAX_PAGES) throw new Error(`the list did not end after ${MAX_PAGES} pages`);
  } while (cursor !== null);
  return pages;
}

/** How often each key occurs. */
function occurrences(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

export function enumerationFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'enumeration', (facet) => {
    const { expect } = runner;
    const expectLimit = <T>(page: Page<T>, limit: number) => expect(page.items.length, 'a page never holds more than its limit').toBeLessThanOrEqual(limit);

    facet.test('users: paging with a small limit lists every user exactly once, as the store holds it', ['users.put', 'users.list'], async ({ backend, backdoor }) => {
      const created = await newUsers(backend, 5, 'enum');
      const pages = await walk((page) => backend.users.list(page), expectLimit);
      const listed = pages.flat();
      const counts = occurrences(listed.map((user) => user.uid));
      for (const uid of created) expect(counts.get(uid), `user ${uid} is listed once`).toBe(1);
      expect([...counts].filter(([, count]) => count > 1), 'no user is listed twice').toEqual([]);
      for (const uid of created) {
        const user = listed.find((item) => item.uid === uid)!;
        expect(user).toEqual<User>({ uid, name: `Name ${uid}`, extra: null });
        expect(await backdoor.user(uid)).toEqual({ uid, name: user.name });
      }
      // Every user on the small pages is one the store holds, under the name it lists.
      for (const user of pages.slice(0, SMALL_PAGES).flat()) expect(await backdoor.user(user.uid), user.uid).toEqual({ uid: user.uid, name: user.name });
    });

    facet.test('users: a walk repeated on an unchanged list gives the same users in the same order', ['users.put', 'users.list'], async ({ backend }) => {
      await newUsers(backend, 3, 'enum');
      const first = (await walk((page) => backend.users.list(page), expectLimit)).flat().map((user) => user.uid);
      const second = (await walk((page) => backend.users.list(page), expectLimit)).flat().map((user) => user.uid);
      expect(second).toEqual(first);
    });

    facet.test('users: a page of one holds one user and a cursor to the next', ['users.put', 'users.list'], async ({ backend }) => {
      await newUsers(backend, 2, 'enum');
      const page = await backend.users.list({ limit: 1 });
      expect(page.items).toHaveLength(1);
      expect(page.nextCursor).not.toBeNull();
      const next = await backend.users.list({ limit: 1, cursor: page.nextCursor });
      expect(next.items).toHaveLength(1);
      expect(next.items[0]!.uid).not.toBe(page.items[0]!.uid);
    });

    facet.test('users: a cursor this server did not issue, or a limit out of 1..500, is INVALID_ARGUMENT', ['users.list'], async ({ backend }) => {
      await expectError(facet, backend.users.list({ cursor: 'not-a-cursor' }), 'INVALID_ARGUMENT', 400);
      await expectError(facet, backend.users.list({ limit: 0 }), 'INVALID_ARGUMENT', 400);
      await expectError(facet, backend.users.list({ limit: 501 }), 'INVALID_ARGUMENT', 400);
    });

    for (const { kind, prefix } of ROOM_KINDS) {
      const list = (read: { rooms: { list(kind: RoomKind, options: ListOptions): Promise<Page<Room>> } }) => walk((page) => read.rooms.list(kind, page), expectLimit);

      facet.test(`${kind}: paging with a small limit lists every room exactly once, as the store holds it`, [`${prefix}.create`, `${prefix}.list`], async ({ backend, backdoor }) => {
        const [owner, member] = await newUsers(backend, 2, 'enum');
        const created = [await newRoom(backend, kind, owner!, [member!]), await newRoom(backend, kind, owner!), await newRoom(backend, kind, owner!, [member!])];
        const pages = await list(backend);
        const listed = pages.flat();
        const counts = occurrences(listed.map((room) => room.id));
        for (const ref of created) expect(counts.get(ref.id), `${kind} ${ref.id} is listed once`).toBe(1);
        expect([...counts].filter(([, count]) => count > 1), 'no room is listed twice').toEqual([]);
        for (const ref of created) {
          const room = listed.find((item) => item.id === ref.id)!;
          expect(room).toEqual(await backend.rooms.get(ref));
          expect(room).toMatchObject({ kind, owner });
          const stored = await backdoor.room(kind, ref.id);
          expect(stored).toEqual({ name: room.name, owner: room.owner, muteAll: room.muteAll });
          expect((await backdoor.members(kind, ref.id)).length).toBe(room.memberCount);
        }
        for (const room of pages.slice(0, SMALL_PAGES).flat()) {
          expect(room.kind).toBe(kind);
          expect(await backdoor.room(kind, room.id), room.id).toEqual({ name: room.name, owner: room.owner, muteAll: room.muteAll });
        }
      });

      facet.test(`${kind}: a room with mute-all on is listed with muteAll true`, [`${prefix}.create`, `${prefix}.list`, `${prefix}.muteAll.set`], async ({ backend, backdoor }) => {
        const [owner] = await newUsers(backend, 1, 'enum');
        const ref = await newRoom(backend, kind, owner!);
        await backend.rooms.setMuteAll(ref, true);
        const room = (await list(backend)).flat().find((item) => item.id === ref.id);
        expect(room?.muteAll).toBe(true);
        expect((await backdoor.room(kind, ref.id))?.muteAll).toBe(true);
      });

      facet.test(`${kind}: a dismissed room is no longer listed`, [`${prefix}.create`, `${prefix}.list`, `${prefix}.dismiss`], async ({ backend, backdoor }) => {
        const [owner] = await newUsers(backend, 1, 'enum');
        const kept = await newRoom(backend, kind, owner!);
        const dismissed = await newRoom(backend, kind, owner!);
        await backend.rooms.dismiss(dismissed);
        const ids = (await list(backend)).flat().map((room) => room.id);
        expect(ids).toContain(kept.id);
        expect(ids).not.toContain(dismissed.id);
        expect(await backdoor.room(kind, dismissed.id)).toBeNull();
      });

      facet.test(`${kind}: a cursor this server did not issue, or a limit out of 1..500, is INVALID_ARGUMENT`, [`${prefix}.list`], async ({ backend }) => {
        await expectError(facet, backend.rooms.list(kind, { cursor: 'not-a-cursor' }), 'INVALID_ARGUMENT', 400);
        await expectError(facet, backend.rooms.list(kind, { limit: 0 }), 'INVALID_ARGUMENT', 400);
        await expectError(facet, backend.rooms.list(kind, { limit: 501 }), 'INVALID_ARGUMENT', 400);
      });
    }
  });
}
