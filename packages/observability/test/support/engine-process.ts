/**
 * An engine worker in a process of its own, for the multi-process tests. Env: REDIS_URL,
 * DATABASE_URL, OBS_SCHEMA (the shared Postgres store), OBS_PREFIX (the queue prefix).
 * Prints `ready` once its workers listen; shuts down on SIGTERM through `installShutdownHandlers`.
 */
import { WorkflowEngine } from '@spane/engine';
import { PostgresExecutionStore } from '@spane/store-postgres';
import { installShutdownHandlers } from '../../src/index.ts';
import { slowWorkflow, streamedWorkflow, testRegistry } from './test-workflows.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`engine-process: ${name} is not set`);
  return value;
};

const store = await PostgresExecutionStore.create({
  connectionString: env('DATABASE_URL'),
  schema: env('OBS_SCHEMA'),
  poolSize: 4,
});
const engine = new WorkflowEngine({
  registry: testRegistry(),
  store,
  connection: env('REDIS_URL'),
  config: { prefix: env('OBS_PREFIX') },
});
await engine.registerWorkflow(streamedWorkflow);
await engine.registerWorkflow(slowWorkflow);
await engine.startWorkers(4);
installShutdownHandlers(engine, { onShutdown: () => store.close() });
process.stdout.write('ready\n');
