/**
 * Batch calls are capped by some vendors (60 ids per call on one). The unified API hides the cap:
 * a backend splits the batch and merges per-item results in the caller's order.
 */
import type { BatchItemResult } from '../spec/index.js';

export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * Runs `call` once per chunk, one chunk at a time (vendors throttle parallel writes), and
 * returns the per-item results in input order. `call` returns the results of its chunk.
 */
export async function runChunked(
  ids: readonly string[],
  size: number,
  call: (chunkIds: string[]) => Promise<BatchItemResult[]>,
): Promise<BatchItemResult[]> {
  const results: BatchItemResult[] = [];
  for (const chunkIds of chunk(ids, size)) results.push(...(await call(chunkIds)));
  return results;
}

/**
 * `task` for each item, at most `limit` at a time (vendor QPS caps are per app, and a page of
 * reads should not open a connection per item); results in input order.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}
