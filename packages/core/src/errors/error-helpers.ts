import { WorkflowError } from './workflow-error.ts';

/**
 * Whether retrying can help. SPANE errors say so themselves; anything else (a network error, a
 * bug in an executor) is treated as retryable, so transient faults get their retries.
 */
export function isRetryableError(error: unknown): boolean {
  if (WorkflowError.isInstance(error)) return error.retryable;
  if (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'UnrecoverableError'
  ) {
    return false;
  }
  return true;
}

/** Whether a failed job belongs in the dead-letter queue: not retryable, or out of attempts. */
export function shouldMoveToDLQ(
  error: unknown,
  attemptsMade: number,
  maxAttempts: number,
): boolean {
  return !isRetryableError(error) || attemptsMade >= maxAttempts;
}

const USER_MESSAGES: Partial<Record<WorkflowError['code'], string>> = {
  VALIDATION_ERROR: 'The workflow definition is not valid.',
  CYCLE_DETECTED: 'The workflow contains a cycle.',
  INVALID_TRIGGER: 'A schedule or webhook trigger is not valid.',
  WORKFLOW_NOT_FOUND: 'The workflow does not exist.',
  EXECUTION_NOT_FOUND: 'The execution does not exist.',
  UNKNOWN_NODE_TYPE: 'The workflow uses a node type that is not available.',
  NODE_EXECUTION_FAILED: 'A step of the workflow failed.',
  NODE_TIMEOUT: 'A step of the workflow took too long.',
  RATE_LIMITED: 'Too many requests; the step will be retried shortly.',
  CIRCUIT_BREAKER_OPEN: 'A service the workflow depends on is unavailable; it will be retried.',
  VERSION_CONFLICT: 'The execution was changed concurrently; try again.',
  INVALID_STATE_TRANSITION: 'The execution cannot be changed in its current state.',
  SUBWORKFLOW_DEPTH_EXCEEDED: 'Sub-workflows are nested too deeply.',
  EXECUTION_CANCELLED: 'The execution was cancelled.',
};

/** A message fit to show an end user: no stack, no internals. */
export function getUserMessage(error: unknown): string {
  if (WorkflowError.isInstance(error)) return USER_MESSAGES[error.code] ?? error.message;
  return 'An unexpected error occurred.';
}

/** Turns anything thrown into an `Error`, keeping the message of non-Error values readable. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === 'string') return new Error(thrown);
  try {
    return new Error(`Non-Error value thrown: ${JSON.stringify(thrown)}`);
  } catch {
    // Circular or BigInt-holding values; String() itself throws for null-prototype objects.
    try {
      return new Error(`Non-Error value thrown: ${String(thrown)}`);
    } catch {
      return new Error(`Non-Error value thrown: [${typeof thrown}]`);
    }
  }
}
