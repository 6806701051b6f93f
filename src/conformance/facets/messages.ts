/** Messages: the send result, unknown recipients, and the requireFriendship policy when declared. */
import { defineFacet, expectError, messagingPair, newRoom, newUsers, randomId, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

export interface MessagesFacetOptions extends ConformanceOptions {
  /**
   * The target requires mutual friendship for direct messages. Default: what the backend's
   * `sendPolicy` declares.
   */
  requireFriendship?: boolean;
}

export function messagesFacet(runner: ConformanceRunner, factory: TargetFactory, options: MessagesFacetOptions = {}): void {
  defineFacet(runner, factory, options, options.requireFriendship ? 'messages (friendship required)' : 'messages', (facet) => {
    const { expect } = runner;
    // The policy is the backend's to declare; `requireFriendship` states it for a target that cannot.
    const friendship = options.requireFriendship === true ? [] : [{ sendPolicy: 'friendship' as const }];
    const open = options.requireFriendship === false ? [] : [{ sendPolicy: 'open' as const }];

    {
      facet.test('non-friends get NOT_FRIENDS; mutual friends may message; one-way is not enough', [['messages.send', 'toUser'], 'friends.put', ['friends.remove', 'oneWay'], ...friendship], async ({ backend }) => {
        const [a, b] = await newUsers(backend, 2);
        await expectError(facet, backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'x' }), 'NOT_FRIENDS', 403);
        await backend.friends.put(a!, b!, {});
        await backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'friends now' });
        await backend.friends.remove(b!, a!, 'one-way');
        await expectError(facet, backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'x' }), 'NOT_FRIENDS', 403);
      });
      if (options.requireFriendship) return;
    }

    facet.test('a direct send answers an exact string id and a time', [['messages.send', 'toUser']], async ({ backend }) => {
      const [a, b] = await messagingPair(backend);
      const sent = await backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'hello' });
      expect(sent.id).toMatch(/^\S+$/);
      expect(Number.isNaN(Date.parse(sent.sentAt))).toBe(false);
    });

    facet.test('an unknown sender or recipient is USER_NOT_FOUND; an unknown room GROUP_NOT_FOUND', [['messages.send', 'toUser'], ['messages.send', 'toGroup']], async ({ backend, backdoor }) => {
      const [a] = await newUsers(backend, 1);
      await expectError(facet, backend.messages.send({ from: a!, to: { type: 'user', id: randomId('ghost') }, text: 'x' }), 'USER_NOT_FOUND', 404);
      await expectError(facet, backend.messages.send({ from: randomId('ghost'), to: { type: 'user', id: a! }, text: 'x' }), 'USER_NOT_FOUND', 404);
      await expectError(facet, backend.messages.send({ from: a!, to: { type: 'group', id: randomId('nogroup') }, text: 'x' }), 'GROUP_NOT_FOUND', 404);
      expect(await backdoor.conversations(a!)).toEqual([]);
    });

    facet.test('a non-member sending to a room is NOT_MEMBER', [['messages.send', 'toGroup'], 'groups.create'], async ({ backend }) => {
      const [owner, stranger] = await newUsers(backend, 2);
      const ref = await newRoom(backend, 'group', owner!);
      await expectError(facet, backend.messages.send({ from: stranger!, to: { type: 'group', id: ref.id }, text: 'x' }), 'NOT_MEMBER', 403);
    });

    facet.test('without requireFriendship, strangers may message each other', [['messages.send', 'toUser'], ...open], async ({ backend }) => {
      const [a, b] = await newUsers(backend, 2);
      await backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'hi stranger' });
    });
  });
}
