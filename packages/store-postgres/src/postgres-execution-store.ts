import { randomUUID } from 'node:crypto';
import {
  type ExecutionLogEntry,
  ExecutionNotFoundError,
  type ExecutionPage,
  type ExecutionQuery,
  type ExecutionResult,
  type ExecutionSpan,
  type ExecutionState,
  type ExecutionStatus,
  type ExecutionStore,
  type ExecutionSummary,
  isTerminalStatus,
  type StoredWorkflow,
  VersionConflictError,
  type WorkflowDefinition,
  WorkflowError,
} from '@spane/core';
import {
  type CreateExecutionInput,
  canTransition,
  type NodeOutcomeCommit,
  type NodeOutcomeCommitResult,
  type SetStatusOptions,
  type StatusChange,
} from '@spane/core/store';
import { type Kysely, sql, type Transaction } from 'kysely';
import { commitUnderLock } from './commit-node-outcome.ts';
import type { Database } from './database.ts';
import type { DeadLetterInput, DeadLetterQuery, DeadLetterRecord } from './dead-letter-record.ts';
import { deleteDeadLetter, listDeadLetters, recordDeadLetter } from './dead-letters.ts';
import { lockExecution, resultsOf, selectExecutionState } from './execution-queries.ts';
import { GroupCommitter } from './group-commit.ts';
import { GroupCreator } from './group-create.ts';
import { GroupReader } from './group-read.ts';
import { toJson, toRequiredJson } from './json-codec.ts';
import { KnownStates } from './known-states.ts';
import { listExecutions } from './list-executions.ts';
import { addLog, addSpan, getLogs, getTrace } from './logs-and-spans.ts';
import { migrateToLatest } from './migrate.ts';
import { openDatabase } from './open-database.ts';
import { getPayload, putPayload } from './payloads.ts';
import type { CreatePostgresStoreOptions, PostgresStoreOptions } from './postgres-store-options.ts';
import { PreparedTexts } from './prepared-pool.ts';
import { SUMMARY_COLUMNS, toState, toSummary } from './row-mappers.ts';
import { resolveSchemaName } from './schema-name.ts';
import { getWorkflow, listWorkflows, saveWorkflow } from './workflow-versions.ts';
import { wrapDriverError } from './wrap-driver-error.ts';

/**
 * A durable {@link ExecutionStore} on PostgreSQL (kysely + pg), shared by every worker and process
 * that points at the same database and schema.
 *
 * Node commits are atomic (core's `decideNodeOutcome` decides; concurrent commits share one
 * version-guarded statement, see the README's commit path), results are first-write-wins, every change to an execution bumps
 * its `version` for optimistic locking, and the history pages by an index-served keyset cursor.
 *
 * ```ts
 * import { PostgresExecutionStore } from '@spane/store-postgres';
 * const store = await PostgresExecutionStore.create({ connectionString: process.env.DATABASE_URL });
 * // ... new WorkflowEngine({ registry, store, connection })
 * await store.close();
 * ```
 *
 * @remarks
 * Ownership: a store made from `connectionString` owns its pool and ends it in {@link close}; a
 * `pool` you pass in stays yours to end. The constructor does not touch the database: run
 * {@link migrateToLatest} first, or use {@link PostgresExecutionStore.create}, which does.
 *
 * Values are stored through `JSON.stringify`: Dates inside data come back as ISO strings and
 * `undefined` object fields come back absent. Data (initial data, results, payloads) comes back
 * with its keys in the order written, U+0000 and lone surrogates included; metadata (kept as
 * `jsonb`) refuses those with {@link UnsupportedJsonError}. A top-level `undefined` (initial data,
 * a payload) comes back as `undefined`.
 */
export class PostgresExecutionStore implements ExecutionStore {
  /** The kysely instance the store queries through, with the store's schema applied. */
  readonly db: Kysely<Database>;
  /** The PostgreSQL schema that holds the tables. */
  readonly schema: string;
  readonly #base: Kysely<Database>;
  readonly #ownsPool: boolean;
  /** What this process last saw of each live execution: commits decide from it without reading. */
  readonly #known = new KnownStates();
  readonly #group: GroupCommitter;
  readonly #reads: GroupReader;
  readonly #creates: GroupCreator;
  readonly #errorListeners = new Set<(error: Error) => void>();
  #closed = false;

  /**
   * A store on a connection string (its own pool) or on your pool. Does not run migrations.
   * @throws `ConfigurationError` for an invalid schema name or a missing connection.
   */
  constructor(options: PostgresStoreOptions) {
    this.schema = resolveSchemaName(options.schema);
    const prepared = options.preparedStatements === false ? undefined : new PreparedTexts();
    const { db, ownsPool } = openDatabase<Database>(
      options,
      (error) => {
        for (const listener of this.#errorListeners) listener(error);
      },
      prepared,
    );
    this.#base = db;
    this.#ownsPool = ownsPool;
    this.db = db.withSchema(this.schema);
    this.#group = new GroupCommitter({
      db: this.db,
      schema: this.schema,
      prepared,
      known: this.#known,
      underLock: (commit) => commitUnderLock(this.db, commit),
      batching: options.groupCommit,
    });
    this.#reads = new GroupReader({
      db: this.db,
      schema: this.schema,
      prepared,
      batching: options.groupCommit,
    });
    this.#creates = new GroupCreator({
      db: this.db,
      schema: this.schema,
      prepared,
      batching: options.groupCommit,
    });
  }

  /**
   * A ready store in one call: connects, brings the schema up to date (unless `migrate: false`),
   * and returns the store. On failure, a pool the store created is ended before the error is thrown.
   *
   * ```ts
   * const store = await PostgresExecutionStore.create({ pool, schema: 'spane' });
   * ```
   */
  /**
   * Subscribes to errors of the store's own pool (a connection lost in a database restart; the
   * next query reconnects); returns the unsubscribe function. The engine reports them as its
   * `error` event. A pool you passed in is yours to listen to.
   */
  onError(listener: (error: Error) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  static async create(options: CreatePostgresStoreOptions): Promise<PostgresExecutionStore> {
    const store = new PostgresExecutionStore(options);
    if (options.migrate !== false) {
      try {
        await migrateToLatest({ db: store.#base, schema: store.schema });
      } catch (error) {
        await store.close();
        throw error;
      }
    }
    return store;
  }

  async saveWorkflow(
    definition: WorkflowDefinition,
  ): Promise<{ version: number; created: boolean }> {
    return this.#run('saveWorkflow', () => saveWorkflow(this.db, definition));
  }

  async getWorkflow(workflowId: string, version?: number): Promise<StoredWorkflow | null> {
    return this.#run('getWorkflow', () => getWorkflow(this.db, workflowId, version));
  }

  async listWorkflows(): Promise<StoredWorkflow[]> {
    return this.#run('listWorkflows', () => listWorkflows(this.db));
  }

  async createExecution(
    input: CreateExecutionInput,
  ): Promise<{ execution: ExecutionState; created: boolean }> {
    return this.#run('createExecution', async () => {
      const executionId = input.executionId ?? randomUUID();
      // Any unique violation (the id, or the idempotency key) means "it exists": return that one.
      // Creates made together (a bulk enqueue) share one insert statement.
      const inserted = await this.#creates.create({
        id: executionId,
        workflowId: input.workflowId,
        workflowVersion: input.workflowVersion,
        status: input.status ?? 'running',
        initialData: toJson(input.initialData),
        parentExecutionId: input.parentExecutionId ?? null,
        parentNodeId: input.parentNodeId ?? null,
        depth: input.depth ?? 0,
        metadata: toRequiredJson(input.metadata ?? {}, 'metadata'),
        idempotencyKey: input.idempotencyKey ?? null,
      });
      if (inserted) {
        // A new execution has no node rows: its first commit needs no read.
        this.#known.remember(executionId, {
          version: inserted.version,
          status: inserted.status as ExecutionStatus,
          resolvedCount: inserted.resolved_count,
          nodes: new Map(),
          complete: true,
        });
        return { execution: toState({ ...inserted, node_results: {} }), created: true };
      }
      const existing =
        (input.idempotencyKey === undefined
          ? undefined
          : await selectExecutionState(this.db)
              .where('idempotency_key', '=', input.idempotencyKey)
              .executeTakeFirst()) ??
        (await selectExecutionState(this.db).where('id', '=', executionId).executeTakeFirst());
      if (!existing) {
        throw new WorkflowError({
          message: `PostgreSQL store: createExecution("${executionId}") conflicted with an execution that is gone`,
          executionId,
        });
      }
      return { execution: toState(existing), created: false };
    });
  }

  async getExecution(
    executionId: string,
    options: { nodeIds?: readonly string[] | undefined } = {},
  ): Promise<ExecutionState | null> {
    return this.#run('getExecution', async () => {
      // The read a node job starts with (some nodes' results): shares a statement with others.
      if (options.nodeIds !== undefined) return this.#reads.read(executionId, options.nodeIds);
      const row = await selectExecutionState(this.db, options.nodeIds)
        .where('id', '=', executionId)
        .executeTakeFirst();
      return row ? toState(row) : null;
    });
  }

  async setExecutionStatus(
    executionId: string,
    status: ExecutionStatus,
    options: SetStatusOptions = {},
  ): Promise<StatusChange> {
    return this.#transaction('setExecutionStatus', async (trx) => {
      this.#known.forget(executionId);
      const row = await lockExecution(trx, executionId);
      if (!row) throw new ExecutionNotFoundError(executionId);
      if (options.expectedVersion !== undefined && options.expectedVersion !== row.version) {
        throw new VersionConflictError(executionId, options.expectedVersion, row.version);
      }
      const previous = row.status as ExecutionStatus;
      const from = options.from;
      if (!canTransition(previous, status) || (from !== undefined && !from.includes(previous))) {
        return { changed: false, status: previous, previous };
      }
      await trx
        .updateTable('executions')
        .set((eb) => ({ status, version: eb('version', '+', 1), updated_at: sql`now()` }))
        .$if(isTerminalStatus(status), (qb) => qb.set({ completed_at: sql`now()` }))
        .$if(status === 'failed' && options.error !== undefined, (qb) =>
          qb.set({ error: options.error ?? null }),
        )
        .where('id', '=', executionId)
        .execute();
      return { changed: true, status, previous };
    });
  }

  async updateExecutionMetadata(
    executionId: string,
    patch: Record<string, unknown>,
    options: { expectedVersion?: number | undefined } = {},
  ): Promise<ExecutionSummary> {
    return this.#run('updateExecutionMetadata', async () => {
      this.#known.forget(executionId);
      const expected = options.expectedVersion;
      // A key set to undefined is removed, as spreading the patch over the metadata would do.
      const removed = Object.keys(patch).filter((key) => patch[key] === undefined);
      const json = toRequiredJson(patch, 'a metadata patch');
      // One statement: the row lock it takes makes concurrent merges apply one after the other.
      const row = await this.db
        .updateTable('executions')
        .set((eb) => ({
          metadata: sql`(metadata - ${removed}::text[]) || ${json}::jsonb`,
          version: eb('version', '+', 1),
          updated_at: sql`now()`,
        }))
        .where('id', '=', executionId)
        .$if(expected !== undefined, (qb) => qb.where('version', '=', expected as number))
        .returning(SUMMARY_COLUMNS)
        .executeTakeFirst();
      if (row) return toSummary(row);
      const current = await this.db
        .selectFrom('executions')
        .select('version')
        .where('id', '=', executionId)
        .executeTakeFirst();
      if (!current || expected === undefined) throw new ExecutionNotFoundError(executionId);
      throw new VersionConflictError(executionId, expected, current.version);
    });
  }

  async updateNodeResult(
    executionId: string,
    nodeId: string,
    result: ExecutionResult,
  ): Promise<boolean> {
    const json = toRequiredJson(result, 'a node result');
    return this.#transaction('updateNodeResult', async (trx) => {
      this.#known.forget(executionId);
      if (!(await lockExecution(trx, executionId))) throw new ExecutionNotFoundError(executionId);
      const written = await trx
        .insertInto('node_results')
        .values({ execution_id: executionId, node_id: nodeId, result: json })
        .onConflict((oc) =>
          oc
            .columns(['execution_id', 'node_id'])
            .doUpdateSet({ result: (eb) => eb.ref('excluded.result'), updated_at: sql`now()` })
            .where('node_results.result', 'is', null),
        )
        .returning('node_id')
        .executeTakeFirst();
      if (!written) return false;
      await trx
        .updateTable('executions')
        .set((eb) => ({ version: eb('version', '+', 1), updated_at: sql`now()` }))
        .where('id', '=', executionId)
        .execute();
      return true;
    });
  }

  async getNodeResults(
    executionId: string,
    nodeIds: readonly string[],
  ): Promise<Record<string, ExecutionResult>> {
    return this.#run('getNodeResults', async () => {
      const row = await this.db
        .selectFrom('executions')
        .select((eb) => resultsOf(eb, nodeIds).as('node_results'))
        .where('id', '=', executionId)
        .executeTakeFirst();
      if (!row) throw new ExecutionNotFoundError(executionId);
      return (row.node_results ?? {}) as Record<string, ExecutionResult>;
    });
  }

  /**
   * Commits a node's outcome atomically, first write wins. Commits made at the same time (many
   * executions, concurrent jobs) share one statement (group commit); a commit decides from what this
   * process last saw of its execution and writes only if the execution's version has not moved,
   * else reads again (after two such conflicts, it takes the execution's row lock). See the README.
   */
  async commitNodeOutcome(commit: NodeOutcomeCommit): Promise<NodeOutcomeCommitResult> {
    return this.#run('commitNodeOutcome', () =>
      this.#group.commit(commit, toRequiredJson(commit.result, 'a node result')),
    );
  }

  async holdNodes(executionId: string, nodeIds: readonly string[]): Promise<boolean> {
    return this.#transaction('holdNodes', async (trx) => {
      const row = await lockExecution(trx, executionId);
      if (!row) throw new ExecutionNotFoundError(executionId);
      if (row.status !== 'paused') return false;
      if (nodeIds.length > 0) {
        await trx
          .insertInto('held_nodes')
          .columns(['execution_id', 'node_id'])
          .expression(sql`select ${executionId}, unnest(${[...nodeIds]}::text[])`)
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      return true;
    });
  }

  async resumeExecution(
    executionId: string,
  ): Promise<{ changed: boolean; status: ExecutionStatus; held: string[] }> {
    return this.#transaction('resumeExecution', async (trx) => {
      this.#known.forget(executionId);
      const row = await lockExecution(trx, executionId);
      if (!row) throw new ExecutionNotFoundError(executionId);
      if (row.status !== 'paused') {
        return { changed: false, status: row.status as ExecutionStatus, held: [] };
      }
      await trx
        .updateTable('executions')
        .set((eb) => ({
          status: 'running',
          version: eb('version', '+', 1),
          updated_at: sql`now()`,
        }))
        .where('id', '=', executionId)
        .execute();
      const held = await trx
        .deleteFrom('held_nodes')
        .where('execution_id', '=', executionId)
        .returning('node_id')
        .execute();
      return { changed: true, status: 'running', held: held.map((h) => h.node_id) };
    });
  }

  async reopenNode(executionId: string, nodeId: string): Promise<boolean> {
    return this.#transaction('reopenNode', async (trx) => {
      this.#known.forget(executionId);
      const row = await lockExecution(trx, executionId);
      // Running too: another node that failed the execution was retried first.
      if (row?.status !== 'failed' && row?.status !== 'running') return false;
      // Only a result that failed the execution is removed; its readiness counters stay.
      const reopened = await trx
        .updateTable('node_results')
        .set({ result: null, failed: false, updated_at: sql`now()` })
        .where('execution_id', '=', executionId)
        .where('node_id', '=', nodeId)
        .where('failed', '=', true)
        .returning('node_id')
        .executeTakeFirst();
      if (!reopened) return false;
      await trx
        .updateTable('executions')
        .set((eb) => ({
          status: 'running',
          error: null,
          completed_at: null,
          version: eb('version', '+', 1),
          updated_at: sql`now()`,
        }))
        .where('id', '=', executionId)
        .execute();
      return true;
    });
  }

  async listExecutions(query: ExecutionQuery = {}): Promise<ExecutionPage> {
    return this.#run('listExecutions', () => listExecutions(this.db, query));
  }

  async getExecutionsByWorkflow(
    workflowId: string,
    options: Omit<ExecutionQuery, 'workflowId'> = {},
  ): Promise<ExecutionPage> {
    return this.listExecutions({ ...options, workflowId });
  }

  /** Appends a log line. A line of an unknown execution is dropped; a repeated `id` is kept once. */
  async addLog(entry: ExecutionLogEntry): Promise<void> {
    return this.#run('addLog', () => addLog(this.db, entry));
  }

  async getLogs(executionId: string): Promise<ExecutionLogEntry[]> {
    return this.#run('getLogs', () => getLogs(this.db, executionId));
  }

  /** Records or replaces a span (by execution and `spanId`). A span of an unknown execution is dropped. */
  async addSpan(span: ExecutionSpan): Promise<void> {
    return this.#run('addSpan', () => addSpan(this.db, span));
  }

  async getTrace(executionId: string): Promise<ExecutionSpan[]> {
    return this.#run('getTrace', () => getTrace(this.db, executionId));
  }

  /** Keeps a large value in the `payloads` table; returns its reference (a UUID). */
  async putPayload(executionId: string, value: unknown): Promise<string> {
    return this.#run('putPayload', () => putPayload(this.db, executionId, value));
  }

  async getPayload(reference: string): Promise<unknown> {
    return this.#run('getPayload', () => getPayload(this.db, reference));
  }

  /**
   * Records a node job that exhausted its attempts. Outside the `ExecutionStore` port: the queue
   * holds the dead-letter jobs; this is their durable record, for listings and audits.
   */
  async recordDeadLetter(input: DeadLetterInput): Promise<DeadLetterRecord> {
    return this.#run('recordDeadLetter', () => recordDeadLetter(this.db, input));
  }

  /** Dead-letter records, newest first (default 100, at most 1000), optionally of one execution. */
  async listDeadLetters(query: DeadLetterQuery = {}): Promise<DeadLetterRecord[]> {
    return this.#run('listDeadLetters', () => listDeadLetters(this.db, query));
  }

  /** Deletes a dead-letter record (after a retry, or to discard it). Returns whether it existed. */
  async deleteDeadLetter(id: string): Promise<boolean> {
    return this.#run('deleteDeadLetter', () => deleteDeadLetter(this.db, id));
  }

  async ping(): Promise<void> {
    return this.#run('ping', async () => {
      await sql`select 1`.execute(this.db);
    });
  }

  /** Ends the pool the store created; a pool passed in is left open (it is the caller's). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsPool) await this.#base.destroy();
  }

  async #run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) {
      throw new WorkflowError({
        message: `PostgreSQL store: ${operation} called after close()`,
        retryable: false,
      });
    }
    try {
      return await fn();
    } catch (error) {
      throw wrapDriverError(error, operation);
    }
  }

  /**
   * Runs `fn` in a READ COMMITTED transaction (whatever the server's default), wrapped like
   * {@link PostgresExecutionStore.#run}: each statement after the row lock sees what the previous
   * holder of the lock committed.
   */
  async #transaction<T>(
    operation: string,
    fn: (trx: Transaction<Database>) => Promise<T>,
  ): Promise<T> {
    return this.#run(operation, () =>
      this.db.transaction().setIsolationLevel('read committed').execute(fn),
    );
  }
}
