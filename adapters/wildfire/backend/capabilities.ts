/**
 * What Wildfire can do, by edition (vendor note §5–§10). The community server has no per-member
 * mute, no group mute whitelist and no conversation API (those admin paths answer HTTP 500 with an
 * empty body); the pro edition adds them. Neither edition has a friend-request list/accept route,
 * a per-user message whitelist, a group ban list, or admin-managed chatroom membership.
 */
import { defineCapabilities, type Capabilities, type CapabilityName, type CapabilityValue } from '../../../src/spec/index.js';

import type { WildfireEdition } from '../protocol/wire.js';

export type { WildfireEdition };

/** Chatrooms have no owner and no admin member add in either edition: every chatroom op is off. */
const CHATROOMS_OFF = Object.fromEntries(
  [
    'create', 'get', 'list', 'dismiss', 'members.list', 'members.add', 'members.remove', 'members.setRole',
    'mutes.set', 'mutes.batchSet', 'mutes.remove', 'mutes.list', 'muteAll.set', 'muteAll.remove',
    'whitelist.list', 'whitelist.add', 'whitelist.replace', 'whitelist.remove', 'blocks.list', 'blocks.add', 'blocks.remove',
  ].map((operation) => [`chatrooms.${operation}`, false]),
) as Partial<Record<CapabilityName, CapabilityValue>>;

const PRO_ONLY: CapabilityName[] = [
  'groups.mutes.set',
  'groups.mutes.batchSet',
  'groups.mutes.remove',
  'groups.mutes.list',
  'groups.whitelist.list',
  'groups.whitelist.add',
  'groups.whitelist.replace',
  'groups.whitelist.remove',
  'conversations.delete',
];

export function wildfireCapabilities(edition: WildfireEdition): Capabilities {
  const pro = edition === 'pro';
  const overrides: Partial<Record<CapabilityName, CapabilityValue>> = {
    ...CHATROOMS_OFF,
    // Friend deletion: status 1 is two-way, status 2 (legacy) writes one row only (§5).
    'friends.remove': { oneWay: true },
    // One-way adds: friend/status 0 then the legacy one-row status 2 on the other side (§5).
    'friends.put': { extra: true, oneWay: true },
    // Query and uids filtering are done locally over friend/list (§5).
    'friends.list': { query: true, uids: true },
    // Only /admin/friend/send_request exists (§5, "Friend request list / accept / reject").
    'friendRequests.list': false,
    'friendRequests.withdraw': false,
    'friendRequests.accept': false,
    'friendRequests.reject': false,
    // No per-user "who may message me" list in Wildfire.
    'users.whitelist.list': false,
    'users.whitelist.replace': false,
    'users.whitelist.add': false,
    'users.whitelist.remove': false,
    // No server-side conversation list in either edition (§8).
    'conversations.list': false,
    // No group ban list (§6).
    'groups.blocks.list': false,
    'groups.blocks.add': false,
    'groups.blocks.remove': false,
    'messages.send': { toUser: true, toGroup: true, toChatroom: false },
    // §12: users are listed by /admin/user/all; no admin call of either edition lists groups.
    'groups.list': false,
  };
  for (const name of PRO_ONLY) overrides[name] = pro;
  // PRO /admin/group/manager/mute has no duration parameter (§6): forever only.
  if (pro) {
    // One type per member (§6): muted, whitelisted and admin exclude each other, so nothing stacks.
    overrides['groups.mutes.set'] = { duration: false, stacked: false };
    overrides['groups.mutes.batchSet'] = { duration: false, stacked: false };
    overrides['groups.whitelist.add'] = { stacked: false };
    overrides['groups.whitelist.replace'] = { stacked: false };
    overrides['groups.members.setRole'] = { stacked: false };
  }
  return defineCapabilities(true, overrides);
}
