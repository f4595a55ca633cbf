/**
 * SIGTERM to a worker process mid-node, through `installShutdownHandlers`: readiness turns 503 at
 * once, the node finishes, the process exits 0 within its drain time and the node's result is
 * stored once. A node that outlives the drain time goes back to the queue and another worker
 * finishes it, once; a second signal exits at once.
 */
import { fileURLToPath } from 'node:url';
import { NodeRegistry, successResult } from '@spane/core';
import { type EngineStreamEvent, WorkflowEngine } from '@spane/engine';
import { freePort } from '@spane/local-services';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, freshPrefix, requireEnv, sharedPostgresStore } from './support/servers.ts';
import { spawnReady, stopProcess } from './support/spawn-ready.ts';
import { heldWorkflow } from './support/test-workflows.ts';

const workerScript = fileURLToPath(new URL('./support/shutdown-worker.ts', import.meta.url));

describe('SIGTERM to a worker process with installShutdownHandlers', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  }, 60_000);

  /** A store shared with the worker, this process's engine (no workers yet) and the worker process. */
  async function setup(timeoutMs: number) {
    const shared = await sharedPostgresStore('sigterm');
    cleanups.push(() => shared.drop());
    const prefix = freshPrefix('sigterm');
    const runsHere: string[] = [];
    const engine = new WorkflowEngine({
      registry: new NodeRegistry().register('hold', async (ctx) => {
        runsHere.push(ctx.executionId);
        return successResult({ pid: process.pid, attempt: ctx.attempt });
      }),
      store: shared.store,
      connection: requireEnv('REDIS_URL'),
      config: { prefix },
    });
    cleanups.push(() => engine.close({ timeoutMs: 1_000 }));
    await engine.registerWorkflow(heldWorkflow);
    const port = await freePort();
    const worker = await spawnReady(workerScript, {
      OBS_SCHEMA: shared.schema,
      OBS_PREFIX: prefix,
      OBS_PORT: String(port),
      OBS_TIMEOUT_MS: String(timeoutMs),
    });
    cleanups.push(() => stopProcess(worker, 'SIGKILL'));
    const lines: string[] = [];
    worker.stdout?.on('data', (chunk) => lines.push(...String(chunk).split('\n').filter(Boolean)));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      worker.once('exit', (code) => resolve({ code, at: Date.now() })),
    );
    return { shared, engine, worker, lines, exited, runsHere, base: `http://127.0.0.1:${port}` };
  }

  /** Every event of one execution, from the durable stream, until it ends. */
  async function eventsOf(
    engine: WorkflowEngine,
    executionId: string,
  ): Promise<EngineStreamEvent[]> {
    const events: EngineStreamEvent[] = [];
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 20_000);
    try {
      for await (const event of engine.subscribe({
        executionId,
        after: '0',
        signal: controller.signal,
      })) {
        events.push(event);
        if (event.type === 'execution:completed' || event.type === 'execution:failed') break;
      }
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    return events;
  }

  const nodeEvents = (events: EngineStreamEvent[], type: string) =>
    events.filter((event) => event.type === type).length;

  async function startedNode(lines: string[], executionId: string): Promise<void> {
    await eventually(() => lines.includes(`node-started ${executionId}`), {
      what: 'the worker to start the node',
    });
  }

  it('turns not-ready at once, lets the node finish, exits 0 within the timeout, and stores the result once', async () => {
    const timeoutMs = 10_000;
    const { engine, worker, lines, exited, runsHere, shared, base } = await setup(timeoutMs);
    const executionId = await engine.enqueueWorkflow('held', { ms: 1_500 });
    await startedNode(lines, executionId);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);

    const signalled = Date.now();
    worker.kill('SIGTERM');
    let readiness = 0;
    await eventually(
      async () => {
        readiness = (await fetch(`${base}/health/ready`)).status;
        return readiness === 503;
      },
      { what: 'readiness to turn 503', timeoutMs: 1_000 },
    );
    // Still mid-node: the engine drains, and says so.
    expect(lines).not.toContain('engine-closed');
    const status = (await (await fetch(`${base}/shutdown/status`)).json()) as Record<
      string,
      unknown
    >;
    expect(status).toMatchObject({ state: 'draining', shuttingDown: true, activeNodes: 1 });

    const { code, at } = await exited;
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(timeoutMs);
    expect(lines).toContain('engine-closed');

    const execution = await shared.store.getExecution(executionId);
    expect(execution?.status).toBe('completed');
    expect(execution?.nodeResults.hold?.data).toEqual({ ms: 1_500, pid: worker.pid, attempt: 1 });
    const events = await eventsOf(engine, executionId);
    expect(nodeEvents(events, 'node:started')).toBe(1);
    expect(nodeEvents(events, 'node:completed')).toBe(1);
    expect(nodeEvents(events, 'execution:completed')).toBe(1);
    expect(lines.filter((line) => line === `node-started ${executionId}`)).toHaveLength(1);
    expect(runsHere).toEqual([]);
  }, 60_000);

  it('hands a node that outlives the timeout back to the queue: exit 0, another worker stores its result once', async () => {
    const timeoutMs = 300;
    const { engine, worker, lines, exited, runsHere, shared } = await setup(timeoutMs);
    const executionId = await engine.enqueueWorkflow('held', { ms: 60_000 });
    await startedNode(lines, executionId);
    const signalled = Date.now();
    worker.kill('SIGTERM');
    const { code, at } = await exited;
    expect(code).toBe(0);
    // The drain time, the abort grace (200 ms), the hand-back slack and closing the connections.
    expect(at - signalled).toBeLessThan(timeoutMs + 8_000);

    await engine.startWorkers(1);
    const done = await engine.waitForExecution(executionId, { timeoutMs: 30_000 });
    expect(done.status).toBe('completed');
    expect(runsHere).toEqual([executionId]);
    expect(done.nodeResults.hold?.data).toMatchObject({ pid: process.pid });
    const events = await eventsOf(engine, executionId);
    expect(nodeEvents(events, 'node:completed')).toBe(1);
    expect(nodeEvents(events, 'node:failed')).toBe(0);
    expect((await shared.store.getExecution(executionId))?.nodeResults.hold?.data).toEqual(
      done.nodeResults.hold?.data,
    );
  }, 60_000);

  it('exits at once with 143 on a second SIGTERM while a node still runs', async () => {
    const { engine, worker, lines, exited, base } = await setup(30_000);
    const executionId = await engine.enqueueWorkflow('held', { ms: 60_000 });
    await startedNode(lines, executionId);
    worker.kill('SIGTERM');
    await eventually(
      async () =>
        ((await (await fetch(`${base}/shutdown/status`)).json()) as { state: string }).state ===
        'draining',
      { what: 'the first signal to start the drain' },
    );
    const second = Date.now();
    worker.kill('SIGTERM');
    const { code, at } = await exited;
    expect(code).toBe(143);
    expect(at - second).toBeLessThan(2_000);
    expect(lines).not.toContain('engine-closed');
  }, 60_000);
});
