/** Wildfire's list order, for the lists the facade reads whole. */

/**
 * Oldest first by the unified `since`, ties (same millisecond) by id. Wildfire itself lists friends by
 * each row's last change (audit W-5), which the unified model does not keep (README "Differences").
 */
export function oldestFirst<T extends { since: string }>(items: T[], id: (item: T) => string): T[] {
  return [...items].sort((left, right) => left.since.localeCompare(right.since) || id(left).localeCompare(id(right)));
}
