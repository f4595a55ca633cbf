import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { PreparedTexts } from './prepared-pool.ts';
import type { SummaryRow } from './row-mappers.ts';
import { type StatementGroupOptions, StatementGroups } from './statement-groups.ts';

/** The row of a new execution, its JSON already serialized. */
export interface NewExecutionRow {
  id: string;
  workflowId: string;
  workflowVersion: number;
  status: string;
  initialData: string | null;
  parentExecutionId: string | null;
  parentNodeId: string | null;
  depth: number;
  metadata: string;
  idempotencyKey: string | null;
}

/** A row the insert returned. */
export type InsertedRow = SummaryRow & { initial_data: unknown; no_initial_data: boolean };

function groupCreateText(schema: string): string {
  return `insert into "${schema}".executions as e
  (id, workflow_id, workflow_version, status, initial_data, parent_execution_id, parent_node_id,
   depth, metadata, idempotency_key)
select v.id, v.workflow_id, v.workflow_version, v.status, v.initial_data::json,
  v.parent_execution_id, v.parent_node_id, v.depth, v.metadata::jsonb, v.idempotency_key
from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[],
  $8::int[], $9::text[], $10::text[]) with ordinality
  as v(id, workflow_id, workflow_version, status, initial_data, parent_execution_id,
       parent_node_id, depth, metadata, idempotency_key, ord)
order by v.ord
on conflict do nothing
returning e.seq, e.id, e.workflow_id, e.workflow_version, e.status, e.parent_execution_id,
  e.parent_node_id, e.depth, e.metadata, e.error, e.resolved_count, e.version, e.started_at,
  e.updated_at, e.completed_at, e.initial_data, e.initial_data is null as no_initial_data`;
}

/**
 * Group creates: `createExecution` calls made at the same time (`enqueueBulkWorkflows`) insert in
 * one statement. A row that conflicts (its id or idempotency key exists) is not inserted: its call
 * gets `undefined` and looks up the existing execution itself.
 */
export class GroupCreator {
  readonly #groups: StatementGroups<NewExecutionRow, InsertedRow | undefined>;

  constructor(options: {
    db: Kysely<Database>;
    schema: string;
    /** Where its statement's text is registered to go as a named (prepared) statement. */
    prepared?: PreparedTexts | undefined;
    batching?: StatementGroupOptions | undefined;
  }) {
    const text = groupCreateText(options.schema);
    options.prepared?.add(text);
    this.#groups = new StatementGroups(
      (rows) => insertExecutions(options.db, text, rows),
      options.batching,
    );
  }

  /** Inserts the row; `undefined` when it conflicted with an existing execution. */
  create(row: NewExecutionRow): Promise<InsertedRow | undefined> {
    return this.#groups.call(row);
  }
}

async function insertExecutions(
  db: Kysely<Database>,
  text: string,
  rows: readonly NewExecutionRow[],
): Promise<Array<InsertedRow | undefined>> {
  const { rows: inserted } = await db.executeQuery<InsertedRow>(
    CompiledQuery.raw(text, [
      rows.map((r) => r.id),
      rows.map((r) => r.workflowId),
      rows.map((r) => r.workflowVersion),
      rows.map((r) => r.status),
      rows.map((r) => r.initialData),
      rows.map((r) => r.parentExecutionId),
      rows.map((r) => r.parentNodeId),
      rows.map((r) => r.depth),
      rows.map((r) => r.metadata),
      rows.map((r) => r.idempotencyKey),
    ]),
  );
  const byId = new Map(inserted.map((row) => [row.id, row]));
  // Two calls with one id: the first gets the row, the other one looks the execution up.
  return rows.map((row) => {
    const hit = byId.get(row.id);
    byId.delete(row.id);
    return hit;
  });
}
