/**
 * `/admin/user/all` (vendor note §12) through the facade over the native backend, side by side
 * with the Wildfire fake: the same users page by page with `count` and `offset`, and the same 251
 * for a bad page. Orders differ (README "Differences"): compared as sets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rid, startDirectFake, startFacade, wildfireCall, type WildfireTarget } from './harness.js';

describe('wildfire facade: /admin/user/all', () => {
  let targets: WildfireTarget[] = [];
  const run = rid('l');
  const users = [0, 1, 2].map((index) => `${run}-${index}`);
  const call = (target: WildfireTarget, path: string, body: unknown) => wildfireCall(target.url, path, body, { secret: target.secret });

  beforeAll(async () => {
    targets = [await startDirectFake('community'), await startFacade({ edition: 'community', data: 'native' })];
    for (const target of targets) {
      for (const userId of users) expect(((await call(target, '/admin/user/create', { userId, name: userId, displayName: `D ${userId}`, type: 0 })).json as { code: number }).code).toBe(0);
    }
  });

  afterAll(async () => {
    for (const target of targets) await target.close();
  });

  it('pages every user with offset and count', async () => {
    const seen = [];
    for (const target of targets) {
      const listed: string[] = [];
      for (let offset = 0; ; offset += 2) {
        const answer = (await call(target, '/admin/user/all', { count: 2, offset })).json as { code: number; result: { userInfoList: Array<{ userId: string; displayName: string }> } };
        expect(answer.code, target.name).toBe(0);
        const page = answer.result.userInfoList;
        expect(page.length).toBeLessThanOrEqual(2);
        listed.push(...page.filter((user) => user.userId.startsWith(run)).map((user) => `${user.userId} ${user.displayName}`));
        if (page.length < 2) break;
      }
      seen.push(listed.sort());
    }
    expect(seen[0]).toEqual(users.map((userId) => `${userId} D ${userId}`));
    expect(seen[1]).toEqual(seen[0]);
  });

  it('a count of 0 or a negative offset is 251 on both', async () => {
    for (const target of targets) {
      expect(((await call(target, '/admin/user/all', { count: 0, offset: 0 })).json as { code: number }).code, target.name).toBe(251);
      expect(((await call(target, '/admin/user/all', { count: 3, offset: -1 })).json as { code: number }).code, target.name).toBe(251);
    }
  });
});
