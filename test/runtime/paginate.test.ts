// The paging kit every enumeration is built on: position cursors refuse what this server did not
// issue, and fillPage walks a vendor list that mixes in entries the unified list leaves out so
// that every vendor item is looked at exactly once, whatever the page limit.
import { describe, expect, it } from 'vitest';
import { ImBridgeError } from '../../src/spec/index.js';
import { decodePositionCursor, encodeCursor, encodePositionCursor, fillPage, pagesCovering, type VendorPage } from '../../src/runtime/index.js';

const DIGITS = /^\d{1,9}$/;

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof ImBridgeError ? error.code : String(error);
  }
  return 'OK';
}

describe('position cursors', () => {
  it('round-trip the position they were made from; no cursor is the first page', () => {
    expect(decodePositionCursor(encodePositionCursor('1234'), DIGITS)).toBe('1234');
    expect(decodePositionCursor(null, DIGITS)).toBeNull();
    expect(decodePositionCursor('', DIGITS)).toBeNull();
  });

  it('refuse text, an offset cursor, a position of the wrong shape, and stray characters as INVALID_ARGUMENT', () => {
    const valid = encodePositionCursor('42');
    for (const cursor of ['not-a-cursor', encodeCursor(3), encodePositionCursor('../etc'), `${valid}!`, `${valid}A`, valid.slice(0, -1)]) {
      expect(codeOf(() => decodePositionCursor(cursor, DIGITS)), cursor).toBe('INVALID_ARGUMENT');
    }
  });
});

/** A vendor list of numbers, read in pages; `perItem` gives each item's own position. */
function vendor(items: number[], options: { perItem: boolean; pageCap: number }) {
  const reads: Array<{ position: string | null; want: number }> = [];
  const read = async (position: string | null, want: number): Promise<VendorPage<number>> => {
    reads.push({ position, want });
    const start = position === null ? 0 : Number(position);
    const size = options.perItem ? options.pageCap : Math.min(want, options.pageCap);
    const page = items.slice(start, start + size);
    const end = start + page.length;
    return {
      items: page,
      next: end < items.length ? String(end) : null,
      ...(options.perItem ? { positions: page.map((_item, index) => String(start + index + 1)) } : {}),
    };
  };
  return { read, reads };
}

/** Walks the whole list with `limit`, keeping the even numbers only. */
async function walkEven(read: (position: string | null, want: number) => Promise<VendorPage<number>>, limit: number): Promise<{ pages: number[][]; ends: Array<string | null> }> {
  const pages: number[][] = [];
  const ends: Array<string | null> = [];
  let start: string | null = null;
  do {
    const page: { items: number[]; next: string | null } = await fillPage({ limit, start, read, convert: async (items: number[]) => items.map((item) => (item % 2 === 0 ? item : null)) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    pages.push(page.items);
    ends.push(page.next);
    start = page.next;
  } while (start !== null);
  return { pages, ends };
}

describe('fillPage', () => {
  const all = Array.from({ length: 23 }, (_unused, index) => index);
  const evens = all.filter((item) => item % 2 === 0);

  for (const perItem of [false, true]) {
    for (const limit of [1, 2, 5, 7, 50]) {
      it(`keeps every wanted item exactly once, in order (limit ${limit}, ${perItem ? 'per-item positions' : 'page positions'})`, async () => {
        const { read } = vendor(all, { perItem, pageCap: 4 });
        const { pages } = await walkEven(read, limit);
        expect(pages.flat()).toEqual(evens);
        // Every page but the last is full: the filler reads on until it has `limit` items.
        for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
      });
    }
  }

  it('without per-item positions, never asks for more than the page still needs', async () => {
    const { read, reads } = vendor(all, { perItem: false, pageCap: 100 });
    await fillPage({ limit: 5, start: null, read, convert: async (items) => items.map((item) => (item % 2 === 0 ? item : null)) });
    // 0–4 keep three, 5–6 one, 7 none, 8 the fifth.
    expect(reads.map((entry) => entry.want)).toEqual([5, 2, 1, 1]);
  });

  it('with per-item positions, stops inside a vendor page and resumes right after the last item used', async () => {
    const { read } = vendor(all, { perItem: true, pageCap: 10 });
    const page = await fillPage({ limit: 2, start: null, read, convert: async (items) => items.map((item) => (item % 2 === 0 ? item : null)) });
    expect(page).toEqual({ items: [0, 2], next: '3' });
  });

  it('refuses a page without positions that holds more than was asked for', async () => {
    const read = async (): Promise<VendorPage<number>> => ({ items: [1, 2, 3], next: null });
    await expect(fillPage({ limit: 2, start: null, read, convert: async (items) => items })).rejects.toThrow(/without per-item positions/);
  });

  it('ends at an empty vendor page even when the vendor names a next position', async () => {
    const read = async (): Promise<VendorPage<number>> => ({ items: [], next: 'x' });
    expect(await fillPage({ limit: 3, start: null, read, convert: async (items) => items })).toEqual({ items: [], next: null });
  });
});

describe('pagesCovering', () => {
  it('reads one page when the offset starts one, else the two it spans', () => {
    expect(pagesCovering(0, 5)).toEqual({ pages: [1], skip: 0 });
    expect(pagesCovering(10, 5)).toEqual({ pages: [3], skip: 0 });
    expect(pagesCovering(2, 3)).toEqual({ pages: [1, 2], skip: 2 });
  });
});
