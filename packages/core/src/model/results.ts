import type { ExecutionResult } from './execution.ts';

/** A successful result. Pass `nextNodes` to follow only some outputs. */
export function successResult(
  data?: unknown,
  options: {
    nextNodes?: string[] | undefined;
    metadata?: Record<string, unknown> | undefined;
  } = {},
): ExecutionResult {
  const result: ExecutionResult = { success: true, data };
  if (options.nextNodes !== undefined) result.nextNodes = [...options.nextNodes];
  if (options.metadata !== undefined) result.metadata = options.metadata;
  return result;
}

/** A failed result. Returning it counts as a failed attempt, retried by the node's policy. */
export function errorResult(error: string | Error, data?: unknown): ExecutionResult {
  const message = typeof error === 'string' ? error : error.message;
  const result: ExecutionResult = { success: false, error: message };
  if (data !== undefined) result.data = data;
  return result;
}

/** A skipped result: the node did nothing and its outputs become inactive. */
export function skippedResult(reason?: string): ExecutionResult {
  const result: ExecutionResult = { success: true, skipped: true };
  if (reason !== undefined) result.metadata = { reason };
  return result;
}
