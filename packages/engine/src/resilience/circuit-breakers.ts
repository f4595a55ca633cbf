/**
 * Per-node-type circuit breakers for one engine process, built on cockatiel's
 * `CircuitBreakerPolicy`. A type without a configured breaker runs straight through.
 * @module
 */
import {
  type CircuitBreakerConfig,
  CircuitBreakerOpenError,
  ConfigurationError,
  type NodeRegistry,
  setOwn,
} from '@spane/core';
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
  type IBreaker,
} from 'cockatiel';
import { WindowedFailureBreaker } from './windowed-failure-breaker.ts';

/** How long an open breaker waits before letting a probe through, when `timeout` is not set. */
export const DEFAULT_CIRCUIT_BREAKER_TIMEOUT_MS = 30_000;

/** The `retryAfterMs` given to calls turned away while half-open probes are still running. */
export const DEFAULT_HALF_OPEN_RETRY_AFTER_MS = 1_000;

/** The state of one breaker. */
export type CircuitBreakerState = 'closed' | 'open' | 'half-open';

/** A snapshot of one breaker, for metrics and health endpoints. */
export interface CircuitBreakerStats {
  /** The breaker's key: the node type, or the type plus its per-node override config. */
  key: string;
  /** The node type it guards. */
  type: string;
  /**
   * The current state. An open breaker whose `timeout` has passed still reads `open`: it turns
   * `half-open` when the next call arrives.
   */
  state: CircuitBreakerState;
  /** Calls that failed (rejected, or resolved to a result `isFailure` flagged), since creation or reset. */
  failures: number;
  /** Calls that succeeded, since creation or reset. */
  successes: number;
  /** Calls turned away without running because the breaker was open, since creation or reset. */
  rejected: number;
  /** When the last failure happened (epoch ms). */
  lastFailureAt?: number;
  /** When the breaker last opened (epoch ms); only while `open` or `half-open`. */
  openedAt?: number;
}

/** Passed to `onStateChange` whenever a breaker changes state. */
export interface CircuitBreakerStateChange {
  type: string;
  key: string;
  from: CircuitBreakerState;
  to: CircuitBreakerState;
}

/** Options of {@link CircuitBreakers}. */
export interface CircuitBreakersOptions {
  /** Where per-type breaker configs come from (`registerCircuitBreaker`). Read on every call. */
  registry: NodeRegistry;
  /**
   * Called on every state change. Runs synchronously inside the breaker; whatever it throws is
   * ignored so a listener cannot corrupt breaker state.
   */
  onStateChange?: ((change: CircuitBreakerStateChange) => void) | undefined;
  /** `retryAfterMs` for calls turned away while half-open probes run. Default 1 000 ms. */
  halfOpenRetryAfterMs?: number | undefined;
}

/** One call through {@link CircuitBreakers.execute}. */
export interface CircuitBreakerCall<T> {
  /** The node type; its registry config, if any, picks the breaker. */
  type: string;
  /**
   * A per-node config (the node definition's `circuitBreaker`). When given it wins over the
   * registry's, and gets its own breaker shared by every node of the type with an equal config.
   * Treated as immutable.
   */
  config?: CircuitBreakerConfig | undefined;
  /** Passed on to `run`; a never-aborted signal when absent. */
  signal?: AbortSignal | undefined;
  /** Says whether a resolved result is a failure (e.g. `{ success: false }`); it then counts as one. */
  isFailure?: ((result: T) => boolean) | undefined;
  /** Copied onto the `CircuitBreakerOpenError`, for logs and the DLQ. */
  nodeId?: string | undefined;
  executionId?: string | undefined;
  workflowId?: string | undefined;
}

const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/** Marks a resolved result that `isFailure` flagged, so cockatiel counts it as a failure. */
class FailedResult<T> {
  readonly value: T;
  constructor(value: T) {
    this.value = value;
  }
}

const isFailedResult = (value: unknown): boolean => value instanceof FailedResult;

const NO_SUBSCRIPTION = { dispose(): void {} };

interface BreakerEntry {
  readonly key: string;
  readonly type: string;
  readonly config: CircuitBreakerConfig;
  readonly timeoutMs: number;
  readonly successThreshold: number;
  policy: CircuitBreakerPolicy;
  subscription: { dispose(): void };
  state: CircuitBreakerState;
  /** Half-open trial calls started in the current half-open period (mirrors cockatiel's count). */
  probes: number;
  failures: number;
  successes: number;
  rejected: number;
  lastFailureAt: number | undefined;
  openedAt: number;
}

const STATE_NAMES: Record<CircuitState, CircuitBreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/**
 * The circuit breakers of one engine process: one per node type with a registered config, plus
 * one per (type, per-node override config), each created on first use.
 *
 * - `failureThreshold` failures in a row open it; with `monitoringPeriod`, `failureThreshold`
 *   failures within that many ms (successes in between do not reset the count).
 * - While open, calls fail fast with a retryable `CircuitBreakerOpenError` whose `retryAfterMs` is
 *   the time left until half-open.
 * - After `timeout` ms (default 30 s) the next calls become half-open probes: up to
 *   `successThreshold` (default 1) run at once, all must succeed to close it, and one failure
 *   re-opens it for another `timeout`. Calls beyond the probes fail fast instead of waiting, so
 *   they do not hold worker slots while a slow probe runs.
 *
 * State is per process: each worker process learns about a failing service by itself.
 *
 * ```ts
 * const breakers = new CircuitBreakers({ registry });
 * const result = await breakers.execute(
 *   { type: node.type, config: node.circuitBreaker, isFailure: (r) => !r.success },
 *   (signal) => executor.execute({ ...context, signal }),
 * );
 * ```
 */
export class CircuitBreakers {
  readonly #registry: NodeRegistry;
  readonly #onStateChange: ((change: CircuitBreakerStateChange) => void) | undefined;
  readonly #halfOpenRetryAfterMs: number;
  /** Every breaker, by key. Registry breakers are keyed by the bare type. */
  readonly #entries = new Map<string, BreakerEntry>();
  /** Override breakers by their config object, so the hot path skips building the key. */
  readonly #byConfig = new WeakMap<CircuitBreakerConfig, BreakerEntry>();

  constructor(options: CircuitBreakersOptions) {
    this.#registry = options.registry;
    this.#onStateChange = options.onStateChange;
    this.#halfOpenRetryAfterMs = options.halfOpenRetryAfterMs ?? DEFAULT_HALF_OPEN_RETRY_AFTER_MS;
  }

  /**
   * Runs `run` through the breaker of `options.type` (or of its override config). Without any
   * configured breaker it just calls `run`. A rejection of `run`, or a result `isFailure` flags,
   * counts as a failure; the result or error is passed through unchanged either way.
   *
   * @throws CircuitBreakerOpenError (as a rejection) while the breaker is open.
   * @throws ConfigurationError (as a rejection) for an invalid override config.
   */
  execute<T>(options: CircuitBreakerCall<T>, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let entry: BreakerEntry | undefined;
    try {
      entry =
        options.config === undefined
          ? this.#typeEntry(options.type)
          : this.#overrideEntry(options.type, options.config);
      if (entry === undefined) return run(options.signal ?? NEVER_ABORTED);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#guarded(entry, options, run);
  }

  /** Stats of every breaker (and every registry-configured type not used yet), by key. */
  getStats(): Record<string, CircuitBreakerStats>;
  /** Stats of one breaker by key (a node type, or a key from `getStats()`); `undefined` if none. */
  getStats(key: string): CircuitBreakerStats | undefined;
  getStats(key?: string): Record<string, CircuitBreakerStats> | CircuitBreakerStats | undefined {
    if (key !== undefined) {
      const entry = this.#entries.get(key);
      if (entry !== undefined) return statsOf(entry);
      return this.#registry.getCircuitBreaker(key) === undefined ? undefined : idleStats(key);
    }
    const all: Record<string, CircuitBreakerStats> = {};
    for (const type of this.#registry.getCircuitBreakers().keys())
      setOwn(all, type, idleStats(type));
    for (const entry of this.#entries.values()) setOwn(all, entry.key, statsOf(entry));
    return all;
  }

  /**
   * Closes breakers and zeroes their stats: all of them, or those of one node type (override
   * breakers included) or one key. Calls still running report to nobody.
   */
  reset(typeOrKey?: string): void {
    for (const entry of this.#entries.values()) {
      if (typeOrKey !== undefined && entry.type !== typeOrKey && entry.key !== typeOrKey) continue;
      entry.subscription.dispose();
      const from = entry.state;
      entry.policy = createPolicy(entry.config);
      entry.subscription = this.#listen(entry, entry.policy);
      entry.state = 'closed';
      entry.probes = 0;
      entry.failures = 0;
      entry.successes = 0;
      entry.rejected = 0;
      entry.lastFailureAt = undefined;
      if (from !== 'closed') this.#emit({ type: entry.type, key: entry.key, from, to: 'closed' });
    }
  }

  #typeEntry(type: string): BreakerEntry | undefined {
    const config = this.#registry.getCircuitBreaker(type);
    if (config === undefined) return undefined;
    const entry = this.#entries.get(type);
    // The registry stores a fresh copy on every registerCircuitBreaker, so identity spots a change.
    if (entry !== undefined && entry.config === config) return entry;
    entry?.subscription.dispose();
    return this.#create(type, type, config);
  }

  #overrideEntry(type: string, config: CircuitBreakerConfig): BreakerEntry {
    const cached = this.#byConfig.get(config);
    if (cached !== undefined && cached.type === type) return cached;
    const key = overrideKey(type, config);
    const entry = this.#entries.get(key) ?? this.#create(key, type, config);
    this.#byConfig.set(config, entry);
    return entry;
  }

  #create(key: string, type: string, config: CircuitBreakerConfig): BreakerEntry {
    validate(type, config);
    const policy = createPolicy(config);
    const entry: BreakerEntry = {
      key,
      type,
      config,
      timeoutMs: config.timeout ?? DEFAULT_CIRCUIT_BREAKER_TIMEOUT_MS,
      successThreshold: config.successThreshold ?? 1,
      policy,
      subscription: NO_SUBSCRIPTION,
      state: 'closed',
      probes: 0,
      failures: 0,
      successes: 0,
      rejected: 0,
      lastFailureAt: undefined,
      openedAt: 0,
    };
    entry.subscription = this.#listen(entry, policy);
    this.#entries.set(key, entry);
    return entry;
  }

  /** Mirrors the policy's state changes into the entry and reports them, while it is current. */
  #listen(entry: BreakerEntry, policy: CircuitBreakerPolicy): { dispose(): void } {
    return policy.onStateChange((state) => {
      if (entry.policy !== policy) return;
      const from = entry.state;
      const to = STATE_NAMES[state];
      entry.probes = 0;
      if (from === to) return;
      entry.state = to;
      if (to === 'open') entry.openedAt = Date.now();
      this.#emit({ type: entry.type, key: entry.key, from, to });
    });
  }

  async #guarded<T>(
    entry: BreakerEntry,
    options: CircuitBreakerCall<T>,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const policy = entry.policy;
    const before = policy.state;
    if (before === CircuitState.Open || before === CircuitState.Isolated) {
      const wait = entry.openedAt + entry.timeoutMs - Date.now();
      if (wait > 0) throw this.#reject(entry, options, wait);
    } else if (before === CircuitState.HalfOpen && entry.probes >= entry.successThreshold) {
      throw this.#reject(entry, options, this.#halfOpenRetryAfterMs);
    }
    const isFailure = options.isFailure;
    const pending = policy.execute<T | FailedResult<T>>(
      isFailure === undefined
        ? (context) => run(context.signal)
        : async (context) => {
            const value = await run(context.signal);
            return isFailure(value) ? new FailedResult(value) : value;
          },
      options.signal,
    );
    // cockatiel has already (synchronously) admitted this call as a half-open trial, if it is one.
    if (before !== CircuitState.Closed && policy.state === CircuitState.HalfOpen) entry.probes++;
    let value: T | FailedResult<T>;
    try {
      value = await pending;
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw this.#reject(
          entry,
          options,
          Math.max(1, entry.openedAt + entry.timeoutMs - Date.now()),
        );
      }
      if (entry.policy === policy) {
        entry.failures++;
        entry.lastFailureAt = Date.now();
      }
      throw error;
    }
    if (value instanceof FailedResult) {
      if (entry.policy === policy) {
        entry.failures++;
        entry.lastFailureAt = Date.now();
      }
      return value.value as T;
    }
    if (entry.policy === policy) entry.successes++;
    return value;
  }

  #reject<T>(
    entry: BreakerEntry,
    options: CircuitBreakerCall<T>,
    retryAfterMs: number,
  ): CircuitBreakerOpenError {
    entry.rejected++;
    return new CircuitBreakerOpenError(entry.type, {
      retryAfterMs,
      nodeId: options.nodeId,
      executionId: options.executionId,
      workflowId: options.workflowId,
    });
  }

  #emit(change: CircuitBreakerStateChange): void {
    if (this.#onStateChange === undefined) return;
    try {
      this.#onStateChange(change);
    } catch {
      // A listener must not break the breaker's transition (it runs inside cockatiel's).
    }
  }
}

/**
 * A closed cockatiel policy for a config: `ConsecutiveBreaker(failureThreshold)`, or a
 * {@link WindowedFailureBreaker} when `monitoringPeriod` is set; `successThreshold` becomes
 * half-open sampling where every trial call must succeed (failure ratio threshold 0).
 */
function createPolicy(config: CircuitBreakerConfig): CircuitBreakerPolicy {
  const breaker: IBreaker =
    config.monitoringPeriod !== undefined && config.monitoringPeriod > 0
      ? new WindowedFailureBreaker({
          threshold: config.failureThreshold,
          windowMs: config.monitoringPeriod,
        })
      : new ConsecutiveBreaker(config.failureThreshold);
  return circuitBreaker(handleAll.orWhenResult(isFailedResult), {
    breaker,
    halfOpenAfter: config.timeout ?? DEFAULT_CIRCUIT_BREAKER_TIMEOUT_MS,
    halfOpenSampling: { calls: config.successThreshold ?? 1, threshold: 0 },
  });
}

function validate(type: string, config: CircuitBreakerConfig): void {
  const { failureThreshold, successThreshold, timeout, monitoringPeriod } = config;
  if (
    !Number.isSafeInteger(failureThreshold) ||
    failureThreshold < 1 ||
    (successThreshold !== undefined &&
      (!Number.isSafeInteger(successThreshold) || successThreshold < 1)) ||
    (timeout !== undefined && !(timeout >= 0 && Number.isFinite(timeout))) ||
    (monitoringPeriod !== undefined && !(monitoringPeriod >= 0))
  ) {
    throw new ConfigurationError(
      `Circuit breaker of "${type}" needs integer failureThreshold/successThreshold >= 1 and timeout/monitoringPeriod >= 0`,
    );
  }
}

function overrideKey(type: string, config: CircuitBreakerConfig): string {
  const { failureThreshold, successThreshold, timeout, monitoringPeriod } = config;
  return `${type} ${JSON.stringify({ failureThreshold, successThreshold, timeout, monitoringPeriod })}`;
}

function statsOf(entry: BreakerEntry): CircuitBreakerStats {
  const stats: CircuitBreakerStats = {
    key: entry.key,
    type: entry.type,
    state: entry.state,
    failures: entry.failures,
    successes: entry.successes,
    rejected: entry.rejected,
  };
  if (entry.lastFailureAt !== undefined) stats.lastFailureAt = entry.lastFailureAt;
  if (entry.state !== 'closed') stats.openedAt = entry.openedAt;
  return stats;
}

function idleStats(type: string): CircuitBreakerStats {
  return { key: type, type, state: 'closed', failures: 0, successes: 0, rejected: 0 };
}
