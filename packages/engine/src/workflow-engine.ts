import {
  delayUntil,
  EngineShutdownError,
  type ExecutionId,
  ExecutionNotFoundError,
  type ExecutionState,
  type ExecutionStore,
  findUnsupportedInput,
  isTerminalStatus,
  MAX_SUBWORKFLOW_DEPTH,
  type NodeRegistry,
  QueueUnavailableError,
  type ScheduleSpec,
  SubWorkflowDepthError,
  type TypedExecutionState,
  type TypedWorkflow,
  toError,
  UnsupportedInputError,
  type WebhookRoute,
  type WorkflowDefinition,
  WorkflowError,
  type WorkflowInput,
  type WorkflowOutputs,
  type WorkflowSource,
} from '@spane/core';
import {
  assertHashTagPrefix,
  createRateLimiter,
  createSignalChannel,
  type DeadLetterJobData,
  type EngineWorker,
  isClusterQueueConnection,
  type JobStatus,
  keyedJobId,
  type NodeJob,
  type NodeJobOutcome,
  nodeJobId,
  nodeJobTags,
  type QueueConnection,
  type QueueStats,
  type RateLimiterBackend,
  type SignalChannel,
  WorkflowQueues,
} from '@spane/queue';
import {
  type EngineConfig,
  type ResolvedEngineConfig,
  resolveEngineConfig,
} from './engine-config.ts';
import {
  EngineEventStream,
  type EngineStreamEvent,
  type SubscribeOptions,
} from './engine-event-stream.ts';
import { type EngineEventMap, type EngineEventName, EngineEvents } from './engine-events.ts';
import type { EngineLogger } from './engine-logger.ts';
import { ExecutionControl } from './execution-control.ts';
import { ExecutionReplayer } from './execution-replayer.ts';
import {
  type BulkWorkflowItem,
  type EnqueueWorkflowOptions,
  ExecutionStarter,
} from './execution-starter.ts';
import { ExecutorRunner } from './executor-runner.ts';
import { attachLifecycleLog } from './lifecycle-log.ts';
import { NodePipeline } from './node-pipeline.ts';
import { OutcomeDispatcher } from './outcome-dispatcher.ts';
import { RecoveryLoop } from './recovery-loop.ts';
import { type RecoveredExecution, RecoverySweep } from './recovery-sweep.ts';
import type { CircuitBreakerStats } from './resilience/circuit-breakers.ts';
import { checkEngineOptions, readEnqueueArguments } from './seed-call-forms.ts';
import { StuckDetector, type StuckExecution } from './stuck-detector.ts';
import type { EngineTracing } from './tracing-port.ts';
import { type TriggerWebhookOptions, WebhookTriggers } from './webhook-triggers.ts';
import { WorkflowCatalog } from './workflow-catalog.ts';
import { type ScheduleInfo, WorkflowSchedules } from './workflow-schedules.ts';
import { definitionOf, isTypedWorkflow } from './workflow-source.ts';

const CANCEL_TOPIC = 'cancel';

/** What a {@link WorkflowEngine} is assembled from. */
export interface WorkflowEngineOptions {
  /** Executors by node type. */
  registry: NodeRegistry;
  /** Where executions live. The engine does not close it: its owner does. */
  store: ExecutionStore;
  /**
   * Where the queues live: a Redis URL, an ioredis instance (with `maxRetriesPerRequest: null`), a
   * Redis Cluster (an ioredis `Cluster`, or `{ cluster: nodes, clusterOptions? }`, with a hash-tagged
   * `config.prefix` such as `'{spane}'`), or `{ postgres: url | pg.Pool }` for BullMQ's PostgreSQL
   * backend.
   */
  connection: QueueConnection;
  config?: EngineConfig | undefined;
  /**
   * Spans per execution start and node attempt, with W3C trace context carried in the jobs: pass
   * `createTracing()` from `@spane/observability` (OpenTelemetry). Default is none: no spans, no cost.
   */
  tracing?: EngineTracing | undefined;
  /**
   * Where lifecycle lines go: pino, or anything of its shape (see {@link EngineLogger}). Execution
   * start and end at info, retries at info, node failures at warn, dead-letter items and engine
   * errors at error, node attempts at debug; secret-looking fields redacted. Default is none: the
   * engine writes nothing.
   */
  logger?: EngineLogger | undefined;
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
  readonly #runner: ExecutorRunner;
  readonly #outcomes: OutcomeDispatcher;
  readonly #starter: ExecutionStarter;
  readonly #control: ExecutionControl;
  readonly #replayer: ExecutionReplayer;
  readonly #schedules: WorkflowSchedules;
  readonly #webhooks: WebhookTriggers;
  readonly #stuck: StuckDetector;
  readonly #sweep: RecoverySweep;
  readonly #recoveryLoop: RecoveryLoop;
  readonly #events = new EngineEvents();
  readonly #stream: EngineEventStream;
  readonly #workers: EngineWorker[] = [];
  readonly #connection: QueueConnection;
  readonly #unsubscribeStore: (() => void) | undefined;
  readonly #timingChosen: { lockDuration: boolean; stalledInterval: boolean };
  #signals: SignalChannel | undefined;
  #rateLimiter: RateLimiterBackend | undefined;
  #starting: Promise<void> | undefined;
  #closed = false;
  #shutdown: Promise<void> | undefined;
  #shutdownState: ShutdownStatus['state'] = 'running';
  #shutdownSince: number | undefined;
  /** Node jobs this process is running now, and who waits for them to be none. */
  #activeNodes = 0;
  readonly #idleWaiters = new Set<() => void>();

  /** @param positional - none: the original SPANE's positional arguments are refused. */
  constructor(options: WorkflowEngineOptions, ...positional: never[]) {
    checkEngineOptions(options, 1 + positional.length);
    this.#config = resolveEngineConfig(options.config);
    // Before anything subscribes or connects: on a cluster every key must share the prefix's slot.
    if (isClusterQueueConnection(options.connection)) assertHashTagPrefix(this.#config.prefix);
    this.#timingChosen = {
      lockDuration: options.config?.lockDuration !== undefined,
      stalledInterval: options.config?.stalledInterval !== undefined,
    };
    this.#store = options.store;
    this.#connection = options.connection;
    this.#stream = new EngineEventStream({
      connection: options.connection,
      prefix: this.#config.prefix,
      enabled: this.#config.events,
      events: this.#events,
    });
    if (options.logger !== undefined) attachLifecycleLog(this.#events, options.logger);
    this.#unsubscribeStore = options.store.onError?.((error) =>
      this.#events.emit('error', { error, context: 'store' }),
    );
    this.#queues = new WorkflowQueues({
      connection: options.connection,
      prefix: this.#config.prefix,
      onError: (error, source) => this.#events.emit('error', { error, context: source }),
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
    // Built in dependency order, each handed what it uses: the dispatcher commits outcomes and
    // enqueues; the runner runs executors; control reaches both; the pipeline uses all three.
    this.#outcomes = new OutcomeDispatcher(deps);
    this.#runner = new ExecutorRunner({
      ...deps,
      rateLimiter: () => {
        this.#rateLimiter ??= createRateLimiter(this.#connection, {
          prefix: `${this.#config.prefix}:rate:`,
          onError: (error) => this.#events.emit('error', { error, context: 'rate limiter' }),
        });
        return this.#rateLimiter;
      },
    });
    this.#control = new ExecutionControl({
      ...deps,
      outcomes: this.#outcomes,
      runner: this.#runner,
      broadcastCancel: (executionId) => this.#channel().publish(CANCEL_TOPIC, { executionId }),
    });
    this.#pipeline = new NodePipeline({
      ...deps,
      runner: this.#runner,
      outcomes: this.#outcomes,
      children: this.#control,
      tracing: options.tracing,
    });
    this.#starter = new ExecutionStarter({
      ...deps,
      outcomes: this.#outcomes,
      tracing: options.tracing,
    });
    this.#replayer = new ExecutionReplayer({ ...deps, outcomes: this.#outcomes });
    this.#schedules = new WorkflowSchedules(deps);
    this.#webhooks = new WebhookTriggers({ starter: this.#starter });
    this.#stuck = new StuckDetector({ ...deps, nodeGraceMs: this.#config.stuckNodeGraceMs });
    this.#sweep = new RecoverySweep({
      ...deps,
      outcomes: this.#outcomes,
      quietMs: this.#config.recoveryQuietMs,
    });
    this.#recoveryLoop = new RecoveryLoop({
      intervalMs: this.#config.recoveryIntervalMs,
      sweep: () => this.#sweep.run(),
      findStuck: () => this.#stuck.find(),
      onError: (error) => this.#events.emit('error', { error, context: 'recovery sweep' }),
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
   * Follows the durable event stream: every engine event of every process on these queues, as an
   * async iterable. Resumable: pass the last `id` seen as `after` to get exactly what came since.
   *
   * ```ts
   * for await (const event of engine.subscribe({ executionId })) console.log(event.id, event.type);
   * ```
   *
   * @throws ConfigurationError when `config.events` is false.
   */
  subscribe(options: SubscribeOptions = {}): AsyncIterable<EngineStreamEvent> {
    return this.#stream.subscribe(options);
  }

  /**
   * Validates, stores and compiles a workflow: a JSON definition, or a `workflow()` builder
   * (its `toJSON()`, the same definition). A changed definition under the same id becomes a new
   * version; running executions stay on the version they started with.
   *
   * Its `schedule` triggers become job schedulers (a trigger the new version dropped or changed
   * loses its scheduler; re-registering an unchanged definition changes nothing), and its `webhook`
   * triggers are served by {@link WorkflowEngine.triggerWebhook}.
   *
   * @throws WorkflowValidationError (or CycleDetectedError, or InvalidTriggerError for a bad cron,
   * zone or interval) naming the path of every problem; nothing is registered then.
   * QueueUnavailableError when the queue server refuses or does not answer within
   * `queueTimeoutMs` (the definition is stored and served here; register it again once the server
   * is back so that its schedules are in place).
   */
  async registerWorkflow(
    definition: WorkflowDefinition | WorkflowSource,
  ): Promise<{ workflowId: string; version: number }> {
    const { version, graph } = await this.#catalog.register(
      definitionOf(definition) as WorkflowDefinition,
    );
    // The validated copy from here on: the definition given may be anything (even a proxy).
    const validated = graph.definition as WorkflowDefinition;
    this.#webhooks.register(validated);
    await withQueueTimeout(
      this.#schedules.syncDefinition(validated),
      this.#config.queueTimeoutMs,
      `syncing the schedules of workflow "${graph.workflowId}"`,
      graph.workflowId,
    );
    return { workflowId: graph.workflowId, version };
  }

  /**
   * Runs a workflow on a cron pattern (in an IANA time zone, default UTC) or, in the options form,
   * every `every` ms, with optional initial data, start and end dates and a run limit. Built on the
   * queue's job schedulers: idempotent, shared by every process, kept across restarts; each run
   * starts one execution whose metadata is `{ trigger: 'schedule', schedulerId, scheduledFor }`.
   * Returns the scheduler id, `schedule:{workflowId}:{pattern}` (`…:every:{ms}` for intervals).
   *
   * ```ts
   * await engine.registerSchedule('daily-report', '0 9 * * *', 'America/New_York');
   * await engine.registerSchedule({ workflowId: 'sync', every: 60_000, initialData: { full: false } });
   * ```
   *
   * @throws InvalidTriggerError naming the bad field; WorkflowNotFoundError for an unknown workflow.
   */
  async registerSchedule(
    schedule: string | ScheduleSpec,
    cron?: string,
    timezone?: string,
  ): Promise<string> {
    this.#assertOpen();
    const spec =
      typeof schedule === 'string'
        ? { workflowId: schedule, cron: cron ?? '', ...(timezone ? { timezone } : {}) }
        : schedule;
    return this.#schedules.register(spec);
  }

  /** Another name for {@link WorkflowEngine.registerSchedule}: creates or updates the schedule. */
  async registerScheduleWithUpsert(
    workflowId: string,
    cron: string,
    timezone?: string,
  ): Promise<string> {
    return this.registerSchedule(workflowId, cron, timezone);
  }

  /** Every schedule, soonest first: `{ id, workflowId, pattern?, every?, tz?, next }` and bounds. */
  async getJobSchedulers(): Promise<ScheduleInfo[]> {
    return this.#schedules.list();
  }

  /** One schedule by its id, or `undefined`. */
  async getJobScheduler(id: string): Promise<ScheduleInfo | undefined> {
    return this.#schedules.get(id);
  }

  /** Removes every schedule of a workflow; returns how many there were. */
  async removeWorkflowSchedulers(workflowId: string): Promise<number> {
    return this.#schedules.removeForWorkflow(workflowId);
  }

  /** Removes one schedule by id; false when there was none. */
  async removeSchedule(id: string): Promise<boolean> {
    return this.#schedules.remove(id);
  }

  /**
   * Starts every workflow registered here whose webhook trigger matches `path` and `method`, with
   * `body` as initial data and `{ trigger: 'webhook', path, method, query, headers }` as metadata;
   * returns their execution ids (none when nothing matches). Signatures are the caller's to check
   * (`createWebhookHandler` of `@spane/triggers` does it).
   */
  async triggerWebhook(
    path: string,
    method: string,
    body: unknown,
    options: TriggerWebhookOptions = {},
  ): Promise<string[]> {
    this.#assertOpen();
    return this.#webhooks.trigger(path, method, body, options);
  }

  /**
   * The webhook triggers of the workflows registered here, at one path or all. They include each
   * trigger's secrets (or their `{ env }` references): keep them on the server.
   */
  getWebhookTriggers(path?: string): WebhookRoute[] {
    return this.#webhooks.find(path);
  }

  /**
   * The latest definition of a workflow: registered by this engine, or else (registered by another
   * process) read from the store. `undefined` when there is none.
   *
   * @remarks Asynchronous, unlike the original SPANE's, so that a workflow registered elsewhere is
   * found: `await` it.
   */
  async getWorkflow(workflowId: string): Promise<WorkflowDefinition | undefined> {
    const local = this.#catalog.latestLocal(workflowId);
    if (local) return structuredClone(local.graph.definition) as WorkflowDefinition;
    const stored = await this.#store.getWorkflow(workflowId);
    return stored === null ? undefined : structuredClone(stored.definition);
  }

  /**
   * Starts an execution of the workflow's latest version; returns its id. Given a typed workflow
   * (a `workflow()` builder), the initial data is typed from its entry nodes and the id
   * remembers its node outputs, so {@link WorkflowEngine.waitForExecution} gives typed results.
   *
   * The original SPANE's positional form is accepted too:
   * `enqueueWorkflow(id, data, parentExecutionId?, depth?, parentJobId?, options?)`. Its options
   * (sixth) apply as in the options form; a `parentExecutionId` records the new execution under that
   * one (a cancel of the parent reaches it; `depth` defaults to the parent's plus one); a
   * `parentJobId` is refused (a `sub-workflow` node links children to their parent here).
   *
   * ```ts
   * await engine.enqueueWorkflow('report', { day: 1 }, { priority: 9 });
   * await engine.enqueueWorkflow('report', { day: 1 }, undefined, 0, undefined, { priority: 9 });
   * ```
   *
   * @throws WorkflowNotFoundError when no such workflow is registered; UnsupportedInputError for
   * arguments that would otherwise be ignored; ExecutionNotFoundError for an unknown parent.
   */
  enqueueWorkflow<W extends TypedWorkflow<unknown, unknown>>(
    workflow: W,
    ...args: undefined extends WorkflowInput<W>
      ? [initialData?: WorkflowInput<W>, options?: EnqueueWorkflowOptions]
      : [initialData: WorkflowInput<W>, options?: EnqueueWorkflowOptions]
  ): Promise<ExecutionId<WorkflowOutputs<W>>>;
  enqueueWorkflow(
    workflowId: string,
    initialData?: unknown,
    options?: EnqueueWorkflowOptions,
  ): Promise<string>;
  async enqueueWorkflow(
    workflowId: string,
    initialData: unknown,
    parentExecutionId: string | undefined,
    depth?: number,
    parentJobId?: string,
    options?: EnqueueWorkflowOptions,
  ): Promise<string>;
  async enqueueWorkflow(
    workflow: string | TypedWorkflow<unknown, unknown>,
    initialData?: unknown,
    ...rest: unknown[]
  ): Promise<string> {
    this.#assertOpen();
    // Anything but a typed workflow goes on as given: a bad id is answered with a typed error.
    const workflowId = isTypedWorkflow(workflow) ? workflow.id : (workflow as string);
    const args = readEnqueueArguments(workflowId, rest);
    if (args.parentExecutionId === undefined)
      return this.#starter.enqueue(workflowId, initialData, args.options);
    const parent = await this.#store.getExecution(args.parentExecutionId, { nodeIds: [] });
    if (!parent) throw new ExecutionNotFoundError(args.parentExecutionId);
    const depth = args.depth ?? parent.depth + 1;
    if (depth > MAX_SUBWORKFLOW_DEPTH)
      throw new SubWorkflowDepthError(workflowId, depth, MAX_SUBWORKFLOW_DEPTH);
    return this.#starter.enqueue(workflowId, initialData, args.options, {
      parent: { executionId: parent.executionId, depth },
    });
  }

  /** Starts an execution at a given time (a durable delayed start). */
  async scheduleWorkflow(
    workflowId: string,
    initialData: unknown,
    executeAt: Date,
  ): Promise<string> {
    const when = delayUntil(executeAt, Date.now());
    if ('problem' in when)
      throw new UnsupportedInputError('start date', when.problem, { workflowId });
    return this.enqueueWorkflow(workflowId, initialData, { delay: when.delay });
  }

  /** Starts many executions; returns their ids in the same order. */
  async enqueueBulkWorkflows(items: readonly BulkWorkflowItem[]): Promise<string[]> {
    this.#assertOpen();
    return this.#starter.enqueueBulk(items);
  }

  /**
   * Enqueues one node of an existing execution; returns the job id. It runs when its job is taken,
   * with `inputData` when given (instead of its parents' data; large data travels by claim check),
   * else with its parents' data. A node that already has a result does not run again, and while a
   * job of the node waits, enqueueing it again changes nothing.
   *
   * @throws ExecutionNotFoundError; a `WorkflowError` for another workflow's execution, a
   * `VALIDATION_ERROR` for a node the workflow does not have, UnsupportedInputError for data no
   * store can hold.
   */
  async enqueueNode(
    executionId: string,
    workflowId: string,
    nodeId: string,
    inputData?: unknown,
  ): Promise<string> {
    this.#assertOpen();
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
    if (!graph.nodes.has(nodeId)) {
      throw new WorkflowError({
        message: `Workflow "${workflowId}" has no node "${nodeId}"`,
        code: 'VALIDATION_ERROR',
        executionId,
        workflowId,
        retryable: false,
      });
    }
    const context = { executionId, workflowId, workflowVersion: execution.workflowVersion };
    if (inputData === undefined) {
      await this.#outcomes.enqueueNodes(graph, context, [nodeId]);
    } else {
      const bad = findUnsupportedInput(inputData);
      if (bad) throw new UnsupportedInputError('node input', bad, { workflowId, executionId });
      await this.#outcomes.enqueueNodeWithInput(graph, context, nodeId, inputData);
    }
    return nodeJobId(executionId, nodeId);
  }

  /**
   * Starts the workers of this process: node jobs at `concurrency` (default from config), and
   * execution starts. Resolves once they are listening (on Postgres, after BullMQ's migrations).
   */
  startWorkers(concurrency?: number): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    this.#starting ??= this.#startWorkers(concurrency);
    return this.#starting;
  }

  async #startWorkers(concurrency: number | undefined): Promise<void> {
    const config = this.#config;
    // A cancel anywhere aborts this process's executors of that execution.
    await this.#channel().subscribe<{ executionId?: unknown }>(CANCEL_TOPIC, (message) => {
      if (typeof message?.executionId === 'string')
        this.#runner.abortExecution(message.executionId);
    });
    const nodeWorker = await this.#queues.startNodeWorker({
      process: (job) => this.#runNodeJob(job),
      // The queue gave up on the job (out of attempts, or failed for good by the queue itself).
      onFinalFailure: (job, error) => {
        this.#pipeline
          .failFromQueue(job, error)
          .catch((failure: unknown) =>
            this.#events.emit('error', { error: toError(failure), context: 'node job failed' }),
          );
      },
      concurrency: concurrency ?? config.workerConcurrency,
      limiter: config.useNativeRateLimiting ? config.rateLimiter : undefined,
      ...this.#workerTiming('node'),
      maxStalledCount: config.maxStalledCount,
    });
    const workflowWorker = await this.#queues.startWorkflowWorker({
      process: (job) => this.#starter.process(job),
      onFailure: (error) => this.#starter.reportFailure(error),
      concurrency: 10,
      ...this.#workerTiming('workflow'),
      maxStalledCount: config.maxStalledCount,
    });
    this.#workers.push(nodeWorker, workflowWorker);
    if (!this.#closed) this.#recoveryLoop.start();
  }

  /**
   * The executions stuck now: running or pending with no node progress for longer than their
   * workflow's `stuckAfter` (default 15 minutes; a planned wait such as a delay node or a retry's
   * backoff, and a sub-workflow still running, do not count), or with a node active for longer than
   * its timeout plus `stuckNodeGraceMs`. Oldest first. Raises `execution:stuck` once per episode in
   * this process (again only after the execution moved and got stuck anew). Processes running
   * workers check every `recoveryIntervalMs` by themselves.
   *
   * ```ts
   * engine.on('execution:stuck', ({ executionId, reason }) => alert(`${executionId}: ${reason}`));
   * const stuck = await engine.findStuckExecutions();
   * ```
   */
  async findStuckExecutions(): Promise<StuckExecution[]> {
    return this.#stuck.find();
  }

  /**
   * Runs the recovery sweep once: every execution running or pending, unchanged for `quietMs`
   * (default `recoveryQuietMs`, 30 s), with no queued or active job and no sub-workflow still
   * running, gets its ready nodes enqueued again (a pending one is started), and
   * `execution:recovered` is raised. Safe to run in many processes at once: the jobs' ids come
   * from the execution's version, so racing sweeps add each job once. Processes running workers
   * sweep every `recoveryIntervalMs` by themselves. Returns what it recovered.
   */
  async recoverOrphanedExecutions(
    options: { quietMs?: number | undefined } = {},
  ): Promise<RecoveredExecution[]> {
    this.#assertOpen();
    return this.#sweep.run(options);
  }

  /**
   * The lock duration and stalled-check interval of a worker: the user's, else the defaults of the
   * backend. On PostgreSQL, lock renewals are queries on the queue's shared pool that can wait
   * behind node work, so the defaults are longer there (15 s and 5 s) to avoid false stalls. And
   * BullMQ's PostgreSQL backend lets a worker with the native limiter start more jobs than the
   * limit allows right after a stalled check, so with that limiter the node worker's check runs at
   * BullMQ's own 30 s default.
   */
  #workerTiming(role: 'node' | 'workflow'): { lockDuration: number; stalledInterval: number } {
    const config = this.#config;
    const onPostgres = this.#queues.backend === 'postgres';
    const lockDuration = this.#timingChosen.lockDuration
      ? config.lockDuration
      : onPostgres
        ? POSTGRES_LOCK_DURATION_MS
        : config.lockDuration;
    if (this.#timingChosen.stalledInterval)
      return { lockDuration, stalledInterval: config.stalledInterval };
    const nativeLimit =
      role === 'node' && config.useNativeRateLimiting && config.rateLimiter !== undefined;
    const stalledInterval = !onPostgres
      ? config.stalledInterval
      : nativeLimit
        ? 30_000
        : POSTGRES_STALLED_INTERVAL_MS;
    return { lockDuration, stalledInterval };
  }

  /** Runs a node job, counted among the active nodes a shutdown waits for. */
  async #runNodeJob(job: NodeJob): Promise<NodeJobOutcome> {
    this.#activeNodes++;
    try {
      // A job taken while draining (a worker may fetch one more as it finishes the last) goes
      // straight back, due a moment later so that a live worker elsewhere takes it.
      if (this.#shutdownState !== 'running' && job.canPostpone) {
        return { kind: 'postpone', delayMs: HAND_BACK_DELAY_MS };
      }
      return await this.#pipeline.process(job);
    } finally {
      this.#activeNodes--;
      if (this.#activeNodes === 0) for (const wake of this.#idleWaiters) wake();
    }
  }

  /** Resolves true once no node job runs here, or false at the deadline. */
  #whenIdle(deadline: number): Promise<boolean> {
    if (this.#activeNodes === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (idle: boolean) => {
        clearTimeout(timer);
        this.#idleWaiters.delete(wake);
        resolve(idle);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), Math.max(0, deadline - Date.now()));
      this.#idleWaiters.add(wake);
    });
  }

  /** How many workers this process started, and how many of them are running (for health checks). */
  getWorkerStatus(): { started: number; running: number } {
    return {
      started: this.#workers.length,
      running: this.#workers.filter((worker) => worker.isRunning()).length,
    };
  }

  /**
   * Resolves with the execution once it reaches a terminal status (polling the store). For an id
   * from `enqueueWorkflow(typedWorkflow, …)`, `nodeResults` are typed from the workflow's nodes.
   */
  waitForExecution<Outputs>(
    executionId: ExecutionId<Outputs>,
    options?: { timeoutMs?: number; pollMs?: number },
  ): Promise<TypedExecutionState<Outputs>>;
  waitForExecution(
    executionId: string,
    options?: { timeoutMs?: number; pollMs?: number },
  ): Promise<ExecutionState>;
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

  /** Another name for {@link WorkflowEngine.pauseExecution}. */
  async pauseWorkflow(executionId: string): Promise<boolean> {
    return this.pauseExecution(executionId);
  }

  /** Another name for {@link WorkflowEngine.resumeExecution}. */
  async resumeWorkflow(executionId: string): Promise<boolean> {
    return this.resumeExecution(executionId);
  }

  /** Another name for {@link WorkflowEngine.cancelExecution}. */
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

  /** The seeds' name for {@link WorkflowEngine.pauseExecutions}. */
  async pauseBulkWorkflows(executionIds: readonly string[]): Promise<Record<string, boolean>> {
    return this.pauseExecutions(executionIds);
  }

  /** The seeds' name for {@link WorkflowEngine.resumeExecutions}. */
  async resumeBulkWorkflows(executionIds: readonly string[]): Promise<Record<string, boolean>> {
    return this.resumeExecutions(executionIds);
  }

  /** The seeds' name for {@link WorkflowEngine.cancelExecutions}. */
  async cancelBulkWorkflows(executionIds: readonly string[]): Promise<Record<string, boolean>> {
    return this.cancelExecutions(executionIds);
  }

  /** Circuit-breaker state of this process, per node type (and per node override). */
  getCircuitBreakerStats(): Record<string, CircuitBreakerStats> {
    return this.#runner.breakers.getStats() as Record<string, CircuitBreakerStats>;
  }

  /** Closes a node type's circuit breaker (all of them without a type) in this process. */
  resetCircuitBreaker(type?: string): void {
    this.#runner.breakers.reset(type);
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
    this.#assertOpen();
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
    await this.#outcomes.continueFrom(
      graph,
      { executionId, workflowId, workflowVersion },
      execution.nodeResults,
      nodeJobTags.deadLetterRetry(Date.now()),
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
    return direct.exists ? direct : this.#queues.getJobStatus(keyedJobId(jobId));
  }

  /** The engine's configuration, defaults filled in. */
  getConfig(): Readonly<ResolvedEngineConfig> {
    return structuredClone(this.#config);
  }

  /**
   * Stops this engine: the same as {@link WorkflowEngine.gracefulShutdown}. The store stays open.
   * Always returns within `timeoutMs` plus `abortGraceMs` plus a few seconds of closing.
   */
  async close(options: GracefulShutdownOptions = {}): Promise<void> {
    await this.gracefulShutdown(options);
  }

  /**
   * Shuts down gracefully: stops taking new jobs at once, lets the nodes running here finish for up
   * to `timeoutMs` (default `shutdownTimeoutMs`, 30 s), then aborts the signals of the rest; an
   * executor that still has not settled `abortGraceMs` later is abandoned and its node goes back to
   * the queue (no attempt used), where another worker runs it: nothing is lost. Then it closes the
   * queues and connections. Emits `shutdown:started` and `shutdown:completed`; calling it again
   * returns the same promise. The store stays open (its owner closes it).
   *
   * ```ts
   * process.once('SIGTERM', () => engine.gracefulShutdown({ timeoutMs: 10_000 }));
   * ```
   */
  gracefulShutdown(options: GracefulShutdownOptions = {}): Promise<void> {
    this.#shutdown ??= this.#shutDown(options.timeoutMs ?? this.#config.shutdownTimeoutMs);
    return this.#shutdown;
  }

  /**
   * Where this engine stands in its shutdown: `running`, `draining` (no new jobs; active nodes
   * finishing) or `closed`, since when (ms since the epoch), and how many node jobs run here now.
   */
  getShutdownStatus(): ShutdownStatus {
    return {
      state: this.#shutdownState,
      ...(this.#shutdownSince === undefined ? {} : { since: this.#shutdownSince }),
      activeNodes: this.#activeNodes,
    };
  }

  async #shutDown(timeoutMs: number): Promise<void> {
    const started = Date.now();
    this.#closed = true;
    this.#shutdownState = 'draining';
    this.#shutdownSince = started;
    this.#events.emit('shutdown:started', { timeoutMs, activeNodes: this.#activeNodes });
    this.#recoveryLoop.stop();
    const deadline = started + Math.max(0, timeoutMs);
    const report = (context: string) => (error: unknown) =>
      this.#events.emit('error', { error: toError(error), context });
    await settleBy(this.#starting, deadline).catch(report('starting workers'));
    await settleBy(this.#queues.pauseWorkers(), deadline).catch(report('pausing workers'));
    let abandonedNodes = 0;
    if (!(await this.#whenIdle(deadline))) {
      abandonedNodes = this.#activeNodes;
      this.#runner.abortAll(new EngineShutdownError('The engine shut down before the node ended'));
      await this.#whenIdle(Date.now() + this.#config.abortGraceMs + ABANDON_SLACK_MS);
    }
    const closeBy = Date.now() + CLOSE_TIMEOUT_MS;
    // Nodes still running here (stuck in I/O) are left to the stalled check of other workers.
    await settleBy(this.#queues.close({ force: this.#activeNodes > 0 }), closeBy).catch(
      report('closing queues'),
    );
    await settleBy(this.#runner.close(), closeBy).catch(report('closing worker threads'));
    await settleBy(this.#stream.close(), closeBy).catch(report('closing event stream'));
    await settleBy(this.#signals?.close(), closeBy).catch(report('closing signal channel'));
    await settleBy(this.#rateLimiter?.close(), closeBy).catch(report('closing rate limiter'));
    this.#unsubscribeStore?.();
    this.#shutdownState = 'closed';
    this.#shutdownSince = Date.now();
    this.#events.emit('shutdown:completed', {
      durationMs: Date.now() - started,
      abandonedNodes,
    });
    this.#events.removeAllListeners();
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
    if (this.#closed) throw closedError();
  }
}

/** What every method that adds work throws once the engine is closed (or closing). */
function closedError(): EngineShutdownError {
  return new EngineShutdownError('The engine is closed');
}

/** Options of {@link WorkflowEngine.gracefulShutdown}. */
export interface GracefulShutdownOptions {
  /** How long active nodes may finish before they are aborted, in ms. Default is the config's `shutdownTimeoutMs` (30000). */
  timeoutMs?: number | undefined;
}

/** What {@link WorkflowEngine.getShutdownStatus} returns. */
export interface ShutdownStatus {
  state: 'running' | 'draining' | 'closed';
  /** When the current state began (ms since the epoch); absent while running. */
  since?: number | undefined;
  /** Node jobs this process runs now. */
  activeNodes: number;
}

/** The default lock of a job on the PostgreSQL backend, in ms. */
const POSTGRES_LOCK_DURATION_MS = 15_000;
/** The default stalled-check interval on the PostgreSQL backend, in ms. */
const POSTGRES_STALLED_INTERVAL_MS = 5_000;
/** How soon a job refused by a draining engine is due again (for a live worker to take it). */
const HAND_BACK_DELAY_MS = 1_000;
/** Margin after the abort grace for abandoned attempts to hand their nodes back. */
const ABANDON_SLACK_MS = 1_000;
/** Longest wait for each of the queues, the signal channel and the rate limiter to close. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * Waits for a queue call for up to `timeoutMs`; a failure or the timeout becomes a
 * `QueueUnavailableError` (ioredis queues commands while Redis is down, so a call can wait forever).
 */
async function withQueueTimeout<T>(
  work: Promise<T>,
  timeoutMs: number,
  operation: string,
  workflowId: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeUp = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${timeoutMs} ms`)),
      Math.max(0, timeoutMs),
    );
  });
  work.catch(() => undefined); // a late failure after the timeout is not unhandled
  try {
    return await Promise.race([work, timeUp]);
  } catch (error) {
    if (WorkflowError.isInstance(error)) throw error;
    throw new QueueUnavailableError(operation, error, { workflowId });
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for `work` until `deadline`; rejects with its error, resolves (without waiting) at the deadline. */
async function settleBy(work: Promise<unknown> | undefined, deadline: number): Promise<void> {
  if (work === undefined) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
  });
  work.catch(() => undefined); // a late failure after the deadline is not unhandled
  try {
    await Promise.race([work.then(() => undefined), timeUp]);
  } finally {
    clearTimeout(timer);
  }
}
