/**
 * The vendor's `pageSize` (1..50) + `cursor` list of user block lists and group ban lists (§7,
 * §12): no parameters → the 500 newest at once; `cursor` only while more remain.
 */
import { TEXTS, decodeCursor, encodeCursor } from '../protocol/wire.js';
import { refuse } from './errors.js';
import type { FacadeCall } from './route-kit.js';

export function answerPagedList(call: FacadeCall, all: readonly string[]): void {
  const query = call.request.query;
  if (query.pageSize === undefined) {
    const items = all.slice(0, 500);
    call.ok({ data: items, count: items.length });
    return;
  }
  const size = Number(query.pageSize);
  if (!Number.isInteger(size) || size < 1 || size > 50) refuse(400, 'invalid_parameter', TEXTS.pageSizeRange);
  const offset = decodeCursor(query.cursor);
  const items = all.slice(offset, offset + size);
  call.ok({ data: items, count: items.length, ...(offset + size < all.length ? { cursor: encodeCursor(offset + size) } : {}) });
}
