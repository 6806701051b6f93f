// A page of a Map or Set without copying it first: the fakes page their lists with it (so the
// cost-growth bench sees the adapter, not a fake copying 10,000 entries), and OpenIM's pageOf keeps
// Array.slice's answers (negative positions included) on every kind of list.
import { describe, expect, it } from 'vitest';
import { iterableSlice } from '../../src/runtime/index.js';

describe('iterableSlice', () => {
  const list = Array.from({ length: 7 }, (_, index) => `u${index}`);
  const positions = [-9, -7, -3, -1, 0, 1, 3, 6, 7, 9];

  it('answers what Array.slice answers, for a Map or a Set as for an array', () => {
    const map = new Map(list.map((uid) => [uid, uid.toUpperCase()] as const));
    for (const start of positions) {
      for (const end of positions) {
        expect(iterableSlice(new Set(list), start, end)).toEqual(list.slice(start, end));
        expect(iterableSlice(map.values(), start, end)).toEqual(list.slice(start, end).map((uid) => uid.toUpperCase()));
        expect(iterableSlice(list, start, end)).toEqual(list.slice(start, end));
      }
    }
  });

  it('stops walking at the slice end (a page of a long list reads only the page)', () => {
    let read = 0;
    function* counted() {
      for (let index = 0; index < 10_000; index += 1) {
        read += 1;
        yield index;
      }
    }
    expect(iterableSlice(counted(), 20, 40)).toEqual(Array.from({ length: 20 }, (_, index) => 20 + index));
    expect(read).toBeLessThanOrEqual(41);
  });
});
