/**
 * BullMQ 6.7's PostgreSQL backend pages the waiting list newest first and only then reverses the
 * page, so `getJobs(['waiting'], start, end, true)` returns the newest items, not the oldest. This
 * turns an oldest-first page `[start, end]` of a list of `count` items into the newest-first range
 * that holds the same items (read it with `asc = false` and reverse it). `undefined`: the page is
 * empty.
 */
export function newestFirstRange(
  count: number,
  start: number,
  end: number,
): { start: number; end: number } | undefined {
  const last = end < 0 ? count - 1 : Math.min(end, count - 1);
  if (start > last || count === 0) return undefined;
  return { start: count - 1 - last, end: count - 1 - start };
}
