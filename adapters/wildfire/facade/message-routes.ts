/**
 * `/admin/message/send` (vendor note §9) on `messages.send`, and the pro-only
 * `/admin/conversation/delete` (§8) on `conversations.delete`. The unified send checks the
 * backend's relationship policy, so the facade answers a refused send with the codes Wildfire gives
 * a user-sent message (246, 241, 248, 9) where the real admin send would deliver (README).
 */
import { createHash } from 'node:crypto';
import { ImBridgeError, type PeerType } from '../../../src/spec/index.js';
import { fail, int, isAnswer, nonEmpty, obj, ok, readMessageSend, str } from '../protocol/wire.js';
import { route, type FacadeRoute } from './facade-route.js';
import { requireOption } from './require-option.js';

const PEER_TYPES: Readonly<Record<number, PeerType>> = { 0: 'user', 1: 'group', 2: 'chatroom' };

/** Wildfire's epoch for message ids: (ms since 2018-01-01 << 21) | node | sequence (§3). */
const MESSAGE_EPOCH_MS = Date.UTC(2018, 0, 1);

/**
 * The backend's message id as a Wildfire `messageUid` (a Java long, above 2^53, written exactly):
 * a Wildfire backend's own uid (a decimal long above 2^53) is kept as it is; any other id (a row
 * number, a UUID, OpenIM's hex) gets a Wildfire-layout id from its send time and a hash of the id,
 * so clients that expect a 64-bit uid get one, and equal ids give equal uids.
 */
export function messageUid(id: string, sentAtMs: number): bigint {
  if (/^\d{17,19}$/.test(id) && BigInt(id) > 2n ** 53n && BigInt(id) <= 9_223_372_036_854_775_807n) return BigInt(id);
  const low = BigInt(`0x${createHash('sha1').update(id).digest('hex').slice(0, 6)}`) & 0x1f_ffffn;
  return (BigInt(Math.max(0, sentAtMs - MESSAGE_EPOCH_MS)) << 21n) | low;
}

export function messageRoutes(): FacadeRoute[] {
  return [
    route('/admin/message/send', async (body, backend) => {
      const read = readMessageSend(body);
      if (isAnswer(read)) return read;
      const { sender, payload, type, target } = read;
      const peerType = PEER_TYPES[type];
      // Channels, things and secret chats have no unified peer; non-text payloads no unified message.
      if (!peerType || int(payload, 'type', 1) !== 1) return fail(254);
      requireOption(backend, 'messages.send', peerType === 'user' ? 'toUser' : peerType === 'group' ? 'toGroup' : 'toChatroom');
      const sent = await backend.messages.send({ from: sender, to: { type: peerType, id: target }, text: str(payload, 'searchableContent') ?? str(payload, 'content') ?? '' });
      const timestamp = Date.parse(sent.sentAt);
      return ok({ messageUid: messageUid(sent.id, timestamp), timestamp });
    }),

    route(
      '/admin/conversation/delete',
      async (body, backend) => {
        const userId = str(body, 'userId');
        const conversation = obj(body, 'conversation');
        if (!nonEmpty(userId) || !conversation) return fail(251);
        const peerType = PEER_TYPES[int(conversation, 'type')];
        if (!peerType) return fail(254);
        requireOption(backend, 'conversations.delete', peerType);
        try {
          await backend.conversations.delete(userId, peerType, str(conversation, 'target') ?? '');
        } catch (error) {
          // Wildfire checks nothing here: a conversation with an unknown user or group is already gone.
          if (ImBridgeError.is(error) && ['USER_NOT_FOUND', 'GROUP_NOT_FOUND', 'INVALID_ID'].includes(error.code)) return ok();
          throw error;
        }
        return ok();
      },
      { pro: true },
    ),
  ];
}
