/**
 * A node active far past its timeout makes its execution stuck (`node-overdue`): the worker running
 * it is a real process, frozen with SIGSTOP while the node's job is active and its lock held.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NodeRegistry, type WorkflowDefinition } from '@spane/core';
import { killChild, spawnReady, waitFor } from '@spane/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEventMap } from '../src/index.ts';
import { postgresQueue, redisQueue, startEngine } from './harness.ts';
import { sharedStore } from './support/shared-store.ts';

const WORKER_SCRIPT = fileURLToPath(new URL('./support/hang-worker.ts', import.meta.url));

const workflow: WorkflowDefinition = {
  id: 'overdue',
  // Far longer than the test: only the overdue node can make it stuck.
  stuckAfter: 600_000,
  nodes: [{ id: 'slow', type: 'hang', timeout: 2_000 }],
};

describe.each([redisQueue, postgresQueue])('a node far past its timeout, $name queue', (queue) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('makes its execution stuck (node-overdue), once', async () => {
    const { store, schema, prefix } = await sharedStore('overdue', cleanups);
    const engine = await startEngine({
      registry: new NodeRegistry().register('hang', async () => ({ success: true })),
      store,
      connection: queue.connection(),
      workflows: [workflow],
      config: { prefix, recoveryIntervalMs: 0, stuckNodeGraceMs: 500 },
      workers: false,
    });
    cleanups.push(() => engine.close({ timeoutMs: 500 }));
    const lines: string[] = [];
    const child: ChildProcess = await spawnReady(WORKER_SCRIPT, {
      env: {
        HANG_QUEUE: queue === postgresQueue ? 'postgres' : 'redis',
        HANG_SCHEMA: schema,
        HANG_PREFIX: prefix,
      },
      onSpawn: (spawned) => {
        cleanups.push(() => killChild(spawned));
        spawned.stdout?.on('data', (chunk) => lines.push(...String(chunk).split('\n')));
      },
    });
    const stuck: Array<EngineEventMap['execution:stuck']> = [];
    engine.on('execution:stuck', (event) => stuck.push(event));
    const executionId = await engine.enqueueWorkflow('overdue', {});
    await waitFor(async () => lines.includes('started slow') || undefined, {
      what: 'the node to start in the worker',
    });
    child.kill('SIGSTOP'); // frozen mid-node: its timeout cannot fire, its lock stays held
    expect(await engine.findStuckExecutions()).toEqual([]);
    const found = await waitFor(
      async () => {
        const list = await engine.findStuckExecutions();
        return list.length > 0 ? list : undefined;
      },
      { what: 'the execution to count as stuck' },
    );
    expect(found).toMatchObject([
      { executionId, reason: 'node-overdue', nodeId: 'slow', status: 'running', limitMs: 2_500 },
    ]);
    expect(Date.now() - (found[0]?.since.getTime() ?? 0)).toBeGreaterThan(2_500);
    await engine.findStuckExecutions();
    expect(stuck).toHaveLength(1);
    expect(stuck[0]).toMatchObject({ executionId, reason: 'node-overdue', nodeId: 'slow' });
  });
});
