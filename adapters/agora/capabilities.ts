/**
 * What Agora Chat's app-token REST API can do (vendor note sections in brackets). Everything not
 * listed is supported for both groups (`/chatgroups`) and chat rooms (`/chatrooms`).
 */
import { defineCapabilities, type Capabilities } from '../../src/spec/index.js';

export const AGORA_CAPABILITIES: Capabilities = defineCapabilities(true, {
  // §6: contacts are added server-side at once, with no request/approval flow.
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
  // The note documents no admin-role calls for groups or chat rooms.
  'groups.members.setRole': false,
  'chatrooms.members.setRole': false,
});
