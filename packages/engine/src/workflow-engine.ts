import {
  ExecutionNotFoundError,
  type ExecutionState,
  type ExecutionStore,
  isTerminalStatus,
  type NodeRegistry,
  toError,
  type WorkflowDefinition,
  WorkflowError,
} from '@spane/core';
import {
  createRateLimiter,
  createSignalChannel,
  type DeadLetterJobData,
  type JobStatus,
  nodeJobId,
  type QueueConnection,
  type QueueStats,
  type RateLimiterBackend,
  type SignalChannel,
  WorkflowQueues,
} from '@spane/queue';
import type { Worker } from 'bullmq';
import {
  type EngineConfig,
  type ResolvedEngineConfig,
  resolveEngineConfig,
} from './engine-config.ts';
import { type EngineEventMap, type EngineEventName, EngineEvents } from './engine-events.ts';
import { ExecutionControl } from './execution-control.ts';
import { ExecutionReplayer } from './execution-replayer.ts';
import {
  type BulkWorkflowItem,
  type EnqueueWorkflowOptions,
  ExecutionStarter,
  queueJobId,
} from './execution-starter.ts';
import { NodePipeline } from './node-pipeline.ts';
import type { CircuitBreakerStats } from './resilience/circuit-breakers.ts';
import { WorkflowCatalog } from './workflow-catalog.ts';

const CANCEL_TOPIC = 'cancel';

/** What a {@link WorkflowEngine} is assembled from. */
export interface WorkflowEngineOptions {
  /** Executors by node type. */
  registry: NodeRegistry;
  /** Where executions live. The engine does not close it: its owner does. */
  store: ExecutionStore;
  /**
   * Where the queues live: a Redis URL, an ioredis instance (with `maxRetriesPerRequest: null`), or
   * `{ postgres: url | pg.Pool }` for BullMQ's PostgreSQL backend.
   */
  connection: QueueConnection;
  config?: EngineConfig | undefined;
}

/** One item of the dead-letter queue. */
export interface DLQItem {
  id: string;
  data: DeadLetterJobData;
  timestamp: number;
}

/**
 * Runs DAG workflows on BullMQ workers, with state in the store you choose.
 *
 * ```ts
 * const engine = new WorkflowEngine({ registry, store: new InMemoryExecutionStore(), connection: 'redis://127.0.0.1:6379' });
 * await engine.registerWorkflow(definition);
 * await engine.startWorkers();
 * const executionId = await engine.enqueueWorkflow('fetch-and-transform', { userId: 123 });
 * const done = await engine.waitForExecution(executionId);
 * ```
 *
 * @remarks Any number of processes may run engines against the same queues and store: each runs
 * the nodes it takes. Call {@link WorkflowEngine.close} to stop.
 */
export class WorkflowEngine {
  readonly #config: ResolvedEngineConfig;
  readonly #store: ExecutionStore;
  readonly #queues: WorkflowQueues;
  readonly #catalog: WorkflowCatalog;
  readonly #pipeline: NodePipeline;
  readonly #starter: ExecutionStarter;
  readonly #control: ExecutionControl;
  readonly #replayer: ExecutionReplayer;
  readonly #events = new EngineEvents();
  readonly #workers: Worker[] = [];
  readonly #connection: QueueConnection;
  #signals: SignalChannel | undefined;
  #rateLimiter: RateLimiterBackend | undefined;
  #starting: Promise<void> | undefined;
  #closed = false;

  constructor(options: WorkflowEngineOptions) {
    this.#config = resolveEngineConfig(options.config);
    this.#store = options.store;
    this.#connection = options.connection;
    this.#queues = new WorkflowQueues({
      connection: options.connection,
      prefix: this.#config.prefix,
    });
    this.#catalog = new WorkflowCatalog({
      store: options.store,
      registry: options.registry,
      cacheSize: this.#config.workflowCacheSize,
    });
    const deps = {
      store: options.store,
      registry: options.registry,
      catalog: this.#catalog,
      queues: this.#queues,
      events: this.#events,
      config: this.#config,
    };
    this.#pipeline = new NodePipeline({
      ...deps,
      rateLimiter: () => {
        this.#rateLimiter ??= createRateLimiter(this.#connection, {
          prefix: `${this.#config.prefix}:rate:`,
        });
        return this.#rateLimiter;
      },
      cancelChild: (executionId) => this.#control.cancel(executionId, { notifyParent: false }),
      pauseChild: (executionId) => this.#control.pause(executionId),
    });
    this.#starter = new ExecutionStarter({ ...deps, pipeline: this.#pipeline });
    this.#replayer = new ExecutionReplayer({ ...deps, pipeline: this.#pipeline });
    this.#control = new ExecutionControl({
      ...deps,
      pipeline: this.#pipeline,
      broadcastCancel: (executionId) => this.#channel().publish(CANCEL_TOPIC, { executionId }),
    });
  }

  /** Subscribes to a local event; returns the unsubscribe function. */
  on<E extends EngineEventName>(
    event: E,
    listener: (payload: EngineEventMap[E]) => void,
  ): () => void {
    return this.#events.on(event, listener);
  }

  /**
   * Validates, stores and compiles a workflow. A changed definition under the same id becomes a new
   * version; running executions stay on the version they started with.
   *
   * @throws WorkflowValidationError (or CycleDetectedError) naming the path of every problem.
   */
  async registerWorkflow(
    definition: WorkflowDefinition,
  ): Promise<{ workflowId: string; version: number }> {
    const { version } = await this.#catalog.register(definition);
    return { workflowId: definition.id, version };
  }

  /** The latest definition registered by this engine, or `undefined`. */
  getWorkflow(workflowId: string): WorkflowDefinition | undefined {
    return this.#catalog.latestLocal(workflowId)?.graph.definition as
      | WorkflowDefinition
      | undefined;
  }

  /**
   * Starts an execution of the workflow's latest version; returns its id.
   *
   * @throws WorkflowNotFoundError when no such workflow is registered.
   */
  async enqueueWorkflow(
    workflowId: string,
    initialData?: unknown,
    options: EnqueueWorkflowOptions = {},
  ): Promise<string> {
    this.#assertOpen();
    return this.#starter.enqueue(workflowId, initialData, options);
  }

  /** Starts an execution at a given time (a durable delayed start). */
  async scheduleWorkflow(
    workflowId: string,
    initialData: unknown,
    executeAt: Date,
  ): Promise<string> {
    return this.enqueueWorkflow(workflowId, initialData, {
      delay: Math.max(1, executeAt.getTime() - Date.now()),
    });
  }

  /** Starts many executions; returns their ids in the same order. */
  async enqueueBulkWorkflows(items: readonly BulkWorkflowItem[]): Promise<string[]> {
    this.#assertOpen();
    return this.#starter.enqueueBulk(items);
  }

  /**
   * Enqueues one node of an existing execution (it runs when its job is taken, with its parents'
   * data). Returns the job id.
   */
  async enqueueNode(executionId: string, workflowId: string, nodeId: string): Promise<string> {
    const execution = await this.#store.getExecution(executionId, { nodeIds: [] });
    if (!execution) throw new ExecutionNotFoundError(executionId);
    if (execution.workflowId !== workflowId) {
      throw new WorkflowError({
        message: `Execution "${executionId}" runs "${execution.workflowId}", not "${workflowId}"`,
        executionId,
        retryable: false,
      });
    }
    const { graph } = await this.#catalog.version(workflowId, execution.workflowVersion);
    const context = { executionId, workflowId, workflowVersion: execution.workflowVersion };
    await this.#pipeline.enqueueNodes(graph, context, [nodeId]);
    return nodeJobId(executionId, nodeId);
  }

  /**
   * Starts the workers of this process: node jobs at `concurrency` (default from config), and
   * execution starts. Resolves once they are listening (on Postgres, after BullMQ's migrations).
   */
  startWorkers(concurrency?: number): Promise<void> {
    this.#assertOpen();
    this.#starting ??= this.#startWorkers(concurrency);
    return this.#starting;
  }

  async #startWorkers(concurrency: number | undefined): Promise<void> {
    const config = this.#config;
    // A cancel anywhere aborts this process's executors of that execution.
    await this.#channel().subscribe<{ executionId?: unknown }>(CANCEL_TOPIC, (message) => {
      if (typeof message?.executionId === 'string')
        this.#pipeline.abortExecution(message.executionId);
    });
    const nodeWorker = await this.#queues.createWorker(
      'node',
      (job, token) => this.#pipeline.process(job as never, token),
      {
        concurrency: concurrency ?? config.workerConcurrency,
        limiter: config.useNativeRateLimiting ? config.rateLimiter : undefined,
        lockDuration: config.lockDuration,
        stalledInterval: config.stalledInterval,
        maxStalledCount: config.maxStalledCount,
      },
    );
    nodeWorker.on('failed', (job, error) => {
      // Final failures only: out of attempts, or failed for good by BullMQ itself (a job that
      // stalled too often fails with an UnrecoverableError after one attempt).
      const final =
        job !== undefined &&
        (job.attemptsMade >= (job.opts.attempts ?? 1) ||
          error?.name === 'UnrecoverableError' ||
          (job.finishedOn ?? 0) > 0);
      if (!job || !final) return;
      this.#pipeline
        .failFromQueue(job as never, error)
        .catch((failure: unknown) =>
          this.#events.emit('error', { error: toError(failure), context: 'node job failed' }),
        );
    });
    nodeWorker.on('error', (error) =>
      this.#events.emit('error', { error, context: 'node worker' }),
    );
    const workflowWorker = await this.#queues.createWorker(
      'workflow',
      (job) => this.#starter.process(job as never),
      {
        concurrency: 10,
        lockDuration: config.lockDuration,
        stalledInterval: config.stalledInterval,
        maxStalledCount: config.maxStalledCount,
      },
    );
    workflowWorker.on('failed', (_job, error) => this.#starter.reportFailure(error));
    workflowWorker.on('error', (error) =>
      this.#events.emit('error', { error, context: 'workflow worker' }),
    );
    this.#workers.push(nodeWorker as Worker, workflowWorker as Worker);
  }

  /** Resolves with the execution once it reaches a terminal status (polling the store). */
  async waitForExecution(
    executionId: string,
    options: { timeoutMs?: number; pollMs?: number } = {},
  ): Promise<ExecutionState> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      const current = await this.#store.getExecution(executionId, { nodeIds: [] });
      if (!current) throw new ExecutionNotFoundError(executionId);
      if (isTerminalStatus(current.status))
        return (await this.#store.getExecution(executionId)) as ExecutionState;
      if (Date.now() > deadline) {
        throw new WorkflowError({
          message: `Execution "${executionId}" is still ${current.status} after the wait`,
          executionId,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 25));
    }
  }

  /**
   * Pauses a running execution and its sub-workflows: running nodes finish and record their
   * results; nothing new starts until {@link WorkflowEngine.resumeExecution}. Returns false when it
   * was not running.
   */
  async pauseExecution(executionId: string): Promise<boolean> {
    return this.#control.pause(executionId);
  }

  /** Resumes a paused execution and its sub-workflows, starting exactly the nodes held. */
  async resumeExecution(executionId: string): Promise<boolean> {
    return this.#control.resume(executionId);
  }

  /**
   * Cancels an execution and every descendant: nothing new starts, running executors see their
   * `signal` aborted (in every process), waiting and delayed jobs are removed. Terminal executions
   * never change: returns false for them.
   */
  async cancelExecution(executionId: string): Promise<boolean> {
    return this.#control.cancel(executionId);
  }

  /** The seeds' name for {@link WorkflowEngine.pauseExecution}. */
  async pauseWorkflow(executionId: string): Promise<boolean> {
    return this.pauseExecution(executionId);
  }

  /** The seeds' name for {@link WorkflowEngine.resumeExecution}. */
  async resumeWorkflow(executionId: string): Promise<boolean> {
    return this.resumeExecution(executionId);
  }

  /** The seeds' name for {@link WorkflowEngine.cancelExecution}. */
  async cancelWorkflow(executionId: string): Promise<boolean> {
    return this.cancelExecution(executionId);
  }

  /** Pauses many executions; returns, per id, whether it was paused. */
  async pauseExecutions(executionIds: readonly string[]): Promise<Record<string, boolean>> {
    return this.#control.bulk(executionIds, (id) => this.#control.pause(id));
  }

  /** Resumes many executions; returns, per id, whether it was resumed. */
  async resumeExecutions(executionIds: readonly string[]): Promise<Record<string, boolean>> {
    return this.#control.bulk(executionIds, (id) => this.#control.resume(id));
  }

  /** Cancels many executions; returns, per id, whether it was cancelled. */
  async cancelExecutions(executionIds: readonly string[]): Promise<Record<string, boolean>> {
    return this.#control.bulk(executionIds, (id) => this.#control.cancel(id));
  }

  /** Circuit-breaker state of this process, per node type (and per node override). */
  getCircuitBreakerStats(): Record<string, CircuitBreakerStats> {
    return this.#pipeline.breakers.getStats() as Record<string, CircuitBreakerStats>;
  }

  /** Closes a node type's circuit breaker (all of them without a type) in this process. */
  resetCircuitBreaker(type?: string): void {
    this.#pipeline.breakers.reset(type);
  }

  /** Dead-letter items, oldest first. A large input kept in the store is read back into `inputData`. */
  async getDLQItems(start = 0, end = 99): Promise<DLQItem[]> {
    const items = await this.#queues.getDeadLetters(start, end);
    for (const item of items) {
      const reference = item.data.inputDataRef;
      if (reference !== undefined) {
        item.data.inputData = await this.#store.getPayload(reference).catch(() => undefined);
      }
    }
    return items;
  }

  /**
   * Puts a dead-lettered node back: its failed result is dropped, the execution runs again from it,
   * and every completed result is kept. Returns false when the item or its failure is gone.
   */
  async retryDLQItem(dlqJobId: string): Promise<boolean> {
    const item = await this.#queues.getDeadLetter(dlqJobId);
    if (!item) return false;
    const { executionId, workflowId, workflowVersion, nodeId } = item.data;
    const reopened = await this.#store.reopenNode(executionId, nodeId);
    if (!reopened) {
      await this.#queues.removeDeadLetter(dlqJobId); // stale: the node is no longer failed
      return false;
    }
    const execution = await this.#store.getExecution(executionId);
    if (!execution) return false;
    const { graph } = await this.#catalog.version(workflowId, workflowVersion);
    await this.#pipeline.continueFrom(
      graph,
      { executionId, workflowId, workflowVersion },
      execution.nodeResults,
      `retry${Date.now()}`,
    );
    // Last: until the node is back in the queue, the item stays to be retried again.
    await this.#queues.removeDeadLetter(dlqJobId);
    return true;
  }

  /**
   * Starts a new execution of the same workflow version with the same initial data, linked to the
   * old one by `metadata.replayOf`. With `fromNodeId`, that node and its descendants run again and
   * every other result of the old execution is reused. Returns the new execution's id.
   *
   * @throws ExecutionNotFoundError, or a `VALIDATION_ERROR` for a node the workflow does not have.
   */
  async replayWorkflow(
    executionId: string,
    options: { fromNodeId?: string | undefined } = {},
  ): Promise<string> {
    this.#assertOpen();
    return this.#replayer.replay(executionId, options);
  }

  /** Job counts of the node queue, and of every queue under `queues`. */
  async getQueueStats(): Promise<QueueStats> {
    return this.#queues.getStats();
  }

  /** Where a job stands: a node job id, or the `jobId` key given to `enqueueWorkflow`. */
  async getJobStatus(jobId: string): Promise<JobStatus> {
    const direct = await this.#queues.getJobStatus(jobId);
    return direct.exists ? direct : this.#queues.getJobStatus(queueJobId(jobId));
  }

  /** The engine's configuration, defaults filled in. */
  getConfig(): Readonly<ResolvedEngineConfig> {
    return structuredClone(this.#config);
  }

  /** Stops the workers (active nodes finish first) and closes the queues. The store stays open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#starting?.catch(() => undefined);
    await this.#queues.close();
    await this.#signals?.close();
    await this.#rateLimiter?.close();
    this.#events.removeAllListeners();
  }

  /** The seeds' name for {@link WorkflowEngine.close}. */
  async gracefulShutdown(): Promise<void> {
    await this.close();
  }

  /** The cross-process signal channel, on the queues' Redis or Postgres. */
  #channel(): SignalChannel {
    this.#signals ??= createSignalChannel(this.#connection, {
      prefix: `${this.#config.prefix}:signal:`,
      onError: (error) =>
        this.#events.emit('error', { error: toError(error), context: 'signal channel' }),
    });
    return this.#signals;
  }

  #assertOpen(): void {
    if (this.#closed)
      throw new WorkflowError({ message: 'The engine is closed', retryable: false });
  }
}
