import { fileURLToPath } from 'node:url';
import { killChild, spawnReady, waitFor } from '@spane/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowEngine } from '../src/index.ts';
import {
  clusterQueue,
  postgresQueue,
  type QueueFactory,
  redisQueue,
  startEngine,
} from './harness.ts';
import {
  crashChainWorkflow,
  crashCompositeWorkflow,
  crashRegistry,
  crashWorkflow,
  createEffectsTable,
} from './support/crash-workflow.ts';
import { sharedStore } from './support/shared-store.ts';

const WORKER_SCRIPT = fileURLToPath(new URL('./support/crash-worker.ts', import.meta.url));
const EXECUTIONS = 30;
const NODES = crashWorkflow.nodes.length;

interface CrashCase {
  title: string;
  workflowId: string;
  /** Node ids whose effects show the kill landed where the case wants it. */
  killAfter: readonly string[];
  /** Node results stored per execution, children included. */
  resultsPerExecution: number;
  check(done: Awaited<ReturnType<WorkflowEngine['waitForExecution']>>): void;
}

const CASES: readonly CrashCase[] = [
  {
    title: 'is replaced by a second worker: every execution completes, each result stored once',
    workflowId: crashWorkflow.id,
    killAfter: ['a', 'b', 'c', 'd'],
    resultsPerExecution: NODES,
    check(done) {
      expect(Object.keys(done.nodeResults).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(done.nodeResults.d?.data).toMatchObject({
        node: 'd',
        input: { b: { node: 'b' }, c: { node: 'c' } },
      });
    },
  },
  {
    title: 'mid-chain, while the next nodes run inline in one job: every execution completes',
    workflowId: crashChainWorkflow.id,
    killAfter: ['c2', 'c3'],
    resultsPerExecution: crashChainWorkflow.nodes.length,
    check(done) {
      expect(Object.keys(done.nodeResults).sort()).toEqual(['c1', 'c2', 'c3', 'c4']);
      expect(done.nodeResults.c4?.data).toMatchObject({ node: 'c4', input: { node: 'c3' } });
    },
  },
  {
    title: 'during delays and sub-workflow waits: every execution still completes',
    workflowId: crashCompositeWorkflow.id,
    killAfter: ['a', 'b', 'c', 'd'],
    resultsPerExecution: crashCompositeWorkflow.nodes.length + NODES,
    check(done) {
      expect(Object.keys(done.nodeResults).sort()).toEqual(['post', 'pre', 'sub', 'wait']);
      expect(done.nodeResults.sub?.data).toMatchObject({ node: 'd' });
      expect(done.nodeResults.post?.data).toMatchObject({ node: 'post', input: { node: 'd' } });
    },
  },
];

function defineCrashTest(queue: QueueFactory, crash: CrashCase): void {
  describe(`a worker killed mid-node (${queue.name} queue, Postgres store)`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it(crash.title, async () => {
      const shared = await sharedStore('crash', cleanups);
      const { store, pool, schema } = shared;
      // On a Redis Cluster every key of the application shares the prefix's hash tag.
      const prefix = queue === clusterQueue ? `{${shared.prefix}}` : shared.prefix;
      await createEffectsTable(pool, schema);

      const child = await spawnReady(WORKER_SCRIPT, {
        env: {
          CRASH_QUEUE:
            queue === postgresQueue ? 'postgres' : queue === clusterQueue ? 'cluster' : 'redis',
          CRASH_SCHEMA: schema,
          CRASH_PREFIX: prefix,
          CRASH_HANG_NODES: crash.killAfter.join(','),
          CRASH_HANG_AFTER: String(NODES),
        },
        onSpawn: (spawned) => cleanups.push(() => killChild(spawned)),
      });

      // The producer (no workers yet) registers the workflow and starts the executions.
      const engines: WorkflowEngine[] = [];
      cleanups.push(async () => {
        await Promise.all(engines.map((engine) => engine.close()));
      });
      const producer = await startEngine({
        registry: crashRegistry(pool, schema),
        store,
        connection: queue.connection(),
        workflows: [crashWorkflow, crashCompositeWorkflow, crashChainWorkflow],
        config: { prefix, lockDuration: 1_500, stalledInterval: 500 },
        workers: false,
      });
      engines.push(producer);
      const ids = await producer.enqueueBulkWorkflows(
        Array.from({ length: EXECUTIONS }, (_, i) => ({
          workflowId: crash.workflowId,
          initialData: { i },
        })),
      );

      // Kill the child while some of its executors are mid-node (past its first few nodes, the
      // child's executors of these nodes never end, so the kill cannot miss them).
      const inFlight = async () => {
        const { rows } = await pool.query<{ open: number; hung: number }>(
          `SELECT count(*) FILTER (WHERE phase = 'start')::int - count(*) FILTER (WHERE phase = 'end')::int AS open,
                  count(*) FILTER (WHERE phase = 'hang')::int AS hung
             FROM "${schema}".effects WHERE pid = $1 AND node_id = ANY($2)`,
          [child.pid, crash.killAfter],
        );
        return rows[0] ?? { open: 0, hung: 0 };
      };
      // Executors that were already past their hang check may still end before the kill lands;
      // one that recorded `hang` never will.
      await waitFor(
        async () => {
          const { open, hung } = await inFlight();
          return open >= 2 && hung >= 1;
        },
        {
          what: 'the worker process to be mid-node in two executors, one of them hung',
          timeoutMs: 30_000,
        },
      );
      await killChild(child);
      const { open: interrupted } = await inFlight();
      expect(interrupted).toBeGreaterThanOrEqual(1);

      // A second worker (this process) takes over, including the interrupted nodes.
      await producer.startWorkers(8);
      for (const id of ids) {
        const done = await producer.waitForExecution(id, { timeoutMs: 60_000 });
        expect(done.status).toBe('completed');
        crash.check(done);
      }

      // Each node's result is stored once; only interrupted nodes ran twice.
      const { rows: results } = await pool.query<{ n: number; distinct_nodes: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT (execution_id, node_id))::int AS distinct_nodes
           FROM "${schema}".node_results`,
      );
      const expected = EXECUTIONS * crash.resultsPerExecution;
      expect(results[0]).toEqual({ n: expected, distinct_nodes: expected });
      const { rows: reruns } = await pool.query<{
        execution_id: string;
        node_id: string;
        starts: number;
      }>(
        `SELECT execution_id, node_id, count(*)::int AS starts FROM "${schema}".effects
          WHERE phase = 'start' GROUP BY 1, 2 HAVING count(*) > 1`,
      );
      // At most the child's 8 active jobs can have been interrupted (and each re-run once).
      expect(reruns.length).toBeLessThanOrEqual(8);
      for (const rerun of reruns) expect(rerun.starts).toBe(2);
      const { rows: survivors } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${schema}".effects WHERE phase = 'end' AND pid = $1`,
        [process.pid],
      );
      expect(survivors[0]?.n).toBeGreaterThan(0);
    }, 120_000);
  });
}

for (const crash of CASES) {
  defineCrashTest(redisQueue, crash);
  defineCrashTest(postgresQueue, crash);
}
// On a 3-master Redis Cluster: the diamond case (the others exercise the engine, not the queue).
defineCrashTest(clusterQueue, CASES[0] as CrashCase);
