/**
 * The recovery sweep and stuck-run detection against real queues and stores. Orphans are made for
 * real: the queued job of an execution is removed through the queue, or a node's result is stored
 * with nothing queued after it (a worker killed between the two).
 */
import { randomUUID } from 'node:crypto';
import {
  type ExecutionContext,
  NodeRegistry,
  successResult,
  type WorkflowDefinition,
} from '@spane/core';
import { nodeJobId, startJobId, WorkflowQueues } from '@spane/queue';
import { waitFor } from '@spane/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEventMap, StuckExecution, WorkflowEngine } from '../src/index.ts';
import {
  type EngineTarget,
  memoryStore,
  postgresQueue,
  postgresStore,
  redisQueue,
  startEngine,
} from './harness.ts';
import { gate } from './support/gate.ts';

const targets: EngineTarget[] = [
  { name: 'Redis queue + memory store', queue: redisQueue, store: memoryStore },
  { name: 'Postgres queue + Postgres store', queue: postgresQueue, store: postgresStore },
];

const chain: WorkflowDefinition = {
  id: 'chain',
  nodes: [
    { id: 'a', type: 'step', outputs: ['b'] },
    { id: 'b', type: 'step', outputs: ['c'] },
    { id: 'c', type: 'step' },
  ],
};

describe.each(targets)('recovery on $name', (target) => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Engines on one prefix and one store, with every `step` call recorded. */
  async function setup(options: { workers?: boolean; engines?: number } = {}) {
    const store = await target.store.create();
    cleanups.push(() => store.close());
    const prefix = `rec-${randomUUID().slice(0, 8)}`;
    const calls: string[] = [];
    const registry = new NodeRegistry().register('step', async (ctx: ExecutionContext) => {
      calls.push(`${ctx.executionId}:${ctx.nodeId}`);
      return successResult({ node: ctx.nodeId });
    });
    const engines: WorkflowEngine[] = [];
    for (let i = 0; i < (options.engines ?? 1); i++) {
      const engine = await startEngine({
        registry,
        store,
        connection: target.queue.connection(),
        workflows: [chain],
        config: { prefix, recoveryIntervalMs: 0 },
        workers: options.workers ?? false,
      });
      cleanups.push(() => engine.close({ timeoutMs: 1_000 }));
      engines.push(engine);
    }
    const queues = new WorkflowQueues({ connection: target.queue.connection(), prefix });
    cleanups.push(() => queues.close());
    return { engine: engines[0] as WorkflowEngine, engines, store, calls, queues };
  }

  it('finds no orphan while the execution has a job queued', async () => {
    const { engine } = await setup();
    await engine.enqueueWorkflow('chain', {});
    expect(await engine.recoverOrphanedExecutions({ quietMs: 0 })).toEqual([]);
  });

  it('re-enqueues an execution whose queued job was removed, and it completes once', async () => {
    const { engine, queues, calls } = await setup();
    const recovered: Array<EngineEventMap['execution:recovered']> = [];
    engine.on('execution:recovered', (event) => recovered.push(event));
    const executionId = await engine.enqueueWorkflow('chain', {});
    expect(await queues.removeNodeJob(nodeJobId(executionId, 'a'))).toBe(true);
    expect((await engine.getQueueStats()).waiting).toBe(0);
    // Not quiet long enough for the default quiet time: left alone.
    expect(await engine.recoverOrphanedExecutions()).toEqual([]);
    const swept = await engine.recoverOrphanedExecutions({ quietMs: 0 });
    expect(swept).toEqual([{ executionId, workflowId: 'chain', nodeIds: ['a'] }]);
    expect(recovered).toEqual(swept);
    await engine.startWorkers(2);
    const done = await engine.waitForExecution(executionId);
    expect(done.status).toBe('completed');
    expect(calls.sort()).toEqual([`${executionId}:a`, `${executionId}:b`, `${executionId}:c`]);
    expect(await engine.recoverOrphanedExecutions({ quietMs: 0 })).toEqual([]);
  });

  it('starts a delayed execution whose start job was removed', async () => {
    const { engine, queues } = await setup();
    const executionId = await engine.enqueueWorkflow('chain', {}, { delay: 60_000 });
    expect(
      await queues.removeWorkflowJob(`key.${encodeURIComponent(startJobId(executionId))}`),
    ).toBe(true);
    const swept = await engine.recoverOrphanedExecutions({ quietMs: 0 });
    expect(swept.map((item) => item.executionId)).toEqual([executionId]);
    await engine.startWorkers(2);
    expect((await engine.waitForExecution(executionId)).status).toBe('completed');
  });

  it('continues from a stored result with nothing queued after it; racing sweeps add one job', async () => {
    const { engines, store, calls } = await setup({ engines: 2 });
    const [first, second] = engines as [WorkflowEngine, WorkflowEngine];
    // A worker stored a's result and died before queueing b.
    const { execution } = await store.createExecution({ workflowId: 'chain', workflowVersion: 1 });
    const { executionId } = execution;
    await store.commitNodeOutcome({
      executionId,
      nodeId: 'a',
      result: { success: true, data: { node: 'a' } },
      resolution: 'resolved',
      edges: [{ child: 'b', active: true, parentCount: 1 }],
      totalNodes: 3,
    });
    const [one, two] = await Promise.all([
      first.recoverOrphanedExecutions({ quietMs: 0 }),
      second.recoverOrphanedExecutions({ quietMs: 0 }),
    ]);
    expect([...(one ?? []), ...(two ?? [])].map((item) => item.nodeIds)).toContainEqual(['b']);
    const stats = await first.getQueueStats();
    expect(stats.waiting + stats.prioritized).toBe(1);
    await first.startWorkers(2);
    await second.startWorkers(2);
    expect((await first.waitForExecution(executionId)).status).toBe('completed');
    expect(calls.sort()).toEqual([`${executionId}:b`, `${executionId}:c`]);
  });

  it('detects a stuck run once per episode and clears it when it moves', async () => {
    const store = await target.store.create();
    cleanups.push(() => store.close());
    const slowA = gate();
    const slowB = gate();
    const registry = new NodeRegistry()
      .register('slow-a', slowA.executor)
      .register('slow-b', slowB.executor);
    // Long enough that a loaded machine's delay between a node starting and the check reading it
    // does not count as no progress.
    const stuckAfter = 2_000;
    const workflow: WorkflowDefinition = {
      id: 'slow',
      stuckAfter,
      nodes: [
        { id: 'a', type: 'slow-a', outputs: ['b'] },
        { id: 'b', type: 'slow-b' },
      ],
    };
    const engine = await startEngine({
      registry,
      store,
      connection: target.queue.connection(),
      workflows: [workflow],
      config: { recoveryIntervalMs: 100 },
    });
    cleanups.push(() => engine.close({ timeoutMs: 1_000 }));
    const expectNoEarlyReport = (found: StuckExecution[]) => {
      const checkedAt = Date.now();
      for (const entry of found)
        expect(checkedAt - entry.since.getTime()).toBeGreaterThanOrEqual(stuckAfter);
    };
    const stuck: Array<EngineEventMap['execution:stuck']> = [];
    engine.on('execution:stuck', (event) => stuck.push(event));
    const executionId = await engine.enqueueWorkflow('slow', {});
    await waitFor(async () => slowA.started.length === 1 || undefined, { what: 'a to start' });
    // Never reported before `stuckAfter` without progress. (Whether the check comes before that
    // is up to the machine's speed, so an entry is allowed once the time has really passed.)
    expectNoEarlyReport(await engine.findStuckExecutions());

    // Raised by the periodic check, once, however often it looks.
    await waitFor(async () => stuck.length === 1 || undefined, { what: 'the stuck event' });
    const found = await engine.findStuckExecutions();
    expect(found).toMatchObject([
      {
        executionId,
        workflowId: 'slow',
        status: 'running',
        reason: 'no-progress',
        limitMs: stuckAfter,
      },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stuck).toHaveLength(1);
    expect(stuck[0]).toMatchObject({ executionId, reason: 'no-progress' });

    // It moves: a completes. Not stuck now; stuck again later is a new episode.
    slowA.release();
    await waitFor(async () => slowB.started.length === 1 || undefined, { what: 'b to start' });
    const afterMove = await engine.findStuckExecutions();
    expectNoEarlyReport(afterMove);
    // The first episode is over: whatever is found now counts from a's completion, not from before.
    for (const entry of afterMove)
      expect(entry.since.getTime()).toBeGreaterThan(stuck[0]?.since as number);
    await waitFor(async () => stuck.length === 2 || undefined, { what: 'a second episode' });
    expect(stuck[1]?.since).toBeGreaterThan(stuck[0]?.since as number);

    slowB.release();
    expect((await engine.waitForExecution(executionId)).status).toBe('completed');
    expect(await engine.findStuckExecutions()).toEqual([]);
    expect(stuck).toHaveLength(2);
  });

  it('does not count a planned wait (a delayed start) as stuck', async () => {
    const store = await target.store.create();
    cleanups.push(() => store.close());
    const engine = await startEngine({
      registry: new NodeRegistry().register('step', async () => successResult({})),
      store,
      connection: target.queue.connection(),
      workflows: [{ ...chain, id: 'patient', stuckAfter: 100 }],
      config: { recoveryIntervalMs: 0 },
      workers: false,
    });
    cleanups.push(() => engine.close({ timeoutMs: 1_000 }));
    const waiting = await engine.enqueueWorkflow('patient', {}, { delay: 60_000 });
    const queued = await engine.enqueueWorkflow('patient', {});
    await new Promise((resolve) => setTimeout(resolve, 250));
    const found = await engine.findStuckExecutions();
    expect(found.map((item) => item.executionId)).toEqual([queued]);
    expect(found.map((item) => item.executionId)).not.toContain(waiting);
  });
});
