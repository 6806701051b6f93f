/**
 * `/conversation/*` reads (vendor note §10) on the conversations facet. Unified conversations
 * name their peer by its bare id; OpenIM's ids are `si_<sorted pair>` and `sg_<group>`.
 */
import type { Backend, Conversation } from '../../../src/spec/index.js';
import { argsError, nilIfEmpty, notFound, pageOf, pagination, text, texts, type Body } from '../protocol/wire.js';
import { translate } from './errors.js';
import type { RouteHandler, RouteTable } from './route-context.js';
import { conversationIdOf, conversationRow, milliseconds } from './wire-shapes.js';
import { listAll } from '../../../src/facade-kit/index.js';

/** Most recent first; an unknown user has none. */
async function conversationsOf(backend: Backend, owner: string): Promise<Conversation[]> {
  return translate(() => listAll((options) => backend.conversations.list(owner, options)), { USER_NOT_FOUND: null, INVALID_ID: null }, []);
}

/** One element of get_sorted_conversation_list; the last message itself is not in the unified conversation (README). */
async function sortedElement(backend: Backend, owner: string, conversation: Conversation): Promise<Body> {
  const single = conversation.peer.type === 'user';
  const room = single ? null : await translate(() => backend.rooms.get({ kind: 'group', id: conversation.peer.id }), { GROUP_NOT_FOUND: null }, null);
  return {
    conversationID: conversationIdOf(owner, conversation),
    recvMsgOpt: 0,
    unreadCount: conversation.unread,
    IsPinned: false,
    msgInfo: {
      serverMsgID: '',
      clientMsgID: '',
      sessionType: single ? 1 : 3,
      sendID: '',
      recvID: '',
      senderName: '',
      faceURL: '',
      groupID: single ? '' : conversation.peer.id,
      groupName: room?.name ?? '',
      groupFaceURL: '',
      groupType: room ? 2 : 0,
      groupMemberCount: room?.memberCount ?? 0,
      LatestMsgRecvTime: conversation.lastMessageAt === null ? 0 : milliseconds(conversation.lastMessageAt),
      // What OpenIM stamps on a REST send (SysMsgType); the facade's messages are sent that way.
      msgFrom: 200,
      contentType: 101,
      content: '',
      ex: '',
    },
  };
}

const getSortedConversationList: RouteHandler = async ({ backend, body }) => {
  const userID = text(body, 'userID');
  const wanted = texts(body, 'conversationIDs');
  const page = pagination(body);
  const rows = (await conversationsOf(backend, userID)).filter((row) => wanted.length === 0 || wanted.includes(conversationIdOf(userID, row)));
  // No conversation at all is RecordNotFound, not an empty list (note §10).
  if (rows.length === 0) throw notFound('conversation not found');
  const elements: Body[] = [];
  for (const row of pageOf(rows, page)) elements.push(await sortedElement(backend, userID, row));
  return { conversationTotal: rows.length, unreadTotal: rows.reduce((sum, row) => sum + row.unread, 0), conversationElems: nilIfEmpty(elements) };
};

const getAllConversations: RouteHandler = async ({ backend, body }) => {
  const owner = text(body, 'ownerUserID');
  return { conversations: nilIfEmpty((await conversationsOf(backend, owner)).map((row) => conversationRow(owner, row))) };
};

const getOwnerConversation: RouteHandler = async ({ backend, body }) => {
  const owner = text(body, 'userID');
  const page = pagination(body);
  const rows = await conversationsOf(backend, owner);
  return { total: rows.length, conversations: nilIfEmpty(pageOf(rows, page).map((row) => conversationRow(owner, row))) };
};

const getConversations: RouteHandler = async ({ backend, body }) => {
  const owner = text(body, 'ownerUserID');
  const ids = texts(body, 'conversationIDs');
  if (ids.length === 0) throw argsError('conversationIDs is empty');
  const rows = await conversationsOf(backend, owner);
  const found = ids.map((id) => rows.find((row) => conversationIdOf(owner, row) === id)).filter((row): row is Conversation => row !== undefined);
  return { conversations: nilIfEmpty(found.map((row) => conversationRow(owner, row))) };
};

export const CONVERSATION_ROUTES: RouteTable = [
  ['/conversation/get_sorted_conversation_list', getSortedConversationList],
  ['/conversation/get_all_conversations', getAllConversations],
  ['/conversation/get_owner_conversation', getOwnerConversation],
  ['/conversation/get_conversations', getConversations],
];
