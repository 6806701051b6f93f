/**
 * Walking a paged list of the contract to its end: from no cursor to a null `nextCursor`.
 * Shared by the client (an application reading a whole friend list), the facades (vendor routes
 * answer whole lists) and the tools that read a backend's whole graph.
 */
import type { ListOptions, Page } from './types.js';

export type PageReader<T> = (options: ListOptions) => Promise<Page<T>>;

/**
 * Each item of the list, one page read at a time as the caller consumes them:
 * `for await (const friend of everyItem((options) => im.friends.list('alice', options))) …`
 */
export async function* everyItem<T>(read: PageReader<T>, limit = 500): AsyncGenerator<T, void, undefined> {
  let cursor: string | null = null;
  do {
    const page: Page<T> = await read({ limit, cursor });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor !== null);
}

/** Every item of the list, in order, in one array. */
export async function listAll<T>(read: PageReader<T>, limit = 500): Promise<T[]> {
  const items: T[] = [];
  for await (const item of everyItem(read, limit)) items.push(item);
  return items;
}
