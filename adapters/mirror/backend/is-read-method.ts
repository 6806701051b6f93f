/**
 * Whether a Backend method reads or writes, from its name alone, so that a method added to the
 * contract later (`users.list`, `rooms.list`) is routed without a change here. Only names that
 * begin with a reading verb are reads; anything else is a write. Mirroring a read by mistake
 * costs one extra call on the secondary, while taking a write for a read would let the
 * secondary silently diverge, so an unknown verb is a write.
 */
const READING_VERBS = ['get', 'list', 'read', 'count', 'search', 'find', 'lookup', 'query', 'has', 'is'] as const;

export function isReadMethod(name: string): boolean {
  return READING_VERBS.some((verb) => name === verb || (name.startsWith(verb) && /^[A-Z]/.test(name.slice(verb.length))));
}
