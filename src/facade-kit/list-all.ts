/**
 * Every item of a paged unified list. Vendor list routes answer whole lists, so a facade reads
 * the backend's pages to the end before it answers in the vendor's shape.
 */
import type { ListOptions, Page } from '../spec/index.js';

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
