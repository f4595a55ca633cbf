import {
  ExecutionCancelledError,
  type ExecutionResult,
  type ExecutionStore,
  type NodeDefinition,
  type NodeRegistry,
  RateLimitError,
  resolveNodeTimeout,
  successResult,
  toError,
  UnknownNodeTypeError,
  WorkflowError,
} from '@spane/core';
import type { NodeJobData, RateLimiterBackend } from '@spane/queue';
import type { ResolvedEngineConfig } from './engine-config.ts';
import type { EngineEvents } from './engine-events.ts';
import { runAttempt } from './node-attempt.ts';
import { CircuitBreakers } from './resilience/circuit-breakers.ts';
import { createStoreNodeLogger } from './store-node-logger.ts';

/** How long a cancel is remembered for executors that are just starting. */
const RECENT_CANCEL_MS = 60_000;

/** What {@link ExecutorRunner} needs. */
export interface ExecutorRunnerDeps {
  store: ExecutionStore;
  registry: NodeRegistry;
  events: EngineEvents;
  config: ResolvedEngineConfig;
  /** The shared limiter of node types with a rate limit (made on first use). */
  rateLimiter: () => RateLimiterBackend;
}

/**
 * Runs executors: admits a start against the node type's rate limit, passes the call through the
 * type's circuit breaker, and keeps a cancel switch per running executor so a cancel can abort it.
 */
export class ExecutorRunner {
  readonly #deps: ExecutorRunnerDeps;
  /** Cancel switches of the executors running in this process, by execution. */
  readonly #running = new Map<string, Set<AbortController>>();
  /** Executions cancelled lately, oldest first, with when. */
  readonly #cancelled = new Map<string, number>();
  /** Per node type, in this process. */
  readonly breakers: CircuitBreakers;

  constructor(deps: ExecutorRunnerDeps) {
    this.#deps = deps;
    this.breakers = new CircuitBreakers({ registry: deps.registry });
  }

  /** Aborts the signal of every executor of the execution running in this process. */
  abortExecution(executionId: string): void {
    // Remembered a while, for an executor that read `running` just before the cancel and is only
    // now starting.
    const now = Date.now();
    this.#cancelled.delete(executionId);
    this.#cancelled.set(executionId, now);
    for (const [id, at] of this.#cancelled) {
      if (now - at < RECENT_CANCEL_MS) break;
      this.#cancelled.delete(id);
    }
    const controllers = this.#running.get(executionId);
    if (!controllers) return;
    for (const controller of controllers)
      controller.abort(new ExecutionCancelledError(executionId));
  }

  /**
   * Aborts every executor running in this process with `reason` (a shutdown whose drain time is
   * up). Each is abandoned `abortGraceMs` later if it ignores its signal.
   */
  abortAll(reason: Error): void {
    for (const controllers of this.#running.values()) {
      for (const controller of controllers) controller.abort(reason);
    }
  }

  /** Executors running in this process now. */
  get activeCount(): number {
    let count = 0;
    for (const controllers of this.#running.values()) count += controllers.size;
    return count;
  }

  /** Takes a start of the node type's rate limit, across every process; throws when none is left. */
  async admit(type: string, executionId: string): Promise<void> {
    const limit = this.#deps.registry.getRateLimit(type);
    if (!limit) return;
    const decision = await this.#deps
      .rateLimiter()
      .tryAcquire(`${this.#deps.config.prefix}:${type}`, limit);
    if (!decision.allowed) {
      throw new RateLimitError(type, Math.max(1, Math.ceil(decision.retryAfterMs)), executionId);
    }
  }

  /** Runs one attempt of a node's executor (a delay node just passes its input on). */
  async run(
    node: Readonly<NodeDefinition>,
    data: NodeJobData,
    inputs: {
      inputData: unknown;
      parentResults: Record<string, ExecutionResult>;
      depth: number;
      parentExecutionId: string | undefined;
    },
    attempt: number,
  ): Promise<ExecutionResult> {
    const { executionId, workflowId, nodeId } = data;
    if (node.type === 'delay') return successResult(inputs.inputData);
    const executor = this.#deps.registry.get(node.type);
    if (!executor) throw new UnknownNodeTypeError(node.type, { nodeId, workflowId });
    const logger = createStoreNodeLogger(this.#deps.store, { executionId, nodeId }, (error) =>
      this.#deps.events.emit('error', { error: toError(error), context: 'node logger' }),
    );
    const cancel = new AbortController();
    let controllers = this.#running.get(executionId);
    if (!controllers) {
      controllers = new Set();
      this.#running.set(executionId, controllers);
    }
    controllers.add(cancel);
    if (this.#cancelled.has(executionId)) cancel.abort(new ExecutionCancelledError(executionId));
    try {
      return await this.breakers.execute(
        { type: node.type, config: node.circuitBreaker, nodeId, executionId, workflowId },
        () =>
          runAttempt({
            executor,
            timeoutMs: resolveNodeTimeout(node),
            cancelSignal: cancel.signal,
            abandonAfterMs: this.#deps.config.abortGraceMs,
            context: {
              workflowId,
              executionId,
              nodeId,
              inputData: inputs.inputData,
              nodeConfig: { ...(node.config ?? {}) },
              previousResults: inputs.parentResults,
              parentExecutionId: inputs.parentExecutionId,
              depth: inputs.depth,
              attempt,
              idempotencyKey: `${executionId}:${nodeId}`,
              logger,
            },
          }),
      );
    } catch (error) {
      if (cancel.signal.aborted) {
        // A shutdown hands the node back to the queue; a cancel ends it.
        if (isShutdownError(cancel.signal.reason)) throw cancel.signal.reason;
        throw new ExecutionCancelledError(executionId, nodeId);
      }
      throw error;
    } finally {
      controllers.delete(cancel);
      if (controllers.size === 0) this.#running.delete(executionId);
    }
  }
}

/** Whether an error is the engine's shutdown (the node goes back to the queue, not to a result). */
export function isShutdownError(value: unknown): value is WorkflowError {
  return WorkflowError.isInstance(value) && value.code === 'ENGINE_SHUTDOWN';
}
