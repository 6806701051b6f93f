/** Conversations: created by sends on both sides, deleted per user, back on the next message. */
import { defineFacet, messagingPair, expectError, newRoom, newUsers, randomId, type ConformanceOptions, type ConformanceRunner, type TargetFactory } from '../suite-context.js';

export function conversationsFacet(runner: ConformanceRunner, factory: TargetFactory, options: ConformanceOptions = {}): void {
  defineFacet(runner, factory, options, 'conversations', (facet) => {
    const { expect } = runner;
    const peers = async (list: Promise<Array<{ type: string; id: string }>>) => (await list).map((peer) => `${peer.type}:${peer.id}`).sort();

    facet.test('a direct message creates the conversation on both sides, unread for the recipient', [['messages.send', 'toUser'], 'conversations.list'], async ({ backend, backdoor }) => {
      const [a, b] = await messagingPair(backend);
      await backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'one' });
      await backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'two' });
      expect(await peers(backdoor.conversations(a!))).toEqual([`user:${b}`]);
      expect(await peers(backdoor.conversations(b!))).toEqual([`user:${a}`]);
      const received = await backend.conversations.list(b!, {});
      expect(received.items).toHaveLength(1);
      expect(received.items[0]!.peer).toEqual({ type: 'user', id: a });
      expect(received.items[0]!.unread).toBe(2);
      expect(received.items[0]!.lastMessageAt).not.toBeNull();
    });

    facet.test('delete hides the conversation for that user only; the next message brings it back', [['messages.send', 'toUser'], ['conversations.delete', 'user']], async ({ backend, backdoor }) => {
      const [a, b] = await messagingPair(backend);
      await backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'hi' });
      await backend.conversations.delete(b!, 'user', a!);
      expect(await peers(backdoor.conversations(b!))).toEqual([]);
      expect(await peers(backdoor.conversations(a!))).toEqual([`user:${b}`]);
      await backend.conversations.delete(b!, 'user', a!); // idempotent
      await backend.messages.send({ from: a!, to: { type: 'user', id: b! }, text: 'again' });
      expect(await peers(backdoor.conversations(b!))).toEqual([`user:${a}`]);
    });

    for (const kind of ['group', 'chatroom'] as const) {
      const prefix = kind === 'group' ? 'groups' : 'chatrooms';
      facet.test(`a ${kind} message puts the room in every member's list; delete hides it for one member`, [`${prefix}.create`, ['messages.send', kind === 'group' ? 'toGroup' : 'toChatroom'], ['conversations.delete', kind]], async ({ backend, backdoor }) => {
        const [owner, a] = await newUsers(backend, 2);
        const ref = await newRoom(backend, kind, owner!, [a!]);
        await backend.messages.send({ from: owner!, to: { type: kind, id: ref.id }, text: 'welcome' });
        expect(await peers(backdoor.conversations(a!))).toContain(`${kind}:${ref.id}`);
        expect(await peers(backdoor.conversations(owner!))).toContain(`${kind}:${ref.id}`);
        await backend.conversations.delete(a!, kind, ref.id);
        expect(await peers(backdoor.conversations(a!))).not.toContain(`${kind}:${ref.id}`);
        expect(await peers(backdoor.conversations(owner!))).toContain(`${kind}:${ref.id}`);
      });
    }

    facet.test('a composite vendor id (a@b, b@a, si_…, sg_…) is INVALID_ID, saying to pass the bare peer id', ['conversations.delete'], async ({ backend }) => {
      const [a, b] = await newUsers(backend, 2);
      for (const composite of [`${a}@${b}`, `${b}@${a}`, `si_${a}_${b}`]) {
        const error = await expectError(facet, backend.conversations.delete(a!, 'user', composite), 'INVALID_ID', 400);
        expect(error.message).toContain('bare');
      }
      await expectError(facet, backend.conversations.delete(a!, 'group', `sg_${randomId('g')}`), 'INVALID_ID', 400);
    });

    facet.test('deleting with an unknown plain peer is USER_NOT_FOUND / GROUP_NOT_FOUND', ['conversations.delete', 'groups.get'], async ({ backend }) => {
      const [a] = await newUsers(backend, 1);
      await expectError(facet, backend.conversations.delete(a!, 'user', randomId('ghost')), 'USER_NOT_FOUND', 404);
      await expectError(facet, backend.conversations.delete(a!, 'group', randomId('nogroup')), 'GROUP_NOT_FOUND', 404);
    });
  });
}
