/**
 * Queries shared by the store's methods: the row lock every writer takes, and the one-query read
 * of an execution with its node results.
 * @module
 */
import { type ExpressionBuilder, type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './database.ts';
import { SUMMARY_COLUMNS } from './row-mappers.ts';

/**
 * Locks an execution's row (`FOR NO KEY UPDATE`) for the rest of the transaction and reads its
 * status, version and resolved count; `undefined` for an unknown execution. Every writer of an execution's
 * scheduling state goes through it, so they apply one after the other. The lock does not block
 * readers, nor inserts of logs and spans (their foreign-key checks take a weaker lock).
 */
export function lockExecution(
  trx: Transaction<Database>,
  executionId: string,
): Promise<{ status: string; version: number; resolved_count: number } | undefined> {
  return trx
    .selectFrom('executions')
    .select(['status', 'version', 'resolved_count'])
    .where('id', '=', executionId)
    .forNoKeyUpdate()
    .executeTakeFirst();
}

/**
 * A scalar subquery: the execution's results as one `{ [nodeId]: result }` object, only those of
 * `nodeIds` when given (looked up by primary key).
 */
export function resultsOf(
  eb: ExpressionBuilder<Database, 'executions'>,
  nodeIds?: readonly string[],
) {
  return eb
    .selectFrom('node_results')
    .select(
      sql<unknown>`coalesce(json_object_agg(node_results.node_id, node_results.result), '{}'::json)`.as(
        'results',
      ),
    )
    .whereRef('node_results.execution_id', '=', 'executions.id')
    .where('node_results.result', 'is not', null)
    .$if(nodeIds !== undefined, (qb) =>
      qb.where('node_results.node_id', '=', (inner) =>
        inner.fn.any(inner.val([...(nodeIds ?? [])])),
      ),
    );
}

/** Executions with their initial data and (some of) their node results, in one query. */
export function selectExecutionState(db: Kysely<Database>, nodeIds?: readonly string[]) {
  return db
    .selectFrom('executions')
    .select([...SUMMARY_COLUMNS, 'initial_data'])
    .select(sql<boolean>`initial_data is null`.as('no_initial_data'))
    .select((eb) => resultsOf(eb, nodeIds).as('node_results'));
}
