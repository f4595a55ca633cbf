import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './page-cursor.ts';

describe('page cursor', () => {
  it('round-trips a start time and a bigint sequence', () => {
    const cursor = { time: 1_767_225_600_123, seq: '9007199254740993' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('rejects anything it did not make with a VALIDATION_ERROR', () => {
    for (const bad of [
      '',
      'abc',
      Buffer.from('1:x').toString('base64url'),
      Buffer.from("1:2'; --").toString('base64url'),
    ]) {
      expect(() => decodeCursor(bad)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_ERROR' }),
      );
    }
  });
});
