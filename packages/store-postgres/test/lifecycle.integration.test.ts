import { ExecutionNotFoundError } from '@spane/core';
import type { NodeOutcomeCommit } from '@spane/core/store';
import { waitFor } from '@spane/test-support';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresExecutionStore } from '../src/index.ts';
import { createTestStore, databaseUrl } from './support/test-database.ts';

let store: PostgresExecutionStore;
let cleanup: (() => Promise<void>) | undefined;
/** A store on a pool whose statements are counted. */
let counted: PostgresExecutionStore;
let countedPool: pg.Pool;
let statements = 0;

beforeAll(async () => {
  const created = await createTestStore();
  store = created.store;
  countedPool = new pg.Pool({ connectionString: databaseUrl(), max: 2 });
  countedPool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
      statements++;
      return query(...args);
    };
  });
  counted = new PostgresExecutionStore({ pool: countedPool, schema: created.schema });
  cleanup = async () => {
    await counted.close();
    await countedPool.end();
    await created.cleanup();
  };
});
afterAll(() => cleanup?.());

async function newExecution() {
  const { execution } = await store.createExecution({ workflowId: 'wf-life', workflowVersion: 1 });
  return execution;
}

const resolved = (
  executionId: string,
  nodeId: string,
  children: string[] = [],
  totalNodes = 100,
): NodeOutcomeCommit => ({
  executionId,
  nodeId,
  result: { success: true, data: nodeId },
  resolution: 'resolved',
  edges: children.map((child) => ({ child, active: true, parentCount: 1 })),
  totalNodes,
});

describe('postgres: lifecycle guards', () => {
  it('never makes a terminal execution running again', async () => {
    const { executionId } = await newExecution();
    await store.setExecutionStatus(executionId, 'completed');
    const completedAt = (await store.getExecution(executionId))?.completedAt;
    expect(completedAt).toBeInstanceOf(Date);
    expect((await store.setExecutionStatus(executionId, 'running')).changed).toBe(false);
    expect(
      (await store.setExecutionStatus(executionId, 'running', { from: ['completed'] })).changed,
    ).toBe(false);
    expect((await store.resumeExecution(executionId)).changed).toBe(false);
    expect(await store.holdNodes(executionId, ['x'])).toBe(false);
    expect(await store.reopenNode(executionId, 'x')).toBe(false);
    const commit = await store.commitNodeOutcome(resolved(executionId, 'late', ['next'], 1));
    expect(commit).toMatchObject({ status: 'completed', ready: [], skipped: [] });
    expect(commit.transitioned).toBeUndefined();
    const read = await store.getExecution(executionId);
    expect(read?.status).toBe('completed');
    expect(read?.completedAt).toEqual(completedAt);
  });

  it('reopens only a hard-failed node, clearing the error and completedAt', async () => {
    const { executionId } = await newExecution();
    await store.commitNodeOutcome({
      executionId,
      nodeId: 'soft',
      result: { success: false, error: 'tolerated' },
      resolution: 'resolved',
      edges: [],
      totalNodes: 3,
    });
    await store.commitNodeOutcome({
      executionId,
      nodeId: 'hard',
      result: { success: false, error: 'boom' },
      resolution: 'failed',
      edges: [],
      totalNodes: 3,
      error: 'Node "hard" failed: boom',
    });
    const failed = await store.getExecution(executionId);
    expect(failed).toMatchObject({ status: 'failed', error: 'Node "hard" failed: boom' });
    expect(failed?.completedAt).toBeInstanceOf(Date);
    expect(await store.reopenNode(executionId, 'soft')).toBe(false);
    expect(await store.reopenNode(executionId, 'hard')).toBe(true);
    const reopened = await store.getExecution(executionId);
    expect(reopened?.status).toBe('running');
    expect(reopened?.error).toBeUndefined();
    expect(reopened?.completedAt).toBeUndefined();
    expect(reopened?.version).toBeGreaterThan(failed?.version ?? 0);
    expect(Object.keys(reopened?.nodeResults ?? {})).toEqual(['soft']);
    // The retried node can now commit for real.
    const retried = await store.commitNodeOutcome(resolved(executionId, 'hard', [], 3));
    expect(retried.firstWrite).toBe(true);
  });

  it('completes a paused execution whose last node resolves, and holds nothing', async () => {
    const { executionId } = await newExecution();
    await store.setExecutionStatus(executionId, 'paused');
    const last = await store.commitNodeOutcome(resolved(executionId, 'only', [], 1));
    expect(last).toMatchObject({ status: 'completed', transitioned: 'completed', held: [] });
  });

  it('reports an unknown execution with ExecutionNotFoundError where the port expects one', async () => {
    const missing = `missing-${Math.random()}`;
    const calls = [
      () => store.commitNodeOutcome(resolved(missing, 'a')),
      () => store.holdNodes(missing, ['a']),
      () => store.resumeExecution(missing),
      () => store.updateExecutionMetadata(missing, { a: 1 }),
      () => store.updateExecutionMetadata(missing, { a: 1 }, { expectedVersion: 1 }),
      () => store.updateNodeResult(missing, 'a', { success: true }),
      () => store.getNodeResults(missing, ['a']),
      () => store.putPayload(missing, 1),
      () => store.setExecutionStatus(missing, 'cancelled'),
    ];
    for (const call of calls) await expect(call()).rejects.toBeInstanceOf(ExecutionNotFoundError);
    expect(await store.reopenNode(missing, 'a')).toBe(false);
    await store.addLog({
      executionId: missing,
      level: 'info',
      message: 'dropped',
      timestamp: new Date(),
    });
    await store.addSpan({
      executionId: missing,
      spanId: 's',
      name: 'dropped',
      status: 'ok',
      startTime: new Date(),
    });
    expect(await store.getLogs(missing)).toEqual([]);
    expect(await store.getTrace(missing)).toEqual([]);
  });

  it('loads only the node results asked for', async () => {
    const { executionId } = await newExecution();
    for (const id of ['a', 'b', 'c']) await store.commitNodeOutcome(resolved(executionId, id));
    const some = await store.getExecution(executionId, { nodeIds: ['c', 'a', 'zzz'] });
    expect(Object.keys(some?.nodeResults ?? {}).sort()).toEqual(['a', 'c']);
    const none = await store.getExecution(executionId, { nodeIds: [] });
    expect(none?.nodeResults).toEqual({});
    const all = await store.getExecution(executionId);
    expect(Object.keys(all?.nodeResults ?? {}).sort()).toEqual(['a', 'b', 'c']);
  });

  it('returns Dates for every timestamp', async () => {
    const { executionId } = await newExecution();
    await store.setExecutionStatus(executionId, 'cancelled');
    const read = await store.getExecution(executionId);
    expect(read?.startedAt).toBeInstanceOf(Date);
    expect(read?.updatedAt).toBeInstanceOf(Date);
    expect(read?.completedAt).toBeInstanceOf(Date);
    const at = new Date('2026-03-04T05:06:07.089Z');
    await store.addLog({ id: 'log-1', executionId, level: 'warn', message: 'm', timestamp: at });
    await store.addLog({
      id: 'log-1',
      executionId,
      level: 'warn',
      message: 'repeat',
      timestamp: at,
    });
    expect(await store.getLogs(executionId)).toEqual([
      { id: 'log-1', executionId, level: 'warn', message: 'm', timestamp: at },
    ]);
    await store.addSpan({
      executionId,
      spanId: 's',
      name: 'n',
      status: 'ok',
      startTime: at,
      endTime: at,
    });
    const [span] = await store.getTrace(executionId);
    expect(span?.startTime).toEqual(at);
    expect(span?.endTime).toEqual(at);
  });

  it('records, lists and deletes dead letters', async () => {
    const { executionId } = await newExecution();
    const first = await store.recordDeadLetter({
      executionId,
      workflowId: 'wf-life',
      nodeId: 'a',
      data: { input: 1 },
      error: 'boom',
      attempts: 3,
    });
    const second = await store.recordDeadLetter({
      executionId,
      workflowId: 'wf-life',
      nodeId: 'b',
      error: 'bang',
      attempts: 1,
    });
    expect(first).toMatchObject({ nodeId: 'a', data: { input: 1 }, attempts: 3 });
    expect(first.createdAt).toBeInstanceOf(Date);
    expect('data' in second).toBe(false);
    const listed = await store.listDeadLetters({ executionId });
    expect(listed.map((d) => d.id)).toEqual([second.id, first.id]);
    expect(await store.deleteDeadLetter(first.id)).toBe(true);
    expect(await store.deleteDeadLetter(first.id)).toBe(false);
    expect((await store.listDeadLetters({ executionId })).map((d) => d.id)).toEqual([second.id]);
  });
});

describe('postgres: cost of a commit', () => {
  async function statementsOf(commit: NodeOutcomeCommit): Promise<number> {
    const before = statements;
    await counted.commitNodeOutcome(commit);
    return statements - before;
  }

  it('commits in one statement what this store created, however large the workflow', async () => {
    const { execution } = await counted.createExecution({
      workflowId: 'wf-life',
      workflowVersion: 1,
    });
    expect(await statementsOf(resolved(execution.executionId, 'a', ['b', 'c']))).toBe(1);
    expect(await statementsOf(resolved(execution.executionId, 'b', ['d']))).toBe(1);
    expect(await statementsOf(resolved(execution.executionId, 'a', ['b', 'c']))).toBe(1); // repeat: a read
  });

  it('reads once, then writes, for an execution another process made; the next commit is one statement', async () => {
    const small = await newExecution();
    const large = await newExecution();
    // 2,000 nodes already resolved in the large execution.
    const rows = Array.from({ length: 2000 }, (_, i) => ({
      execution_id: large.executionId,
      node_id: `done-${i}`,
      result: JSON.stringify({ success: true, data: i }),
    }));
    await store.db.insertInto('node_results').values(rows).execute();

    expect(await statementsOf(resolved(small.executionId, 'a', ['b', 'c']))).toBe(2);
    expect(await statementsOf(resolved(large.executionId, 'a', ['b', 'c']))).toBe(2);
    expect(await statementsOf(resolved(large.executionId, 'b', ['x']))).toBe(1);
    const wide = Array.from({ length: 300 }, (_, i) => `child-${i}`);
    const fanOut = await counted.commitNodeOutcome(resolved(large.executionId, 'fan', wide));
    expect(fanOut.ready).toHaveLength(300);
    expect(await statementsOf(resolved(large.executionId, 'fan', wide))).toBe(1); // repeat: no write
  });

  it('reads again when another writer moves the execution in between, and lands on the new state', async () => {
    const { executionId } = await newExecution();
    const other = new pg.Client({ connectionString: databaseUrl() });
    other.on('error', () => undefined); // a lost connection fails the next query
    await other.connect();
    try {
      // Another writer holds the row and bumps the version, uncommitted: the commit reads the old
      // version (this store did not create the execution), and its guarded write waits for this
      // transaction.
      await other.query('BEGIN');
      await other.query(
        `UPDATE "${store.schema}".executions SET version = version + 1 WHERE id = $1`,
        [executionId],
      );
      const otherPid = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))
        .rows[0]?.pid;
      const before = statements;
      const pending = counted.commitNodeOutcome(resolved(executionId, 'a', ['b']));
      // The guarded write has reached the server and waits for this transaction's row lock.
      await waitFor(
        async () =>
          (
            await other.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
              [otherPid],
            )
          ).rows[0]?.n === 1,
        { what: 'the commit to wait for the other writer' },
      );
      await other.query('COMMIT');
      const outcome = await pending;
      expect(outcome).toMatchObject({ firstWrite: true, ready: ['b'] });
      // The read; the guarded write that waited and found the version moved (its own read still
      // saw the old state); a second that failed at once and read the new state; the write.
      expect(statements - before).toBe(4);
      const state = await store.getExecution(executionId);
      expect(state?.nodeResults.a?.data).toBe('a');
      expect(state?.resolvedCount).toBe(1);
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      await other.end();
    }
  });
});
