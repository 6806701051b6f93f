/**
 * Conversations (note §7): `/conversation/sync` = `conversations.list`, `/conversations/delete` =
 * `conversations.delete`. The unified conversation is `{peer, unread, lastMessageAt}`: the
 * message sequence fields and `recents` have no unified source and are answered empty (README,
 * "Differences").
 */
import express, { type Router } from 'express';
import type { Conversation, PeerType } from '../../../src/spec/index.js';
import { GROUP, PERSON, checkConversationDelete, decode, number, syncPage, text } from '../protocol/wire.js';
import type { FacadeContext } from '../../../src/facade-kit/facade.js';
import { unless } from './backend-calls.js';
import { vendorRoute } from './vendor-route.js';
import { listAll } from '../../../src/facade-kit/index.js';

const CHANNEL_TYPES: Partial<Record<PeerType, number>> = { user: PERSON, group: GROUP };

function syncItem(conversation: Conversation, channelType: number) {
  const millis = conversation.lastMessageAt === null ? 0 : Date.parse(conversation.lastMessageAt);
  return {
    channel_id: conversation.peer.id,
    channel_type: channelType,
    unread: conversation.unread,
    timestamp: Math.floor(millis / 1000),
    last_msg_seq: 0,
    last_client_msg_no: '',
    offset_msg_seq: 0,
    readed_to_msg_seq: 0,
    // WuKongIM's version is a nanosecond clock; the last message time is the closest unified value.
    version: BigInt(millis) * 1_000_000n,
    recents: [],
  };
}

export function createConversationsRouter(context: FacadeContext): Router {
  const router = express.Router();
  router.post(
    '/conversation/sync',
    ...vendorRoute(context, async (request, backend) => {
      const body = decode(request, ['msg_count', 'only_unread', 'page', 'page_size', 'version']);
      const uid = text(body, 'uid');
      // Quirk kept: msg_count ≤ 0 answers [] (note §7).
      if (number(body, 'msg_count') <= 0 || uid === '') return [];
      const excluded = new Set((Array.isArray(body.exclude_channel_types) ? body.exclude_channel_types : []).map(Number));
      const onlyUnread = number(body, 'only_unread') === 1;
      const conversations = await unless(listAll((options) => backend.conversations.list(uid, options)), ['USER_NOT_FOUND', 'INVALID_ID'], []);
      const items = conversations.flatMap((conversation) => {
        const channelType = CHANNEL_TYPES[conversation.peer.type];
        if (channelType === undefined || excluded.has(channelType)) return [];
        if (onlyUnread && conversation.unread === 0) return [];
        return [syncItem(conversation, channelType)];
      });
      return syncPage(items, body);
    }),
  );
  router.post(
    '/conversations/delete',
    ...vendorRoute(context, async (request, backend) => {
      const { uid, channelId, channelType } = checkConversationDelete(decode(request, ['channel_type']));
      // Quirk kept: an `a@b` person id (the vendor's internal id) is a 200 no-op (issue #198).
      if (channelType === PERSON && channelId.includes('@')) return undefined;
      const peerType: PeerType | undefined = channelType === PERSON ? 'user' : channelType === GROUP ? 'group' : undefined;
      if (peerType === undefined) return undefined;
      // A conversation that does not exist is a 200 no-op on the vendor.
      await unless(backend.conversations.delete(uid, peerType, channelId), ['USER_NOT_FOUND', 'GROUP_NOT_FOUND', 'INVALID_ID', 'NOT_FOUND'], undefined);
      return undefined;
    }),
  );
  return router;
}
