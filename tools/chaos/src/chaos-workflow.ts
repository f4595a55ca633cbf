/**
 * The workflow the chaos suite runs, and an executor that records every invocation in an `effects`
 * table (a side effect outside the engine), so re-runs are visible and can be explained.
 * @module
 */
import { NodeRegistry, successResult, type WorkflowDefinition } from '@spane/core';
import type pg from 'pg';

/** a → (b, c) → d: a fan-out and a join, every node slow enough for a kill to land mid-node. */
export const chaosWorkflow: WorkflowDefinition = {
  id: 'chaos-diamond',
  nodes: [
    { id: 'a', type: 'slow', outputs: ['b', 'c'] },
    { id: 'b', type: 'slow', outputs: ['d'] },
    { id: 'c', type: 'slow', outputs: ['d'] },
    { id: 'd', type: 'slow' },
  ],
};

/** Nodes per execution. */
export const CHAOS_NODES = chaosWorkflow.nodes.length;

/** How long each node works, in ms. */
export const CHAOS_NODE_MS = 100;

/** Creates the effects table in `schema` (the store's schema). */
export async function createEffectsTable(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS "${schema}".effects (
       id bigserial PRIMARY KEY, execution_id text NOT NULL, node_id text NOT NULL,
       phase text NOT NULL, pid integer NOT NULL, attempt integer NOT NULL,
       at_ms bigint NOT NULL)`,
  );
}

/**
 * A registry whose `slow` executor records `start`, works, records `end`. A record that fails (the
 * database is restarting) is retried until it is written, as a careful side effect would be.
 */
export function chaosRegistry(pool: pg.Pool, schema: string): NodeRegistry {
  const record = async (executionId: string, nodeId: string, phase: string, attempt: number) => {
    const at = Date.now();
    for (let tries = 0; ; tries++) {
      try {
        await pool.query(
          `INSERT INTO "${schema}".effects (execution_id, node_id, phase, pid, attempt, at_ms)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [executionId, nodeId, phase, process.pid, attempt, at],
        );
        return;
      } catch (error) {
        if (tries > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  return new NodeRegistry().register('slow', async (ctx) => {
    await record(ctx.executionId, ctx.nodeId, 'start', ctx.attempt);
    await new Promise((resolve) => setTimeout(resolve, CHAOS_NODE_MS));
    await record(ctx.executionId, ctx.nodeId, 'end', ctx.attempt);
    return successResult({ node: ctx.nodeId, pid: process.pid });
  });
}
