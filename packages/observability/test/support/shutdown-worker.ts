/**
 * A worker process that shuts down through `installShutdownHandlers`, for the SIGTERM tests. Env:
 * REDIS_URL, DATABASE_URL, OBS_SCHEMA, OBS_PREFIX, OBS_PORT (serves /health/ready and
 * /shutdown/status there), OBS_TIMEOUT_MS (the drain time). Its `hold` node prints
 * `node-started <executionId>` and waits `inputData.ms`, ignoring its abort signal. Prints `ready`.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { NodeRegistry, successResult } from '@spane/core';
import { WorkflowEngine } from '@spane/engine';
import { PostgresExecutionStore } from '@spane/store-postgres';
import {
  createHealthMonitor,
  createShutdownStatusHandler,
  installShutdownHandlers,
} from '../../src/index.ts';
import { heldWorkflow } from './test-workflows.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`shutdown-worker: ${name} is not set`);
  return value;
};

const store = await PostgresExecutionStore.create({
  connectionString: env('DATABASE_URL'),
  schema: env('OBS_SCHEMA'),
  poolSize: 4,
});
const registry = new NodeRegistry().register('hold', async (ctx) => {
  const ms = Number((ctx.inputData as { ms?: number }).ms ?? 1000);
  process.stdout.write(`node-started ${ctx.executionId}\n`);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return successResult({ ms, pid: process.pid, attempt: ctx.attempt });
});
const engine = new WorkflowEngine({
  registry,
  store,
  connection: env('REDIS_URL'),
  config: { prefix: env('OBS_PREFIX'), abortGraceMs: 200 },
});
await engine.registerWorkflow(heldWorkflow);
const health = createHealthMonitor({ engine, store, timeoutMs: 1_000 });
const shutdownStatus = createShutdownStatusHandler({ engine });
const server = serve({
  port: Number(env('OBS_PORT')),
  hostname: '127.0.0.1',
  fetch: (request) =>
    new URL(request.url).pathname === '/health/ready'
      ? health.readinessHandler(request)
      : shutdownStatus(request),
});
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
installShutdownHandlers(engine, {
  timeoutMs: Number(env('OBS_TIMEOUT_MS')),
  health,
  onShutdown: async () => {
    process.stdout.write('engine-closed\n');
    await new Promise((resolve) => server.close(resolve));
    health.close();
    await store.close();
  },
});
await engine.startWorkers(2);
process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
