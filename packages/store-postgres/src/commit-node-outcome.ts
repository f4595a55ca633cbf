import { ExecutionNotFoundError } from '@spane/core';
import {
  decideNodeOutcome,
  type NodeOutcomeCommit,
  type NodeOutcomeCommitResult,
  type OutcomeDecision,
  type OutcomeSnapshot,
  toCommitResult,
} from '@spane/core/store';
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from './database.ts';
import { decisionWrites, executionUpdate } from './decision-writes.ts';
import { lockExecution } from './execution-queries.ts';
import { toRequiredJson } from './json-codec.ts';
import { outcomeSnapshot, snapshotNodeIds } from './outcome-snapshot.ts';

/**
 * Reads, under the execution's row lock, what `decideNodeOutcome` needs: the execution's status
 * and resolved count, and the rows of the committing node and its children (never other nodes).
 * Returns `undefined` for an unknown execution.
 */
async function readSnapshot(
  trx: Transaction<Database>,
  commit: NodeOutcomeCommit,
): Promise<OutcomeSnapshot | undefined> {
  // Round trip 1: the lock serializes every writer of this execution. The node rows are read by a
  // later statement, so (in READ COMMITTED) they include what the previous lock holder committed.
  const execution = await lockExecution(trx, commit.executionId);
  if (!execution) return undefined;
  // Round trip 2: the node and its children, by primary key.
  const nodeIds = snapshotNodeIds(commit);
  const rows = await trx
    .selectFrom('node_results')
    .select(['node_id', 'resolved_parents', 'active_parents'])
    .select(sql<boolean>`result is not null`.as('has_result'))
    .where('execution_id', '=', commit.executionId)
    .where('node_id', '=', (eb) => eb.fn.any(eb.val(nodeIds)))
    .execute();
  const nodes = new Map(
    rows.map((row) => [
      row.node_id,
      {
        resolvedParents: row.resolved_parents,
        activeParents: row.active_parents,
        hasResult: row.has_result,
      },
    ]),
  );
  return outcomeSnapshot(execution.status, execution.resolved_count, nodes);
}

/**
 * Applies a decision's writes in one statement (data-modifying CTEs): the result, the children's
 * counters, the held nodes, and the execution row (resolved count, status, error, version).
 */
async function applyDecision(
  trx: Transaction<Database>,
  commit: NodeOutcomeCommit,
  decision: OutcomeDecision,
  resultJson: string,
): Promise<void> {
  const planned = decisionWrites({ db: trx, commit, decision, resultJson });
  const writes = [planned.result, planned.progress, planned.hold].filter(
    (write): write is RawBuilder<unknown> => write !== undefined,
  );
  if (decision.writeResult || decision.transitioned !== undefined) {
    writes.push(sql`${executionUpdate(trx, commit, decision)}`);
  }
  const last = writes.pop();
  if (last === undefined) return;
  // Round trip 3: every write at once.
  if (writes.length === 0) {
    await last.execute(trx);
    return;
  }
  const ctes = writes.map((write, i) => sql`${sql.id(`write_${i}`)} as (${write})`);
  await sql`with ${sql.join(ctes)} ${last}`.execute(trx);
}

/**
 * `ExecutionStore.commitNodeOutcome` under the execution's row lock: one transaction that locks
 * the execution row, reads the node and its children, lets core's `decideNodeOutcome` decide and
 * applies the writes (five round trips: BEGIN, lock, read, write, COMMIT). The group commit's
 * fallback for a commit whose version guard keeps failing (other writers of the execution).
 */
export async function commitUnderLock(
  db: Kysely<Database>,
  commit: NodeOutcomeCommit,
): Promise<NodeOutcomeCommitResult> {
  // READ COMMITTED whatever the server's default: the read after the lock must see the previous
  // lock holder's writes (under REPEATABLE READ it would fail with a serialization error instead).
  return db
    .transaction()
    .setIsolationLevel('read committed')
    .execute(async (trx) => {
      const snapshot = await readSnapshot(trx, commit);
      if (snapshot === undefined) throw new ExecutionNotFoundError(commit.executionId);
      const decision = decideNodeOutcome(snapshot, commit);
      await applyDecision(trx, commit, decision, toRequiredJson(commit.result, 'a node result'));
      return toCommitResult(decision);
    });
}
