/**
 * The contender: the SPANE `WorkflowEngine` with no-op executors (`async () =>
 * successResult(x)`) and node workers at concurrency 50, its queue on Redis or on BullMQ's
 * PostgreSQL backend, its store the `InMemoryExecutionStore` or a `PostgresExecutionStore` (in a
 * schema of its own, created on start). Executions are started with `enqueueBulkWorkflows`
 * (throughput) or `enqueueWorkflow` (latency), and counted done on the engine's
 * `execution:completed` event.
 */
import { type ExecutionStore, NodeRegistry, successResult } from '@spane/core';
import { type EngineConfig, WorkflowEngine } from '@spane/engine';
import { createMetrics, createTracing, type SpaneMetrics } from '@spane/observability';
import type { QueueConnection } from '@spane/queue';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { PostgresExecutionStore } from '@spane/store-postgres';
import { NOOP_OUTPUT, NOOP_TYPE, type Shape, toDefinition } from './shapes.ts';
import { Completions, type QueueTarget, type Side } from './side.ts';

/** Which store the engine side uses. */
export type StoreTarget =
  | { kind: 'memory' }
  | {
      kind: 'postgres';
      url: string;
      /** The store's schema (the bench drops it after the side closes). */
      schema: string;
      /** Connections in the store's pool. */
      poolSize: number;
    };

/** Connections in the queue's pool on the PostgreSQL backend (as the raw side's pool). */
const QUEUE_POOL_SIZE = 20;
/** How often a side with metrics renders them, as a (fast) Prometheus scrape would, in ms. */
const SCRAPE_INTERVAL_MS = 5_000;

export class SpaneEngineSide implements Side {
  readonly #queue: QueueTarget;
  readonly #storeTarget: StoreTarget;
  readonly #config: EngineConfig;
  readonly #shapes: readonly Shape[];
  readonly #concurrency: number;
  readonly #done = new Completions();
  #store: ExecutionStore | undefined;
  #engine: WorkflowEngine | undefined;
  readonly #withMetrics: boolean;
  readonly #withTracing: boolean;
  #metrics: SpaneMetrics | undefined;
  #scrapes: NodeJS.Timeout | undefined;
  /** Errors the engine reported through its `error` event (none expected). */
  readonly errors: string[] = [];

  constructor(options: {
    /** The queue's backend and URL. */
    queue: QueueTarget;
    /** The store. Default: a new `InMemoryExecutionStore`. */
    store?: StoreTarget | undefined;
    prefix: string;
    shapes: readonly Shape[];
    concurrency: number;
    /** Engine config on top of the prefix (e.g. `{ traces: false }`, or `{}` for the defaults). */
    config: EngineConfig;
    /** Attach `createMetrics` (a registry of its own), rendered every 5 s as a scrape would. Default is `false`. */
    metrics?: boolean | undefined;
    /** Pass `tracing: createTracing()` (with no SDK registered). Default is `false`. */
    tracing?: boolean | undefined;
  }) {
    this.#withMetrics = options.metrics ?? false;
    this.#withTracing = options.tracing ?? false;
    this.#queue = options.queue;
    this.#storeTarget = options.store ?? { kind: 'memory' };
    this.#config = { ...options.config, prefix: options.prefix };
    this.#shapes = options.shapes;
    this.#concurrency = options.concurrency;
  }

  async start(): Promise<void> {
    const target = this.#storeTarget;
    const store =
      target.kind === 'memory'
        ? new InMemoryExecutionStore()
        : await PostgresExecutionStore.create({
            connectionString: target.url,
            schema: target.schema,
            poolSize: target.poolSize,
          });
    this.#store = store;
    const connection: QueueConnection =
      this.#queue.backend === 'redis'
        ? this.#queue.url
        : { postgres: this.#queue.url, poolSize: QUEUE_POOL_SIZE };
    const registry = new NodeRegistry().register(NOOP_TYPE, async () => successResult(NOOP_OUTPUT));
    const engine = new WorkflowEngine({
      registry,
      store,
      connection,
      config: this.#config,
      ...(this.#withTracing ? { tracing: createTracing() } : {}),
    });
    this.#engine = engine;
    for (const shape of this.#shapes) await engine.registerWorkflow(toDefinition(shape));
    if (this.#withMetrics) {
      const metrics = createMetrics({ engine, store });
      this.#metrics = metrics;
      this.#scrapes = setInterval(() => {
        metrics.prometheus().catch((error: unknown) => {
          if (this.errors.length < 20) this.errors.push(`metrics scrape: ${String(error)}`);
        });
      }, SCRAPE_INTERVAL_MS);
    }
    engine.on('execution:completed', ({ executionId }) => this.#done.complete(executionId));
    engine.on('execution:failed', ({ executionId, error }) =>
      this.#done.fail(new Error(`execution ${executionId} failed: ${error}`)),
    );
    engine.on('error', ({ error, context }) => {
      if (this.errors.length < 20) this.errors.push(`${context}: ${error.message}`);
    });
    await engine.startWorkers(this.#concurrency);
  }

  async runMany(shape: Shape, count: number): Promise<void> {
    const engine = this.#engine as WorkflowEngine;
    const done = this.#done.waitCount(count, 120_000);
    const items = Array.from({ length: count }, (_, i) => ({
      workflowId: shape.id,
      initialData: { i },
    }));
    await engine.enqueueBulkWorkflows(items);
    await done;
  }

  async runOne(shape: Shape): Promise<number> {
    const engine = this.#engine as WorkflowEngine;
    this.#done.recordIds();
    const started = performance.now();
    const executionId = await engine.enqueueWorkflow(shape.id, { i: 0 });
    return (await this.#done.waitId(executionId, 30_000)) - started;
  }

  async close(): Promise<void> {
    clearInterval(this.#scrapes);
    this.#metrics?.close();
    await this.#engine?.close();
    await this.#store?.close();
  }
}
