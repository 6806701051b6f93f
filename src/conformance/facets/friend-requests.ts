/** Friend requests: send, the refusal order (blocked, already friends, pending), accept, reject, withdraw. */
import { defineFacet, expectError, newUsers, sorted, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

export function friendRequestsFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'friend requests', (facet) => {
    const { expect } = runner;

    facet.test('POST stores a pending request, listed incoming for b and outgoing for a', ['friendRequests.send', 'friendRequests.list'], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      const request = await backend.friendRequests.send(a!, b!, 'hi');
      expect(request).toMatchObject({ from: a, to: b, message: 'hi', status: 'pending' });
      expect(await backdoor.pendingRequest(a!, b!)).toBe(true);
      const incoming = await backend.friendRequests.list(b!, 'incoming', {});
      expect(incoming.items.map((item) => [item.from, item.status])).toEqual([[a, 'pending']]);
      const outgoing = await backend.friendRequests.list(a!, 'outgoing', {});
      expect(outgoing.items.map((item) => item.to)).toEqual([b]);
    });

    facet.test('a repeat is REQUEST_PENDING', ['friendRequests.send'], async ({ backend }) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.friendRequests.send(a!, b!, null);
      await expectError(facet, backend.friendRequests.send(a!, b!, null), 'REQUEST_PENDING', 409);
    });

    facet.test('a block refuses the blocked user’s friend request with BLOCKED', ['friendRequests.send', 'blocks.put'], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.blocks.put(b!, a!);
      await expectError(facet, backend.friendRequests.send(a!, b!, null), 'BLOCKED', 403);
      expect(await backdoor.pendingRequest(a!, b!)).toBe(false);
      // The block is one-way: b may still ask a.
      await backend.friendRequests.send(b!, a!, null);
      expect(await backdoor.pendingRequest(b!, a!)).toBe(true);
    });

    facet.test('mutual friends get ALREADY_FRIENDS', ['friendRequests.send', 'friends.put'], async ({ backend }) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.friends.put(a!, b!, {});
      await expectError(facet, backend.friendRequests.send(a!, b!, null), 'ALREADY_FRIENDS', 409);
    });

    facet.test('when only one side lists the other, the request proceeds and acceptance completes the pair', ['friendRequests.send', 'friendRequests.accept', 'friends.put', ['friends.remove', 'oneWay']], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.friends.put(a!, b!, {});
      await backend.friends.remove(b!, a!, 'one-way'); // a lists b; b no longer lists a
      await backend.friendRequests.send(b!, a!, null);
      await backend.friendRequests.accept(a!, b!);
      expect(sorted((await backdoor.friends(a!)).map((entry) => entry.friend))).toEqual([b]);
      expect(sorted((await backdoor.friends(b!)).map((entry) => entry.friend))).toEqual([a]);
    });

    facet.test('accept makes both friends and settles the request', ['friendRequests.send', 'friendRequests.accept'], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.friendRequests.send(a!, b!, null);
      const friendship = await backend.friendRequests.accept(b!, a!);
      expect(friendship).toMatchObject({ uid: b, friend: a });
      expect((await backdoor.friends(a!)).map((entry) => entry.friend)).toEqual([b]);
      expect((await backdoor.friends(b!)).map((entry) => entry.friend)).toEqual([a]);
      expect(await backdoor.pendingRequest(a!, b!)).toBe(false);
      await expectError(facet, backend.friendRequests.accept(b!, a!), 'REQUEST_NOT_FOUND', 404);
    });

    facet.test('reject answers the request as rejected and befriends no one', ['friendRequests.send', 'friendRequests.reject'], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.friendRequests.send(a!, b!, null);
      const rejected = await backend.friendRequests.reject(b!, a!);
      expect(rejected).toMatchObject({ from: a, to: b, status: 'rejected' });
      expect(await backdoor.pendingRequest(a!, b!)).toBe(false);
      expect(await backdoor.friends(a!)).toEqual([]);
      expect(await backdoor.friends(b!)).toEqual([]);
    });

    facet.test('withdraw removes the pending request; again is REQUEST_NOT_FOUND', ['friendRequests.send', 'friendRequests.withdraw'], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.friendRequests.send(a!, b!, null);
      await backend.friendRequests.withdraw(a!, b!);
      expect(await backdoor.pendingRequest(a!, b!)).toBe(false);
      await expectError(facet, backend.friendRequests.withdraw(a!, b!), 'REQUEST_NOT_FOUND', 404);
    });

    facet.test('accept or reject with nothing pending is REQUEST_NOT_FOUND', ['friendRequests.accept', 'friendRequests.reject'], async ({ backend, backdoor }) => {
      const [a, b] = await newUsers(backend, 2);
      await expectError(facet, backend.friendRequests.accept(b!, a!), 'REQUEST_NOT_FOUND', 404);
      await expectError(facet, backend.friendRequests.reject(b!, a!), 'REQUEST_NOT_FOUND', 404);
      expect(await backdoor.friends(b!)).toEqual([]);
    });
  });
}
