/**
 * Row → domain mappers. Nullable columns become absent fields (never `undefined`-valued keys or
 * `null`s the port does not promise), and timestamps are `Date`s.
 * @module
 */
import type {
  ExecutionLogEntry,
  ExecutionResult,
  ExecutionSpan,
  ExecutionState,
  ExecutionStatus,
  ExecutionSummary,
  StoredWorkflow,
  WorkflowDefinition,
} from '@spane/core';
import type { Selectable } from 'kysely';
import type {
  DeadLetterTable,
  ExecutionTable,
  LogTable,
  SpanTable,
  WorkflowTable,
} from './database.ts';
import type { DeadLetterRecord } from './dead-letter-record.ts';

/** The `executions` columns a summary needs (no initial data). */
export const SUMMARY_COLUMNS = [
  'seq',
  'id',
  'workflow_id',
  'workflow_version',
  'status',
  'parent_execution_id',
  'parent_node_id',
  'depth',
  'metadata',
  'error',
  'resolved_count',
  'version',
  'started_at',
  'updated_at',
  'completed_at',
] as const;

/** A row with the {@link SUMMARY_COLUMNS}. */
export type SummaryRow = Pick<Selectable<ExecutionTable>, (typeof SUMMARY_COLUMNS)[number]>;

/** An execution row with its initial data and (some of) its node results. */
export interface StateRow extends SummaryRow {
  initial_data: unknown;
  /** True when `initial_data` is SQL `NULL`: the execution was created without data. */
  no_initial_data: boolean;
  /** `{ [nodeId]: result }`, aggregated by the query. */
  node_results: unknown;
}

/** An execution summary from its row. */
export function toSummary(row: SummaryRow): ExecutionSummary {
  const summary: ExecutionSummary = {
    executionId: row.id,
    workflowId: row.workflow_id,
    workflowVersion: row.workflow_version,
    status: row.status as ExecutionStatus,
    depth: row.depth,
    metadata: (row.metadata ?? {}) as Record<string, unknown>,
    resolvedCount: row.resolved_count,
    version: row.version,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
  };
  if (row.parent_execution_id !== null) summary.parentExecutionId = row.parent_execution_id;
  if (row.parent_node_id !== null) summary.parentNodeId = row.parent_node_id;
  if (row.error !== null) summary.error = row.error;
  if (row.completed_at !== null) summary.completedAt = row.completed_at;
  return summary;
}

/** A whole execution (with the node results the query loaded) from its row. */
export function toState(row: StateRow): ExecutionState {
  return {
    ...toSummary(row),
    initialData: row.no_initial_data ? undefined : row.initial_data,
    nodeResults: (row.node_results ?? {}) as Record<string, ExecutionResult>,
  };
}

/** A stored workflow from its row. */
export function toStoredWorkflow(
  row: Pick<Selectable<WorkflowTable>, 'workflow_id' | 'version' | 'definition' | 'created_at'>,
): StoredWorkflow {
  return {
    workflowId: row.workflow_id,
    version: row.version,
    definition: row.definition as WorkflowDefinition,
    createdAt: row.created_at,
  };
}

/** A log line from its row. */
export function toLogEntry(row: Omit<Selectable<LogTable>, 'seq'>): ExecutionLogEntry {
  const entry: ExecutionLogEntry = {
    id: row.id,
    executionId: row.execution_id,
    level: row.level as ExecutionLogEntry['level'],
    message: row.message,
    timestamp: row.timestamp,
  };
  if (row.node_id !== null) entry.nodeId = row.node_id;
  if (row.data !== null) entry.data = row.data as Record<string, unknown>;
  return entry;
}

/** A span from its row. */
export function toSpan(row: Selectable<SpanTable>): ExecutionSpan {
  const span: ExecutionSpan = {
    spanId: row.span_id,
    executionId: row.execution_id,
    name: row.name,
    status: row.status as ExecutionSpan['status'],
    startTime: row.start_time,
  };
  if (row.parent_span_id !== null) span.parentSpanId = row.parent_span_id;
  if (row.node_id !== null) span.nodeId = row.node_id;
  if (row.end_time !== null) span.endTime = row.end_time;
  if (row.attributes !== null) span.attributes = row.attributes as Record<string, unknown>;
  return span;
}

/** A dead-letter record from its row; `no_data` tells SQL `NULL` (no data) from JSON `null`. */
export function toDeadLetter(
  row: Omit<Selectable<DeadLetterTable>, 'seq'> & { no_data: boolean },
): DeadLetterRecord {
  const record: DeadLetterRecord = {
    id: row.id,
    executionId: row.execution_id,
    workflowId: row.workflow_id,
    nodeId: row.node_id,
    error: row.error,
    attempts: row.attempts,
    createdAt: row.created_at,
  };
  if (!row.no_data) record.data = row.data;
  return record;
}
