/**
 * What imbridge can do on WuKongIM v2, by server version and `whitelistOffOfPerson`.
 *
 * - No friend requests and no separate user whitelist: WuKongIM's person-channel whitelist IS
 *   the friend list (note §5), so there is nothing left to hold either.
 * - No chatrooms: the vendor's live channels (type 9) keep no conversations (note §2).
 * - Member mutes are the group blacklist, which has no timer: a duration is UNSUPPORTED_OPTION.
 * - Users and groups are listed by the channel search (`/cluster/channels`), from 2.0.4 on.
 * - On 2.0.8–2.1.3 the group whitelist only acts when `whitelistOffOfPerson` is false (issue
 *   #338, note §10): with it true, mute-all and the room whitelist would be stored but not
 *   enforced for client sends, so they are declared missing there.
 */
import { ROOM_OPERATIONS, defineCapabilities, type Capabilities, type CapabilityName, type CapabilityValue } from '../../../src/spec/index.js';

export interface ServerVersion {
  major: number;
  minor: number;
  patch: number;
}

export function parseServerVersion(version: string): ServerVersion {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) throw new Error(`not a WuKongIM version: ${version}`);
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

function inRange(version: ServerVersion, from: [number, number, number], to: [number, number, number]): boolean {
  const value = version.major * 1e6 + version.minor * 1e3 + version.patch;
  return value >= from[0] * 1e6 + from[1] * 1e3 + from[2] && value <= to[0] * 1e6 + to[1] * 1e3 + to[2];
}

/** Whether the group whitelist is enforced by this server (false only on the issue #338 versions). */
export function groupWhitelistEnforced(version: ServerVersion, whitelistOffOfPerson: boolean): boolean {
  return !(whitelistOffOfPerson && inRange(version, [2, 0, 8], [2, 1, 3]));
}

export function wukongimCapabilities(version: ServerVersion, whitelistOffOfPerson: boolean): Capabilities {
  const overrides: Partial<Record<CapabilityName, CapabilityValue>> = {
    'friendRequests.send': false,
    'friendRequests.list': false,
    'friendRequests.withdraw': false,
    'friendRequests.accept': false,
    'friendRequests.reject': false,
    'users.whitelist.list': false,
    'users.whitelist.replace': false,
    'users.whitelist.add': false,
    'users.whitelist.remove': false,
    'friends.remove': { oneWay: true },
    // One-way add = one person-channel whitelist_add (what a WuKongIM app does itself).
    'friends.put': { extra: true, oneWay: true },
    'friends.list': { query: true, uids: true },
    'groups.mutes.set': { duration: false, stacked: true },
    'groups.mutes.batchSet': { duration: false, stacked: true },
    'messages.send': { toUser: true, toGroup: true, toChatroom: false },
  };
  // The channel search pages by creation time from 2.0.4; 2.0.1–2.0.3 take a page number instead
  // (note §11).
  if (!inRange(version, [2, 0, 4], [99, 0, 0])) {
    overrides['users.list'] = false;
    overrides['groups.list'] = false;
  }
  for (const operation of ROOM_OPERATIONS) overrides[`chatrooms.${operation}`] = false;
  if (!groupWhitelistEnforced(version, whitelistOffOfPerson)) {
    for (const operation of ['muteAll.set', 'muteAll.remove', 'whitelist.list', 'whitelist.add', 'whitelist.replace', 'whitelist.remove'] as const) {
      overrides[`groups.${operation}`] = false;
    }
  }
  return defineCapabilities(true, overrides);
}
