// A page of friends costs what the page holds, not what the user has: the adapter reads the
// vendor pages the window covers (get_friend_list is page-numbered), not the whole list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, rid, seedUsers, startHarness, type Harness } from './harness.js';

describe('OpenIM friends page cost', () => {
  let harness: Harness;
  const owner = rid('lc');
  const friends = Array.from({ length: 2_500 }, (_, index) => `${owner}_f${String(index).padStart(4, '0')}`);
  beforeAll(async () => {
    harness = await startHarness();
    seedUsers(harness.fake, owner, ...friends);
    const rows = new Map(friends.map((friend, index) => [friend, { ownerUserID: owner, friendUserID: friend, remark: '', createTime: 1_700_000_000 + index, addSource: 1, operatorUserID: owner, ex: '', isPinned: false }]));
    harness.fake.state.friends.set(owner, rows);
  });
  afterAll(() => harness.close());

  it('reads one vendor page of the page size for the first page of 2,500 friends', async () => {
    harness.fake.control.clearRequests();
    const page = await harness.backend.friends.list(owner, { limit: 20 });
    expect(page.items.map((item) => item.friend)).toEqual(friends.slice(0, 20));
    const reads = harness.fake.control.requestsTo('POST /friend/get_friend_list');
    expect(reads.map((request) => bodyOf(request).pagination)).toEqual([{ pageNumber: 1, showNumber: 20 }]);
  });

  it('walks all 2,500 in order, every page read on its own window', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      harness.fake.control.clearRequests();
      const page = await harness.backend.friends.list(owner, { limit: 300, ...(cursor === null ? {} : { cursor }) });
      seen.push(...page.items.map((item) => item.friend));
      cursor = page.nextCursor;
      pages += 1;
      expect(harness.fake.control.requestsTo('POST /friend/get_friend_list').length).toBeLessThanOrEqual(2);
    } while (cursor !== null);
    expect(seen).toEqual(friends);
    expect(pages).toBe(9);
  });
});
