import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WorkflowError } from '@spane/core';
import type { NodeOutcomeCommit } from '@spane/core/store';
import { killChild, spawnReady, waitFor } from '@spane/test-support';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresExecutionStore } from '../src/index.ts';
import { createTestStore, databaseUrl } from './support/test-database.ts';

let store: PostgresExecutionStore;
let schema: string;
/** A second store on its own pool: a stand-in for another worker process. */
let other: PostgresExecutionStore;
/** A store on a pool whose statements are counted. */
let counted: PostgresExecutionStore;
let countedPool: pg.Pool;
let statements = 0;
let cleanup: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const created = await createTestStore();
  store = created.store;
  schema = created.schema;
  other = new PostgresExecutionStore({ connectionString: databaseUrl(), schema });
  countedPool = new pg.Pool({ connectionString: databaseUrl(), max: 4 });
  countedPool.on('error', () => undefined);
  countedPool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
      statements++;
      return query(...args);
    };
  });
  counted = new PostgresExecutionStore({ pool: countedPool, schema });
  cleanup = async () => {
    await counted.close();
    await countedPool.end();
    await other.close();
    await created.cleanup();
  };
});
afterAll(() => cleanup?.());

const commitOf = (
  executionId: string,
  nodeId: string,
  data: unknown,
  children: string[] = [],
): NodeOutcomeCommit => ({
  executionId,
  nodeId,
  result: { success: true, data },
  resolution: 'resolved',
  edges: children.map((child) => ({ child, active: true, parentCount: 1 })),
  totalNodes: 3,
});

async function executions(count: number, s: PostgresExecutionStore = counted) {
  const made = [];
  for (let i = 0; i < count; i++) {
    const { execution } = await s.createExecution({ workflowId: 'wf-group', workflowVersion: 1 });
    made.push(execution);
  }
  return made;
}

/** Rows of an execution: resolved count, version, and each node's result and counters. */
async function rowsOf(executionId: string) {
  const execution = await store.db
    .selectFrom('executions')
    .select(['resolved_count', 'version', 'status'])
    .where('id', '=', executionId)
    .executeTakeFirstOrThrow();
  const nodes = await store.db
    .selectFrom('node_results')
    .select(['node_id', 'result', 'resolved_parents'])
    .where('execution_id', '=', executionId)
    .orderBy('node_id')
    .execute();
  return { ...execution, nodes };
}

describe('postgres: group commit', () => {
  it('lands commits of 40 executions made at once in one statement, each with all its writes', async () => {
    const made = await executions(40);
    const before = statements;
    const results = await Promise.all(
      made.map((e, i) => counted.commitNodeOutcome(commitOf(e.executionId, 'a', i, ['b']))),
    );
    expect(statements - before).toBe(1);
    expect(results.every((r) => r.firstWrite && r.ready[0] === 'b')).toBe(true);
    for (const [i, e] of made.entries()) {
      const rows = await rowsOf(e.executionId);
      expect(rows).toMatchObject({ resolved_count: 1, version: e.version + 1 });
      expect(rows.nodes).toEqual([
        { node_id: 'a', result: { success: true, data: i }, resolved_parents: 0 },
        { node_id: 'b', result: null, resolved_parents: 1 },
      ]);
    }
  });

  it('lets the other commits land when one conflicts with another writer, and the first write wins', async () => {
    const made = await executions(10);
    const contested = made[3]?.executionId as string;
    // Another process commits the node first: this store's picture of that execution is stale.
    const theirs = await other.commitNodeOutcome(commitOf(contested, 'a', 'theirs', ['b']));
    expect(theirs.firstWrite).toBe(true);
    const results = await Promise.all(
      made.map((e) => counted.commitNodeOutcome(commitOf(e.executionId, 'a', 'mine', ['b']))),
    );
    expect(results.map((r) => r.firstWrite)).toEqual(made.map((e) => e.executionId !== contested));
    // The loser still learns what the node made ready, so a redelivered job can ensure it.
    expect(results[3]).toMatchObject({ firstWrite: false, ready: ['b'] });
    for (const e of made) {
      const rows = await rowsOf(e.executionId);
      const winner = e.executionId === contested ? 'theirs' : 'mine';
      expect(rows.resolved_count).toBe(1);
      expect(rows.nodes).toEqual([
        { node_id: 'a', result: { success: true, data: winner }, resolved_parents: 0 },
        { node_id: 'b', result: null, resolved_parents: 1 },
      ]);
    }
  });

  it('lets the other commits land when one fails, and the failed one writes nothing', async () => {
    const made = await executions(10);
    const broken = made[6]?.executionId as string;
    const settled = await Promise.allSettled(
      made.map((e) =>
        counted.commitNodeOutcome(
          // PostgreSQL refuses the character U+0000 in text: this commit's statement fails.
          commitOf(e.executionId, e.executionId === broken ? 'a\u0000' : 'a', 1, ['b']),
        ),
      ),
    );
    for (const [i, outcome] of settled.entries()) {
      if (made[i]?.executionId === broken) {
        expect(outcome.status).toBe('rejected');
        const reason = (outcome as PromiseRejectedResult).reason;
        expect(WorkflowError.isInstance(reason)).toBe(true);
        expect(reason).toMatchObject({ retryable: false });
      } else {
        expect(outcome).toMatchObject({ status: 'fulfilled', value: { firstWrite: true } });
      }
    }
    for (const e of made) {
      const rows = await rowsOf(e.executionId);
      if (e.executionId === broken) {
        expect(rows).toMatchObject({ resolved_count: 0, version: e.version, nodes: [] });
      } else {
        expect(rows).toMatchObject({ resolved_count: 1, version: e.version + 1 });
      }
    }
  });

  it('lands the good commit when two of one execution go together and the other fails', async () => {
    const [execution] = await executions(1);
    const executionId = execution?.executionId as string;
    const [bad, good] = await Promise.allSettled([
      counted.commitNodeOutcome(commitOf(executionId, 'x\u0000', 1, ['c'])),
      counted.commitNodeOutcome(commitOf(executionId, 'a', 2, ['c'])),
    ]);
    expect(bad.status).toBe('rejected');
    expect(WorkflowError.isInstance((bad as PromiseRejectedResult).reason)).toBe(true);
    expect(good).toMatchObject({ status: 'fulfilled', value: { firstWrite: true } });
    const rows = await rowsOf(executionId);
    expect(rows.resolved_count).toBe(1);
    expect(rows.nodes).toEqual([
      { node_id: 'a', result: { success: true, data: 2 }, resolved_parents: 0 },
      { node_id: 'c', result: null, resolved_parents: 1 },
    ]);
  });

  it('keeps first-write-wins when two stores commit the same nodes at once', async () => {
    const made = await executions(20, store);
    const [mine, theirs] = await Promise.all([
      Promise.all(made.map((e) => counted.commitNodeOutcome(commitOf(e.executionId, 'a', 'mine')))),
      Promise.all(made.map((e) => other.commitNodeOutcome(commitOf(e.executionId, 'a', 'theirs')))),
    ]);
    for (const [i, e] of made.entries()) {
      const wins = [mine[i]?.firstWrite, theirs[i]?.firstWrite];
      expect(wins.filter(Boolean)).toHaveLength(1);
      const rows = await rowsOf(e.executionId);
      expect(rows.resolved_count).toBe(1);
      expect(rows.version).toBe(e.version + 1);
      expect(rows.nodes[0]?.result).toEqual({
        success: true,
        data: mine[i]?.firstWrite ? 'mine' : 'theirs',
      });
    }
  });

  it('folds concurrent commits of one execution into one write, decided in call order', async () => {
    const [execution] = await executions(1);
    const executionId = execution?.executionId as string;
    const parents = Array.from({ length: 12 }, (_, i) => `p${i}`);
    const before = statements;
    const results = await Promise.all(
      parents.map((nodeId) =>
        counted.commitNodeOutcome({
          executionId,
          nodeId,
          result: { success: true },
          resolution: 'resolved',
          edges: [{ child: 'join', active: true, parentCount: parents.length }],
          totalNodes: parents.length + 1,
        }),
      ),
    );
    // Made in one turn of the event loop: one statement, no read, no lock.
    expect(statements - before).toBe(1);
    expect(results.map((r) => r.ready)).toEqual(parents.map((_, i) => (i === 11 ? ['join'] : [])));
    const rows = await rowsOf(executionId);
    expect(rows.resolved_count).toBe(parents.length);
    expect(rows.version).toBe((execution?.version ?? 0) + parents.length);
    expect(rows.nodes.find((n) => n.node_id === 'join')?.resolved_parents).toBe(parents.length);
    // And one more, alone, decides on what the folded write left.
    const last = await counted.commitNodeOutcome({
      executionId,
      nodeId: 'join',
      result: { success: true },
      resolution: 'resolved',
      edges: [],
      totalNodes: parents.length + 1,
    });
    expect(last).toMatchObject({ firstWrite: true, transitioned: 'completed' });
  });

  it('inserts executions created at once in one statement; a repeated key returns the first', async () => {
    const key = `key-${Math.random()}`;
    const before = statements;
    const created = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) =>
        counted.createExecution({ workflowId: 'wf-group', workflowVersion: 1, initialData: { i } }),
      ),
      counted.createExecution({ workflowId: 'wf-group', workflowVersion: 1, idempotencyKey: key }),
      counted.createExecution({ workflowId: 'wf-group', workflowVersion: 1, idempotencyKey: key }),
    ]);
    // The insert, then the lookup of the execution the repeated key already has.
    expect(statements - before).toBe(2);
    expect(created.map((c) => c.created)).toEqual([...Array(31).fill(true), false]);
    expect(created[31]?.execution.executionId).toBe(created[30]?.execution.executionId);
    expect(created.slice(0, 30).map((c) => c.execution.initialData)).toEqual(
      Array.from({ length: 30 }, (_, i) => ({ i })),
    );
    const read = await store.getExecution(created[7]?.execution.executionId as string);
    expect(read).toMatchObject({ status: 'running', initialData: { i: 7 }, resolvedCount: 0 });
  });

  it('loses no acknowledged commit when the process is killed with batches in flight', async () => {
    const script = fileURLToPath(new URL('./support/commit-worker.ts', import.meta.url));
    const acked: Array<[string, string]> = [];
    let child: ChildProcess | undefined;
    try {
      child = await spawnReady(script, {
        env: { COMMIT_SCHEMA: schema },
        onSpawn: (spawned) => {
          child = spawned;
          let buffered = '';
          spawned.stdout?.on('data', (chunk) => {
            buffered += String(chunk);
            const lines = buffered.split('\n');
            buffered = lines.pop() ?? '';
            for (const line of lines) {
              const [tag, executionId, nodeId] = line.split(' ');
              if (tag === 'ack' && executionId && nodeId) acked.push([executionId, nodeId]);
            }
          });
        },
      });
      await waitFor(() => acked.length >= 600, {
        what: '600 acknowledged commits',
        timeoutMs: 30_000,
      });
    } finally {
      if (child) await killChild(child);
    }
    const seen = acked.slice();
    expect(seen.length).toBeGreaterThanOrEqual(600);
    const stored = await store.db
      .selectFrom('node_results')
      .select(['execution_id', 'node_id'])
      .where('result', 'is not', null)
      .where('execution_id', 'in', [...new Set(seen.map(([id]) => id))])
      .execute();
    const keys = new Set(stored.map((row) => `${row.execution_id} ${row.node_id}`));
    expect(seen.filter(([id, node]) => !keys.has(`${id} ${node}`))).toEqual([]);
    // Atomic commits: every execution's resolved count matches its stored results, none half-done.
    const mismatched = await store.db
      .selectFrom('executions as e')
      .select('e.id')
      .where('e.workflow_id', '=', 'wf-crash')
      .where(({ eb, selectFrom }) =>
        eb(
          'e.resolved_count',
          '<>',
          selectFrom('node_results as n')
            .select(({ fn }) => fn.countAll<number>().as('n'))
            .whereRef('n.execution_id', '=', 'e.id')
            .where('n.result', 'is not', null),
        ),
      )
      .execute();
    expect(mismatched).toEqual([]);
  });
});
