import {
  type ExecutionContext,
  type ExecutionStore,
  MAX_SUBWORKFLOW_DEPTH,
  NodeRegistry,
  successResult,
  type WorkflowDefinition,
} from '@spane/core';
import { nodeJobId } from '@spane/queue';
import { waitFor } from '@spane/test-support';
import { describe, expect, it } from 'vitest';
import { dlqItemsOf, type EngineTarget, engineFixture, node, queuesIdle } from './harness.ts';
import { gate } from './support/gate.ts';

/**
 * Control and composition, written once and run against every queue backend and store: pause,
 * resume, cancel (with descendants), delay variants, sub-workflows and map.
 */
export function defineControlSuite(target: EngineTarget): void {
  describe(`control and composition on ${target.name}`, () => {
    const { setup } = engineFixture(target);

    const echo = async (ctx: ExecutionContext) =>
      successResult({ node: ctx.nodeId, input: ctx.inputData });

    it(`${target.name}: pause lets running nodes finish, starts nothing new, and resume starts exactly what was held`, async () => {
      const g = gate();
      const ran: string[] = [];
      const registry = new NodeRegistry()
        .register('gate', g.executor)
        .register('echo', async (ctx) => {
          ran.push(ctx.nodeId);
          return echo(ctx);
        });
      const { engine, store } = await setup(registry, [
        { id: 'p', nodes: [node('a', 'gate', ['b', 'c']), node('b', 'echo'), node('c', 'echo')] },
      ]);
      const id = await engine.enqueueWorkflow('p', { x: 1 });
      await waitFor(() => g.started.length === 1, { what: 'the gated node to start' });
      expect(await engine.pauseExecution(id)).toBe(true);
      expect(await engine.pauseWorkflow(id)).toBe(false); // already paused
      g.release();
      await waitFor(async () => (await store.getExecution(id))?.nodeResults.a, {
        what: 'node a to record its result',
      });
      // b and c were held in the same commit as a's result: no job was made for them.
      await queuesIdle(engine);
      expect(ran).toEqual([]);
      expect((await engine.getJobStatus(nodeJobId(id, 'b'))).exists).toBe(false);
      expect((await store.getExecution(id))?.status).toBe('paused');
      expect(await engine.resumeExecution(id)).toBe(true);
      const done = await engine.waitForExecution(id);
      expect(done.status).toBe('completed');
      expect(ran.sort()).toEqual(['b', 'c']);
    });

    it(`${target.name}: cancel aborts running executors, removes delayed jobs, and terminal states never change`, async () => {
      const g = gate();
      const registry = new NodeRegistry().register('gate', g.executor).register('echo', echo);
      const { engine, store } = await setup(registry, [
        { id: 'c1', nodes: [node('a', 'gate', ['b']), node('b', 'echo')] },
        {
          id: 'c2',
          nodes: [
            { id: 'wait', type: 'delay', config: { durationSeconds: 30 }, outputs: ['after'] },
            node('after', 'echo'),
          ],
        },
      ]);
      const running = await engine.enqueueWorkflow('c1', {});
      await waitFor(() => g.started.length === 1, { what: 'the gated node to start' });
      expect(await engine.cancelExecution(running)).toBe(true);
      await waitFor(() => g.aborted.length === 1, { what: 'the gated executor to be aborted' });
      expect((await store.getExecution(running))?.status).toBe('cancelled');
      expect((await store.getExecution(running))?.nodeResults.b).toBeUndefined();

      const waiting = await engine.enqueueWorkflow('c2', {});
      const waitJob = nodeJobId(waiting, 'wait', 'wait');
      await waitFor(async () => (await engine.getJobStatus(waitJob)).exists, {
        what: 'the delayed job of the wait',
      });
      expect(await engine.cancelWorkflow(waiting)).toBe(true);
      expect((await engine.getJobStatus(waitJob)).exists).toBe(false);

      g.release();
      const finished = await engine.enqueueWorkflow('c1', {});
      expect((await engine.waitForExecution(finished)).status).toBe('completed');
      expect(await engine.cancelExecution(finished)).toBe(false);
      expect(await engine.pauseExecution(finished)).toBe(false);
      expect(await engine.resumeExecution(finished)).toBe(false);
      expect((await store.getExecution(finished))?.status).toBe('completed');
      expect(await engine.cancelExecutions([running, finished])).toEqual({
        [running]: false,
        [finished]: false,
      });
    });

    it(`${target.name}: cancel removes a delayed retry of a node that first ran inline`, async () => {
      const registry = new NodeRegistry().register('echo', echo).register('flaky', async () => {
        throw new Error('try later');
      });
      const { engine } = await setup(registry, [
        {
          id: 'retry-later',
          nodes: [
            node('a', 'echo', ['b']),
            {
              id: 'b',
              type: 'flaky',
              retryPolicy: { maxAttempts: 3, backoff: { type: 'fixed', delay: 60_000 } },
            },
          ],
        },
      ]);
      const id = await engine.enqueueWorkflow('retry-later', {});
      const retryJob = nodeJobId(id, 'b', 'inline1');
      await waitFor(async () => (await engine.getJobStatus(retryJob)).exists, {
        what: 'the delayed retry job',
      });
      expect((await engine.getJobStatus(retryJob)).status).toBe('delayed');
      expect(await engine.cancelExecution(id)).toBe(true);
      expect((await engine.getJobStatus(retryJob)).exists).toBe(false);
    });

    it(`${target.name}: a resume the queue refuses leaves the execution paused with its nodes held`, async () => {
      const g = gate();
      const ran: string[] = [];
      const registry = new NodeRegistry()
        .register('gate', g.executor)
        .register('echo', async (ctx) => {
          ran.push(ctx.nodeId);
          return echo(ctx);
        });
      const workflows = [{ id: 'refused', nodes: [node('a', 'gate', ['b']), node('b', 'echo')] }];
      const worker = await setup(registry, workflows);
      const broken = await setup(registry, workflows, {
        store: worker.store,
        config: { prefix: worker.engine.getConfig().prefix },
        workers: false,
      });
      const id = await worker.engine.enqueueWorkflow('refused', {});
      await waitFor(() => g.started.length === 1, { what: 'the gated node to start' });
      expect(await worker.engine.pauseExecution(id)).toBe(true);
      g.release();
      await waitFor(async () => (await worker.store.getExecution(id))?.nodeResults.a, {
        what: 'node a to record its result',
      });
      await broken.engine.close(); // its queue connection is gone: every add fails
      await expect(broken.engine.resumeExecution(id)).rejects.toMatchObject({
        code: 'WORKFLOW_ERROR',
        message: expect.stringMatching(/queues are closed/),
      });
      expect((await worker.store.getExecution(id))?.status).toBe('paused');
      expect(ran).toEqual([]);
      expect(await worker.engine.resumeExecution(id)).toBe(true);
      expect((await worker.engine.waitForExecution(id)).status).toBe('completed');
      expect(ran).toEqual(['b']);
    });

    it(`${target.name}: a cancel from another engine instance aborts the executor where it runs`, async () => {
      const g = gate();
      const registry = new NodeRegistry().register('gate', g.executor);
      const workflows = [{ id: 'remote', nodes: [node('a', 'gate')] }];
      const worker = await setup(registry, workflows);
      const { engine: controller } = await setup(registry, workflows, {
        store: worker.store,
        config: { prefix: worker.engine.getConfig().prefix },
        workers: false,
      });
      const id = await controller.enqueueWorkflow('remote', {});
      await waitFor(() => g.started.length === 1, { what: 'the gated node to start' });
      expect(await controller.cancelExecution(id)).toBe(true);
      await waitFor(() => g.aborted.length === 1, { what: 'the gated executor to be aborted' });
      expect(g.aborted).toEqual([`${id}:a`]);
      expect((await worker.store.getExecution(id))?.status).toBe('cancelled');
    });

    it(`${target.name}: an open circuit breaker fails fast without running the executor, then a probe closes it`, async () => {
      let calls = 0;
      let healthy = false;
      const registry = new NodeRegistry()
        .register('flaky', async () => {
          calls++;
          if (!healthy) throw new Error('service down');
          return successResult({ ok: true });
        })
        .registerCircuitBreaker('flaky', { failureThreshold: 2, timeout: 1_500 });
      const { engine } = await setup(registry, [{ id: 'cb', nodes: [node('call', 'flaky')] }]);
      for (let i = 0; i < 2; i++) {
        const failed = await engine.waitForExecution(await engine.enqueueWorkflow('cb', {}));
        expect(failed.status).toBe('failed');
      }
      expect(calls).toBe(2);
      expect(engine.getCircuitBreakerStats().flaky?.state).toBe('open');
      healthy = true;
      const opened = Date.now();
      const id = await engine.enqueueWorkflow('cb', {});
      await waitFor(() => (engine.getCircuitBreakerStats().flaky?.rejected ?? 0) > 0, {
        what: 'the open breaker to turn the node away',
      });
      expect(calls).toBe(2); // turned away while open, not counted as an attempt
      const done = await engine.waitForExecution(id);
      expect(done.status).toBe('completed');
      expect(Date.now() - opened).toBeGreaterThanOrEqual(1_400); // the probe came after the timeout
      expect(calls).toBe(3);
      expect(engine.getCircuitBreakerStats().flaky?.state).toBe('closed');
    });

    it(`${target.name}: replays a whole execution, or from a node reusing every other result`, async () => {
      const runs: string[] = [];
      const registry = new NodeRegistry().register('count', async (ctx) => {
        runs.push(ctx.nodeId);
        return successResult({ node: ctx.nodeId, input: ctx.inputData });
      });
      const { engine, store } = await setup(registry, [
        {
          id: 'r',
          nodes: [
            node('a', 'count', ['b', 'd']),
            node('b', 'count', ['c']),
            node('c', 'count'),
            node('d', 'count'),
          ],
        },
      ]);
      const first = await engine.waitForExecution(await engine.enqueueWorkflow('r', { n: 1 }));
      expect(first.status).toBe('completed');
      expect(runs.sort()).toEqual(['a', 'b', 'c', 'd']);

      runs.length = 0;
      const whole = await engine.waitForExecution(await engine.replayWorkflow(first.executionId));
      expect(whole.status).toBe('completed');
      expect(whole.metadata).toMatchObject({ replayOf: first.executionId });
      expect(runs.sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(whole.nodeResults).toEqual(first.nodeResults);

      runs.length = 0;
      const partial = await engine.waitForExecution(
        await engine.replayWorkflow(first.executionId, { fromNodeId: 'b' }),
      );
      expect(partial.status).toBe('completed');
      expect(runs.sort()).toEqual(['b', 'c']);
      expect(partial.nodeResults).toEqual(first.nodeResults);
      expect((await store.getExecution(first.executionId))?.status).toBe('completed');
      await expect(
        engine.replayWorkflow(first.executionId, { fromNodeId: 'nope' }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
      });
      await expect(engine.replayWorkflow('missing')).rejects.toMatchObject({
        code: 'EXECUTION_NOT_FOUND',
      });
    });

    it(`${target.name}: a DLQ retry skips the branch a parent deactivated while the execution was failed`, async () => {
      const stores: ExecutionStore[] = []; // filled once the engine is set up
      let healthy = false;
      let routing = false;
      const registry = new NodeRegistry()
        .register('fragile', async () => {
          if (!healthy) {
            await waitFor(() => routing, { what: 'the router to start' }); // fail while it runs
            throw new Error('not yet');
          }
          return successResult('fixed');
        })
        .register('router', async (ctx) => {
          routing = true;
          // Commit only after x failed the execution.
          await waitFor(
            async () =>
              (await stores[0]?.getExecution(ctx.executionId, { nodeIds: [] }))?.status ===
              'failed',
            { what: 'x to fail the execution while the router runs' },
          );
          return successResult('routed', { nextNodes: ['yes'] });
        })
        .register('echo', echo);
      const { engine, store } = await setup(registry, [
        {
          id: 'dlq-branch',
          nodes: [
            node('x', 'fragile', ['join']),
            node('route', 'router', ['yes', 'no']),
            node('yes', 'echo', ['join']),
            node('no', 'echo', ['join']),
            node('join', 'echo'),
          ],
        },
      ]);
      stores.push(store);
      const id = await engine.enqueueWorkflow('dlq-branch', {});
      expect((await engine.waitForExecution(id)).status).toBe('failed');
      await waitFor(async () => (await store.getExecution(id))?.nodeResults.route, {
        what: 'the router to record its result',
      });
      const [item] = (await engine.getDLQItems()).filter((entry) => entry.data.executionId === id);
      expect(item?.data.nodeId).toBe('x');
      healthy = true;
      expect(await engine.retryDLQItem(item?.id as string)).toBe(true);
      await waitFor(async () => (await store.getExecution(id))?.status === 'completed', {
        what: 'the retried execution to complete',
      });
      const done = await store.getExecution(id);
      expect(done?.nodeResults.no?.skipped).toBe(true);
      expect(done?.nodeResults.yes?.success).toBe(true);
      expect(done?.nodeResults.join?.success).toBe(true);
    });

    it(`${target.name}: a chain's next node runs in the same job with exact attempts, retries and DLQ records`, async () => {
      const attempts: Record<string, number[]> = {};
      const record = (executionId: string, attempt: number) => {
        attempts[executionId] = [...(attempts[executionId] ?? []), attempt];
      };
      let flakyFailures = 1;
      const registry = new NodeRegistry()
        .register('ok', async (ctx) => successResult({ node: ctx.nodeId, input: ctx.inputData }))
        .register('flaky', async (ctx) => {
          record(ctx.executionId, ctx.attempt);
          if (flakyFailures-- > 0) throw new Error('transient');
          return successResult({ attempt: ctx.attempt, key: ctx.idempotencyKey });
        })
        .register('broken', async (ctx) => {
          record(ctx.executionId, ctx.attempt);
          throw new Error('always');
        });
      const retry = { maxAttempts: 3, backoff: { type: 'fixed' as const, delay: 20 } };
      const once = { maxAttempts: 1, backoff: { type: 'fixed' as const, delay: 20 } };
      const chain = (id: string, type: string, retryPolicy: typeof retry) => ({
        id,
        nodes: [
          node('a', 'ok', ['b']),
          { id: 'b', type, retryPolicy, outputs: ['c'] },
          node('c', 'ok'),
        ],
      });
      for (const inlineChains of [true, false]) {
        flakyFailures = 1;
        const { engine } = await setup(
          registry,
          [chain('retried', 'flaky', retry), chain('dead', 'broken', once)],
          { config: { inlineChains } },
        );
        const retried = await engine.waitForExecution(await engine.enqueueWorkflow('retried', {}));
        expect(retried.status).toBe('completed');
        expect(attempts[retried.executionId]).toEqual([1, 2]);
        expect(retried.nodeResults.b?.data).toEqual({
          attempt: 2,
          key: `${retried.executionId}:b`,
        });
        expect(retried.nodeResults.c?.data).toMatchObject({ node: 'c' });

        const dead = await engine.waitForExecution(await engine.enqueueWorkflow('dead', {}));
        expect(dead.status).toBe('failed');
        expect(attempts[dead.executionId]).toEqual([1]); // one attempt, run once
        const [item] = await dlqItemsOf(engine, dead.executionId);
        expect(item?.data).toMatchObject({ nodeId: 'b', attemptsMade: 1 });
        expect(engine.getConfig().inlineChains).toBe(inlineChains);
      }
    });

    it(`${target.name}: retries two failed branches one after the other, and then completes`, async () => {
      let healthy = false;
      // Both branches are running before either fails, so both failures are recorded.
      let arrived = 0;
      const registry = new NodeRegistry()
        .register('fragile', async (ctx) => {
          if (!healthy) {
            arrived++;
            await waitFor(() => arrived >= 2, { what: 'both fragile branches to run' });
            throw new Error(`${ctx.nodeId} down`);
          }
          return successResult({ node: ctx.nodeId });
        })
        .register('echo', echo);
      const { engine, store } = await setup(registry, [
        {
          id: 'two-fail',
          nodes: [
            node('start', 'echo', ['x', 'y']),
            node('x', 'fragile', ['after-x']),
            node('y', 'fragile', ['after-y']),
            node('after-x', 'echo', ['join']),
            node('after-y', 'echo', ['join']),
            node('join', 'echo'),
          ],
        },
      ]);
      const id = await engine.enqueueWorkflow('two-fail', {});
      expect((await engine.waitForExecution(id)).status).toBe('failed');
      await waitFor(
        async () => {
          const results = (await store.getExecution(id))?.nodeResults ?? {};
          return results.x !== undefined && results.y !== undefined;
        },
        { what: 'both fragile branches to record their failures' },
      );
      const items = await dlqItemsOf(engine, id, 2);
      healthy = true;
      const [first, second] = items;
      expect(await engine.retryDLQItem(first?.id as string)).toBe(true);
      // The retried branch runs as far as it can; the other stays failed, so nothing below it
      // runs yet and the execution cannot complete.
      const retriedNode = first?.data.nodeId as string;
      const other = retriedNode === 'x' ? 'y' : 'x';
      await waitFor(
        async () => (await store.getExecution(id))?.nodeResults[`after-${retriedNode}`],
        {
          what: `after-${retriedNode} to run after the first retry`,
        },
      );
      await queuesIdle(engine);
      const midway = await store.getExecution(id);
      expect(midway?.status).toBe('running');
      expect(midway?.nodeResults[`after-${other}`]).toBeUndefined();
      expect(midway?.nodeResults.join).toBeUndefined();
      expect(await engine.retryDLQItem(second?.id as string)).toBe(true);
      const done = await engine.waitForExecution(id);
      expect(done.status).toBe('completed');
      expect(done.nodeResults.join?.success).toBe(true);
      expect((await engine.getDLQItems()).filter((item) => item.data.executionId === id)).toEqual(
        [],
      );
    });

    it(`${target.name}: a sub-workflow that ends after its execution failed is kept for the DLQ retry`, async () => {
      const stores: ExecutionStore[] = []; // filled once the engine is set up
      let childRuns = 0;
      let brokenUp = false;
      const registry = new NodeRegistry()
        .register('slow-child', async (ctx) => {
          childRuns++;
          // End only after the parent execution failed.
          await waitFor(
            async () =>
              (await stores[0]?.getExecution(ctx.parentExecutionId as string, { nodeIds: [] }))
                ?.status === 'failed',
            { what: 'the parent execution to fail while the sub-workflow runs' },
          );
          return successResult({ child: 'done' });
        })
        .register('breaks', async () => {
          if (!brokenUp) {
            await waitFor(() => childRuns > 0, { what: 'the sub-workflow to start' }); // fail while it runs
            throw new Error('not yet');
          }
          return successResult({ fixed: true });
        })
        .register('echo', echo);
      const { engine, store } = await setup(registry, [
        { id: 'slow-sub', nodes: [node('work', 'slow-child')] },
        {
          id: 'sub-and-break',
          nodes: [
            node('start', 'echo', ['sub', 'brk']),
            {
              id: 'sub',
              type: 'sub-workflow',
              config: { workflowId: 'slow-sub' },
              outputs: ['end'],
            },
            node('brk', 'breaks', ['end']),
            node('end', 'echo'),
          ],
        },
      ]);
      stores.push(store);
      const id = await engine.enqueueWorkflow('sub-and-break', {});
      expect((await engine.waitForExecution(id)).status).toBe('failed');
      await waitFor(async () => (await store.getExecution(id))?.nodeResults.sub, {
        what: 'the sub-workflow node to record its result',
      });
      expect((await store.getExecution(id))?.nodeResults.sub?.data).toEqual({ child: 'done' });
      const [item] = await dlqItemsOf(engine, id);
      brokenUp = true;
      expect(await engine.retryDLQItem(item?.id as string)).toBe(true);
      const done = await engine.waitForExecution(id);
      expect(done.status).toBe('completed');
      expect(childRuns).toBe(1);
    });

    it(`${target.name}: a paused map starts no new items until resume`, async () => {
      const stores: ExecutionStore[] = []; // filled once the engine is set up
      const started: number[] = [];
      const registry = new NodeRegistry()
        .register('item', async (ctx) => {
          started.push(ctx.inputData as number);
          // The first two items run until the map's execution is paused.
          if ((ctx.inputData as number) <= 2) {
            await waitFor(
              async () =>
                (await stores[0]?.getExecution(ctx.parentExecutionId as string, { nodeIds: [] }))
                  ?.status === 'paused',
              { what: 'the map execution to be paused while two items run' },
            );
          }
          return successResult(ctx.inputData);
        })
        .register('emit', async (ctx) => successResult(ctx.inputData));
      const { engine, store } = await setup(registry, [
        { id: 'one-item', nodes: [node('work', 'item')] },
        {
          id: 'paused-map',
          nodes: [
            node('in', 'emit', ['each']),
            {
              id: 'each',
              type: 'map',
              config: { workflowId: 'one-item', itemsPath: 'items', concurrency: 2 },
            },
          ],
        },
      ]);
      stores.push(store);
      const id = await engine.enqueueWorkflow('paused-map', { items: [1, 2, 3, 4, 5, 6] });
      await waitFor(() => started.length === 2, { what: 'two map items to start' });
      expect(await engine.pauseExecution(id)).toBe(true);
      // The two running items finish; everything they led to is processed, and no item started.
      await waitFor(
        async () =>
          (await stores[0]?.listExecutions({ parentExecutionId: id }))?.items.every(
            (child) => child.status !== 'running',
          ),
        { what: 'the two running map items to finish' },
      );
      await queuesIdle(engine);
      expect(started.sort()).toEqual([1, 2]); // later items may exist, paused with nothing run
      expect(await engine.resumeExecution(id)).toBe(true);
      const done = await engine.waitForExecution(id);
      expect(done.status).toBe('completed');
      expect(done.nodeResults.each?.data).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it(`${target.name}: delay nodes take duration, durationSeconds, durationMinutes and until, and survive every worker stopping`, async () => {
      const registry = new NodeRegistry().register('echo', echo);
      // Waits long enough to outlast closing the first engine, which starts as soon as every wait
      // has begun.
      const untilMs = Date.now() + 3_000;
      const untilIso = new Date(untilMs).toISOString();
      const workflows: WorkflowDefinition[] = [
        {
          id: 'd-ms',
          nodes: [
            { id: 'w', type: 'delay', config: { duration: 1_500 }, outputs: ['e'] },
            node('e', 'echo'),
          ],
        },
        {
          id: 'd-s',
          nodes: [
            { id: 'w', type: 'delay', config: { durationSeconds: 1.5 }, outputs: ['e'] },
            node('e', 'echo'),
          ],
        },
        {
          id: 'd-min',
          nodes: [
            { id: 'w', type: 'delay', config: { durationMinutes: 0.025 }, outputs: ['e'] },
            node('e', 'echo'),
          ],
        },
        {
          id: 'd-until',
          nodes: [
            { id: 'w', type: 'delay', config: { until: untilIso }, outputs: ['e'] },
            node('e', 'echo'),
          ],
        },
      ];
      const first = await setup(registry, workflows);
      const { store } = first;
      const started = Date.now();
      const ids = await Promise.all(
        workflows.map((w) => first.engine.enqueueWorkflow(w.id, { id: w.id })),
      );
      // Every wait has begun (its delayed job is there) before every worker stops; a new engine
      // process picks the delayed jobs up.
      for (const id of ids) {
        await waitFor(
          async () =>
            (await first.engine.getJobStatus(nodeJobId(id, 'w', 'wait'))).status === 'delayed',
          { what: `the delayed job of execution ${id}'s wait` },
        );
      }
      await first.engine.close();
      const prefix = first.engine.getConfig().prefix;
      const { engine: second } = await setup(registry, workflows, { store, config: { prefix } });
      for (const [index, id] of ids.entries()) {
        const done = await second.waitForExecution(id);
        expect(done.status).toBe('completed');
        expect(done.nodeResults.e?.data).toEqual({
          node: 'e',
          input: { id: workflows[index]?.id },
        });
      }
      expect(Date.now()).toBeGreaterThanOrEqual(untilMs - 10); // the "until" wait ended on time
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_490); // and so did the durations
    });

    it(`${target.name}: a sub-workflow holds no worker slot, maps input and output, and links the child`, async () => {
      const registry = new NodeRegistry()
        .register('double', async (ctx) =>
          successResult({ value: (ctx.inputData as { n: number }).n * 2 }),
        )
        .register('echo', echo);
      const { engine, store } = await setup(
        registry,
        [
          { id: 'child', nodes: [node('double', 'double')] },
          {
            id: 'parent',
            nodes: [
              node('start', 'echo', ['sub']),
              {
                id: 'sub',
                type: 'sub-workflow',
                config: {
                  workflowId: 'child',
                  inputMapping: { n: 'input.order.amount' },
                  outputMapping: { doubled: 'value' },
                },
                outputs: ['end'],
              },
              node('end', 'echo'),
            ],
          },
        ],
        { concurrency: 1 },
      );
      const ids = await Promise.all(
        [1, 2, 3].map((n) => engine.enqueueWorkflow('parent', { order: { amount: n } })),
      );
      for (const [index, id] of ids.entries()) {
        const done = await engine.waitForExecution(id);
        expect(done.status).toBe('completed');
        expect(done.nodeResults.sub?.data).toEqual({ doubled: (index + 1) * 2 });
        expect(done.nodeResults.end?.data).toEqual({
          node: 'end',
          input: { doubled: (index + 1) * 2 },
        });
        const childId = done.nodeResults.sub?.metadata?.childExecutionId as string;
        const child = await store.getExecution(childId);
        expect(child).toMatchObject({
          workflowId: 'child',
          parentExecutionId: id,
          parentNodeId: 'sub',
          depth: 1,
          status: 'completed',
        });
      }
    });

    it(`${target.name}: a failed sub-workflow fails its node unless continueOnFail`, async () => {
      const registry = new NodeRegistry()
        .register('boom', async () => {
          throw new Error('child broke');
        })
        .register('echo', echo);
      const sub = (continueOnFail: boolean) => ({
        id: 'sub',
        type: 'sub-workflow',
        config: { workflowId: 'breaks', continueOnFail },
        outputs: ['after'],
      });
      const { engine } = await setup(registry, [
        { id: 'breaks', nodes: [node('x', 'boom')] },
        { id: 'strict', nodes: [sub(false), node('after', 'echo')] },
        { id: 'lenient', nodes: [sub(true), node('after', 'echo')] },
      ]);
      const strict = await engine.waitForExecution(await engine.enqueueWorkflow('strict', {}));
      expect(strict.status).toBe('failed');
      expect(strict.nodeResults.sub?.error).toMatch(/child broke/);
      expect(strict.nodeResults.after).toBeUndefined();
      const lenient = await engine.waitForExecution(await engine.enqueueWorkflow('lenient', {}));
      expect(lenient.status).toBe('completed');
      expect(lenient.nodeResults.sub?.success).toBe(false);
      expect(lenient.nodeResults.after?.success).toBe(true);
    });

    it(`${target.name}: nests sub-workflows to depth ${MAX_SUBWORKFLOW_DEPTH} and rejects one deeper`, async () => {
      const registry = new NodeRegistry().register('leaf', async (ctx) =>
        successResult({ depth: ctx.depth }),
      );
      const chain = (depth: number, name: string): WorkflowDefinition[] =>
        Array.from({ length: depth + 1 }, (_, level) => ({
          id: `${name}${level}`,
          nodes:
            level === depth
              ? [node('leaf', 'leaf')]
              : [
                  {
                    id: 'down',
                    type: 'sub-workflow',
                    config: { workflowId: `${name}${level + 1}` },
                  },
                ],
        }));
      const { engine } = await setup(registry, [
        ...chain(MAX_SUBWORKFLOW_DEPTH, 'ok'),
        ...chain(MAX_SUBWORKFLOW_DEPTH + 1, 'deep'),
      ]);
      const ok = await engine.waitForExecution(await engine.enqueueWorkflow('ok0', {}));
      expect(ok.status).toBe('completed');
      expect(ok.nodeResults.down?.data).toEqual({ depth: MAX_SUBWORKFLOW_DEPTH });
      const deep = await engine.waitForExecution(await engine.enqueueWorkflow('deep0', {}));
      expect(deep.status).toBe('failed');
      expect(deep.error).toMatch(/depth/);
    });

    it(`${target.name}: cancelling a parent three levels up stops every descendant; pause reaches them too`, async () => {
      const g = gate();
      const registry = new NodeRegistry().register('gate', g.executor);
      const level = (id: string, next?: string): WorkflowDefinition => ({
        id,
        nodes: next
          ? [{ id: 'down', type: 'sub-workflow', config: { workflowId: next } }]
          : [node('work', 'gate')],
      });
      const { engine, store } = await setup(registry, [
        level('l0', 'l1'),
        level('l1', 'l2'),
        level('l2', 'l3'),
        level('l3'),
      ]);
      const root = await engine.enqueueWorkflow('l0', {});
      await waitFor(() => g.started.length === 1, { what: 'the gated node to start' });
      const descendants: string[] = [];
      let parent = root;
      for (let depth = 1; depth <= 3; depth++) {
        const page = await store.listExecutions({ parentExecutionId: parent });
        expect(page.items).toHaveLength(1);
        parent = page.items[0]?.executionId as string;
        descendants.push(parent);
      }
      expect(await engine.pauseExecution(root)).toBe(true);
      for (const id of descendants) expect((await store.getExecution(id))?.status).toBe('paused');
      expect(await engine.resumeExecution(root)).toBe(true);
      for (const id of descendants) expect((await store.getExecution(id))?.status).toBe('running');

      expect(await engine.cancelExecution(root)).toBe(true);
      for (const id of [root, ...descendants]) {
        expect((await store.getExecution(id))?.status).toBe('cancelled');
      }
      await waitFor(() => g.aborted.length === 1, { what: 'the gated executor to be aborted' });
    });

    it(`${target.name}: map runs a sub-workflow per item within its concurrency bound, results in item order`, async () => {
      let active = 0;
      let maxActive = 0;
      const registry = new NodeRegistry()
        .register('square', async (ctx) => {
          active++;
          maxActive = Math.max(maxActive, active);
          const n = ctx.inputData as number;
          // The first item runs until a second one runs beside it; the others take turns.
          if (n === 1) await waitFor(() => active >= 2, { what: 'a second map item to run' });
          else await new Promise((resolve) => setTimeout(resolve, ((n * 7) % 5) * 10));
          active--;
          if (n === 13) throw new Error('unlucky');
          return successResult(n * n);
        })
        .register('emit', async (ctx) => successResult(ctx.inputData));
      const each = (continueOnFail: boolean) => ({
        id: 'each',
        type: 'map',
        config: { workflowId: 'sq', itemsPath: 'numbers', concurrency: 3, continueOnFail },
      });
      const { engine } = await setup(registry, [
        { id: 'sq', nodes: [node('square', 'square')] },
        { id: 'loop', nodes: [node('in', 'emit', ['each']), each(false)] },
        { id: 'loop-lenient', nodes: [node('in', 'emit', ['each']), each(true)] },
      ]);
      const numbers = Array.from({ length: 12 }, (_, i) => i + 1);
      const done = await engine.waitForExecution(await engine.enqueueWorkflow('loop', { numbers }));
      expect(done.status).toBe('completed');
      expect(done.nodeResults.each?.data).toEqual(numbers.map((n) => n * n));
      expect(maxActive).toBeLessThanOrEqual(3);
      expect(maxActive).toBeGreaterThanOrEqual(2);

      const empty = await engine.waitForExecution(
        await engine.enqueueWorkflow('loop', { numbers: [] }),
      );
      expect(empty.nodeResults.each?.data).toEqual([]);

      const withBad = [12, 13, 14];
      const failed = await engine.waitForExecution(
        await engine.enqueueWorkflow('loop', { numbers: withBad }),
      );
      expect(failed.status).toBe('failed');
      expect(failed.nodeResults.each?.error).toMatch(/item 1/);
      const marked = await engine.waitForExecution(
        await engine.enqueueWorkflow('loop-lenient', { numbers: withBad }),
      );
      expect(marked.status).toBe('completed');
      const data = marked.nodeResults.each?.data as unknown[];
      expect(data[0]).toBe(144);
      expect(data[1]).toMatchObject({ error: expect.stringMatching(/unlucky/) });
      expect(data[2]).toBe(196);
      expect(marked.nodeResults.each?.metadata).toMatchObject({ failedItems: [1] });
    });
  });
}
