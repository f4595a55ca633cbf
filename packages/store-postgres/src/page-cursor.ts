import { WorkflowError } from '@spane/core';

/** Where a page ended: the last item's start time (ms since the epoch) and insertion sequence. */
export interface PageCursor {
  time: number;
  /** The `executions.seq` value, a `bigint` kept as decimal text. */
  seq: string;
}

/** An opaque cursor string for a page boundary. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.time}:${cursor.seq}`).toString('base64url');
}

/** Reads a cursor made by {@link encodeCursor}; throws a `VALIDATION_ERROR` for anything else. */
export function decodeCursor(value: string): PageCursor {
  const match = /^(-?\d{1,16}):(\d{1,19})$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  const time = Number(match?.[1]);
  if (!match?.[2] || !Number.isSafeInteger(time)) {
    throw new WorkflowError({
      message: `Invalid page cursor: "${value}"`,
      code: 'VALIDATION_ERROR',
      retryable: false,
    });
  }
  return { time, seq: match[2] };
}
