import type { ExecutionResult } from './execution.ts';

/** A successful result. Pass `nextNodes` to follow only some outputs. */
export function successResult<Output = undefined>(
  data?: Output,
  options: {
    nextNodes?: string[] | undefined;
    metadata?: Record<string, unknown> | undefined;
  } = {},
): ExecutionResult<Output> {
  const result: ExecutionResult<Output> = { success: true };
  // Kept as an own property even when undefined, as before: `{ success: true, data: undefined }`.
  result.data = data as Output;
  if (options.nextNodes !== undefined) result.nextNodes = [...options.nextNodes];
  if (options.metadata !== undefined) result.metadata = options.metadata;
  return result;
}

/**
 * A failed result. Returning it counts as a failed attempt, retried by the node's policy. Its type
 * adds nothing to a node's output type unless `data` is given.
 */
export function errorResult<Output = never>(
  error: string | Error,
  data?: Output,
): ExecutionResult<Output> {
  const message = typeof error === 'string' ? error : error.message;
  const result: ExecutionResult<Output> = { success: false, error: message };
  if (data !== undefined) result.data = data;
  return result;
}

/** A skipped result: the node did nothing and its outputs become inactive. */
export function skippedResult(reason?: string): ExecutionResult<never> {
  const result: ExecutionResult<never> = { success: true, skipped: true };
  if (reason !== undefined) result.metadata = { reason };
  return result;
}
