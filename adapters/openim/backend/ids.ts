/**
 * OpenIM's ID rule and conversation ids (vendor note §6, §10).
 */
import type { IdRule } from '../../../src/spec/index.js';

/**
 * user_register accepts letters, digits and `_` only (no `:`); the unified rule also allows
 * `- . @ :`, which OpenIM refuses. Group ids share the rule so one id is valid everywhere
 * (it also keeps `sg_<group>` unambiguous). Unicode letters are allowed by the vendor but
 * not by the unified rule, so ASCII is the intersection.
 */
export const OPENIM_ID_RULE: IdRule = {
  pattern: '^[A-Za-z0-9_]{1,64}$',
  maxLength: 64,
  description: '1–64 characters of A-Z a-z 0-9 _ (OpenIM refuses - . @ :)',
};

/** `si_` + both user ids sorted by byte order, joined by `_`. */
export function singleConversationId(first: string, second: string): string {
  const [low, high] = Buffer.compare(Buffer.from(first), Buffer.from(second)) <= 0 ? [first, second] : [second, first];
  return `si_${low}_${high}`;
}

export function groupConversationId(groupId: string): string {
  return `sg_${groupId}`;
}

/** OpenIM roleLevel values (note §9). */
export const ROLE_OWNER = 100;
export const ROLE_ADMIN = 60;
export const ROLE_MEMBER = 20;
