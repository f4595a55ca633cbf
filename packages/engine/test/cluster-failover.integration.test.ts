/**
 * Failover on a real Redis Cluster with one replica per master (6 nodes, started here): the master
 * that serves the engine's hash-tagged prefix is killed mid-run, its replica takes over, ioredis
 * follows the new slot map, BullMQ re-runs the jobs whose locks lapsed, and the recovery sweep
 * restarts what a lost (acknowledged but not yet replicated) write left behind. Every execution
 * completes and each node result is stored once.
 */
import { type LocalRedisCluster, startRedisCluster } from '@spane/local-services';
import { createSignalChannel } from '@spane/queue';
import { waitFor } from '@spane/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowEngine } from '../src/index.ts';
import { startEngine } from './harness.ts';
import { crashRegistry, crashWorkflow, createEffectsTable } from './support/crash-workflow.ts';
import { sharedStore } from './support/shared-store.ts';

const EXECUTIONS = 30;
const NODES = crashWorkflow.nodes.length;

describe('a Redis Cluster master killed mid-run (one replica per master, Postgres store)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('is replaced by its replica: every execution completes, each result stored once', async () => {
    const cluster: LocalRedisCluster = await startRedisCluster({
      masters: 3,
      replicasPerMaster: 1,
    });
    cleanups.push(() => cluster.stop());
    const { store, pool, schema, prefix: tag } = await sharedStore('failover', cleanups);
    await createEffectsTable(pool, schema);
    const prefix = `{${tag}}`;
    const errors: string[] = [];
    const engine: WorkflowEngine = await startEngine({
      registry: crashRegistry(pool, schema),
      store,
      connection: { cluster: cluster.nodes.map(({ host, port }) => ({ host, port })) },
      workflows: [crashWorkflow],
      config: {
        prefix,
        lockDuration: 1_500,
        stalledInterval: 500,
        recoveryIntervalMs: 1_000,
        recoveryQuietMs: 3_000,
      },
      concurrency: 8,
    });
    engine.on('error', ({ context }) => errors.push(context));
    cleanups.push(() => engine.close());

    const ids = await engine.enqueueBulkWorkflows(
      Array.from({ length: EXECUTIONS }, (_, i) => ({
        workflowId: crashWorkflow.id,
        initialData: { i },
      })),
    );
    // Mid-run: some nodes ended, many are still to come.
    await waitFor(
      async () => {
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${schema}".effects WHERE phase = 'end'`,
        );
        return (rows[0]?.n ?? 0) >= 10;
      },
      { what: 'ten nodes to have ended', timeoutMs: 30_000 },
    );
    // A subscription made before the failover, on the victim's slot (sharded pub/sub).
    const connection = { cluster: cluster.nodes.map(({ host, port }) => ({ host, port })) };
    const listener = createSignalChannel(connection, { prefix: `${prefix}:probe:` });
    const sender = createSignalChannel(connection, { prefix: `${prefix}:probe:` });
    cleanups.push(async () => {
      await Promise.all([listener.close(), sender.close()]);
    });
    const heard: unknown[] = [];
    await listener.subscribe('after-failover', (message) => {
      heard.push(message);
    });

    const victim = await cluster.masterOf(prefix);
    await victim.kill();
    const { rows: before } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schema}".effects WHERE phase = 'end'`,
    );
    expect(before[0]?.n).toBeLessThan(EXECUTIONS * NODES);

    for (const id of ids) {
      const done = await engine.waitForExecution(id, { timeoutMs: 90_000 });
      expect(done.status).toBe('completed');
      expect(Object.keys(done.nodeResults).sort()).toEqual(['a', 'b', 'c', 'd']);
    }
    // A replica serves the slot now.
    expect((await cluster.masterOf(prefix)).port).not.toBe(victim.port);
    // The subscription followed the slot to its new master.
    await waitFor(
      async () => {
        await sender.publish('after-failover', 'hello');
        return heard.length > 0;
      },
      { what: 'a signal published after the failover to reach the earlier subscription' },
    );
    // The connection errors were reported as events, not thrown.
    expect(errors.length).toBeGreaterThan(0);

    const { rows: results } = await pool.query<{ n: number; distinct_nodes: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT (execution_id, node_id))::int AS distinct_nodes
         FROM "${schema}".node_results`,
    );
    expect(results[0]).toEqual({ n: EXECUTIONS * NODES, distinct_nodes: EXECUTIONS * NODES });
  }, 150_000);
});
