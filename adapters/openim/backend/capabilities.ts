/**
 * What OpenIM can do through the unified API (vendor note §7–§11). The same table for every
 * supported release: the version differences change routes, not outcomes.
 */
import { ROOM_OPERATIONS, defineCapabilities, type Capabilities, type CapabilityValue, type RoomCapability } from '../../../src/spec/index.js';

const chatroomsMissing: Partial<Record<RoomCapability, CapabilityValue>> = Object.fromEntries(
  ROOM_OPERATIONS.map((operation) => [`chatrooms.${operation}`, false]),
);

export function openImCapabilities(): Capabilities {
  return defineCapabilities(true, {
    // OpenIM has no chat rooms at all (note §9): every chatrooms.* is missing.
    ...chatroomsMissing,
    // No REST route lets an applicant withdraw a friend application (note §7).
    'friendRequests.withdraw': false,
    // No whitelist concept (note §11).
    'users.whitelist.list': false,
    'users.whitelist.replace': false,
    'users.whitelist.add': false,
    'users.whitelist.remove': false,
    'groups.whitelist.list': false,
    'groups.whitelist.add': false,
    'groups.whitelist.replace': false,
    'groups.whitelist.remove': false,
    // No group ban list (note §9 has kick only; a kicked user can be invited again).
    'groups.blocks.list': false,
    'groups.blocks.add': false,
    'groups.blocks.remove': false,
    // 3.7–3.8.3 cannot hide a conversation: clear_conversation_msg clears history but the row
    // stays listed by get_sorted_conversation_list (note §10). See README "Conversations".
    'conversations.delete': false,
    'friends.remove': { oneWay: true },
    // One-way add = import_friend, then delete_friend of the reverse row it created.
    'friends.put': { extra: true, oneWay: true },
    'friends.list': { query: true, uids: true },
    'groups.mutes.set': { duration: true, stacked: true },
    'groups.mutes.batchSet': { duration: true, stacked: true },
    'messages.send': { toUser: true, toGroup: true, toChatroom: false },
  });
}
