/** createBackdoor reads the fake's own Wildfire state and states it in unified terms. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFake, type RunningWildfireFake } from '../../fake/index.js';
import { createBackdoor } from '../../fake/backdoor.js';
import { rid, vendorCall } from './harness.js';

describe('wildfire backdoor', () => {
  let fake: RunningWildfireFake;
  beforeAll(async () => {
    fake = await startFake({ port: 0, edition: 'pro' });
  });
  afterAll(async () => fake.close());
  const call = async (path: string, body: unknown) => {
    const answer = await vendorCall(fake, path, body);
    expect(answer.json?.code, path).toBe(0);
    return answer.json;
  };

  it('users: displayName is the unified name ("" = null); destroyed users are gone', async () => {
    const backdoor = createBackdoor(fake);
    const [a, b] = [rid(), rid()];
    await call('/admin/user/create', { userId: a, name: a, displayName: 'Alice' });
    await call('/admin/user/create', { userId: b, name: b });
    expect(await backdoor.user(a)).toEqual({ uid: a, name: 'Alice' });
    expect(await backdoor.user(b)).toEqual({ uid: b, name: null });
    await call('/admin/user/destroy', { userId: a });
    expect(await backdoor.user(a)).toBeNull();
    expect(await backdoor.user(rid())).toBeNull();
  });

  it('friends are state-0 rows with their alias; blocks are blacked rows; pending requests; no user whitelist', async () => {
    const backdoor = createBackdoor(fake);
    const [a, b, c] = [rid(), rid(), rid()];
    await call('/admin/friend/status', { userId: a, friendUid: b, status: 0 });
    await call('/admin/friend/set_alias', { operator: a, targetId: b, alias: 'Bee' });
    await call('/admin/blacklist/status', { userId: a, targetUid: c, status: 2 });
    await call('/admin/friend/send_request', { userId: c, friendUid: b, reason: 'hi' });
    expect(await backdoor.friends(a)).toEqual([{ friend: b, alias: 'Bee' }]);
    expect(await backdoor.friends(b)).toEqual([{ friend: a, alias: null }]);
    expect(await backdoor.blocks(a)).toEqual([c]);
    expect(await backdoor.friends(a)).not.toContainEqual(expect.objectContaining({ friend: c }));
    expect(await backdoor.pendingRequest(c, b)).toBe(true);
    expect(await backdoor.pendingRequest(b, c)).toBe(false);
    expect(await backdoor.userWhitelist(a)).toEqual([]);
  });

  it('groups: roles from member types, mutes = type 3, whitelist = type 5, removed members hidden, chatrooms absent', async () => {
    const backdoor = createBackdoor(fake);
    const [g, o, m1, m2, m3, m4] = [rid('g'), rid(), rid(), rid(), rid(), rid()];
    await call('/admin/group/create', {
      operator: o,
      group: { group_info: { target_id: g, name: 'Team', owner: o, type: 2 }, members: [{ member_id: m1, type: 1 }, { member_id: m2, type: 3 }, { member_id: m3, type: 5 }, { member_id: m4 }] },
    });
    await call('/admin/group/member/del', { operator: o, group_id: g, members: [m4] });
    await call('/admin/group/modify', { operator: o, group_id: g, type: 3, value: '1' });
    expect(await backdoor.room('group', g)).toEqual({ name: 'Team', owner: o, muteAll: true });
    expect(await backdoor.members('group', g)).toEqual([
      { uid: m1, role: 'admin' },
      { uid: m2, role: 'member' },
      { uid: m3, role: 'member' },
      { uid: o, role: 'owner' },
    ]);
    expect(await backdoor.mutedMembers('group', g)).toEqual([m2]);
    expect(await backdoor.roomWhitelist('group', g)).toEqual([m3]);
    expect(await backdoor.roomBlocks('group', g)).toEqual([]);
    expect(await backdoor.room('chatroom', g)).toBeNull();
    expect(await backdoor.room('group', rid('g'))).toBeNull();
  });

  it('conversations: most recent first, by bare peer id; a pro delete hides one', async () => {
    const backdoor = createBackdoor(fake);
    const [a, b, g] = [rid(), rid(), rid('g')];
    await call('/admin/group/create', { operator: a, group: { group_info: { target_id: g, name: 'G', owner: a, type: 2 }, members: [{ member_id: b }] } });
    await call('/admin/message/send', { sender: a, conv: { type: 0, target: b, line: 0 }, payload: { type: 1, searchableContent: 'x' } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await call('/admin/message/send', { sender: a, conv: { type: 1, target: g, line: 0 }, payload: { type: 1, searchableContent: 'y' } });
    expect(await backdoor.conversations(b)).toEqual([{ type: 'group', id: g }, { type: 'user', id: a }]);
    await call('/admin/conversation/delete', { userId: b, conversation: { type: 1, target: g, line: 0 } });
    expect(await backdoor.conversations(b)).toEqual([{ type: 'user', id: a }]);
    expect(await backdoor.conversations(a)).toEqual([{ type: 'group', id: g }, { type: 'user', id: b }]);
  });
});
