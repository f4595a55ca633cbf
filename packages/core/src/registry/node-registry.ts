import type { AnyDefinedNode } from '../definition/define-node.ts';
import { ConfigurationError } from '../errors/error-classes.ts';
import type { INodeExecutor, NodeExecutorFunction } from '../model/execution.ts';
import { BUILT_IN_NODE_TYPES, type CircuitBreakerConfig } from '../model/workflow-definition.ts';

/** A rate limit for a node type: at most `max` starts per `duration` ms, across all workers. */
export interface RateLimitConfig {
  max: number;
  duration: number;
}

/**
 * Maps node types to their executors, and keeps per-type rate limits and circuit-breaker settings
 * for the engine to enforce.
 *
 * ```ts
 * const registry = new NodeRegistry();
 * registry.register('http', new HttpExecutor());
 * registry.register(fetchOrder); // a defineNode() node, under its own type
 * registry.registerRateLimit('http', { max: 10, duration: 1000 });
 * ```
 */
export class NodeRegistry {
  readonly #executors = new Map<string, INodeExecutor>();
  readonly #rateLimits = new Map<string, RateLimitConfig>();
  readonly #breakers = new Map<string, CircuitBreakerConfig>();

  /**
   * Registers the executor of a node type: an object with `execute`, or a plain async function;
   * or a node made by {@link defineNode}, under its `type` (its config schema then checks every
   * node of that type when a workflow is registered).
   *
   * @throws ConfigurationError for an empty type or a built-in one (`delay`, `sub-workflow`, `map`).
   */
  register(node: AnyDefinedNode): this;
  register(type: string, executor: INodeExecutor | NodeExecutorFunction): this;
  register(
    typeOrNode: string | AnyDefinedNode,
    maybeExecutor?: INodeExecutor | NodeExecutorFunction,
  ): this {
    const type = typeof typeOrNode === 'string' ? typeOrNode : typeOrNode?.type;
    const executor = typeof typeOrNode === 'string' ? maybeExecutor : typeOrNode;
    if (!type || typeof type !== 'string') {
      throw new ConfigurationError('A node type must be a non-empty string');
    }
    if (executor === undefined || executor === null) {
      throw new ConfigurationError(`No executor given for node type "${type}"`);
    }
    if (BUILT_IN_NODE_TYPES.includes(type)) {
      throw new ConfigurationError(`"${type}" is a built-in node type and cannot be registered`);
    }
    const normalized: INodeExecutor =
      typeof executor === 'function' ? { execute: executor } : executor;
    if (typeof normalized.execute !== 'function') {
      throw new ConfigurationError(`The executor of "${type}" has no execute() method`);
    }
    this.#executors.set(type, normalized);
    return this;
  }

  /** The executor of a type, or `undefined`. */
  get(type: string): INodeExecutor | undefined {
    return this.#executors.get(type);
  }

  /** Whether a type has an executor, or is built in. */
  has(type: string): boolean {
    return this.#executors.has(type) || BUILT_IN_NODE_TYPES.includes(type);
  }

  /** Every registered (non-built-in) type. */
  types(): string[] {
    return [...this.#executors.keys()];
  }

  /** Limits how often nodes of a type may start, across every worker and process. */
  registerRateLimit(type: string, limit: RateLimitConfig): this {
    if (
      !Number.isInteger(limit.max) ||
      limit.max < 1 ||
      !Number.isInteger(limit.duration) ||
      limit.duration < 1
    ) {
      throw new ConfigurationError(
        `Rate limit of "${type}" needs whole numbers max >= 1 and duration >= 1 (ms)`,
      );
    }
    this.#rateLimits.set(type, { max: limit.max, duration: limit.duration });
    return this;
  }

  getRateLimit(type: string): RateLimitConfig | undefined {
    return this.#rateLimits.get(type);
  }

  getRateLimits(): ReadonlyMap<string, RateLimitConfig> {
    return this.#rateLimits;
  }

  /** Puts a circuit breaker in front of every node of a type. */
  registerCircuitBreaker(type: string, options: CircuitBreakerConfig): this {
    if (!(options.failureThreshold >= 1)) {
      throw new ConfigurationError(`Circuit breaker of "${type}" needs failureThreshold >= 1`);
    }
    this.#breakers.set(type, { ...options });
    return this;
  }

  getCircuitBreaker(type: string): CircuitBreakerConfig | undefined {
    return this.#breakers.get(type);
  }

  getCircuitBreakers(): ReadonlyMap<string, CircuitBreakerConfig> {
    return this.#breakers;
  }
}
