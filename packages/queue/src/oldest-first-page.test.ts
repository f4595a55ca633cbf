import { describe, expect, it } from 'vitest';
import { newestFirstRange } from './oldest-first-page.ts';

describe('newestFirstRange', () => {
  // Items 0..4, oldest first; newest-first index i holds item 4 - i.
  const read = (count: number, start: number, end: number) => {
    const range = newestFirstRange(count, start, end);
    if (!range) return [];
    const newestFirst = Array.from({ length: count }, (_, i) => count - 1 - i);
    return newestFirst.slice(range.start, range.end + 1).reverse();
  };

  it('gives the oldest-first page of the items asked for', () => {
    expect(read(5, 0, 0)).toEqual([0]);
    expect(read(5, 1, 2)).toEqual([1, 2]);
    expect(read(5, 0, 99)).toEqual([0, 1, 2, 3, 4]);
    expect(read(5, 3, -1)).toEqual([3, 4]);
  });

  it('is empty past the end or for an empty list', () => {
    expect(newestFirstRange(5, 5, 9)).toBeUndefined();
    expect(newestFirstRange(0, 0, 99)).toBeUndefined();
    expect(newestFirstRange(5, 3, 2)).toBeUndefined();
  });
});
