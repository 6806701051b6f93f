/**
 * Wildfire's ID rule. The admin API takes any user or group id string (ImUserInfo.userId,
 * GroupInfo.target_id); nothing in the community server restricts them beyond the unified rule,
 * so the rule is the unified one, published under this backend's name and still enforced on
 * every id the backend takes (a later stricter rule changes only this file).
 */
import type { IdRule, PeerType } from '../../../src/spec/index.js';

export const WILDFIRE_ID_RULE: IdRule = {
  pattern: '^(?!\\.{1,2}$)[A-Za-z0-9_.@:-]{1,64}$',
  maxLength: 64,
  description: '1–64 characters of A-Z a-z 0-9 _ - . @ :, not "." or ".." alone (Wildfire user and group ids)',
};

import { CONVERSATION_TYPE as WIRE_CONVERSATION_TYPE } from '../protocol/wire.js';

/** Wildfire conversation types (`Conversation.type`, vendor note §8), one per unified peer type. */
export const CONVERSATION_TYPE: Readonly<Record<PeerType, number>> = WIRE_CONVERSATION_TYPE;

export { MEMBER_TYPE } from '../protocol/wire.js';
