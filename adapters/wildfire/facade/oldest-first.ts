/** Wildfire's list order, for the lists the facade reads whole. */

/** Oldest first, as Wildfire lists friend and blacklist rows; ties (same millisecond) by id. */
export function oldestFirst<T extends { since: string }>(items: T[], id: (item: T) => string): T[] {
  return [...items].sort((left, right) => left.since.localeCompare(right.since) || id(left).localeCompare(id(right)));
}
