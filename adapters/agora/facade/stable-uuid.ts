/**
 * Agora answers a `uuid` per user and an `application` uuid per app; the unified model keeps
 * neither. The facade derives them from what it has (backend name + user id, App ID), so the
 * same user always shows the same uuid.
 */
import { createHash } from 'node:crypto';

export function stableUuid(seed: string): string {
  const hex = createHash('sha1').update(seed).digest('hex');
  // Shaped as a version-5 UUID (name-based, SHA-1).
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
