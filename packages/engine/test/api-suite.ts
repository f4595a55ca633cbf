import {
  type ExecutionContext,
  ExecutionNotFoundError,
  NodeRegistry,
  successResult,
  WorkflowError,
} from '@spane/core';
import { nodeJobId } from '@spane/queue';
import { waitFor } from '@spane/test-support';
import { describe, expect, it } from 'vitest';
import { dlqItemsOf, type EngineTarget, engineFixture, node } from './harness.ts';
import { gate } from './support/gate.ts';

const echo = async (ctx: ExecutionContext) =>
  successResult({ node: ctx.nodeId, input: ctx.inputData });

/** What every method that adds work gives once the engine is closed. */
const shutdownError = {
  name: 'EngineShutdownError',
  code: 'ENGINE_SHUTDOWN',
  message: expect.stringMatching(/closed/),
};
/** What a method that only reads the queues gives once they are closed. */
const queuesClosedError = {
  name: 'WorkflowError',
  code: 'WORKFLOW_ERROR',
  message: expect.stringMatching(/queues are closed/),
};

/**
 * The public methods of `WorkflowEngine` that the semantic suites do not exercise on their own,
 * each end to end on a queue backend and a store: lookups, bulk control, queue stats, the
 * dead-letter queue's paging and refusals, timeouts, shutdown and use after close.
 */
export function defineApiSuite(target: EngineTarget): void {
  describe(`engine API on ${target.name}`, () => {
    const { setup } = engineFixture(target);

    it(`${target.name}: getWorkflow returns the latest definition this engine registered`, async () => {
      const registry = new NodeRegistry().register('echo', echo);
      const { engine } = await setup(registry, [{ id: 'looked-up', nodes: [node('a', 'echo')] }]);
      expect(await engine.getWorkflow('looked-up')).toMatchObject({
        id: 'looked-up',
        nodes: [{ id: 'a', type: 'echo' }],
      });
      await engine.registerWorkflow({
        id: 'looked-up',
        nodes: [node('a', 'echo', ['b']), node('b', 'echo')],
      });
      expect((await engine.getWorkflow('looked-up'))?.nodes.map((n) => n.id)).toEqual(['a', 'b']);
      expect(await engine.getWorkflow('never-registered')).toBeUndefined();
    });

    it(`${target.name}: enqueueNode runs a node of an execution whose start was lost, and refuses a wrong one`, async () => {
      const registry = new NodeRegistry().register('echo', echo);
      const { engine, store } = await setup(registry, [
        { id: 'lost-start', nodes: [node('a', 'echo', ['b']), node('b', 'echo')] },
        { id: 'other', nodes: [node('a', 'echo')] },
      ]);
      // Stored as running, but no node job was ever added: nothing runs until a node is enqueued.
      const { execution } = await store.createExecution({
        workflowId: 'lost-start',
        workflowVersion: 1,
        initialData: { n: 1 },
      });
      const id = execution.executionId;
      expect(await engine.enqueueNode(id, 'lost-start', 'a')).toBe(nodeJobId(id, 'a'));
      const done = await engine.waitForExecution(id);
      expect(done.status).toBe('completed');
      expect(done.nodeResults.b?.data).toEqual({
        node: 'b',
        input: { node: 'a', input: { n: 1 } },
      });

      const missing = engine.enqueueNode('no-such-execution', 'lost-start', 'a');
      await expect(missing).rejects.toBeInstanceOf(ExecutionNotFoundError);
      await expect(missing).rejects.toMatchObject({ code: 'EXECUTION_NOT_FOUND' });
      const wrong = engine.enqueueNode(id, 'other', 'a');
      await expect(wrong).rejects.toBeInstanceOf(WorkflowError);
      await expect(wrong).rejects.toMatchObject({
        code: 'WORKFLOW_ERROR',
        executionId: id,
        message: expect.stringMatching(/runs "lost-start", not "other"/),
      });
    });

    it(`${target.name}: pauseExecutions, resumeExecutions, resumeWorkflow and cancelExecutions act on every execution given`, async () => {
      const held = gate();
      const doomed = gate();
      const ran: string[] = [];
      const registry = new NodeRegistry()
        .register('held', held.executor)
        .register('doomed', doomed.executor)
        .register('echo', async (ctx) => {
          ran.push(ctx.executionId);
          return echo(ctx);
        });
      const { engine, store } = await setup(registry, [
        { id: 'bulk-pause', nodes: [node('a', 'held', ['b']), node('b', 'echo')] },
        { id: 'bulk-cancel', nodes: [node('a', 'doomed', ['b']), node('b', 'echo')] },
      ]);
      const paused = await Promise.all([1, 2, 3].map(() => engine.enqueueWorkflow('bulk-pause')));
      await waitFor(() => held.started.length === 3, { what: 'three gated nodes to start' });
      const expectAll = (value: boolean, ids: readonly string[]) =>
        Object.fromEntries(ids.map((id) => [id, value]));
      expect(await engine.pauseExecutions(paused)).toEqual(expectAll(true, paused));
      for (const id of paused) expect((await store.getExecution(id))?.status).toBe('paused');
      held.release();
      // Each running node finishes while paused; its child is held in the same commit, so no job.
      for (const id of paused) {
        await waitFor(async () => (await store.getExecution(id))?.nodeResults.a, {
          what: `node a of paused execution ${id} to record its result`,
        });
        expect((await engine.getJobStatus(nodeJobId(id, 'b'))).exists).toBe(false);
      }
      expect(ran).toEqual([]);
      const [first, second, third] = paused as [string, string, string];
      expect(await engine.resumeExecutions([first, second])).toEqual(
        expectAll(true, [first, second]),
      );
      expect(await engine.resumeWorkflow(third)).toBe(true);
      expect(await engine.resumeWorkflow(third)).toBe(false); // running: nothing to resume
      for (const id of paused) expect((await engine.waitForExecution(id)).status).toBe('completed');
      expect(ran.sort()).toEqual([...paused].sort());

      const cancelled = await Promise.all([1, 2].map(() => engine.enqueueWorkflow('bulk-cancel')));
      await waitFor(() => doomed.started.length === 2, { what: 'two gated nodes to start' });
      expect(await engine.cancelExecutions(cancelled)).toEqual(expectAll(true, cancelled));
      await waitFor(() => doomed.aborted.length === 2, { what: 'both executors to be aborted' });
      for (const id of cancelled) expect((await store.getExecution(id))?.status).toBe('cancelled');
      expect(await engine.cancelExecutions(cancelled)).toEqual(expectAll(false, cancelled));
    });

    it(`${target.name}: resetCircuitBreaker closes an open breaker, so the next node runs at once`, async () => {
      let calls = 0;
      let healthy = false;
      const registry = new NodeRegistry()
        .register('fragile', async () => {
          calls++;
          if (!healthy) throw new Error('service down');
          return successResult({ ok: true });
        })
        // Open for a minute: only a reset lets the next node through within the test.
        .registerCircuitBreaker('fragile', { failureThreshold: 1, timeout: 60_000 });
      const { engine } = await setup(registry, [{ id: 'breaker', nodes: [node('x', 'fragile')] }]);
      const failed = await engine.waitForExecution(await engine.enqueueWorkflow('breaker', {}));
      expect(failed.status).toBe('failed');
      expect(engine.getCircuitBreakerStats().fragile?.state).toBe('open');
      engine.resetCircuitBreaker('fragile');
      expect(engine.getCircuitBreakerStats().fragile?.state).toBe('closed');
      healthy = true;
      const done = await engine.waitForExecution(await engine.enqueueWorkflow('breaker', {}));
      expect(done.status).toBe('completed');
      expect(calls).toBe(2);

      healthy = false;
      await engine.waitForExecution(await engine.enqueueWorkflow('breaker', {}));
      expect(engine.getCircuitBreakerStats().fragile?.state).toBe('open');
      engine.resetCircuitBreaker(); // every type
      expect(engine.getCircuitBreakerStats().fragile?.state).toBe('closed');
    });

    it(`${target.name}: getQueueStats counts the jobs of the node, workflow and dead-letter queues`, async () => {
      const registry = new NodeRegistry().register('echo', echo).register('boom', async () => {
        throw new Error('boom');
      });
      const { engine } = await setup(
        registry,
        [
          { id: 'counted', nodes: [node('a', 'echo')] },
          { id: 'broken', nodes: [node('a', 'boom')] },
        ],
        { workers: false },
      );
      const empty = await engine.getQueueStats();
      expect(empty).toMatchObject({ waiting: 0, active: 0, delayed: 0, prioritized: 0, paused: 0 });
      expect(empty.queues.dlq).toMatchObject({ waiting: 0, delayed: 0 });

      const now = await engine.enqueueWorkflow('counted', {});
      await engine.enqueueWorkflow('counted', {}, { delay: 60_000 });
      const stats = await engine.getQueueStats();
      const { queues, ...top } = stats;
      expect(top).toEqual(queues.node); // the top level is the node queue
      expect(queues.node.waiting + queues.node.prioritized).toBe(1); // the entry node of `now`
      expect(queues.workflow.delayed).toBe(1); // the delayed start

      await engine.startWorkers();
      expect((await engine.waitForExecution(now)).status).toBe('completed');
      const broken = await engine.enqueueWorkflow('broken', {});
      expect((await engine.waitForExecution(broken)).status).toBe('failed');
      await dlqItemsOf(engine, broken);
      const after = await engine.getQueueStats();
      expect(after.queues.node.waiting + after.queues.node.prioritized).toBe(0);
      expect(after.queues.workflow.delayed).toBe(1);
      expect(after.queues.dlq.waiting + after.queues.dlq.prioritized).toBe(1);
    });

    it(`${target.name}: getDLQItems pages oldest first, and retryDLQItem refuses an item that is gone or stale`, async () => {
      const registry = new NodeRegistry().register('boom', async (ctx) => {
        throw new Error(`boom ${(ctx.inputData as { n: number }).n}`);
      });
      const { engine, store } = await setup(registry, [{ id: 'dead', nodes: [node('x', 'boom')] }]);
      const ids: string[] = [];
      for (const n of [1, 2, 3]) {
        const id = await engine.enqueueWorkflow('dead', { n });
        expect((await engine.waitForExecution(id)).status).toBe('failed');
        await dlqItemsOf(engine, id); // one at a time, so their order is known
        ids.push(id);
      }
      const all = await engine.getDLQItems();
      expect(all.map((item) => item.data.executionId)).toEqual(ids);
      const pages = [await engine.getDLQItems(0, 0), await engine.getDLQItems(1, 2)];
      expect(pages.map((page) => page.map((item) => item.data.executionId))).toEqual([
        [ids[0]],
        [ids[1], ids[2]],
      ]);
      expect(await engine.getDLQItems(3, 10)).toEqual([]);
      const timestamps = all.map((item) => item.timestamp);
      expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));

      expect(await engine.retryDLQItem('dlq.no-such-item')).toBe(false);
      // Stale: the node was reopened elsewhere (as another retry would), so it is no longer failed.
      const [stale, live] = all.slice(1) as [(typeof all)[0], (typeof all)[0]];
      expect(await store.reopenNode(stale.data.executionId, 'x')).toBe(true);
      expect(await engine.retryDLQItem(stale.id)).toBe(false);
      expect((await engine.getDLQItems()).map((item) => item.id)).not.toContain(stale.id);
      // Gone: an item retried once is removed, so retrying it again is refused.
      expect(await engine.retryDLQItem(live.id)).toBe(true);
      expect((await engine.waitForExecution(live.data.executionId)).status).toBe('failed');
      const again = await dlqItemsOf(engine, live.data.executionId);
      expect(again[0]?.id).not.toBe(live.id);
      expect(await engine.retryDLQItem(live.id)).toBe(false);
    });

    it(`${target.name}: waitForExecution rejects after its timeout, and for an unknown execution`, async () => {
      const g = gate();
      const registry = new NodeRegistry().register('gate', g.executor);
      const { engine } = await setup(registry, [{ id: 'waits', nodes: [node('a', 'gate')] }]);
      const id = await engine.enqueueWorkflow('waits', {});
      await waitFor(() => g.started.length === 1, { what: 'the gated node to start' });
      const timedOut = engine.waitForExecution(id, { timeoutMs: 50, pollMs: 10 });
      await expect(timedOut).rejects.toBeInstanceOf(WorkflowError);
      await expect(timedOut).rejects.toMatchObject({
        code: 'WORKFLOW_ERROR',
        executionId: id,
        message: expect.stringMatching(/still running after the wait/),
      });
      await expect(engine.waitForExecution('no-such-execution')).rejects.toMatchObject({
        code: 'EXECUTION_NOT_FOUND',
      });
      g.release();
      expect((await engine.waitForExecution(id)).status).toBe('completed');
    });

    it(`${target.name}: gracefulShutdown lets the active node finish; after it, methods that add work refuse with EngineShutdownError`, async () => {
      const g = gate();
      const registry = new NodeRegistry().register('gate', g.executor).register('echo', echo);
      const { engine, store } = await setup(registry, [
        { id: 'shutdown', nodes: [node('a', 'gate')] },
      ]);
      const id = await engine.enqueueWorkflow('shutdown', { keep: 1 });
      await waitFor(() => g.started.length === 1, { what: 'the gated node to start' });
      let closed = false;
      const shutdown = engine.gracefulShutdown().then(() => {
        closed = true;
      });
      // New work is refused at once; the active node keeps its worker until it is released.
      await expect(engine.enqueueWorkflow('shutdown', {})).rejects.toMatchObject(shutdownError);
      expect((await store.getExecution(id))?.status).toBe('running');
      expect(closed).toBe(false);
      g.release();
      await shutdown;
      const done = await store.getExecution(id);
      expect(done?.status).toBe('completed');
      expect(done?.nodeResults.a?.data).toEqual({ node: 'a', input: { keep: 1 } });
      expect(g.aborted).toEqual([]);

      await expect(engine.enqueueWorkflow('shutdown', {})).rejects.toMatchObject(shutdownError);
      await expect(
        engine.scheduleWorkflow('shutdown', {}, new Date(Date.now() + 1_000)),
      ).rejects.toMatchObject(shutdownError);
      await expect(engine.enqueueBulkWorkflows([{ workflowId: 'shutdown' }])).rejects.toMatchObject(
        shutdownError,
      );
      await expect(engine.replayWorkflow(id)).rejects.toMatchObject(shutdownError);
      await expect(engine.startWorkers()).rejects.toMatchObject(shutdownError);
      await expect(engine.enqueueNode(id, 'shutdown', 'a')).rejects.toMatchObject(shutdownError);
      await expect(engine.retryDLQItem('dlq.anything')).rejects.toMatchObject(shutdownError);
      await expect(engine.getQueueStats()).rejects.toMatchObject(queuesClosedError);
      await expect(engine.getDLQItems()).rejects.toMatchObject(queuesClosedError);
      await expect(engine.getJobStatus(nodeJobId(id, 'a'))).rejects.toMatchObject(
        queuesClosedError,
      );
      await expect(engine.close()).resolves.toBeUndefined(); // closing twice is harmless
      // What needs only the store still answers.
      expect((await engine.getWorkflow('shutdown'))?.id).toBe('shutdown');
      expect((await engine.waitForExecution(id)).status).toBe('completed');
    });
  });
}
