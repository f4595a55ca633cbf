/**
 * The kysely types of the store's tables. Column names are snake_case, as in the database.
 * JSON columns read as parsed values (pg parses `jsonb`) and are written as JSON text, which the
 * store serializes itself so that every value (a bare string, `null`) keeps its JSON meaning.
 * @module
 */
import type { ColumnType, Generated } from 'kysely';

/** A `jsonb` column: parsed on read, written as JSON text. */
export type JsonColumn = ColumnType<unknown, string, string>;
/** A nullable `jsonb` column: SQL `NULL` stands for `undefined`. */
export type NullableJsonColumn = ColumnType<unknown, string | null | undefined, string | null>;
/** A `timestamptz(3)` column with a database default (`now()`). */
export type DefaultTimestamp = ColumnType<Date, Date | undefined, Date>;
/** A `bigserial` column: pg returns `int8` as a string. */
export type Serial = ColumnType<string, never, never>;

/** `workflows`: every stored version of every workflow definition. */
export interface WorkflowTable {
  workflow_id: string;
  version: number;
  definition: JsonColumn;
  /** SHA-256 of the definition's canonical JSON (object keys sorted). */
  content_hash: string;
  created_at: DefaultTimestamp;
}

/** `executions`: one row per execution; `version` is bumped by every change to the row. */
export interface ExecutionTable {
  /** Insertion order, the tie-breaker of the history's cursor. */
  seq: Serial;
  id: string;
  workflow_id: string;
  workflow_version: number;
  status: string;
  initial_data: NullableJsonColumn;
  parent_execution_id: string | null;
  parent_node_id: string | null;
  depth: Generated<number>;
  metadata: JsonColumn;
  error: string | null;
  resolved_count: Generated<number>;
  idempotency_key: string | null;
  version: Generated<number>;
  started_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  completed_at: Date | null;
}

/**
 * `node_results`: per node of an execution, its result (once it has one) and its readiness
 * counters (once a parent resolved). `failed` marks a result that failed the execution.
 */
export interface NodeResultTable {
  execution_id: string;
  node_id: string;
  result: NullableJsonColumn;
  failed: Generated<boolean>;
  resolved_parents: Generated<number>;
  active_parents: Generated<number>;
  updated_at: DefaultTimestamp;
}

/** `held_nodes`: nodes that became ready while their execution was paused. */
export interface HeldNodeTable {
  execution_id: string;
  node_id: string;
  created_at: DefaultTimestamp;
}

/** `logs`: an execution's log lines. */
export interface LogTable {
  id: string;
  seq: Serial;
  execution_id: string;
  node_id: string | null;
  level: string;
  message: string;
  data: NullableJsonColumn;
  timestamp: Date;
}

/** `spans`: an execution's trace, one row per span, upserted by `span_id`. */
export interface SpanTable {
  execution_id: string;
  span_id: string;
  parent_span_id: string | null;
  node_id: string | null;
  name: string;
  status: string;
  start_time: Date;
  end_time: Date | null;
  attributes: NullableJsonColumn;
}

/** `payloads`: large values kept out of queue jobs (claim check). */
export interface PayloadTable {
  reference: string;
  execution_id: string;
  value: NullableJsonColumn;
  created_at: DefaultTimestamp;
}

/** `dead_letters`: records of node jobs that exhausted their attempts. */
export interface DeadLetterTable {
  id: string;
  seq: Serial;
  execution_id: string;
  workflow_id: string;
  node_id: string;
  data: NullableJsonColumn;
  error: string;
  attempts: number;
  created_at: DefaultTimestamp;
}

/** Every table of the store, as kysely sees them (unqualified: the store adds the schema). */
export interface Database {
  workflows: WorkflowTable;
  executions: ExecutionTable;
  node_results: NodeResultTable;
  held_nodes: HeldNodeTable;
  logs: LogTable;
  spans: SpanTable;
  payloads: PayloadTable;
  dead_letters: DeadLetterTable;
}
