import { NodeRegistry, successResult, type WorkflowDefinition } from '@spane/core';
import pg from 'pg';

/** a → (b, c) → d: every node slow enough that a kill lands mid-node. */
export const crashWorkflow: WorkflowDefinition = {
  id: 'crash-diamond',
  nodes: [
    { id: 'a', type: 'slow', outputs: ['b', 'c'] },
    { id: 'b', type: 'slow', outputs: ['d'] },
    { id: 'c', type: 'slow', outputs: ['d'] },
    { id: 'd', type: 'slow' },
  ],
};

/** A straight chain: each next node runs inline in its parent's job. */
export const crashChainWorkflow: WorkflowDefinition = {
  id: 'crash-chain',
  nodes: [
    { id: 'c1', type: 'slow', outputs: ['c2'] },
    { id: 'c2', type: 'slow', outputs: ['c3'] },
    { id: 'c3', type: 'slow', outputs: ['c4'] },
    { id: 'c4', type: 'slow' },
  ],
};

/** pre → wait (a durable delay) → sub (runs crash-diamond) → post. */
export const crashCompositeWorkflow: WorkflowDefinition = {
  id: 'crash-composite',
  nodes: [
    { id: 'pre', type: 'slow', outputs: ['wait'] },
    { id: 'wait', type: 'delay', config: { duration: 300 }, outputs: ['sub'] },
    { id: 'sub', type: 'sub-workflow', config: { workflowId: 'crash-diamond' }, outputs: ['post'] },
    { id: 'post', type: 'slow' },
  ],
};

/**
 * How long a `slow` node runs: long enough that the test's poll (a query, on a loaded machine)
 * sees executors mid-node and kills the worker before they end. Executions move in step when the
 * store groups their commits, so their nodes also end together.
 */
export const CRASH_NODE_MS = 300;

/** The table where executors record each invocation (a side effect outside the engine). */
export async function createEffectsTable(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS "${schema}".effects (
       id bigserial PRIMARY KEY, execution_id text NOT NULL, node_id text NOT NULL,
       phase text NOT NULL, pid integer NOT NULL, attempt integer NOT NULL)`,
  );
}

/**
 * Makes a worker that is about to be killed keep its executors mid-node: once `afterEnds` of the
 * `nodeIds` nodes have ended in this process, further ones start and never end, so the kill
 * lands mid-node however slow the machine is.
 */
export interface CrashHang {
  nodeIds: readonly string[];
  afterEnds: number;
}

/**
 * A registry whose `slow` executor records `start`, waits, records `end` and returns a value
 * derived from its input, so a re-run would be visible in the effects table.
 */
export function crashRegistry(
  pool: pg.Pool,
  schema: string,
  options: { hang?: CrashHang | undefined } = {},
): NodeRegistry {
  const record = (executionId: string, nodeId: string, phase: string, attempt: number) =>
    pool.query(
      `INSERT INTO "${schema}".effects (execution_id, node_id, phase, pid, attempt) VALUES ($1, $2, $3, $4, $5)`,
      [executionId, nodeId, phase, process.pid, attempt],
    );
  const hang = options.hang;
  let ended = 0;
  return new NodeRegistry().register('slow', async (ctx) => {
    await record(ctx.executionId, ctx.nodeId, 'start', ctx.attempt);
    const watched = hang?.nodeIds.includes(ctx.nodeId) ?? false;
    if (watched && hang && ended >= hang.afterEnds) {
      // Recorded, so the test can wait for an executor that will surely still be mid-node.
      await record(ctx.executionId, ctx.nodeId, 'hang', ctx.attempt);
      await new Promise(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, CRASH_NODE_MS));
    if (watched) ended += 1;
    await record(ctx.executionId, ctx.nodeId, 'end', ctx.attempt);
    return successResult({ node: ctx.nodeId, input: ctx.inputData });
  });
}

export { pg };
