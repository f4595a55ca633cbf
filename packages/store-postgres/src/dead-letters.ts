import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';
import type { DeadLetterInput, DeadLetterQuery, DeadLetterRecord } from './dead-letter-record.ts';
import { toJson } from './json-codec.ts';
import { pageSize } from './page-size.ts';
import { toDeadLetter } from './row-mappers.ts';

const COLUMNS = [
  'id',
  'execution_id',
  'workflow_id',
  'node_id',
  'data',
  'error',
  'attempts',
] as const;

/** Inserts a dead-letter record. */
export async function recordDeadLetter(
  db: Kysely<Database>,
  input: DeadLetterInput,
): Promise<DeadLetterRecord> {
  const row = await db
    .insertInto('dead_letters')
    .values({
      id: input.id ?? randomUUID(),
      execution_id: input.executionId,
      workflow_id: input.workflowId,
      node_id: input.nodeId,
      data: toJson(input.data),
      error: input.error,
      attempts: input.attempts,
    })
    .returning([...COLUMNS, 'created_at'])
    .returning(sql<boolean>`data is null`.as('no_data'))
    .executeTakeFirstOrThrow();
  return toDeadLetter(row);
}

/** Dead-letter records, newest first; default limit 100, at most 1000. */
export async function listDeadLetters(
  db: Kysely<Database>,
  query: DeadLetterQuery,
): Promise<DeadLetterRecord[]> {
  const limit = pageSize(query.limit, 100);
  const rows = await db
    .selectFrom('dead_letters')
    .select([...COLUMNS, 'created_at'])
    .select(sql<boolean>`data is null`.as('no_data'))
    .$if(query.executionId !== undefined, (qb) =>
      qb.where('execution_id', '=', query.executionId as string),
    )
    .orderBy('created_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toDeadLetter);
}

/** Deletes a dead-letter record; returns whether it existed. */
export async function deleteDeadLetter(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('dead_letters').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
