/**
 * Agora Chat's user ID rule (vendor note §1): at most 64 bytes of lower-case `a-z 0-9 _ - .`.
 * Agora says "no upper case"; 声网 treats IDs case-insensitively, so an upper-case id would
 * silently alias a lower-case one — refusing it (INVALID_ID) is the only honest answer.
 * Room ids are the vendor's own numeric strings and satisfy the same rule.
 */
import type { IdRule, RoomKind } from '../../../src/spec/index.js';

export const AGORA_ID_RULE: IdRule = {
  // Not "." or ".." alone, as the unified rule (a URL path cannot carry them).
  pattern: '^(?!\\.{1,2}$)[a-z0-9_.-]{1,64}$',
  maxLength: 64,
  description: '1–64 characters of lower-case a-z 0-9 _ - ., not "." or ".." alone (Agora Chat user IDs)',
};

/** The vendor resource of each room kind (§8, §9): groups and chat rooms are different resources. */
export function roomResource(kind: RoomKind): 'chatgroups' | 'chatrooms' {
  return kind === 'group' ? 'chatgroups' : 'chatrooms';
}

/** A path below the app prefix from raw segments; `,` in a multi-id segment becomes `%2C` (§1). */
export function vendorPath(...segments: string[]): string {
  return `/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
}
