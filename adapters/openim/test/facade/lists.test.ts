/**
 * `/user/get_users` and `/group/get_groups` (vendor note §14) through the facade over the native
 * backend, side by side with the OpenIM fake: the same users and groups, page by page with
 * `pagination`, the same `total` for the same filter. Orders differ (README, "Differences"):
 * compared as sets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, nativeFacadeTarget, openImFakeTarget, randomSuffix, type Target } from './harness.js';

interface Data {
  total?: number;
  users?: Array<{ userID: string; nickname: string }> | null;
  groups?: Array<{ groupInfo: { groupID: string; groupName: string; memberCount: number }; groupOwnerUserID: string }> | null;
}

describe('openim facade: get_users and get_groups', () => {
  const targets: Array<{ target: Target; token: string }> = [];
  const run = `l${randomSuffix()}`;
  const users = [0, 1, 2, 3].map((index) => `${run}_${index}`);

  const call = async (entry: { target: Target; token: string }, path: string, body: unknown): Promise<{ errCode: number; data?: Data }> =>
    (await entry.target.call(path, body, { operationID: `op-${randomSuffix()}`, token: entry.token })).body as { errCode: number; data?: Data };

  beforeAll(async () => {
    for (const target of await Promise.all([openImFakeTarget(), nativeFacadeTarget()])) {
      const entry = { target, token: await adminToken(target) };
      targets.push(entry);
      expect((await call(entry, '/user/user_register', { users: users.map((userID) => ({ userID, nickname: `N${userID}`, faceURL: '', ex: '' })) })).errCode).toBe(0);
      for (const [index, groupID] of [`${run}g0`, `${run}g1`].entries()) {
        const created = await call(entry, '/group/create_group', {
          ownerUserID: users[0],
          memberUserIDs: index === 0 ? [users[1]] : [],
          adminUserIDs: [],
          groupInfo: { groupID, groupName: `${run} group ${index}`, groupType: 2, faceURL: '', ex: '' },
        });
        expect(created.errCode).toBe(0);
      }
    }
  });

  afterAll(async () => {
    for (const { target } of targets) await target.close();
  });

  it('pages every user of the run, with the total of the filter', async () => {
    const seen = [];
    for (const entry of targets) {
      const filter = { userID: run, nickName: '' };
      const first = await call(entry, '/user/get_users', { ...filter, pagination: { pageNumber: 1, showNumber: 3 } });
      const second = await call(entry, '/user/get_users', { ...filter, pagination: { pageNumber: 2, showNumber: 3 } });
      expect(first.data!.total, entry.target.name).toBe(4);
      expect(first.data!.users).toHaveLength(3);
      seen.push([...first.data!.users!, ...(second.data!.users ?? [])].map((user) => `${user.userID} ${user.nickname}`).sort());
    }
    expect(seen[0]).toEqual(users.map((userID) => `${userID} N${userID}`));
    expect(seen[1]).toEqual(seen[0]);
  });

  it('lists groups by name with owner and member count; a groupID names one group; pageNumber 0 is 1001', async () => {
    const seen = [];
    for (const entry of targets) {
      const answer = await call(entry, '/group/get_groups', { groupName: run, groupID: '', pagination: { pageNumber: 1, showNumber: 10 } });
      expect(answer.data!.total, entry.target.name).toBe(2);
      seen.push(answer.data!.groups!.map((group) => `${group.groupInfo.groupID} ${group.groupInfo.groupName} ${group.groupOwnerUserID} ${group.groupInfo.memberCount}`).sort());
      const one = await call(entry, '/group/get_groups', { groupName: '', groupID: `${run}g1`, pagination: { pageNumber: 1, showNumber: 10 } });
      expect(one.data!.groups!.map((group) => group.groupInfo.groupID)).toEqual([`${run}g1`]);
      expect((await call(entry, '/user/get_users', { userID: '', nickName: '', pagination: { pageNumber: 0, showNumber: 10 } })).errCode).toBe(1001);
    }
    expect(seen[1]).toEqual(seen[0]);
  });
});
