/**
 * The SPANE demo: registers the example workflows, runs each one on the engine (BullMQ on Redis,
 * in-memory store) and prints every node's result.
 *
 * Redis: `REDIS_URL` when set, else a private redis-server started on a free port when one is on
 * PATH. With neither, the examples run through core's scheduler in this process as a dry run, and
 * the output says so.
 */

import { WorkflowEngine } from '@spane/engine';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { dryRun } from './dry-run.ts';
import { createDemoRegistry } from './examples/executors.ts';
import {
  conditionalBranching,
  dataPipeline,
  exampleRuns,
  fetchAndTransform,
} from './examples/workflows.ts';
import { startLocalApi } from './local-http-server.ts';
import { hasRedisServer, startPrivateRedis } from './local-redis.ts';
import { printExecution } from './print-execution.ts';

async function main(): Promise<void> {
  const api = await startLocalApi();
  const registry = createDemoRegistry();
  const workflows = [
    fetchAndTransform(api.baseUrl),
    dataPipeline(api.baseUrl),
    conditionalBranching,
  ];
  const redis = process.env.REDIS_URL
    ? { url: process.env.REDIS_URL, stop: async () => {} }
    : hasRedisServer()
      ? await startPrivateRedis()
      : undefined;
  try {
    if (!redis) {
      console.log('No Redis found (set REDIS_URL or install redis-server).');
      console.log(
        "DRY RUN: the examples run through @spane/core's scheduler in this process, not on BullMQ workers.",
      );
      for (const run of exampleRuns()) {
        const workflow = workflows.find((w) => w.id === run.workflowId);
        if (!workflow) continue;
        const outcome = await dryRun(workflow, registry, run.initialData);
        printExecution(`${run.workflowId} (dry run)`, outcome.status, outcome.nodeResults);
      }
      return;
    }
    console.log(`SPANE demo on ${redis.url} (BullMQ workers, in-memory store)`);
    const store = new InMemoryExecutionStore();
    const engine = new WorkflowEngine({
      registry,
      store,
      connection: redis.url,
      config: { prefix: `demo-${process.pid}` },
    });
    try {
      for (const workflow of workflows) await engine.registerWorkflow(workflow);
      engine.startWorkers(5);
      const ids = await Promise.all(
        exampleRuns().map((run) => engine.enqueueWorkflow(run.workflowId, run.initialData)),
      );
      for (const id of ids) {
        const done = await engine.waitForExecution(id, { timeoutMs: 30_000 });
        printExecution(`${done.workflowId} ${id}`, done.status, done.nodeResults);
      }
    } finally {
      await engine.close();
      await store.close();
    }
  } finally {
    await redis?.stop();
    await api.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
