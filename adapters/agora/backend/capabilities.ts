/**
 * What Agora Chat's app-token REST API can do (vendor note sections in brackets). Everything not
 * listed is supported for both groups (`/chatgroups`) and chat rooms (`/chatrooms`), member roles
 * included (§17: the admin calls).
 */
import { defineCapabilities, type Capabilities } from '../../../src/spec/index.js';

export const AGORA_CAPABILITIES: Capabilities = defineCapabilities(true, {
  // §6: contacts are added server-side at once. A request sent from a client SDK can be accepted
  // or declined over REST, but no REST call sends one or lists the pending ones, so none of the
  // unified request operations can be built (audit A9).
  'friendRequests.send': false,
  'friendRequests.list': false,
  'friendRequests.withdraw': false,
  'friendRequests.accept': false,
  'friendRequests.reject': false,
  // §6: a server-side delete removes both directions; there is no one-way delete.
  'friends.remove': { oneWay: false },
  // §1–§7: no per-user "who may message me" list exists.
  'users.whitelist.list': false,
  'users.whitelist.replace': false,
  'users.whitelist.add': false,
  'users.whitelist.remove': false,
  // §13: no documented app-token call lists conversations.
  'conversations.list': false,
  // §13: conversations exist for one-to-one chats and groups only; chat rooms keep none.
  'conversations.delete': { user: true, group: true, chatroom: false },
  // §5–§6: a user entity holds a (push) nickname only, a contact a remark only: no free `extra`.
  // Not options the spec lists yet; declared so the capability document says it (README).
  'users.put': { extra: false },
  'friends.put': { extra: false, oneWay: false },
  'friends.update': { extra: false },
  // §8, §9: the server generates group and chat room ids; a caller-chosen id cannot be kept.
  'groups.create': { id: false },
  'chatrooms.create': { id: false },
});
