/**
 * Paging for every list: a list a backend holds (or fetched) in full, by offset; a list walked by
 * key or by a vendor's own cursor, by position; a vendor list that mixes in items the unified
 * list leaves out, page by page. Cursors are opaque to callers (base64url of a tagged offset or
 * position), so a cursor this server did not issue is detectable.
 */
import { InvalidArgumentError, type ListOptions, type Page } from '../spec/index.js';

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 500;

/** A list's cursors change shape between versions (offsets became positions), so an old one is refused with what to do. */
function unknownCursor(): InvalidArgumentError {
  return new InvalidArgumentError('cursor is not one this server issued (cursors from before an upgrade are not kept either): read the list again from its start', {
    details: { errors: [{ path: '/cursor', message: 'unknown cursor' }] },
  });
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`, 'utf8').toString('base64url');
}

/** The offset a cursor stands for; INVALID_ARGUMENT for a cursor this server did not issue. */
export function decodeCursor(cursor: string | null | undefined): number {
  if (cursor === undefined || cursor === null || cursor === '') return 0;
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw unknownCursor();
  return Number(match[1]);
}

export function pageLimit(options: ListOptions): number {
  const limit = options.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new InvalidArgumentError(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`, { details: { errors: [{ path: '/limit', message: 'out of range' }] } });
  }
  return limit;
}

export function paginate<T>(items: readonly T[], options: ListOptions): Page<T> {
  const limit = pageLimit(options);
  const offset = decodeCursor(options.cursor);
  const pageItems = items.slice(offset, offset + limit);
  const next = offset + limit;
  return { items: pageItems, nextCursor: next < items.length ? encodeCursor(next) : null };
}

/**
 * A cursor naming a position the backend defines rather than an offset: the last key of a
 * keyset walk, or a vendor's own cursor. Base64url again, tagged so that an offset cursor (or
 * any text) given to such a list is refused as not issued here.
 */
export function encodePositionCursor(position: string): string {
  return Buffer.from(`p:${position}`, 'utf8').toString('base64url');
}

/**
 * The position a cursor stands for, null for the first page; INVALID_ARGUMENT for a cursor this
 * server did not issue, or whose position does not look like one the backend hands out (`shape`),
 * so that no made-up text reaches a vendor.
 */
export function decodePositionCursor(cursor: string | null | undefined, shape: RegExp): string | null {
  if (cursor === undefined || cursor === null || cursor === '') return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const position = text.startsWith('p:') ? text.slice(2) : null;
  // Round-tripping rejects text that only decodes by base64's leniency (stray characters dropped).
  if (position === null || !shape.test(position) || encodePositionCursor(position) !== cursor) {
    throw unknownCursor();
  }
  return position;
}

/** One page of a vendor's own list, as `fillPage` reads it. */
export interface VendorPage<T> {
  /** The vendor's items, in its order. */
  items: T[];
  /** Where the list goes on after the whole page; null when the vendor has nothing more. */
  next: string | null;
  /**
   * Where the list goes on after each item, when the vendor's positions are per item (a
   * creation time). Without them a read must not return more than it was asked for, since a page
   * could then only be left whole.
   */
  positions?: string[];
}

/**
 * One unified page filled from a vendor list that may hold items the unified list leaves out
 * (imbridge's own metadata, rooms of another kind, entries that vanished meanwhile): vendor pages
 * are read from `start` until `limit` items are kept or the vendor has no more. The next cursor is
 * the vendor position after the last item looked at, so a walk sees every vendor item once.
 */
export async function fillPage<T, R>(options: {
  limit: number;
  start: string | null;
  /** Reads the vendor's list from `position` (null: the beginning), asking for `want` items. */
  read: (position: string | null, want: number) => Promise<VendorPage<T>>;
  /** The unified items of a run of vendor items, null for one left out; in the same order. */
  convert: (items: T[]) => Promise<Array<R | null>>;
}): Promise<{ items: R[]; next: string | null }> {
  const kept: R[] = [];
  let position = options.start;
  for (;;) {
    const want = options.limit - kept.length;
    const page = await options.read(position, want);
    if (page.items.length === 0) return { items: kept, next: null };
    if (page.positions === undefined && page.items.length > want) {
      throw new Error(`a vendor page without per-item positions returned ${page.items.length} items for ${want}`);
    }
    let used = 0;
    while (used < page.items.length && kept.length < options.limit) {
      const run = page.items.slice(used, used + options.limit - kept.length);
      for (const item of await options.convert(run)) if (item !== null) kept.push(item);
      used += run.length;
    }
    if (used < page.items.length) return { items: kept, next: page.positions![used - 1]! };
    position = page.next;
    if (position === null || kept.length >= options.limit) return { items: kept, next: position };
  }
}

/**
 * The pages of `size` items (1-based numbers) a page-numbered vendor list is read in to cover
 * items `offset` … `offset + size - 1`, and how many items of the first page come before them:
 * one page when `offset` is a multiple of `size`, else two. Lets an offset cursor survive a
 * change of `limit` between pages.
 */
export function pagesCovering(offset: number, size: number): { pages: number[]; skip: number } {
  const first = Math.floor(offset / size) + 1;
  const skip = offset % size;
  return { pages: skip === 0 ? [first] : [first, first + 1], skip };
}
