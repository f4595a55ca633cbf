/**
 * A child process for the group-commit crash test: commits chains of three nodes for many
 * executions at once, and prints `ack <executionId> <nodeId>` for every commit the store has
 * acknowledged, until it is killed. Prints `ready` once it has started.
 */
import type { NodeOutcomeCommit } from '@spane/core/store';
import { PostgresExecutionStore } from '../../src/index.ts';

const schema = process.env.COMMIT_SCHEMA;
const url = process.env.DATABASE_URL;
if (!schema || !url) throw new Error('COMMIT_SCHEMA and DATABASE_URL are required');

const store = new PostgresExecutionStore({ connectionString: url, schema, poolSize: 4 });
const CHAIN = ['a', 'b', 'c'];

function commitOf(executionId: string, index: number): NodeOutcomeCommit {
  const child = CHAIN[index + 1];
  return {
    executionId,
    nodeId: CHAIN[index] as string,
    result: { success: true, data: { executionId, index } },
    resolution: 'resolved',
    edges: child === undefined ? [] : [{ child, active: true, parentCount: 1 }],
    totalNodes: CHAIN.length,
  };
}

async function runChain(): Promise<void> {
  const { execution } = await store.createExecution({ workflowId: 'wf-crash', workflowVersion: 1 });
  for (let i = 0; i < CHAIN.length; i++) {
    await store.commitNodeOutcome(commitOf(execution.executionId, i));
    process.stdout.write(`ack ${execution.executionId} ${CHAIN[i]}\n`);
  }
}

process.stdout.write('ready\n');
// 32 chains at a time, forever: their commits share statements.
for (;;) await Promise.all(Array.from({ length: 32 }, runChain));
