import type { ExecutionStore } from '@spane/core';

/**
 * The claim check: a value larger than `threshold` bytes (as JSON) is kept in the store and only
 * its reference travels through the queue, so Redis (or the queue tables) never hold large blobs.
 * Returns either the value itself or a reference to it.
 */
export async function checkInPayload(options: {
  store: ExecutionStore;
  executionId: string;
  value: unknown;
  threshold: number;
}): Promise<{ value: unknown } | { reference: string }> {
  const { value } = options;
  if (value === undefined) return { value };
  const size = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  if (size <= options.threshold) return { value };
  return { reference: await options.store.putPayload(options.executionId, value) };
}
