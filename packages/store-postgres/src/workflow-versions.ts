import type { StoredWorkflow, WorkflowDefinition } from '@spane/core';
import { WorkflowError } from '@spane/core';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { contentHash, toRequiredJson } from './json-codec.ts';
import { toStoredWorkflow } from './row-mappers.ts';

const SAVE_ATTEMPTS = 10;
const COLUMNS = ['workflow_id', 'version', 'definition', 'created_at'] as const;

/**
 * Stores a definition as a new version unless the latest version has the same content (compared
 * by the hash of its canonical JSON). Two savers racing for the next version number: the loser's
 * insert does nothing, and it looks again.
 */
export async function saveWorkflow(
  db: Kysely<Database>,
  definition: WorkflowDefinition,
): Promise<{ version: number; created: boolean }> {
  const json = toRequiredJson(definition, 'a workflow definition');
  const hash = contentHash(definition);
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
    const latest = await db
      .selectFrom('workflows')
      .select(['version', 'content_hash'])
      .where('workflow_id', '=', definition.id)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (latest?.content_hash === hash) return { version: latest.version, created: false };
    const version = (latest?.version ?? 0) + 1;
    const inserted = await db
      .insertInto('workflows')
      .values({ workflow_id: definition.id, version, definition: json, content_hash: hash })
      .onConflict((oc) => oc.columns(['workflow_id', 'version']).doNothing())
      .returning('version')
      .executeTakeFirst();
    if (inserted) return { version, created: true };
  }
  throw new WorkflowError({
    message: `PostgreSQL store: saveWorkflow("${definition.id}") lost ${SAVE_ATTEMPTS} races for a new version`,
    workflowId: definition.id,
  });
}

/** The given version of a workflow, or its latest. */
export async function getWorkflow(
  db: Kysely<Database>,
  workflowId: string,
  version: number | undefined,
): Promise<StoredWorkflow | null> {
  const row = await db
    .selectFrom('workflows')
    .select(COLUMNS)
    .where('workflow_id', '=', workflowId)
    .$if(version !== undefined, (qb) => qb.where('version', '=', version as number))
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toStoredWorkflow(row) : null;
}

/** The latest version of every workflow. */
export async function listWorkflows(db: Kysely<Database>): Promise<StoredWorkflow[]> {
  const rows = await db
    .selectFrom('workflows')
    .distinctOn('workflow_id')
    .select(COLUMNS)
    .orderBy('workflow_id')
    .orderBy('version', 'desc')
    .execute();
  return rows.map(toStoredWorkflow);
}
