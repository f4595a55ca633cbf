import type { ExecutionState } from '@spane/core';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { GroupCommitOptions } from './group-commit.ts';
import { type StateRow, toState } from './row-mappers.ts';

interface PendingRead {
  executionId: string;
  nodeIds: readonly string[];
  resolve: (state: ExecutionState | null) => void;
  reject: (error: unknown) => void;
}

/** The statement's text for a schema: fixed, built once per store, fed arrays. */
function groupReadText(schema: string): string {
  const s = `"${schema}"`;
  return `with q as (
  select * from unnest($1::int[], $2::text[]) as q(i, id)
), w as (
  select * from unnest($3::int[], $4::text[]) as w(i, node_id)
)
select q.i, e.seq, e.id, e.workflow_id, e.workflow_version, e.status, e.parent_execution_id,
  e.parent_node_id, e.depth, e.metadata, e.error, e.resolved_count, e.version, e.started_at,
  e.updated_at, e.completed_at, e.initial_data, e.initial_data is null as no_initial_data,
  (select coalesce(json_object_agg(n.node_id, n.result), '{}'::json)
     from ${s}.node_results n
    where n.execution_id = e.id and n.result is not null
      and n.node_id in (select w.node_id from w where w.i = q.i)) as node_results
from q join ${s}.executions e on e.id = q.id`;
}

/**
 * Group reads: `getExecution(id, { nodeIds })` calls made at the same time in this process (the
 * read every node job starts with) travel in one statement. Each read sees the database as of
 * that statement, which starts after the call was made: as fresh as a read of its own.
 */
export class GroupReader {
  readonly #db: Kysely<Database>;
  readonly #text: string;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  #queue: PendingRead[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(options: {
    db: Kysely<Database>;
    schema: string;
    batching?: GroupCommitOptions | undefined;
  }) {
    this.#db = options.db;
    this.#text = groupReadText(options.schema);
    this.#maxBatch = Math.max(1, options.batching?.maxBatch ?? 64);
    this.#maxInFlight = Math.max(1, options.batching?.maxInFlight ?? 4);
  }

  /** An execution with the results of `nodeIds` (those that have one), or `null`. */
  read(executionId: string, nodeIds: readonly string[]): Promise<ExecutionState | null> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ executionId, nodeIds, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0 || this.#inFlight >= this.#maxInFlight) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#queue.length > 0 && this.#inFlight < this.#maxInFlight) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        this.#inFlight++;
        void this.#send(batch).finally(() => {
          this.#inFlight--;
          this.#schedule();
        });
      }
    });
  }

  async #send(batch: PendingRead[]): Promise<void> {
    const index: number[] = [];
    const ids: string[] = [];
    const wantedIndex: number[] = [];
    const wantedNodes: string[] = [];
    batch.forEach((read, i) => {
      index.push(i);
      ids.push(read.executionId);
      for (const nodeId of read.nodeIds) {
        wantedIndex.push(i);
        wantedNodes.push(nodeId);
      }
    });
    let rows: Array<StateRow & { i: number }>;
    try {
      ({ rows } = await this.#db.executeQuery<StateRow & { i: number }>(
        CompiledQuery.raw(this.#text, [index, ids, wantedIndex, wantedNodes]),
      ));
    } catch (error) {
      if (batch.length > 1) {
        // Alone, each read meets only its own error.
        await Promise.all(batch.map((read) => this.#send([read])));
        return;
      }
      batch[0]?.reject(error);
      return;
    }
    const byIndex = new Map(rows.map((row) => [row.i, row]));
    batch.forEach((read, i) => {
      const row = byIndex.get(i);
      if (row === undefined) {
        read.resolve(null);
        return;
      }
      const { i: _, ...state } = row;
      read.resolve(toState(state));
    });
  }
}
