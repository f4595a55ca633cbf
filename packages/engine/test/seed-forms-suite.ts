import {
  type ExecutionContext,
  ExecutionNotFoundError,
  type ExecutionResult,
  type ExecutionStore,
  NodeRegistry,
  successResult,
} from '@spane/core';
import { waitFor } from '@spane/test-support';
import { describe, expect, it } from 'vitest';
import { type EngineTarget, engineFixture, node } from './harness.ts';
import { gate } from './support/gate.ts';

const echo = async (ctx: ExecutionContext) =>
  successResult({ node: ctx.nodeId, input: ctx.inputData });

/** Counts the store's reads of whole executions (every node result), passing everything through. */
function countingFullReads(store: ExecutionStore): {
  store: ExecutionStore;
  fullReads: () => number;
} {
  let count = 0;
  const getExecution = store.getExecution.bind(store);
  store.getExecution = (executionId, options) => {
    if (options?.nodeIds === undefined) count++;
    return getExecution(executionId, options);
  };
  return { store, fullReads: () => count };
}

/**
 * The call forms of the original SPANE, each accepted with its meaning here or refused loudly:
 * bulk control names, the positional `enqueueWorkflow`, `enqueueNode` with input, `getWorkflow`
 * across processes, `ctx.allNodeResults`, `ctx.rateLimit`, the automatic node log lines, and the
 * config flags made moot.
 */
export function defineSeedFormsSuite(target: EngineTarget): void {
  describe(`seed call forms on ${target.name}`, () => {
    const { setup } = engineFixture(target);

    it(`${target.name}: pauseBulkWorkflows, resumeBulkWorkflows and cancelBulkWorkflows act on every execution given`, async () => {
      const held = gate();
      const registry = new NodeRegistry().register('held', held.executor).register('echo', echo);
      const { engine, store } = await setup(registry, [
        { id: 'bulk', nodes: [node('a', 'held', ['b']), node('b', 'echo')] },
      ]);
      const ids = await Promise.all([1, 2, 3].map(() => engine.enqueueWorkflow('bulk')));
      await waitFor(() => held.started.length === 3, { what: 'three gated nodes to start' });
      const [first, second, third] = ids as [string, string, string];
      expect(await engine.pauseBulkWorkflows([first, second])).toEqual({
        [first]: true,
        [second]: true,
      });
      expect((await store.getExecution(first))?.status).toBe('paused');
      expect(await engine.cancelBulkWorkflows([third])).toEqual({ [third]: true });
      held.release();
      for (const id of [first, second]) {
        await waitFor(async () => (await store.getExecution(id))?.nodeResults.a, {
          what: `node a of ${id} to record its result while paused`,
        });
      }
      expect(await engine.resumeBulkWorkflows([first, second, third])).toEqual({
        [first]: true,
        [second]: true,
        [third]: false,
      });
      expect((await engine.waitForExecution(first)).status).toBe('completed');
      expect((await engine.waitForExecution(second)).status).toBe('completed');
      expect((await engine.waitForExecution(third)).status).toBe('cancelled');
    });

    it(`${target.name}: the positional enqueueWorkflow applies its options, and refuses what it cannot honour`, async () => {
      const registry = new NodeRegistry().register('echo', echo);
      const { engine, store } = await setup(registry, [
        { id: 'positional', nodes: [node('a', 'echo')] },
      ]);
      const plain = await engine.enqueueWorkflow('positional', { n: 0 }, { priority: 10 });
      const positional = await engine.enqueueWorkflow(
        'positional',
        { n: 1 },
        undefined,
        0,
        undefined,
        { priority: 10, metadata: { from: 'seed' } },
      );
      const [a, b] = await Promise.all([
        engine.waitForExecution(plain),
        engine.waitForExecution(positional),
      ]);
      expect(b.status).toBe('completed');
      expect(b.nodeResults.a?.data).toEqual({ node: 'a', input: { n: 1 } });
      expect(b.metadata.from).toBe('seed');
      expect(b.metadata.priority).toBeDefined();
      expect(b.metadata.priority).toBe(a.metadata.priority);
      expect(b.depth).toBe(0);

      // The de-duplication key, in sixth place, gives back the same execution.
      const keyed = (n: number) =>
        engine.enqueueWorkflow('positional', { n }, undefined, 0, undefined, { jobId: 'seed-key' });
      const once = await keyed(2);
      expect(await keyed(3)).toBe(once);
      expect((await engine.waitForExecution(once)).nodeResults.a?.data).toEqual({
        node: 'a',
        input: { n: 2 },
      });

      await expect(
        engine.enqueueWorkflow('positional', {}, undefined, 0, 'bull-job-1', { priority: 1 }),
      ).rejects.toMatchObject({
        code: 'UNSUPPORTED_INPUT',
        message: expect.stringMatching(/parentJobId/),
      });
      await expect(
        // @ts-expect-error: the seeds' form takes no seventh argument
        engine.enqueueWorkflow('positional', {}, undefined, 0, undefined, {}, 'extra'),
      ).rejects.toMatchObject({ code: 'UNSUPPORTED_INPUT' });
      await expect(
        engine.enqueueWorkflow('positional', {}, 'no-such-parent', 1),
      ).rejects.toBeInstanceOf(ExecutionNotFoundError);
      // Nothing was started by the refused calls.
      const { items } = await store.listExecutions({ workflowId: 'positional', limit: 50 });
      expect(items).toHaveLength(3);
    });

    it(`${target.name}: the positional enqueueWorkflow records a parentExecutionId and depth the executors see`, async () => {
      const seen: Array<{ parent: string | undefined; depth: number }> = [];
      const registry = new NodeRegistry().register('echo', echo).register('see', async (ctx) => {
        seen.push({ parent: ctx.parentExecutionId, depth: ctx.depth });
        return successResult('seen');
      });
      const { engine, store } = await setup(registry, [
        { id: 'parent', nodes: [node('a', 'echo')] },
        { id: 'child', nodes: [node('a', 'see')] },
      ]);
      const parent = await engine.enqueueWorkflow('parent', {});
      await engine.waitForExecution(parent);
      const child = await engine.enqueueWorkflow('child', {}, parent);
      const done = await engine.waitForExecution(child);
      expect(done.status).toBe('completed');
      expect(done.parentExecutionId).toBe(parent);
      expect(done.depth).toBe(1);
      const deeper = await engine.enqueueWorkflow('child', {}, parent, 4);
      expect((await engine.waitForExecution(deeper)).depth).toBe(4);
      expect(seen).toEqual([
        { parent, depth: 1 },
        { parent, depth: 4 },
      ]);
      const { items } = await store.listExecutions({ parentExecutionId: parent, limit: 10 });
      expect(items.map((item) => item.executionId).sort()).toEqual([child, deeper].sort());
    });

    it(`${target.name}: enqueueNode with inputData runs the node with that input, small or claim-checked`, async () => {
      const registry = new NodeRegistry().register('echo', echo);
      const { engine, store } = await setup(
        registry,
        [{ id: 'given', nodes: [node('a', 'echo', ['b']), node('b', 'echo')] }],
        { config: { payloadThreshold: 1_024 } },
      );
      const started = async () =>
        (await store.createExecution({ workflowId: 'given', workflowVersion: 1, initialData: {} }))
          .execution.executionId;
      // Stored with initial data {}, but no node job: the node runs with the input handed in.
      const small = await started();
      await engine.enqueueNode(small, 'given', 'a', { handed: 'in' });
      const done = await engine.waitForExecution(small);
      expect(done.nodeResults.a?.data).toEqual({ node: 'a', input: { handed: 'in' } });
      expect(done.nodeResults.b?.data).toEqual({
        node: 'b',
        input: { node: 'a', input: { handed: 'in' } },
      });

      const large = await started();
      const blob = 'x'.repeat(5_000);
      await engine.enqueueNode(large, 'given', 'a', { blob });
      const bigDone = await engine.waitForExecution(large);
      expect(bigDone.nodeResults.a?.data).toEqual({ node: 'a', input: { blob } });

      await expect(engine.enqueueNode(small, 'given', 'nowhere', 1)).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
        message: expect.stringMatching(/has no node "nowhere"/),
      });
      await expect(engine.enqueueNode(small, 'given', 'b', { big: 1n })).rejects.toMatchObject({
        code: 'UNSUPPORTED_INPUT',
      });
    });

    it(`${target.name}: getWorkflow finds a workflow another engine registered, through the store`, async () => {
      const registry = new NodeRegistry().register('echo', echo);
      const { engine, store } = await setup(registry, [
        { id: 'elsewhere', nodes: [node('a', 'echo', ['b']), node('b', 'echo')] },
      ]);
      const other = (await setup(registry, [], { store, workers: false })).engine;
      expect(await other.getWorkflow('elsewhere')).toMatchObject({
        id: 'elsewhere',
        nodes: [{ id: 'a' }, { id: 'b' }],
      });
      expect(await other.getWorkflow('nowhere')).toBeUndefined();
      // A copy: changing it changes nothing registered.
      const copy = await engine.getWorkflow('elsewhere');
      copy?.nodes.pop();
      expect((await engine.getWorkflow('elsewhere'))?.nodes).toHaveLength(2);
    });

    it(`${target.name}: ctx.allNodeResults loads every result only when an executor reads it`, async () => {
      const observed: Array<{ node: string; fullReads: number; all?: string[] }> = [];
      let counter: () => number = () => 0;
      const registry = new NodeRegistry()
        .register('quiet', async (ctx) => {
          observed.push({ node: ctx.nodeId, fullReads: counter() });
          return successResult(ctx.nodeId);
        })
        .register('reader', async (ctx) => {
          const before = counter();
          const all = (await ctx.allNodeResults) as Record<string, ExecutionResult>;
          await ctx.allNodeResults; // read once per attempt
          observed.push({
            node: ctx.nodeId,
            fullReads: counter() - before,
            all: Object.keys(all).sort(),
          });
          return successResult(all.a?.data);
        })
        .register('careless', async (ctx) => {
          const results = ctx.allNodeResults as unknown as Record<string, ExecutionResult>;
          return successResult(results.a?.data);
        });
      const counting = countingFullReads(await target.store.create());
      counter = counting.fullReads;
      const { engine, store } = await setup(
        registry,
        [
          {
            id: 'all-results',
            nodes: [node('a', 'quiet', ['b']), node('b', 'quiet', ['c']), node('c', 'reader')],
          },
          { id: 'careless', nodes: [node('a', 'quiet', ['b']), node('b', 'careless')] },
        ],
        { store: counting.store },
      );
      try {
        const done = await engine.waitForExecution(await engine.enqueueWorkflow('all-results', {}));
        expect(done.status).toBe('completed');
        expect(done.nodeResults.c?.data).toBe('a'); // a is no parent of c
        expect(observed).toEqual([
          { node: 'a', fullReads: 0 },
          { node: 'b', fullReads: 0 },
          { node: 'c', fullReads: 1, all: ['a', 'b'] },
        ]);

        const careless = await engine.waitForExecution(
          await engine.enqueueWorkflow('careless', {}),
        );
        expect(careless.status).toBe('failed');
        expect(careless.nodeResults.b?.error).toMatch(/it is a promise of the results: await it/);
      } finally {
        await store.close();
      }
    });

    it(`${target.name}: ctx.rateLimit postpones the node without using an attempt, thrown or not`, async () => {
      const runs: Array<{ node: string; attempt: number; at: number }> = [];
      const registry = new NodeRegistry()
        .register('throttled', async (ctx) => {
          runs.push({ node: ctx.nodeId, attempt: ctx.attempt, at: Date.now() });
          if (runs.filter((run) => run.node === ctx.nodeId).length === 1) {
            const limited = await ctx.rateLimit?.(400);
            if (ctx.nodeId === 'thrown') throw limited;
            return successResult('returned anyway'); // still postponed
          }
          return successResult(`${ctx.nodeId} ran`);
        })
        .register('bad-limit', async (ctx) => {
          throw await ctx.rateLimit?.(-5);
        });
      const { engine, store } = await setup(
        registry,
        [
          { id: 'limited', nodes: [node('thrown', 'throttled'), node('returned', 'throttled')] },
          { id: 'bad-limit', nodes: [node('a', 'bad-limit')] },
        ],
        { config: { nodeLogs: true } },
      );
      const id = await engine.enqueueWorkflow('limited', {});
      const done = await engine.waitForExecution(id);
      expect(done.status).toBe('completed');
      expect(done.nodeResults.thrown?.data).toBe('thrown ran');
      expect(done.nodeResults.returned?.data).toBe('returned ran');
      for (const name of ['thrown', 'returned']) {
        const mine = runs.filter((run) => run.node === name);
        // The harness allows one attempt: a postponement that used it would have failed the node.
        expect(mine.map((run) => run.attempt)).toEqual([1, 1]);
        expect((mine[1]?.at ?? 0) - (mine[0]?.at ?? 0)).toBeGreaterThanOrEqual(350);
      }
      const logs = await store.getLogs(id);
      expect(logs.map((line) => line.message)).toContain('Node thrown postponed by ctx.rateLimit');

      const bad = await engine.waitForExecution(await engine.enqueueWorkflow('bad-limit', {}));
      expect(bad.status).toBe('failed');
      expect(bad.nodeResults.a?.error).toMatch(/ctx.rateLimit duration.*above 0/);
    });

    it(`${target.name}: with nodeLogs, writes a log line when each node starts, succeeds and fails; without, none`, async () => {
      const registry = new NodeRegistry().register('echo', echo).register('boom', async () => {
        throw new Error('kaput');
      });
      const workflows = [
        {
          id: 'logged',
          nodes: [
            node('a', 'echo', ['b']),
            node('b', 'boom', [], { retryPolicy: { maxAttempts: 1, continueOnFail: true } }),
          ],
        },
      ];
      const { engine, store } = await setup(registry, workflows, { config: { nodeLogs: true } });
      const id = await engine.enqueueWorkflow('logged', {});
      expect((await engine.waitForExecution(id)).status).toBe('completed');
      const logs = await waitFor(
        async () => {
          const lines = await store.getLogs(id);
          return lines.length >= 4 ? lines : undefined;
        },
        { what: 'four node log lines' },
      );
      const lines = logs.map((line) => [line.nodeId, line.level, line.message]);
      expect(lines).toEqual(
        expect.arrayContaining([
          ['a', 'info', 'Node a started'],
          ['a', 'info', 'Node a succeeded'],
          ['b', 'info', 'Node b started'],
          ['b', 'error', 'Node b failed'],
        ]),
      );
      const failure = logs.find((line) => line.message === 'Node b failed');
      expect(failure?.data).toMatchObject({ nodeType: 'boom', attempt: 1, error: 'kaput' });
      expect(failure?.data?.durationMs).toEqual(expect.any(Number));

      const quiet = await setup(registry, workflows); // the default
      const quietId = await quiet.engine.enqueueWorkflow('logged', {});
      expect((await quiet.engine.waitForExecution(quietId)).status).toBe('completed');
      expect(await quiet.store.getLogs(quietId)).toEqual([]);
    });

    it(`${target.name}: accepts the seeds' moot config flags, reports them, and runs as usual`, async () => {
      const registry = new NodeRegistry().register('echo', echo);
      const { engine } = await setup(
        registry,
        [{ id: 'flags', nodes: [node('a', 'echo', ['b']), node('b', 'echo')] }],
        {
          config: {
            useFlowProducerForSubWorkflows: true,
            useSimplifiedEventStream: true,
            useJobSchedulers: false,
          },
        },
      );
      expect(engine.getConfig()).toMatchObject({
        useFlowProducerForSubWorkflows: true,
        useSimplifiedEventStream: true,
        useJobSchedulers: false,
      });
      const done = await engine.waitForExecution(await engine.enqueueWorkflow('flags', { v: 1 }));
      expect(done.status).toBe('completed');
      expect(done.nodeResults.b?.data).toEqual({
        node: 'b',
        input: { node: 'a', input: { v: 1 } },
      });
    });
  });
}
