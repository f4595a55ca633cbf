/**
 * The contender: the SPANE `WorkflowEngine` with the `InMemoryExecutionStore`, no-op executors
 * (`async () => successResult(x)`) and node workers at concurrency 50. Executions are started with
 * `enqueueBulkWorkflows` (throughput) or `enqueueWorkflow` (latency), and counted done on the
 * engine's `execution:completed` event.
 */
import { NodeRegistry, successResult } from '@spane/core';
import { type EngineConfig, WorkflowEngine } from '@spane/engine';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { NOOP_OUTPUT, NOOP_TYPE, type Shape, toDefinition } from './shapes.ts';
import { Completions, type Side } from './side.ts';

export class SpaneEngineSide implements Side {
  readonly #url: string;
  readonly #config: EngineConfig;
  readonly #shapes: readonly Shape[];
  readonly #concurrency: number;
  readonly #done = new Completions();
  readonly #store = new InMemoryExecutionStore();
  #engine: WorkflowEngine | undefined;
  /** Errors the engine reported through its `error` event (none expected). */
  readonly errors: string[] = [];

  constructor(options: {
    url: string;
    prefix: string;
    shapes: readonly Shape[];
    concurrency: number;
    /** Engine config on top of the prefix (e.g. `{ traces: false }`, or `{}` for the defaults). */
    config: EngineConfig;
  }) {
    this.#url = options.url;
    this.#config = { ...options.config, prefix: options.prefix };
    this.#shapes = options.shapes;
    this.#concurrency = options.concurrency;
  }

  async start(): Promise<void> {
    const registry = new NodeRegistry().register(NOOP_TYPE, async () => successResult(NOOP_OUTPUT));
    const engine = new WorkflowEngine({
      registry,
      store: this.#store,
      connection: this.#url,
      config: this.#config,
    });
    this.#engine = engine;
    for (const shape of this.#shapes) await engine.registerWorkflow(toDefinition(shape));
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
    await this.#engine?.close();
    await this.#store.close();
  }
}
