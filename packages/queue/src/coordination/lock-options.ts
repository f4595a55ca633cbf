/**
 * The options of a {@link DistributedLock} acquisition, their defaults, their validation, and the
 * presets for the engine's usual critical sections.
 * @module
 */
import { ConfigurationError } from '@spane/core';

/** How one lock is held. Set defaults on the `DistributedLock`, override per `acquire`. */
export interface LockOptions {
  /** How long a hold lasts without renewal, in ms. Default is 30000. */
  ttl?: number | undefined;
  /** Whether to extend the hold every `renewalInterval` until released. Default is `false`. */
  autoRenew?: boolean | undefined;
  /** How often an auto-renewed hold is extended, in ms; below `ttl`. Default is half the ttl. */
  renewalInterval?: number | undefined;
  /** Pause between two attempts while the key is taken, in ms. Default is 100. */
  retryDelay?: number | undefined;
  /** How long `acquire` keeps trying, in ms; 0 tries once. Default is the ttl. */
  waitTimeout?: number | undefined;
  /**
   * Called when a held lock turns out to be lost: a renewal found another owner or no key, or
   * renewals failed until the hold expired. The key is then no longer held (`isHeld` is false).
   */
  onLost?: ((key: string) => void) | undefined;
}

/** {@link LockOptions} with every default applied. */
export interface ResolvedLockOptions {
  ttl: number;
  autoRenew: boolean;
  renewalInterval: number;
  retryDelay: number;
  waitTimeout: number;
  onLost: ((key: string) => void) | undefined;
}

/** Default time to live of a lock, in ms. */
export const DEFAULT_LOCK_TTL_MS = 30_000;
/** Default pause between acquisition attempts, in ms. */
export const DEFAULT_LOCK_RETRY_DELAY_MS = 100;

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigurationError(
      `Lock option ${name} must be a positive integer (ms), got ${value}`,
    );
  }
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConfigurationError(
      `Lock option ${name} must be a non-negative integer (ms), got ${value}`,
    );
  }
  return value;
}

/**
 * Merges per-call options over instance defaults, fills in the defaults and checks the result.
 * Throws a `ConfigurationError` for a non-positive ttl, a renewal interval not below the ttl, or a
 * negative delay or timeout.
 */
export function resolveLockOptions(
  defaults: LockOptions = {},
  overrides: LockOptions = {},
): ResolvedLockOptions {
  const ttl = positiveInteger('ttl', overrides.ttl ?? defaults.ttl ?? DEFAULT_LOCK_TTL_MS);
  // A per-call ttl without a per-call interval derives the interval from that ttl.
  const renewalInterval = positiveInteger(
    'renewalInterval',
    overrides.renewalInterval ??
      (overrides.ttl === undefined ? defaults.renewalInterval : undefined) ??
      Math.max(1, Math.floor(ttl / 2)),
  );
  const autoRenew = overrides.autoRenew ?? defaults.autoRenew ?? false;
  if (autoRenew && renewalInterval >= ttl) {
    throw new ConfigurationError(
      `Lock option renewalInterval (${renewalInterval} ms) must be below ttl (${ttl} ms), or the lock expires between renewals`,
    );
  }
  return {
    ttl,
    autoRenew,
    renewalInterval,
    retryDelay: nonNegativeInteger(
      'retryDelay',
      overrides.retryDelay ?? defaults.retryDelay ?? DEFAULT_LOCK_RETRY_DELAY_MS,
    ),
    waitTimeout: nonNegativeInteger(
      'waitTimeout',
      overrides.waitTimeout ?? defaults.waitTimeout ?? ttl,
    ),
    onLost: overrides.onLost ?? defaults.onLost,
  };
}

/**
 * Ready-made options for the engine's critical sections, all auto-renewed:
 * - `workflowCompletion`: ttl 5 s, renewal 3 s (deciding an execution's final status)
 * - `nodeExecution`: ttl 30 s, renewal 15 s (one node run)
 * - `subWorkflow`: ttl 10 s, renewal 5 s (starting or resuming a child workflow)
 * - `longRunning`: ttl 60 s, renewal 30 s
 * Each returns a fresh object, so callers may add `waitTimeout` or `onLost` to it.
 */
export const LockPresets = Object.freeze({
  workflowCompletion: (): LockOptions => ({ ttl: 5_000, renewalInterval: 3_000, autoRenew: true }),
  nodeExecution: (): LockOptions => ({ ttl: 30_000, renewalInterval: 15_000, autoRenew: true }),
  subWorkflow: (): LockOptions => ({ ttl: 10_000, renewalInterval: 5_000, autoRenew: true }),
  longRunning: (): LockOptions => ({ ttl: 60_000, renewalInterval: 30_000, autoRenew: true }),
});
