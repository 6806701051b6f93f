/**
 * Compares a credential a client sent with the configured one in constant time: `===` stops at
 * the first differing character, so its timing tells an attacker how much of a guess was right.
 * Both sides are hashed first, so their lengths do not show either.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function sameSecret(offered: string | undefined, expected: string): boolean {
  return offered !== undefined && timingSafeEqual(digest(offered), digest(expected));
}
