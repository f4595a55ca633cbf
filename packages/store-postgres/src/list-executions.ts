import type { ExecutionPage, ExecutionQuery, ExecutionStatus } from '@spane/core';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { decodeCursor, encodeCursor } from './page-cursor.ts';
import { DEFAULT_PAGE_SIZE, pageSize } from './page-size.ts';
import { SUMMARY_COLUMNS, toSummary } from './row-mappers.ts';

/**
 * `ExecutionStore.listExecutions` on PostgreSQL: newest first by `(started_at, seq)`, a keyset
 * cursor on the same pair, one query served by the `executions_*_started_idx` indexes.
 */
export async function listExecutions(
  db: Kysely<Database>,
  query: ExecutionQuery,
): Promise<ExecutionPage> {
  const limit = pageSize(query.limit, DEFAULT_PAGE_SIZE);
  const statuses =
    query.status === undefined ? undefined : ([] as ExecutionStatus[]).concat(query.status);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await db
    .selectFrom('executions')
    .select(SUMMARY_COLUMNS)
    .$if(query.workflowId !== undefined, (qb) =>
      qb.where('workflow_id', '=', query.workflowId as string),
    )
    .$if(statuses !== undefined && statuses.length === 1, (qb) =>
      qb.where('status', '=', statuses?.[0] as string),
    )
    .$if(statuses !== undefined && statuses.length !== 1, (qb) =>
      qb.where('status', '=', (eb) => eb.fn.any(eb.val(statuses as string[]))),
    )
    .$if(query.parentExecutionId !== undefined, (qb) =>
      qb.where('parent_execution_id', '=', query.parentExecutionId as string),
    )
    .$if(query.startedAfter !== undefined, (qb) =>
      qb.where('started_at', '>=', query.startedAfter as Date),
    )
    .$if(query.startedBefore !== undefined, (qb) =>
      qb.where('started_at', '<', query.startedBefore as Date),
    )
    .$if(query.updatedBefore !== undefined, (qb) =>
      qb.where('updated_at', '<', query.updatedBefore as Date),
    )
    .$if(after !== undefined, (qb) =>
      qb.where((eb) =>
        eb(
          eb.refTuple('started_at', 'seq'),
          '<',
          eb.tuple(new Date(after?.time ?? 0), after?.seq ?? '0'),
        ),
      ),
    )
    .orderBy('started_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit);
  const page: ExecutionPage = { items: items.map(toSummary) };
  const last = items[items.length - 1];
  if (rows.length > limit && last) {
    page.nextCursor = encodeCursor({ time: last.started_at.getTime(), seq: last.seq });
  }
  return page;
}
