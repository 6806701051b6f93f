/**
 * Pages a list that a backend holds (or fetched) in full, in a stable order. The cursor is
 * opaque to callers: base64url of the offset of the next item, so a bad cursor is detectable.
 */
import { InvalidArgumentError, type ListOptions, type Page } from '../spec/index.js';

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 500;

export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`, 'utf8').toString('base64url');
}

/** The offset a cursor stands for; INVALID_ARGUMENT for a cursor this server did not issue. */
export function decodeCursor(cursor: string | null | undefined): number {
  if (cursor === undefined || cursor === null || cursor === '') return 0;
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new InvalidArgumentError('cursor is not one this server issued', { details: { errors: [{ path: '/cursor', message: 'unknown cursor' }] } });
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
