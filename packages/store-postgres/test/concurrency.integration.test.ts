import { type ExecutionStore, VersionConflictError } from '@spane/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresExecutionStore } from '../src/index.ts';
import { createTestStore, databaseUrl } from './support/test-database.ts';

let store: PostgresExecutionStore;
/** A second store on its own pool: a stand-in for another worker process. */
let other: PostgresExecutionStore;
let cleanup: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const created = await createTestStore();
  store = created.store;
  other = new PostgresExecutionStore({ connectionString: databaseUrl(), schema: created.schema });
  cleanup = async () => {
    await other.close();
    await created.cleanup();
  };
});
afterAll(() => cleanup?.());

async function newExecution(s: ExecutionStore = store) {
  const { execution } = await s.createExecution({
    workflowId: 'wf-concurrency',
    workflowVersion: 1,
  });
  return execution;
}

describe('postgres: concurrent writers', () => {
  it('readies a join once when 20 parents commit at once from two pools', async () => {
    const { executionId, version } = await newExecution();
    const parents = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const results = await Promise.all(
      parents.map((nodeId, i) =>
        (i % 2 === 0 ? store : other).commitNodeOutcome({
          executionId,
          nodeId,
          result: { success: true, data: i },
          resolution: 'resolved',
          edges: [{ child: 'join', active: i === 7, parentCount: 20 }],
          totalNodes: 21,
        }),
      ),
    );
    expect(results.filter((r) => r.firstWrite)).toHaveLength(20);
    expect(results.flatMap((r) => r.ready)).toEqual(['join']);
    const read = await store.getExecution(executionId);
    expect(read?.resolvedCount).toBe(20);
    expect(read?.status).toBe('running');
    expect(read?.version).toBe(version + 20);
    expect(Object.keys(read?.nodeResults ?? {}).sort()).toEqual([...parents].sort());
    const counters = await store.db
      .selectFrom('node_results')
      .select(['resolved_parents', 'active_parents'])
      .where('execution_id', '=', executionId)
      .where('node_id', '=', 'join')
      .executeTakeFirstOrThrow();
    expect(counters).toEqual({ resolved_parents: 20, active_parents: 1 });
  });

  it('stays correct on a pool whose sessions default to SERIALIZABLE', async () => {
    const pool = new pg.Pool({
      connectionString: databaseUrl(),
      options: '-c default_transaction_isolation=serializable',
    });
    const strict = new PostgresExecutionStore({ pool, schema: store.schema });
    try {
      const { executionId } = await newExecution(strict);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          strict.commitNodeOutcome({
            executionId,
            nodeId: `p${i}`,
            result: { success: true },
            resolution: 'resolved',
            edges: [{ child: 'join', active: true, parentCount: 20 }],
            totalNodes: 21,
          }),
        ),
      );
      expect(results.flatMap((r) => r.ready)).toEqual(['join']);
      expect((await strict.getExecution(executionId))?.resolvedCount).toBe(20);
    } finally {
      await strict.close();
      await pool.end();
    }
  });

  it('detects completion exactly once when the last nodes race', async () => {
    const { executionId } = await newExecution();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.commitNodeOutcome({
          executionId,
          nodeId: `n${i}`,
          result: { success: true },
          resolution: 'resolved',
          edges: [],
          totalNodes: 20,
        }),
      ),
    );
    expect(results.filter((r) => r.transitioned === 'completed')).toHaveLength(1);
    const read = await store.getExecution(executionId);
    expect(read?.status).toBe('completed');
    expect(read?.completedAt).toBeInstanceOf(Date);
  });

  it('loses no metadata key under 20 concurrent merges, and bumps the version for each', async () => {
    const { executionId, version } = await newExecution();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? store : other).updateExecutionMetadata(executionId, { [`k${i}`]: i }),
      ),
    );
    const read = await store.getExecution(executionId);
    expect(read?.metadata).toEqual(
      Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])),
    );
    expect(read?.version).toBe(version + 20);
  });

  it('rejects a stale optimistic write with VersionConflictError', async () => {
    const { executionId, version } = await newExecution();
    await store.updateExecutionMetadata(executionId, { a: 1 }, { expectedVersion: version });
    const stale = store.updateExecutionMetadata(
      executionId,
      { b: 2 },
      { expectedVersion: version },
    );
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    await expect(stale).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
      expectedVersion: version,
      actualVersion: version + 1,
    });
    expect((await store.getExecution(executionId))?.metadata).toEqual({ a: 1 });
  });

  it('lets exactly one of 10 writers holding the same version win', async () => {
    const { executionId, version } = await newExecution();
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? store : other).updateExecutionMetadata(
          executionId,
          { winner: i },
          { expectedVersion: version },
        ),
      ),
    );
    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.filter((a) => a.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.every((a) => a.reason instanceof VersionConflictError)).toBe(true);
    const statusChanges = await Promise.allSettled(
      (['paused', 'cancelled', 'completed'] as const).map((to) =>
        store.setExecutionStatus(executionId, to, { expectedVersion: version + 1 }),
      ),
    );
    expect(statusChanges.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
  });

  it('changes a terminal status once when 20 writers race for different ones', async () => {
    const { executionId } = await newExecution();
    const targets = ['completed', 'failed', 'cancelled'] as const;
    const changes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? store : other).setExecutionStatus(executionId, targets[i % 3] ?? 'failed'),
      ),
    );
    const winners = changes.filter((c) => c.changed);
    expect(winners).toHaveLength(1);
    const final = (await store.getExecution(executionId))?.status;
    expect(final).toBe(winners[0]?.status);
    expect(changes.every((c) => c.status === final)).toBe(true);
  });

  it('creates one execution for 20 concurrent creates with the same idempotency key', async () => {
    const key = `key-${Math.random()}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? store : other).createExecution({
          workflowId: 'wf-idem',
          workflowVersion: 1,
          idempotencyKey: key,
          initialData: i,
        }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.execution.executionId)).size).toBe(1);
    const winner = results.find((r) => r.created)?.execution.initialData;
    expect(results.every((r) => r.execution.initialData === winner)).toBe(true);
  });

  it('hands every held node over exactly once while holds race with a resume', async () => {
    const { executionId } = await newExecution();
    await store.setExecutionStatus(executionId, 'paused');
    const holds = Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? store : other).holdNodes(executionId, [`h${i}`]).then((held) => ({ i, held })),
    );
    const resume = other.resumeExecution(executionId);
    const [held, resumed] = await Promise.all([Promise.all(holds), resume]);
    const accepted = held.filter((h) => h.held).map((h) => `h${h.i}`);
    const late = await store.resumeExecution(executionId);
    expect(late.changed).toBe(false);
    expect([...resumed.held].sort()).toEqual(accepted.sort());
  });

  it('stores one result and counts it once when 10 workers commit the same node', async () => {
    const { executionId } = await newExecution();
    const commits = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? store : other).commitNodeOutcome({
          executionId,
          nodeId: 'a',
          result: { success: true, data: i },
          resolution: 'resolved',
          edges: [{ child: 'b', active: true, parentCount: 1 }],
          totalNodes: 2,
        }),
      ),
    );
    expect(commits.filter((c) => c.firstWrite)).toHaveLength(1);
    expect(commits.every((c) => c.ready.length === 1 && c.ready[0] === 'b')).toBe(true);
    const read = await store.getExecution(executionId);
    expect(read?.resolvedCount).toBe(1);
    expect(read?.nodeResults.a?.data).toBe(commits.findIndex((c) => c.firstWrite));
  });
});
