/** createBackdoor reads the fake's own state in unified terms, independently of the adapter. */
import { describe, expect, it } from 'vitest';
import { createFake } from '../../fake/index.js';
import { createBackdoor } from '../../fake/backdoor.js';

describe('agora backdoor', () => {
  it('translates users, contacts, blocks, rooms, mutes, lists and conversations', async () => {
    let clock = 1_000_000;
    const fake = createFake({ now: () => clock });
    const backdoor = createBackdoor(fake);
    const { state } = fake;
    state.users.set('ann', { uuid: '1', username: 'ann', password: 'p', nickname: 'Ann', created: 0, modified: 0, activated: true });
    state.users.set('bob', { uuid: '2', username: 'bob', password: 'p', created: 0, modified: 0, activated: true });
    state.contactsOf('ann').set('bob', 'B');
    state.contactsOf('bob').set('ann', null);
    state.blocksOf('ann').push('bob');
    state.rooms.set('100', {
      id: '100', resource: 'chatgroups', name: 'G', description: '', owner: 'ann', members: ['bob', 'cy'], maxusers: 200, public: true, custom: '', created: 0,
      mute: true, mutes: new Map([['bob', clock + 1000], ['cy', clock - 1]]), admins: ['cy'], white: ['bob'], blocks: ['dan'],
    });
    state.conversationsOf('bob').set('chat:ann', { type: 'chat', channel: 'ann', unread: 1, lastAt: 1 });
    state.conversationsOf('bob').set('groupchat:100', { type: 'groupchat', channel: '100', unread: 1, lastAt: 2 });

    expect(await backdoor.user('ann')).toEqual({ uid: 'ann', name: 'Ann' });
    expect(await backdoor.user('bob')).toEqual({ uid: 'bob', name: null });
    expect(await backdoor.user('zed')).toBeNull();
    expect(await backdoor.friends('ann')).toEqual([{ friend: 'bob', alias: 'B' }]);
    expect(await backdoor.friends('bob')).toEqual([{ friend: 'ann', alias: null }]);
    expect(await backdoor.blocks('ann')).toEqual(['bob']);
    expect(await backdoor.pendingRequest('ann', 'bob')).toBe(false);
    expect(await backdoor.userWhitelist('ann')).toEqual([]);
    expect(await backdoor.room('group', '100')).toEqual({ name: 'G', owner: 'ann', muteAll: true });
    expect(await backdoor.room('chatroom', '100')).toBeNull();
    expect(await backdoor.members('group', '100')).toEqual([
      { uid: 'ann', role: 'owner' },
      { uid: 'bob', role: 'member' },
      { uid: 'cy', role: 'admin' },
    ]);
    expect(await backdoor.mutedMembers('group', '100')).toEqual(['bob']);
    clock += 2000;
    expect(await backdoor.mutedMembers('group', '100')).toEqual([]);
    expect(await backdoor.roomWhitelist('group', '100')).toEqual(['bob']);
    expect(await backdoor.roomBlocks('group', '100')).toEqual(['dan']);
    expect(await backdoor.conversations('bob')).toEqual([
      { type: 'group', id: '100' },
      { type: 'user', id: 'ann' },
    ]);
  });
});
