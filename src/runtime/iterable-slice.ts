/**
 * `items.slice(start, end)` for any iterable, walking it only up to `end`: a fake's page of a
 * Map then costs what the page holds, as a real server's indexed read does, and not what the
 * whole list holds (the cost-growth bench reads adapters through the fakes), and an adapter or
 * facade reading a page of a Map does not copy it first.
 */
export function iterableSlice<T>(items: Iterable<T>, start: number, end: number): T[] {
  if (Array.isArray(items)) return items.slice(start, end) as T[];
  // Negative positions count from the end, which only the whole list knows.
  if (start < 0 || end < 0) return [...items].slice(start, end);
  const slice: T[] = [];
  if (end <= start) return slice;
  let position = 0;
  for (const item of items) {
    if (position >= end) break;
    if (position >= start) slice.push(item);
    position += 1;
  }
  return slice;
}
