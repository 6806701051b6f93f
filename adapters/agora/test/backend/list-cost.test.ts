// A page of friends costs what the page holds, not what the user has: the adapter reads the paged
// contact list (limit ≤ 50, the vendor's cursor carried in ours) only as far as the page needs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, uid, users, type Harness } from './harness.js';

describe('Agora friends page cost', () => {
  let harness: Harness;
  let owner = '';
  const friends = Array.from({ length: 600 }, (_, index) => `lcf-${String(index).padStart(4, '0')}`);
  beforeAll(async () => {
    harness = await startHarness();
    owner = (await users(harness.backend, 1, uid('lc')))[0]!;
    const contacts = harness.fake.state.contactsOf(owner!);
    for (const friend of friends) contacts.set(friend, null);
  });
  afterAll(() => harness.close());

  const contactReads = () => harness.fake.control.requests.filter((request) => /\/user\/[^/]+\/contacts$/.test(request.path));

  it('reads one contact page of the page size for the first page of 600 contacts', async () => {
    harness.fake.control.clearRequests();
    const page = await harness.backend.friends.list(owner, { limit: 20 });
    expect(page.items.map((item) => item.friend)).toEqual(friends.slice(0, 20));
    expect(contactReads().map((request) => request.query.limit)).toEqual(['20']);
  });

  it('walks all 600 in order, each page reading no more than it returns', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      harness.fake.control.clearRequests();
      const page = await harness.backend.friends.list(owner, { limit: 120, ...(cursor === null ? {} : { cursor }) });
      seen.push(...page.items.map((item) => item.friend));
      cursor = page.nextCursor;
      expect(contactReads().length).toBeLessThanOrEqual(3);
    } while (cursor !== null);
    expect(seen).toEqual(friends);
  });
});
