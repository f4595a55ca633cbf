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
import { lazyAllNodeResults, rateLimitRequests } from './context-extras.ts';
import type { ResolvedEngineConfig } from './engine-config.ts';
import type { EngineEvents } from './engine-events.ts';
import { runAttempt } from './node-attempt.ts';
import { CircuitBreakers } from './resilience/circuit-breakers.ts';
import { createStoreNodeLogger } from './store-node-logger.ts';
import { ThreadedExecutors } from './worker-threads/threaded-executors.ts';

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
  /** The executors run in worker threads (`config.useWorkerThreads`); absent otherwise. */
  readonly #threads: ThreadedExecutors | undefined;

  constructor(deps: ExecutorRunnerDeps) {
    this.#deps = deps;
    this.breakers = new CircuitBreakers({ registry: deps.registry });
    const threads = deps.config.workerThreads;
    this.#threads = threads ? new ThreadedExecutors(threads) : undefined;
  }

  /** Terminates the worker threads, if any. */
  async close(): Promise<void> {
    await this.#threads?.close();
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
    let executor = this.#deps.registry.get(node.type);
    if (!executor) throw new UnknownNodeTypeError(node.type, { nodeId, workflowId });
    if (this.#threads && (await this.#threads.handles(node.type)))
      executor = this.#threads.executorFor(node.type);
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
    const { store } = this.#deps;
    const allNodeResults = lazyAllNodeResults(async () => {
      const execution = await store.getExecution(executionId);
      return execution?.nodeResults ?? {};
    });
    const limits = rateLimitRequests({ nodeType: node.type, executionId });
    const context = {
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
      rateLimit: limits.rateLimit,
    };
    Object.defineProperty(context, 'allNodeResults', {
      get: allNodeResults,
      enumerable: true,
    });
    const started = Date.now();
    const log = this.#deps.config.nodeLogs;
    if (log) logger.info(`Node ${nodeId} started`, { nodeType: node.type, attempt });
    try {
      const result = await this.breakers.execute(
        { type: node.type, config: node.circuitBreaker, nodeId, executionId, workflowId },
        async () => {
          try {
            return await runAttempt({
              executor,
              timeoutMs: resolveNodeTimeout(node),
              cancelSignal: cancel.signal,
              abandonAfterMs: this.#deps.config.abortGraceMs,
              context,
            });
          } catch (error) {
            // A postponement the executor asked for is no failure of the node type's service.
            if (limits.requested() !== undefined && !cancel.signal.aborted) return successResult();
            throw error;
          }
        },
      );
      const postponed = limits.requested();
      if (postponed) throw postponed;
      if (log)
        logger.info(`Node ${nodeId} succeeded`, {
          nodeType: node.type,
          attempt,
          durationMs: Date.now() - started,
          ...(result.skipped ? { skipped: true } : {}),
        });
      return result;
    } catch (thrown) {
      const error = this.#attemptError(thrown, cancel.signal, executionId, nodeId);
      const postponed = limits.requested();
      const final =
        postponed !== undefined && !isShutdownError(error) && !isCancelled(error)
          ? postponed
          : error;
      if (log) {
        const fields = { nodeType: node.type, attempt, durationMs: Date.now() - started };
        if (final === postponed)
          logger.info(`Node ${nodeId} postponed by ctx.rateLimit`, {
            ...fields,
            retryAfterMs: postponed.retryAfterMs,
          });
        else logger.error(`Node ${nodeId} failed`, { ...fields, error: final.message });
      }
      throw final;
    } finally {
      controllers.delete(cancel);
      if (controllers.size === 0) this.#running.delete(executionId);
    }
  }

  /** What a failed attempt throws: a shutdown's reason as is, a cancel as a cancel, else the error. */
  #attemptError(thrown: unknown, signal: AbortSignal, executionId: string, nodeId: string): Error {
    if (signal.aborted) {
      // A shutdown hands the node back to the queue; a cancel ends it.
      if (isShutdownError(signal.reason)) return signal.reason;
      return new ExecutionCancelledError(executionId, nodeId);
    }
    return toError(thrown);
  }
}

function isCancelled(error: Error): boolean {
  return WorkflowError.isInstance(error) && error.code === 'EXECUTION_CANCELLED';
}

/** Whether an error is the engine's shutdown (the node goes back to the queue, not to a result). */
export function isShutdownError(value: unknown): value is WorkflowError {
  return WorkflowError.isInstance(value) && value.code === 'ENGINE_SHUTDOWN';
}
