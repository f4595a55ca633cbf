/**
 * One worker process of `npm run bench:scale`: an engine on the given Redis or Redis Cluster and
 * the shared PostgreSQL store, running the bench's shapes with no-op executors until SIGTERM.
 * Env: SCALE_CONNECTION (JSON: a Redis URL string or `{ cluster: nodes }`), DATABASE_URL,
 * SCALE_SCHEMA, SCALE_PREFIX, SCALE_CONCURRENCY.
 */
import { NodeRegistry, successResult } from '@spane/core';
import { WorkflowEngine } from '@spane/engine';
import { PostgresExecutionStore } from '@spane/store-postgres';
import { SCALE_SHAPES } from './scale-shapes.ts';
import { NOOP_TYPE, toDefinition } from './shapes.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`scale-worker: ${name} is not set`);
  return value;
};

const store = await PostgresExecutionStore.create({
  connectionString: env('DATABASE_URL'),
  schema: env('SCALE_SCHEMA'),
  poolSize: 8,
});
const engine = new WorkflowEngine({
  registry: new NodeRegistry().register(NOOP_TYPE, async (ctx) => successResult(ctx.nodeId)),
  store,
  connection: JSON.parse(env('SCALE_CONNECTION')),
  config: { prefix: env('SCALE_PREFIX') },
});
engine.on('error', () => undefined);
for (const shape of SCALE_SHAPES) await engine.registerWorkflow(toDefinition(shape));
await engine.startWorkers(Number(env('SCALE_CONCURRENCY')));
process.on('SIGTERM', () => {
  void engine
    .close()
    .then(() => store.close())
    .finally(() => process.exit(0));
});
process.stdout.write('ready\n');
