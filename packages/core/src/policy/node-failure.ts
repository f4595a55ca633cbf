import { shouldMoveToDLQ } from '../errors/error-helpers.ts';
import { WorkflowError } from '../errors/workflow-error.ts';
import type { BackoffPolicy } from '../model/workflow-definition.ts';
import { computeBackoffDelay } from './retry-policy.ts';

/** How long a node turned away by a breaker or a limit waits when the error does not say. */
export const TURNED_AWAY_RETRY_MS = 1_000;

/**
 * What to do with a node attempt that threw, as {@link classifyNodeFailure} decides it:
 * - `cancelled`: the execution was cancelled while the node ran; nothing is recorded or retried;
 * - `postpone`: run the node again in `delayMs` without using an attempt, because the engine is
 *   shutting down (`shutdown`) or a circuit breaker or rate limit turned it away (`turned-away`);
 * - `retry`: the attempt counts; run another after the policy's backoff, `delayMs`;
 * - `final`: no attempt is left, or the error is not retryable: the node has failed.
 */
export type NodeFailureClass =
  | { kind: 'cancelled' }
  | { kind: 'postpone'; reason: 'shutdown' | 'turned-away'; delayMs: number }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'final' };

/** What {@link classifyNodeFailure} needs besides the error. */
export interface NodeFailureContext {
  /** The attempt that failed, counting from 1. */
  attempt: number;
  /** The attempts the node's retry policy allows. */
  maxAttempts: number;
  /** The policy's backoff, for the wait before the next attempt. */
  backoff: BackoffPolicy;
}

/**
 * Classifies a failed node attempt: cancelled, postponed (no attempt used), retried, or final.
 * Pure: the caller acts on the answer (records, re-queues, dead-letters).
 *
 * ```ts
 * const verdict = classifyNodeFailure(error, { attempt: 1, maxAttempts: 3, backoff });
 * if (verdict.kind === 'retry') schedule(verdict.delayMs);
 * ```
 */
export function classifyNodeFailure(error: unknown, context: NodeFailureContext): NodeFailureClass {
  if (WorkflowError.isInstance(error)) {
    if (error.code === 'EXECUTION_CANCELLED') return { kind: 'cancelled' };
    if (error.code === 'ENGINE_SHUTDOWN') {
      return { kind: 'postpone', reason: 'shutdown', delayMs: 0 };
    }
    if (error.code === 'CIRCUIT_BREAKER_OPEN' || error.code === 'RATE_LIMITED') {
      const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
      const delayMs = typeof retryAfterMs === 'number' ? retryAfterMs : TURNED_AWAY_RETRY_MS;
      return { kind: 'postpone', reason: 'turned-away', delayMs };
    }
  }
  if (shouldMoveToDLQ(error, context.attempt, context.maxAttempts)) return { kind: 'final' };
  return { kind: 'retry', delayMs: computeBackoffDelay(context.backoff, context.attempt) };
}
