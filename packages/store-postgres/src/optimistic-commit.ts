import {
  decideNodeOutcome,
  ExecutionNotFoundError,
  type NodeOutcomeCommit,
  type NodeOutcomeCommitResult,
  type OutcomeDecision,
  type OutcomeSnapshot,
  toCommitResult,
} from '@spane/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';
import { decisionWrites, executionUpdate } from './decision-writes.ts';
import { outcomeSnapshot, snapshotNodeIds } from './outcome-snapshot.ts';

const SERIALIZATION_FAILURE = '40001';

/** A row of the snapshot query's `nodes` array: id, resolved parents, active parents, has result. */
type NodeTuple = [string, number, number, boolean];

/**
 * Reads, in one statement (one snapshot) and without a lock, what `decideNodeOutcome` needs plus
 * the execution's version. `undefined` for an unknown execution.
 */
async function readSnapshot(
  db: Kysely<Database>,
  commit: NodeOutcomeCommit,
): Promise<{ snapshot: OutcomeSnapshot; version: number } | undefined> {
  const nodeIds = snapshotNodeIds(commit);
  const row = await db
    .selectFrom('executions')
    .select(['status', 'resolved_count', 'version'])
    .select((eb) =>
      eb
        .selectFrom('node_results')
        .select(
          sql<
            NodeTuple[]
          >`coalesce(jsonb_agg(jsonb_build_array(node_results.node_id, node_results.resolved_parents, node_results.active_parents, node_results.result is not null)), '[]'::jsonb)`.as(
            'nodes',
          ),
        )
        .whereRef('node_results.execution_id', '=', 'executions.id')
        .where('node_results.node_id', '=', (inner) => inner.fn.any(inner.val(nodeIds)))
        .as('nodes'),
    )
    .where('id', '=', commit.executionId)
    .executeTakeFirst();
  if (!row) return undefined;
  const nodes = new Map(
    (row.nodes ?? []).map(([id, resolvedParents, activeParents, hasResult]) => [
      id,
      { resolvedParents, activeParents, hasResult },
    ]),
  );
  return {
    version: row.version,
    snapshot: outcomeSnapshot(row.status, row.resolved_count, nodes),
  };
}

/** Whether a decision changes anything in the database. */
function writesSomething(decision: OutcomeDecision): boolean {
  return (
    decision.writeResult ||
    decision.progress.size > 0 ||
    decision.hold.length > 0 ||
    decision.transitioned !== undefined
  );
}

/**
 * Applies a decision in one statement whose first step bumps the execution's version only if it is
 * still `version`; every other write selects from that step, so either all happen or none (when
 * another writer got there first). Returns whether they happened.
 */
async function applyIfUnchanged(
  db: Kysely<Database>,
  commit: NodeOutcomeCommit,
  decision: OutcomeDecision,
  resultJson: string,
  version: number,
): Promise<boolean> {
  const guard = executionUpdate(db, commit, decision)
    .where('version', '=', version)
    .returning('id');
  const planned = decisionWrites({ db, commit, decision, resultJson, gate: 'guard' });
  const writes = [sql`guard as (${guard})`];
  if (planned.result) writes.push(sql`write_result as (${planned.result})`);
  if (planned.progress) writes.push(sql`write_progress as (${planned.progress})`);
  if (planned.hold) writes.push(sql`write_hold as (${planned.hold})`);
  try {
    const { rows } = await sql<{
      applied: number;
    }>`with ${sql.join(writes)} select count(*)::int as applied from guard`.execute(db);
    return (rows[0]?.applied ?? 0) > 0;
  } catch (error) {
    // A session defaulting to REPEATABLE READ or SERIALIZABLE reports the conflict as an error.
    if ((error as { code?: unknown }).code === SERIALIZATION_FAILURE) return false;
    throw error;
  }
}

/**
 * The fast path of `commitNodeOutcome`: read without a lock, decide, and write only if nobody else
 * wrote in between (the execution's version is unchanged). Two round trips, or one when there is
 * nothing to write. Returns `undefined` on a conflict, for the caller to commit under the lock.
 */
export async function commitOptimistically(
  db: Kysely<Database>,
  commit: NodeOutcomeCommit,
  resultJson: string,
): Promise<NodeOutcomeCommitResult | undefined> {
  const read = await readSnapshot(db, commit);
  if (read === undefined) throw new ExecutionNotFoundError(commit.executionId);
  const decision = decideNodeOutcome(read.snapshot, commit);
  if (
    writesSomething(decision) &&
    !(await applyIfUnchanged(db, commit, decision, resultJson, read.version))
  ) {
    return undefined;
  }
  return toCommitResult(decision);
}
