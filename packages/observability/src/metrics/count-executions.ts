/**
 * Counts executions in a status by paging through the store's history listing, up to a cap, so a
 * scrape costs a bounded number of reads.
 * @module
 */
import type { ExecutionStatus, ExecutionStore } from '@spane/core';

/** Executions in `status`, counted up to `cap` (the count stops there). */
export async function countExecutions(
  store: Pick<ExecutionStore, 'listExecutions'>,
  status: ExecutionStatus | readonly ExecutionStatus[],
  cap = 10_000,
): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await store.listExecutions({ status, limit: Math.min(1000, cap - count), cursor });
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor !== undefined && count < cap);
  return count;
}
