import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_DELAY_MS,
  MAX_BACKOFF_DELAY_MS,
} from '../constants.ts';
import type { BackoffPolicy, NodeDefinition, RetryPolicy } from '../model/workflow-definition.ts';

/** A retry policy with every field filled in. */
export interface ResolvedRetryPolicy {
  maxAttempts: number;
  backoff: BackoffPolicy;
  continueOnFail: boolean;
}

/** The engine-wide default policy: 3 attempts, exponential backoff from 1 s, fail the execution. */
export const DEFAULT_RETRY_POLICY: Readonly<ResolvedRetryPolicy> = Object.freeze({
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
  backoff: Object.freeze({ type: 'exponential' as const, delay: DEFAULT_RETRY_DELAY_MS }),
  continueOnFail: false,
});

/** Fills a node's retry policy from the engine default, field by field. */
export function resolveRetryPolicy(
  node: Pick<NodeDefinition, 'retryPolicy'>,
  defaults: RetryPolicy = DEFAULT_RETRY_POLICY,
): ResolvedRetryPolicy {
  const own = node.retryPolicy ?? {};
  return {
    maxAttempts: own.maxAttempts ?? defaults.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    backoff: { ...(own.backoff ?? defaults.backoff ?? DEFAULT_RETRY_POLICY.backoff) },
    continueOnFail: own.continueOnFail ?? defaults.continueOnFail ?? false,
  };
}

/** The wait before the next attempt, after `attemptsMade` failed attempts (1 after the first). */
export function computeBackoffDelay(backoff: BackoffPolicy, attemptsMade: number): number {
  const n = Math.max(1, attemptsMade);
  const delay = backoff.type === 'fixed' ? backoff.delay : backoff.delay * 2 ** (n - 1);
  return Math.min(delay, MAX_BACKOFF_DELAY_MS);
}

/** A node's per-attempt timeout in ms: `timeout` on the node, else `config.timeout`, else none. */
export function resolveNodeTimeout(
  node: Pick<NodeDefinition, 'timeout' | 'config'>,
): number | undefined {
  if (node.timeout !== undefined) return node.timeout;
  const fromConfig = node.config?.timeout;
  return typeof fromConfig === 'number' && fromConfig > 0 ? fromConfig : undefined;
}
