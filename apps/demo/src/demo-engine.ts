import type { NodeRegistry } from '@spane/core';
import { WorkflowEngine } from '@spane/engine';
import type { PostgresExecutionStore } from '@spane/store-postgres';
import type { Closers } from './closers.ts';
import { openDemoBackends } from './demo-backends.ts';
import { createDemoRegistry } from './examples/executors.ts';
import {
  conditionalBranching,
  dataPipeline,
  fetchAndTransform,
  orderFulfilment,
} from './examples/workflows.ts';
import { startLocalApi } from './local-http-server.ts';
import { scenarios } from './scenarios/index.ts';

/** How long running nodes may finish when the demo shuts down, in ms. */
export const DEMO_DRAIN_TIMEOUT_MS = 10_000;

/** The demo's engine, its store and registry, with every example workflow registered. */
export interface DemoEngine {
  engine: WorkflowEngine;
  store: PostgresExecutionStore;
  registry: NodeRegistry;
}

/**
 * Opens the backends (see demo-backends.ts), builds the registry (examples and scenarios), starts
 * an engine with 5 workers and registers every example workflow. All of it is added to `closers`.
 */
export async function openDemoEngine(options: {
  env: NodeJS.ProcessEnv;
  closers: Closers;
}): Promise<DemoEngine> {
  const { closers } = options;
  const api = await startLocalApi();
  closers.add('local API', () => api.close());
  const backends = await openDemoBackends(options);
  console.log(backends.description);
  const registry = createDemoRegistry();
  for (const scenario of scenarios) scenario.register(registry);
  const engine = new WorkflowEngine({
    registry,
    store: backends.store,
    connection: backends.connection,
    // A fixed prefix: jobs left by an interrupted run are picked up (and finished) by the next one.
    config: { prefix: 'spane-demo' },
  });
  // Running nodes get up to 10 s to finish; what is left goes back to the queue for the next run.
  closers.add('engine', () => engine.gracefulShutdown({ timeoutMs: DEMO_DRAIN_TIMEOUT_MS }));
  for (const workflow of [
    fetchAndTransform(api.baseUrl),
    dataPipeline(api.baseUrl),
    conditionalBranching,
    orderFulfilment(options.env),
    ...scenarios.flatMap((scenario) => scenario.workflows),
  ]) {
    await engine.registerWorkflow(workflow);
  }
  await engine.startWorkers(5);
  return { engine, store: backends.store, registry };
}
