/** Where the previous page ended: the last item's start time and insertion sequence. */
export interface PageCursor {
  time: number;
  seq: number;
}

/** An opaque cursor string for a page boundary. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.time}:${cursor.seq}`).toString('base64url');
}

/** Reads a cursor made by {@link encodeCursor}; throws a TypeError for anything else. */
export function decodeCursor(value: string): PageCursor {
  const [time, seq] = Buffer.from(value, 'base64url').toString('utf8').split(':').map(Number);
  if (!Number.isFinite(time) || !Number.isFinite(seq))
    throw new TypeError(`Invalid page cursor: "${value}"`);
  return { time: time as number, seq: seq as number };
}
