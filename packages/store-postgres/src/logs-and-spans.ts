import { randomUUID } from 'node:crypto';
import type { ExecutionLogEntry, ExecutionSpan } from '@spane/core';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { toJson } from './json-codec.ts';
import { toLogEntry, toSpan } from './row-mappers.ts';

/** True for a foreign-key violation: the row names an execution that does not exist. */
export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23503';
}

/** Appends a log line; a repeated `id` is kept once, a line of an unknown execution is dropped. */
export async function addLog(db: Kysely<Database>, entry: ExecutionLogEntry): Promise<void> {
  try {
    await db
      .insertInto('logs')
      .values({
        id: entry.id ?? randomUUID(),
        execution_id: entry.executionId,
        node_id: entry.nodeId ?? null,
        level: entry.level,
        message: entry.message,
        data: toJson(entry.data),
        timestamp: entry.timestamp,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  } catch (error) {
    if (!isForeignKeyViolation(error)) throw error;
  }
}

/** An execution's log lines, oldest first (by timestamp, then insertion). */
export async function getLogs(
  db: Kysely<Database>,
  executionId: string,
): Promise<ExecutionLogEntry[]> {
  const rows = await db
    .selectFrom('logs')
    .select(['id', 'execution_id', 'node_id', 'level', 'message', 'data', 'timestamp'])
    .where('execution_id', '=', executionId)
    .orderBy('timestamp')
    .orderBy('seq')
    .execute();
  return rows.map(toLogEntry);
}

/** Inserts or replaces a span by (execution, `spanId`); a span of an unknown execution is dropped. */
export async function addSpan(db: Kysely<Database>, span: ExecutionSpan): Promise<void> {
  const changes = {
    parent_span_id: span.parentSpanId ?? null,
    node_id: span.nodeId ?? null,
    name: span.name,
    status: span.status,
    start_time: span.startTime,
    end_time: span.endTime ?? null,
    attributes: toJson(span.attributes),
  };
  try {
    await db
      .insertInto('spans')
      .values({ execution_id: span.executionId, span_id: span.spanId, ...changes })
      .onConflict((oc) => oc.columns(['execution_id', 'span_id']).doUpdateSet(changes))
      .execute();
  } catch (error) {
    if (!isForeignKeyViolation(error)) throw error;
  }
}

/** An execution's spans by start time. */
export async function getTrace(
  db: Kysely<Database>,
  executionId: string,
): Promise<ExecutionSpan[]> {
  const rows = await db
    .selectFrom('spans')
    .selectAll()
    .where('execution_id', '=', executionId)
    .orderBy('start_time')
    .orderBy('span_id')
    .execute();
  return rows.map(toSpan);
}
