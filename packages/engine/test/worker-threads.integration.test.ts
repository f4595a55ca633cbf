/**
 * Executors in worker threads (`config.useWorkerThreads`), through the public API on real Redis and
 * on BullMQ's PostgreSQL backend: a busy loop beside a fast chain, threads that crash, exit or run
 * out of heap (retried in a fresh thread), timeouts and cancels that terminate a thread, a
 * `ctx.rateLimit` from a thread, and a result no structured clone carries.
 */
import { fileURLToPath } from 'node:url';
import { NodeRegistry, successResult, type WorkflowDefinition } from '@spane/core';
import { describe, expect, it } from 'vitest';
import type { EngineConfig, WorkflowEngine } from '../src/index.ts';
import { engineFixture, memoryStore, node, postgresQueue, redisQueue } from './harness.ts';

const PROCESSOR = fileURLToPath(new URL('./support/thread-processor.ts', import.meta.url));
const THREAD_TYPES = [
  'busy',
  'forever',
  'crashOnce',
  'throwOnce',
  'exitOnce',
  'oomOnce',
  'uncloneable',
  'context',
  'waitAbort',
  'rateLimitOnce',
  'allResults',
];

/** The main thread's registry: the thread types answer `main` here, so a test sees where they ran. */
function registry(): NodeRegistry {
  const reg = new NodeRegistry();
  for (const type of THREAD_TYPES) reg.register(type, async () => successResult('main'));
  reg.register('fast', async (ctx) => successResult(((ctx.inputData as number) ?? 0) + 1));
  return reg;
}

const retry = { maxAttempts: 2, backoff: { type: 'fixed' as const, delay: 10 } };
const one = (
  id: string,
  type: string,
  extra: Record<string, unknown> = {},
): WorkflowDefinition => ({
  id,
  nodes: [{ id: 'n', type, ...extra }],
});
const chain: WorkflowDefinition = {
  id: 'chain',
  nodes: ['a', 'b', 'c', 'd', 'e'].map((id, i, all) =>
    node(id, 'fast', all[i + 1] ? [all[i + 1] as string] : []),
  ),
};

/** Resolves when a node of the type starts. */
function startedOf(engine: WorkflowEngine, nodeType: string): Promise<void> {
  return new Promise((resolve) => {
    engine.on('node:started', (event) => {
      if (event.nodeType === nodeType) resolve();
    });
  });
}

function threads(extra: EngineConfig['workerThreads'] = {}): EngineConfig {
  return { useWorkerThreads: true, processorFile: PROCESSOR, workerThreads: { size: 2, ...extra } };
}

describe.each([redisQueue, postgresQueue])('executors in worker threads, $name queue', (queue) => {
  const { setup } = engineFixture({ name: queue.name, queue, store: memoryStore });
  // A blocked main thread would lose a 1 s lock (renewed every 500 ms) and stall the job. On
  // PostgreSQL lock renewals are queries that may queue behind others on a loaded machine: its
  // default lock.
  const locks: EngineConfig =
    queue === redisQueue ? { lockDuration: 1_000, stalledInterval: 500 } : {};

  it('runs a 2 s busy loop in a thread while a fast chain and the event loop go on', async () => {
    const { engine, store } = await setup(registry(), [one('busy', 'busy'), chain], {
      config: { ...threads(), ...locks },
    });
    const timeChain = async () => {
      const started = performance.now();
      const done = await engine.waitForExecution(await engine.enqueueWorkflow('chain', 0));
      expect(done.nodeResults.e?.data).toBe(5);
      return performance.now() - started;
    };
    await timeChain(); // warm-up
    const unloaded: number[] = [];
    for (let i = 0; i < 3; i += 1) unloaded.push(await timeChain());

    const retries: string[] = [];
    engine.on('node:retrying', (event) => retries.push(event.error));
    let busyStarts = 0;
    engine.on('node:started', (event) => {
      if (event.nodeType === 'busy') busyStarts += 1;
    });
    let maxGapMs = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      maxGapMs = Math.max(maxGapMs, now - last);
      last = now;
    }, 20);
    try {
      const started = startedOf(engine, 'busy');
      const busyId = await engine.enqueueWorkflow('busy', {});
      await started;
      const loaded: number[] = [];
      for (let i = 0; i < 3; i += 1) loaded.push(await timeChain());
      // The chains finished while the busy loop was still spinning in its thread.
      expect((await store.getExecution(busyId))?.status).toBe('running');
      const busy = await engine.waitForExecution(busyId);
      expect(busy.status).toBe('completed');
      const data = busy.nodeResults.n?.data as { started: number; ended: number };
      expect(data.ended - data.started).toBeGreaterThanOrEqual(2_000);
      const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[1] ?? 0;
      console.info(
        `worker threads (${queue.name}): fast 5-node chain unloaded ${unloaded.map((ms) => ms.toFixed(0)).join('/')} ms` +
          ` (median ${median(unloaded).toFixed(0)}), beside a 2 s busy loop ${loaded
            .map((ms) => ms.toFixed(0))
            .join(
              '/',
            )} ms (median ${median(loaded).toFixed(0)}); longest event-loop gap ${maxGapMs.toFixed(0)} ms`,
      );
      expect(maxGapMs).toBeLessThan(1_000);
      // No lost lock: the busy node ran once, without a stall or a retry.
      expect(retries).toEqual([]);
      expect(busyStarts).toBe(1);
    } finally {
      clearInterval(ticker);
    }
  });

  it.each([
    ['crashOnce', /worker thread running node n failed: thread crash/],
    ['throwOnce', /executor threw/],
    ['exitOnce', /exited with code 7/],
  ])('retries %s in a fresh thread', async (type, error) => {
    const { engine } = await setup(registry(), [one('w', type, { retryPolicy: retry })], {
      config: threads({ size: 1 }),
    });
    const retries: string[] = [];
    engine.on('node:retrying', (event) => retries.push(event.error));
    const done = await engine.waitForExecution(await engine.enqueueWorkflow('w', {}));
    expect(done.status).toBe('completed');
    expect(done.nodeResults.n?.data).toEqual({ attempt: 2 });
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatch(error);
  });

  it('retries a thread that exceeded its resourceLimits in a fresh one', async () => {
    const { engine } = await setup(registry(), [one('w', 'oomOnce', { retryPolicy: retry })], {
      config: threads({ size: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } }),
    });
    const retries: string[] = [];
    engine.on('node:retrying', (event) => retries.push(event.error));
    const done = await engine.waitForExecution(await engine.enqueueWorkflow('w', {}));
    expect(done.status).toBe('completed');
    expect(done.nodeResults.n?.data).toEqual({ attempt: 2 });
    expect(retries[0]).toMatch(/worker thread running node n failed/);
  });

  it('terminates a thread whose node timed out, and the pool goes on', async () => {
    const { engine } = await setup(
      registry(),
      [one('forever', 'forever', { timeout: 500 }), one('ctx', 'context')],
      { config: threads({ size: 1 }) },
    );
    const started = performance.now();
    const done = await engine.waitForExecution(await engine.enqueueWorkflow('forever', {}));
    expect(done.status).toBe('failed');
    expect(done.nodeResults.n?.metadata?.code).toBe('NODE_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(10_000);
    // The only thread spun forever: this runs only because it was terminated and replaced.
    const next = await engine.waitForExecution(await engine.enqueueWorkflow('ctx', {}));
    expect(next.status).toBe('completed');
  });

  it('terminates a thread whose execution was cancelled', async () => {
    const { engine } = await setup(registry(), [one('forever', 'forever'), one('ctx', 'context')], {
      config: threads({ size: 1 }),
    });
    const started = startedOf(engine, 'forever');
    const id = await engine.enqueueWorkflow('forever', {});
    await started;
    await engine.cancelWorkflow(id);
    const done = await engine.waitForExecution(id);
    expect(done.status).toBe('cancelled');
    const next = await engine.waitForExecution(await engine.enqueueWorkflow('ctx', {}));
    expect(next.status).toBe('completed');
  });

  it('postpones a node whose thread called ctx.rateLimit, without using an attempt', async () => {
    const { engine } = await setup(
      registry(),
      [one('r', 'rateLimitOnce', { config: { ms: 300 }, retryPolicy: retry })],
      { config: threads({ size: 1 }) },
    );
    const retries: string[] = [];
    engine.on('node:retrying', (event) => retries.push(event.error));
    const started = performance.now();
    const done = await engine.waitForExecution(await engine.enqueueWorkflow('r', {}));
    expect(done.status).toBe('completed');
    expect(done.nodeResults.n?.data).toEqual({ calls: 2, attempt: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(retries).toEqual([]);
  });

  it('gives the thread ctx.allNodeResults, read from the store when asked', async () => {
    const { engine } = await setup(
      registry(),
      [
        {
          id: 'all',
          nodes: [node('a', 'fast', ['b']), node('b', 'fast', ['c']), node('c', 'allResults')],
        },
      ],
      { config: threads({ size: 1 }) },
    );
    const done = await engine.waitForExecution(await engine.enqueueWorkflow('all', 0));
    expect(done.status).toBe('completed');
    expect(done.nodeResults.c?.data).toEqual({ a: 1, b: 2 });
  });

  it('fails a result that cannot be cloned with DATA_CLONE_FAILED, without retrying', async () => {
    const { engine } = await setup(registry(), [one('u', 'uncloneable', { retryPolicy: retry })], {
      config: threads({ size: 1 }),
    });
    const done = await engine.waitForExecution(await engine.enqueueWorkflow('u', {}));
    expect(done.status).toBe('failed');
    expect(done.nodeResults.n?.metadata?.code).toBe('DATA_CLONE_FAILED');
    expect(done.nodeResults.n?.error).toMatch(/structured clone/);
  });

  it('gives the thread the attempt, idempotency key, config, input, signal and a relayed logger', async () => {
    const { engine, store } = await setup(
      registry(),
      [
        one('ctx', 'context', { config: { k: 'v' }, timeout: 5_000 }),
        one('busy', 'busy', { config: { ms: 1 } }),
      ],
      // Per-type opt-in: only `context` runs in a thread; `busy` stays on the main thread.
      { config: threads({ size: 1, types: ['context'] }) },
    );
    const id = await engine.enqueueWorkflow('ctx', { x: 1 });
    const done = await engine.waitForExecution(id);
    expect(done.status).toBe('completed');
    expect(done.nodeResults.n?.data).toEqual({
      attempt: 1,
      idempotencyKey: `${id}:n`,
      inputData: { x: 1 },
      nodeConfig: { k: 'v' },
      signal: true,
      deadline: 'number',
    });
    const logs = await store.getLogs(id);
    expect(logs.map((entry) => entry.message)).toContain('hello from the thread');
    const main = await engine.waitForExecution(await engine.enqueueWorkflow('busy', {}));
    expect(main.nodeResults.n?.data).toBe('main');
  });
});
