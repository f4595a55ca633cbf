import type { ExecutionState } from '@spane/core';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { PreparedTexts } from './prepared-pool.ts';
import { type StateRow, toState } from './row-mappers.ts';
import { type StatementGroupOptions, StatementGroups } from './statement-groups.ts';

/** One read: an execution with the results of some of its nodes. */
interface ReadRequest {
  executionId: string;
  nodeIds: readonly string[];
}

/** The statement's text for a schema: fixed, built once per store, fed arrays. */
function groupReadText(schema: string): string {
  const s = `"${schema}"`;
  return `with q as (
  select * from unnest($1::int[], $2::text[]) as q(i, id)
), w as (
  select * from unnest($3::int[], $4::text[]) as w(i, node_id)
)
select q.i, e.seq, e.id, e.workflow_id, e.workflow_version, e.status, e.parent_execution_id,
  e.parent_node_id, e.depth, e.metadata, e.error, e.resolved_count, e.version, e.started_at,
  e.updated_at, e.completed_at, e.initial_data, e.initial_data is null as no_initial_data,
  (select coalesce(json_object_agg(n.node_id, n.result), '{}'::json)
     from ${s}.node_results n
    where n.execution_id = e.id and n.result is not null
      and n.node_id in (select w.node_id from w where w.i = q.i)) as node_results
from q join ${s}.executions e on e.id = q.id`;
}

/**
 * Group reads: `getExecution(id, { nodeIds })` calls made at the same time in this process (the
 * read every node job starts with) travel in one statement. Each read sees the database as of
 * that statement, which starts after the call was made: as fresh as a read of its own.
 */
export class GroupReader {
  readonly #groups: StatementGroups<ReadRequest, ExecutionState | null>;

  constructor(options: {
    db: Kysely<Database>;
    schema: string;
    /** Where its statement's text is registered to go as a named (prepared) statement. */
    prepared?: PreparedTexts | undefined;
    batching?: StatementGroupOptions | undefined;
  }) {
    const text = groupReadText(options.schema);
    options.prepared?.add(text);
    this.#groups = new StatementGroups(
      (requests) => readExecutions(options.db, text, requests),
      options.batching,
    );
  }

  /** An execution with the results of `nodeIds` (those that have one), or `null`. */
  read(executionId: string, nodeIds: readonly string[]): Promise<ExecutionState | null> {
    return this.#groups.call({ executionId, nodeIds });
  }
}

async function readExecutions(
  db: Kysely<Database>,
  text: string,
  requests: readonly ReadRequest[],
): Promise<Array<ExecutionState | null>> {
  const index: number[] = [];
  const ids: string[] = [];
  const wantedIndex: number[] = [];
  const wantedNodes: string[] = [];
  requests.forEach((read, i) => {
    index.push(i);
    ids.push(read.executionId);
    for (const nodeId of read.nodeIds) {
      wantedIndex.push(i);
      wantedNodes.push(nodeId);
    }
  });
  const { rows } = await db.executeQuery<StateRow & { i: number }>(
    CompiledQuery.raw(text, [index, ids, wantedIndex, wantedNodes]),
  );
  const byIndex = new Map(rows.map((row) => [row.i, row]));
  return requests.map((_, i) => {
    const row = byIndex.get(i);
    if (row === undefined) return null;
    const { i: _index, ...state } = row;
    return toState(state);
  });
}
