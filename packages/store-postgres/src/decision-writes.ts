import type { NodeOutcomeCommit, OutcomeDecision } from '@spane/core/store';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from './database.ts';

/**
 * The writes of a commit decision, as statements to combine into data-modifying CTEs: the node's
 * result, its children's counters, the held nodes, and the execution row. `gate` names a CTE whose
 * rows they select from (so they happen only if it returned one), or is absent for plain writes.
 */
export function decisionWrites(options: {
  db: Kysely<Database>;
  commit: NodeOutcomeCommit;
  decision: OutcomeDecision;
  resultJson: string;
  gate?: string | undefined;
}): { result?: RawBuilder<unknown>; progress?: RawBuilder<unknown>; hold?: RawBuilder<unknown> } {
  const { db, commit, decision } = options;
  const executionId = commit.executionId;
  const from = options.gate === undefined ? sql`` : sql` from ${sql.id(options.gate)}`;
  const writes: {
    result?: RawBuilder<unknown>;
    progress?: RawBuilder<unknown>;
    hold?: RawBuilder<unknown>;
  } = {};
  if (decision.writeResult) {
    const insert = db
      .insertInto('node_results')
      .columns(['execution_id', 'node_id', 'result', 'failed'])
      .expression(
        sql`select ${executionId}, ${commit.nodeId}, ${options.resultJson}::json, ${commit.resolution === 'failed'}${from}`,
      )
      .onConflict((oc) =>
        oc
          .columns(['execution_id', 'node_id'])
          .doUpdateSet({
            result: (eb) => eb.ref('excluded.result'),
            failed: (eb) => eb.ref('excluded.failed'),
            updated_at: sql`now()`,
          })
          .where('node_results.result', 'is', null),
      );
    writes.result = sql`${insert}`;
  }
  if (decision.progress.size > 0) {
    const children = [...decision.progress.keys()];
    const counters = [...decision.progress.values()];
    const upsert = db
      .insertInto('node_results')
      .columns(['execution_id', 'node_id', 'resolved_parents', 'active_parents'])
      .expression(
        sql`select ${executionId}, t.node_id, t.resolved, t.active from unnest(${children}::text[], ${counters.map((c) => c.resolvedParents)}::int[], ${counters.map((c) => c.activeParents)}::int[]) as t(node_id, resolved, active)${options.gate === undefined ? sql`` : sql` cross join ${sql.id(options.gate)}`}`,
      )
      .onConflict((oc) =>
        oc.columns(['execution_id', 'node_id']).doUpdateSet({
          resolved_parents: (eb) => eb.ref('excluded.resolved_parents'),
          active_parents: (eb) => eb.ref('excluded.active_parents'),
          updated_at: sql`now()`,
        }),
      );
    writes.progress = sql`${upsert}`;
  }
  if (decision.hold.length > 0) {
    const hold = db
      .insertInto('held_nodes')
      .columns(['execution_id', 'node_id'])
      .expression(sql`select ${executionId}, unnest(${decision.hold}::text[])${from}`)
      .onConflict((oc) => oc.doNothing());
    writes.hold = sql`${hold}`;
  }
  return writes;
}

/** The update of the execution row a decision makes: counts, status, version (and end, error). */
export function executionUpdate(
  db: Kysely<Database>,
  commit: NodeOutcomeCommit,
  decision: OutcomeDecision,
) {
  return db
    .updateTable('executions')
    .set((eb) => ({
      resolved_count: decision.resolvedCount,
      status: decision.status,
      version: eb('version', '+', 1),
      updated_at: sql`now()`,
    }))
    .$if(decision.transitioned !== undefined, (qb) => qb.set({ completed_at: sql`now()` }))
    .$if(decision.transitioned === 'failed' && commit.error !== undefined, (qb) =>
      qb.set({ error: commit.error ?? null }),
    )
    .where('id', '=', commit.executionId);
}
