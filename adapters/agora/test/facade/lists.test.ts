/**
 * The list-all calls (`GET /users`, `/chatgroups`, `/chatrooms`, vendor note §18) through the
 * facade over the native backend, side by side with the Agora fake: the same users and rooms,
 * paged with the vendor's `limit` and `cursor`, the last page without a cursor. The order differs
 * (README, "Differences"): compared as sets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, fakeTarget, nativeFacadeTarget, randomHex, type Target } from './harness.js';

interface Envelope {
  entities?: Array<{ username?: string; nickname?: string }>;
  data?: Array<Record<string, unknown>>;
  cursor?: string;
  count?: number;
}

/** Every page of a list-all call, following `cursor` until the answer has none. */
async function walk(target: Target, path: string, limit: number): Promise<Envelope[]> {
  const pages: Envelope[] = [];
  let cursor: string | undefined;
  do {
    const answer = await call(target, { method: 'GET', path: `${path}?limit=${limit}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}` });
    expect(answer.status, `${target.name} ${path}`).toBe(200);
    const page = answer.body as Envelope;
    pages.push(page);
    cursor = page.cursor;
    expect(pages.length).toBeLessThan(500);
  } while (cursor !== undefined);
  return pages;
}

describe('Agora compat: list-all calls', () => {
  let fake: Target;
  let facade: Target;
  const run = `l${randomHex(3)}`;
  const names = [0, 1, 2, 3, 4].map((index) => `${run}-${index}`);

  beforeAll(async () => {
    [fake, facade] = await Promise.all([fakeTarget(), nativeFacadeTarget()]);
    for (const target of [fake, facade]) {
      expect((await call(target, { method: 'POST', path: '/users', body: names.map((username) => ({ username, password: 'pw', nickname: `N ${username}` })) })).status).toBe(200);
      for (const [index, resource] of (['chatgroups', 'chatgroups', 'chatrooms'] as const).entries()) {
        const body = resource === 'chatgroups' ? { groupname: `${run}-g${index}`, public: false, owner: names[0], members: [names[1]] } : { name: `${run}-r${index}`, description: 'd', owner: names[0] };
        expect((await call(target, { method: 'POST', path: `/${resource}`, body })).status).toBe(200);
      }
    }
  });

  afterAll(async () => {
    await Promise.all([fake.close(), facade.close()]);
  });

  it('GET /users pages every user with their nickname; the last page has no cursor', async () => {
    const listed = [];
    for (const target of [fake, facade]) {
      const pages = await walk(target, '/users', 2);
      for (const page of pages) expect(page.entities!.length).toBeLessThanOrEqual(2);
      const users = pages.flatMap((page) => page.entities ?? []).filter((user) => user.username?.startsWith(run));
      listed.push(users.map((user) => `${user.username} ${user.nickname}`).sort());
    }
    expect(listed[0]).toEqual(names.map((name) => `${name} N ${name}`));
    expect(listed[1]).toEqual(listed[0]);
  });

  it('GET /chatgroups and /chatrooms page every room with its owner and member count', async () => {
    for (const [resource, keys] of [
      ['chatgroups', ['groupname', 'owner', 'affiliations', 'type']],
      ['chatrooms', ['name', 'owner', 'affiliations_count', 'disabled']],
    ] as const) {
      const listed = [];
      for (const target of [fake, facade]) {
        const rooms = (await walk(target, `/${resource}`, 1)).flatMap((page) => page.data ?? []);
        listed.push(
          rooms
            .filter((room) => String(room.groupname ?? room.name).startsWith(run))
            .map((room) => keys.map((key) => String(room[key])).join(' '))
            .sort(),
        );
      }
      expect(listed[0]!.length, resource).toBe(resource === 'chatgroups' ? 2 : 1);
      expect(listed[1], resource).toEqual(listed[0]);
    }
  });

  it('a limit that is not a positive number is refused alike', async () => {
    for (const path of ['/users?limit=0', '/chatgroups?limit=x', '/chatrooms?limit=-1']) {
      const [onFake, onFacade] = [await call(fake, { method: 'GET', path }), await call(facade, { method: 'GET', path })];
      expect(onFake.status, path).toBe(400);
      expect(onFacade.status, path).toBe(400);
      expect((onFacade.body as { error?: string }).error).toBe((onFake.body as { error?: string }).error);
    }
  });
});
