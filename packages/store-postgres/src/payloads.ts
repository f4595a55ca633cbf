import { randomUUID } from 'node:crypto';
import { ExecutionNotFoundError, PayloadNotFoundError } from '@spane/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.ts';
import { toJson } from './json-codec.ts';
import { isForeignKeyViolation } from './logs-and-spans.ts';

/** Keeps a value in the `payloads` table; returns its reference (a UUID). */
export async function putPayload(
  db: Kysely<Database>,
  executionId: string,
  value: unknown,
): Promise<string> {
  const reference = randomUUID();
  try {
    await db
      .insertInto('payloads')
      .values({ reference, execution_id: executionId, value: toJson(value) })
      .execute();
  } catch (error) {
    if (isForeignKeyViolation(error)) throw new ExecutionNotFoundError(executionId);
    throw error;
  }
  return reference;
}

/** A payload by reference (`undefined` stays `undefined`); `PayloadNotFoundError` when missing. */
export async function getPayload(db: Kysely<Database>, reference: string): Promise<unknown> {
  const row = await db
    .selectFrom('payloads')
    .select('value')
    .select(sql<boolean>`value is null`.as('missing'))
    .where('reference', '=', reference)
    .executeTakeFirst();
  if (!row) throw new PayloadNotFoundError(reference);
  return row.missing ? undefined : row.value;
}
