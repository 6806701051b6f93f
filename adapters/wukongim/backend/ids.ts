/**
 * WuKongIM's ID rule and the ids the adapter derives from unified ids.
 *
 * `@ # &` are rejected in channel ids by `/channel`, subscriber and whitelist endpoints and
 * `/message/send` (vendor note §2); `#` and `&` are already outside the unified rule, so this
 * backend's rule is the unified one minus `@`. Every id it takes is checked against it.
 */
import { InvalidIdError, type IdRule } from '../../../src/spec/index.js';

export const WUKONGIM_ID_RULE: IdRule = {
  // Not "." or ".." alone, as the unified rule (a URL path cannot carry them).
  pattern: '^(?!\\.{1,2}$)[A-Za-z0-9_.:-]{1,64}$',
  maxLength: 64,
  description: "1–64 characters of A-Z a-z 0-9 _ - . :, not \".\" or \"..\" alone (WuKongIM rejects '@', '#' and '&' in channel ids)",
};

export const PERSON_CHANNEL = 1;
export const GROUP_CHANNEL = 2;

/**
 * Where the adapter keeps what WuKongIM has no field for (user names, aliases, room name,
 * owner, admins, room whitelist, bans): the whitelist of a group channel nobody subscribes to.
 * `~` is allowed by WuKongIM but outside the unified rule, so these ids never collide with a
 * user's or a room's own channel.
 */
export const USER_METADATA_PREFIX = '~u~';

export function userMetadataChannel(uid: string): string {
  return `${USER_METADATA_PREFIX}${uid}`;
}

export function roomMetadataChannel(roomId: string): string {
  return `~g~${roomId}`;
}

/**
 * A composite `a@b` conversation id (how WuKongIM stores 1:1 chats internally): refused, because
 * `/conversations/delete` with it answers 200 and deletes nothing (note §2, issue #198).
 */
export function refuseCompositeConversationId(peerId: string, field: string): void {
  if (peerId.includes('@')) {
    throw new InvalidIdError(
      `${field} "${peerId}" looks like a WuKongIM composite conversation id; pass the peer's bare uid (or the group id) instead`,
      { details: { field, rule: WUKONGIM_ID_RULE.pattern, hint: 'pass the peer uid, never the a@b form' } },
    );
  }
}
