/** Every item of a unified list: Wildfire's list routes answer whole lists, never pages. */
import type { ListOptions, Page } from '../../../src/spec/index.js';

export async function listAll<T>(fetchPage: (options: ListOptions) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await fetchPage({ limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/** Oldest first, as Wildfire lists friend and blacklist rows; ties (same millisecond) by id. */
export function oldestFirst<T extends { since: string }>(items: T[], id: (item: T) => string): T[] {
  return [...items].sort((left, right) => left.since.localeCompare(right.since) || id(left).localeCompare(id(right)));
}
