import { type ExecutionContext, errorResult, NodeRegistry, successResult } from '@spane/core';
import { waitFor } from '@spane/test-support';
import { describe, expect, it } from 'vitest';
import { dlqItemsOf, type EngineTarget, engineFixture, node, queuesIdle } from './harness.ts';

/**
 * The engine's semantics, written once and run against every store: one test per rule of
 * design.md's "Execution semantics" that the execution path covers.
 */
export function defineEngineSuite(target: EngineTarget): void {
  describe(`engine on ${target.name}`, () => {
    const { setup } = engineFixture(target);

    const echo = (tag: string) => async (ctx: ExecutionContext) =>
      successResult({ tag, input: ctx.inputData });

    it(`${target.name}: passes initial data to entry nodes and a parent's data down a chain`, async () => {
      const registry = new NodeRegistry()
        .register('double', async (ctx) =>
          successResult({ n: (ctx.inputData as { n: number }).n * 2 }),
        )
        .register('inc', async (ctx) =>
          successResult({ n: (ctx.inputData as { n: number }).n + 1 }),
        );
      const { engine } = await setup(registry, [
        {
          id: 'chain',
          nodes: [node('a', 'double', ['b']), node('b', 'inc', ['c']), node('c', 'double')],
        },
      ]);
      const id = await engine.enqueueWorkflow('chain', { n: 5 });
      const done = await engine.waitForExecution(id);
      expect(done.status).toBe('completed');
      expect(done.nodeResults.c?.data).toEqual({ n: 22 });
      expect(done.nodeResults.a?.data).toEqual({ n: 10 });
    });

    it(`${target.name}: gives a node with several parents their data keyed by parent id`, async () => {
      const seen: unknown[] = [];
      const registry = new NodeRegistry()
        .register('src', async (ctx) => successResult(ctx.nodeId))
        .register('join', async (ctx) => {
          seen.push(ctx.inputData);
          return successResult(Object.keys(ctx.previousResults).sort());
        });
      const { engine } = await setup(registry, [
        {
          id: 'diamond',
          nodes: [
            node('a', 'src', ['b', 'c']),
            node('b', 'src', ['d']),
            node('c', 'src', ['d']),
            node('d', 'join'),
          ],
        },
      ]);
      const done = await engine.waitForExecution(await engine.enqueueWorkflow('diamond', {}));
      expect(done.status).toBe('completed');
      expect(seen).toEqual([{ b: 'b', c: 'c' }]);
      expect(done.nodeResults.d?.data).toEqual(['b', 'c']);
    });

    it(`${target.name}: follows nextNodes, skips the branch not taken, and runs the join once with the branch that ran, keyed by its id`, async () => {
      const joinInputs: unknown[] = [];
      const registry = new NodeRegistry()
        .register('router', async (ctx) =>
          successResult(
            { v: (ctx.inputData as { v: number }).v },
            { nextNodes: [(ctx.inputData as { v: number }).v > 100 ? 'high' : 'low'] },
          ),
        )
        .register('tag', echo('tagged'))
        .register('join', async (ctx) => {
          joinInputs.push(ctx.inputData);
          return successResult('joined');
        });
      const { engine } = await setup(registry, [
        {
          id: 'branch',
          nodes: [
            node('route', 'router', ['high', 'low']),
            node('high', 'tag', ['join']),
            node('low', 'tag', ['join', 'after-low']),
            node('after-low', 'tag'),
            node('join', 'join'),
          ],
        },
      ]);
      const done = await engine.waitForExecution(
        await engine.enqueueWorkflow('branch', { v: 500 }),
      );
      expect(done.status).toBe('completed');
      expect(done.nodeResults.low?.skipped).toBe(true);
      expect(done.nodeResults['after-low']?.skipped).toBe(true);
      expect(done.nodeResults.high?.success).toBe(true);
      expect(joinInputs).toEqual([{ high: { tag: 'tagged', input: { v: 500 } } }]);

      // The other branch: the join's input keeps its shape, keyed by the branch that ran.
      const other = await engine.waitForExecution(await engine.enqueueWorkflow('branch', { v: 5 }));
      expect(other.status).toBe('completed');
      expect(other.nodeResults.high?.skipped).toBe(true);
      expect(other.nodeResults['after-low']?.data).toEqual({
        tag: 'tagged',
        input: { tag: 'tagged', input: { v: 5 } },
      });
      expect(joinInputs).toEqual([
        { high: { tag: 'tagged', input: { v: 500 } } },
        { low: { tag: 'tagged', input: { v: 5 } } },
      ]);
    });

    it(`${target.name}: fails a node whose nextNodes names a node that is not its child, with a clear error`, async () => {
      const registry = new NodeRegistry()
        .register('bad', async () => successResult(1, { nextNodes: ['nowhere'] }))
        .register('ok', echo('ok'));
      const { engine } = await setup(registry, [
        { id: 'badnext', nodes: [node('a', 'bad', ['b']), node('b', 'ok')] },
      ]);
      const done = await engine.waitForExecution(await engine.enqueueWorkflow('badnext', {}));
      expect(done.status).toBe('failed');
      expect(done.nodeResults.a?.error).toMatch(
        /nextNodes \[nowhere\].*not among its outputs \[b\]/,
      );
      expect(done.nodeResults.a?.metadata?.code).toBe('INVALID_NEXT_NODES');
      expect(done.nodeResults.b).toBeUndefined();
    });

    it(`${target.name}: retries with backoff, giving executors the attempt number and a stable idempotency key`, async () => {
      const calls: Array<{ attempt: number; key: string }> = [];
      const registry = new NodeRegistry().register('flaky', async (ctx) => {
        calls.push({ attempt: ctx.attempt, key: ctx.idempotencyKey });
        if (ctx.attempt < 3) throw new Error(`transient ${ctx.attempt}`);
        return successResult('finally');
      });
      const retrying: number[] = [];
      const { engine } = await setup(registry, [
        {
          id: 'flaky',
          nodes: [
            {
              id: 'a',
              type: 'flaky',
              retryPolicy: { maxAttempts: 3, backoff: { type: 'fixed', delay: 20 } },
            },
          ],
        },
      ]);
      engine.on('node:retrying', (e) => retrying.push(e.attempt));
      const id = await engine.enqueueWorkflow('flaky', {});
      const done = await engine.waitForExecution(id);
      expect(done.status).toBe('completed');
      expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
      expect(new Set(calls.map((c) => c.key))).toEqual(new Set([`${id}:a`]));
      expect(retrying).toEqual([1, 2]);
    });

    it(`${target.name}: does not retry non-retryable errors and sends the job to the DLQ`, async () => {
      let calls = 0;
      const registry = new NodeRegistry().register('strict', async () => {
        calls++;
        return errorResult('will retry'); // success:false counts as a retryable failure
      });
      registry.register('invalid', async () => {
        calls += 100;
        return { nope: true } as never; // garbage: not retryable
      });
      const { engine } = await setup(registry, [
        {
          id: 'garbage',
          nodes: [
            {
              id: 'g',
              type: 'invalid',
              retryPolicy: { maxAttempts: 5, backoff: { type: 'fixed', delay: 10 } },
            },
          ],
        },
      ]);
      const done = await engine.waitForExecution(await engine.enqueueWorkflow('garbage', { x: 1 }));
      expect(done.status).toBe('failed');
      expect(calls).toBe(100);
      expect(done.nodeResults.g?.metadata?.code).toBe('INVALID_RESULT');
      const dlq = await dlqItemsOf(engine, done.executionId);
      expect(await engine.getDLQItems()).toHaveLength(1);
      expect(dlq[0]?.data).toMatchObject({
        nodeId: 'g',
        executionId: done.executionId,
        attemptsMade: 1,
        inputData: { x: 1 },
      });
    });

    it(`${target.name}: keeps edges active after the last attempt with continueOnFail`, async () => {
      const registry = new NodeRegistry()
        .register('boom', async () => {
          throw new Error('kaput');
        })
        .register('after', async (ctx) => successResult({ got: ctx.previousResults.a?.error }));
      const { engine } = await setup(registry, [
        {
          id: 'cof',
          nodes: [
            {
              id: 'a',
              type: 'boom',
              outputs: ['b'],
              retryPolicy: {
                maxAttempts: 2,
                backoff: { type: 'fixed', delay: 5 },
                continueOnFail: true,
              },
            },
            node('b', 'after'),
          ],
        },
      ]);
      const done = await engine.waitForExecution(await engine.enqueueWorkflow('cof', {}));
      expect(done.status).toBe('completed');
      expect(done.nodeResults.a).toMatchObject({ success: false, error: 'kaput' });
      expect(done.nodeResults.b?.data).toEqual({ got: 'kaput' });
      expect(await engine.getDLQItems()).toHaveLength(0);
    });

    it(`${target.name}: fails the execution, starts nothing new, and resumes from the failed node on DLQ retry`, async () => {
      let failing = true;
      const ran: string[] = [];
      const registry = new NodeRegistry()
        .register('step', async (ctx) => {
          ran.push(ctx.nodeId);
          return successResult(ctx.nodeId);
        })
        .register('gate', async (ctx) => {
          ran.push(ctx.nodeId);
          if (failing) throw new Error('gate closed');
          return successResult('open');
        });
      const { engine } = await setup(registry, [
        {
          id: 'dlq',
          nodes: [node('a', 'step', ['gate']), node('gate', 'gate', ['c']), node('c', 'step')],
        },
      ]);
      const failed = await engine.waitForExecution(await engine.enqueueWorkflow('dlq', {}));
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/gate closed/);
      expect(ran).toEqual(['a', 'gate']);
      const [item] = await dlqItemsOf(engine, failed.executionId);
      expect(item?.data.error).toBe('gate closed');
      failing = false;
      expect(await engine.retryDLQItem(item?.id as string)).toBe(true);
      const done = await engine.waitForExecution(failed.executionId);
      expect(done.status).toBe('completed');
      expect(ran).toEqual(['a', 'gate', 'gate', 'c']);
      expect(await engine.getDLQItems()).toHaveLength(0);
    });

    it(`${target.name}: times a node out, aborting its signal, as a retryable failure`, async () => {
      const aborted: boolean[] = [];
      const registry = new NodeRegistry().register('slow', async (ctx) => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        aborted.push(ctx.signal.aborted);
        return successResult('late');
      });
      const { engine } = await setup(registry, [
        {
          id: 'slow',
          nodes: [
            {
              id: 's',
              type: 'slow',
              config: { timeout: 50 },
              retryPolicy: { maxAttempts: 2, backoff: { type: 'fixed', delay: 5 } },
            },
          ],
        },
      ]);
      const done = await engine.waitForExecution(await engine.enqueueWorkflow('slow', {}));
      expect(done.status).toBe('failed');
      expect(done.nodeResults.s?.metadata).toMatchObject({ code: 'NODE_TIMEOUT', attempts: 2 });
      // Each attempt's executor goes on after its timeout; it sees its signal aborted when it ends.
      await waitFor(() => aborted.length === 2, { what: 'both timed-out executors to end' });
      expect(aborted).toEqual([true, true]);
    });

    it(`${target.name}: passes data through a delay node after the wait`, async () => {
      const registry = new NodeRegistry().register('echo', async (ctx) =>
        successResult(ctx.inputData),
      );
      const { engine } = await setup(registry, [
        {
          id: 'delayed',
          nodes: [
            node('a', 'echo', ['wait']),
            { id: 'wait', type: 'delay', config: { duration: 300 }, outputs: ['b'] },
            node('b', 'echo'),
          ],
        },
      ]);
      const started = Date.now();
      const done = await engine.waitForExecution(
        await engine.enqueueWorkflow('delayed', { keep: 'me' }),
      );
      expect(done.status).toBe('completed');
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(done.nodeResults.b?.data).toEqual({ keep: 'me' });
      expect(done.nodeResults.wait?.data).toEqual({ keep: 'me' });
    });

    it(`${target.name}: pins executions to the version they started with`, async () => {
      const registry = new NodeRegistry().register('v', async (ctx) =>
        successResult(ctx.nodeConfig.label),
      );
      const { engine, store } = await setup(registry, [
        { id: 'versioned', nodes: [{ id: 'a', type: 'v', config: { label: 'one' } }] },
      ]);
      const first = await engine.registerWorkflow({
        id: 'versioned',
        nodes: [{ id: 'a', type: 'v', config: { label: 'one' } }],
      });
      expect(first.version).toBe(1);
      const second = await engine.registerWorkflow({
        id: 'versioned',
        nodes: [{ id: 'a', type: 'v', config: { label: 'two' } }],
      });
      expect(second.version).toBe(2);
      const done = await engine.waitForExecution(await engine.enqueueWorkflow('versioned', {}));
      expect(done.workflowVersion).toBe(2);
      expect(done.nodeResults.a?.data).toBe('two');
      expect((await store.getWorkflow('versioned', 1))?.definition.nodes[0]?.config).toEqual({
        label: 'one',
      });
    });

    it(`${target.name}: gives back the same execution for the same jobId and never runs it twice`, async () => {
      let runs = 0;
      const registry = new NodeRegistry().register('count', async () => {
        runs++;
        return successResult(runs);
      });
      const { engine } = await setup(registry, [
        { id: 'dedup', nodes: [{ id: 'a', type: 'count' }] },
      ]);
      const ids = await Promise.all(
        [1, 2, 3].map((n) => engine.enqueueWorkflow('dedup', { n }, { jobId: 'order:42' })),
      );
      expect(new Set(ids).size).toBe(1);
      const done = await engine.waitForExecution(ids[0] as string);
      expect(done.status).toBe('completed');
      expect(done.initialData).toEqual({ n: 1 });
      const again = await engine.enqueueWorkflow('dedup', { n: 4 }, { jobId: 'order:42' });
      expect(again).toBe(ids[0]);
      await queuesIdle(engine); // so a second run would have happened by now
      expect(runs).toBe(1);
      const status = await engine.getJobStatus('order:42');
      expect(status).toMatchObject({ exists: true, status: 'completed', queue: 'workflow' });
    });

    it(`${target.name}: starts delayed, scheduled, prioritized and bulk executions`, async () => {
      const registry = new NodeRegistry().register('echo', async (ctx) =>
        successResult(ctx.inputData),
      );
      const { engine, store } = await setup(registry, [
        { id: 'simple', nodes: [{ id: 'a', type: 'echo' }] },
      ]);
      const t0 = Date.now();
      const delayed = await engine.enqueueWorkflow('simple', { d: 1 }, { delay: 300 });
      expect((await store.getExecution(delayed))?.status).toBe('pending');
      const at = await engine.scheduleWorkflow('simple', { d: 2 }, new Date(Date.now() + 200));
      const bulk = await engine.enqueueBulkWorkflows([
        { workflowId: 'simple', initialData: { b: 1 }, priority: 9 },
        { workflowId: 'simple', initialData: { b: 2 } },
      ]);
      for (const id of [delayed, at, ...bulk])
        expect((await engine.waitForExecution(id)).status).toBe('completed');
      expect((await store.getExecution(delayed))?.startedAt.getTime()).toBeGreaterThanOrEqual(t0);
      expect((await store.getExecution(bulk[0] as string))?.metadata.priority).toBe(2);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    });

    it(`${target.name}: runs nodes named like Object.prototype members`, async () => {
      const registry = new NodeRegistry().register('echo', async (ctx) =>
        successResult({ node: ctx.nodeId, input: ctx.inputData }),
      );
      const { engine } = await setup(registry, [
        {
          id: 'proto-names',
          nodes: [node('constructor', 'echo', ['toString']), node('toString', 'echo')],
        },
      ]);
      const done = await engine.waitForExecution(
        await engine.enqueueWorkflow('proto-names', { x: 1 }),
      );
      expect(done.status).toBe('completed');
      expect(Object.entries(done.nodeResults).find(([id]) => id === 'toString')?.[1].data).toEqual({
        node: 'toString',
        input: { node: 'constructor', input: { x: 1 } },
      });
    });

    it(`${target.name}: runs a higher-priority execution before ordinary ones already waiting`, async () => {
      const order: string[] = [];
      const registry = new NodeRegistry().register('record', async (ctx) => {
        order.push((ctx.inputData as { name: string }).name);
        return successResult({});
      });
      const { engine } = await setup(
        registry,
        [{ id: 'prio', nodes: [{ id: 'a', type: 'record' }] }],
        { workers: false },
      );
      const ids: string[] = [];
      for (const name of ['n1', 'n2', 'n3', 'n4'])
        ids.push(await engine.enqueueWorkflow('prio', { name }));
      ids.push(await engine.enqueueWorkflow('prio', { name: 'low' }, { priority: 1 }));
      ids.push(await engine.enqueueWorkflow('prio', { name: 'urgent' }, { priority: 10 }));
      await engine.startWorkers(1);
      for (const id of ids) expect((await engine.waitForExecution(id)).status).toBe('completed');
      expect(order[0]).toBe('urgent');
      expect(order.at(-1)).toBe('low');
      expect(order.slice(1, 5)).toEqual(['n1', 'n2', 'n3', 'n4']);
    });

    it(`${target.name}: rejects bad input with typed errors and leaves nothing running`, async () => {
      const registry = new NodeRegistry()
        .register('throws-string', async () => {
          throw 'a plain string';
        })
        .register('ok', async () => successResult(1));
      const { engine, store } = await setup(registry, [
        { id: 'strings', nodes: [{ id: 'a', type: 'throws-string' }] },
      ]);
      await expect(engine.enqueueWorkflow('no-such-workflow', {})).rejects.toMatchObject({
        code: 'WORKFLOW_NOT_FOUND',
      });
      await expect(
        engine.registerWorkflow({ id: 'unknown-type', nodes: [{ id: 'a', type: 'teleport' }] }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
        issues: [expect.objectContaining({ path: 'nodes[0].type' })],
      });
      await expect(
        engine.registerWorkflow({
          id: 'cyclic',
          nodes: [node('a', 'ok', ['b']), node('b', 'ok', ['c']), node('c', 'ok', ['a'])],
        }),
      ).rejects.toMatchObject({ code: 'CYCLE_DETECTED', cycle: ['a', 'b', 'c', 'a'] });
      const done = await engine.waitForExecution(await engine.enqueueWorkflow('strings', {}));
      expect(done.status).toBe('failed');
      expect(done.nodeResults.a?.error).toBe('a plain string');
      const running = await store.listExecutions({ status: 'running' });
      expect(running.items).toEqual([]);
    });

    it(`${target.name}: runs 50 executions of 1→20→1 at concurrency 50 with each join running once`, async () => {
      const joins = new Map<string, number>();
      const registry = new NodeRegistry()
        .register('work', async (ctx) => successResult(ctx.nodeId))
        .register('join', async (ctx) => {
          joins.set(ctx.executionId, (joins.get(ctx.executionId) ?? 0) + 1);
          return successResult(Object.keys(ctx.inputData as object).length);
        });
      const middle = Array.from({ length: 20 }, (_, i) => `m${i}`);
      const { engine } = await setup(
        registry,
        [
          {
            id: 'fan',
            nodes: [
              node('start', 'work', middle),
              ...middle.map((m) => node(m, 'work', ['end'])),
              node('end', 'join'),
            ],
          },
        ],
        { concurrency: 50 },
      );
      const ids = await engine.enqueueBulkWorkflows(
        // 1,100 nodes: on the Postgres store this takes seconds on a loaded machine, well under the
        // wait; the throughput itself is measured by the bench.
        Array.from({ length: 50 }, (_, i) => ({ workflowId: 'fan', initialData: { i } })),
      );
      const results = await Promise.all(
        ids.map((id) => engine.waitForExecution(id, { timeoutMs: 60_000, pollMs: 100 })),
      );
      expect(results.every((r) => r.status === 'completed')).toBe(true);
      expect(results.every((r) => r.nodeResults.end?.data === 20)).toBe(true);
      expect(joins.size).toBe(50);
      expect([...joins.values()].every((count) => count === 1)).toBe(true);
    }, 90_000);

    it(`${target.name}: emits typed events for executions and nodes`, async () => {
      const registry = new NodeRegistry().register('ok', async () => successResult(1));
      const { engine } = await setup(registry, [
        { id: 'events', nodes: [node('a', 'ok', ['b']), node('b', 'ok')] },
      ]);
      const seen: string[] = [];
      engine.on('execution:started', () => seen.push('execution:started'));
      engine.on('node:completed', (e) => seen.push(`node:completed:${e.nodeId}`));
      const completed = new Promise<void>((resolve) =>
        engine.on('execution:completed', () => resolve()),
      );
      await engine.enqueueWorkflow('events', {});
      await completed;
      expect(seen).toEqual(['execution:started', 'node:completed:a', 'node:completed:b']);
    });
  });
}
