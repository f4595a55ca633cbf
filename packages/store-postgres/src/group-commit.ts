import {
  decideNodeOutcome,
  ExecutionNotFoundError,
  type NodeOutcomeCommit,
  type NodeOutcomeCommitResult,
  type OutcomeDecision,
  toCommitResult,
} from '@spane/core';
import type { Kysely } from 'kysely';
import {
  type BatchItem,
  type BatchOutcome,
  commitBatchText,
  runCommitBatch,
} from './commit-batch.ts';
import type { Database } from './database.ts';
import type { KnownStates } from './known-states.ts';
import { outcomeSnapshot, snapshotNodeIds } from './outcome-snapshot.ts';

/** How commits are grouped into statements. */
export interface GroupCommitOptions {
  /** Commits in one statement at most. Default is 64. */
  maxBatch?: number | undefined;
  /** Statements in flight at once (each on its own pooled connection). Default is 4. */
  maxInFlight?: number | undefined;
}

/** Guarded tries (after the first decision) before a commit takes the execution's row lock. */
const MAX_GUARDED_TRIES = 3;

const SERIALIZATION_FAILURE = '40001';

interface Pending {
  item: BatchItem;
  /** Guarded tries so far. */
  tries: number;
  resolve: (result: NodeOutcomeCommitResult) => void;
  reject: (error: unknown) => void;
}

/** Whether a decision changes anything in the database. */
function writesSomething(decision: OutcomeDecision): boolean {
  return (
    decision.writeResult ||
    decision.progress.size > 0 ||
    decision.hold.length > 0 ||
    decision.transitioned !== undefined
  );
}

/**
 * Group commit: node commits made at the same time in this process (concurrent jobs, many
 * executions) travel in one statement, each still atomic and first-write-wins on its own (its
 * writes happen only if its execution's version is the one it decided on).
 *
 * - A commit is decided from the state this process last saw of its execution (the row it
 *   created, or its own last commit), so the common case is one statement and no read.
 * - Unknown or moved state: the statement reads a fresh snapshot for that commit (a probe), the
 *   commit is decided again and goes in the next statement; after {@link MAX_GUARDED_TRIES}
 *   failed guards it takes the row lock (`underLock`).
 * - Commits of one execution go one after the other (never two in one statement), in call order.
 * - A statement that fails as a whole (a driver error) is retried one commit per statement, so
 *   the error reaches only the commit that caused it.
 * - Batching window: none is waited for. A statement is sent as soon as a connection slot is free;
 *   commits that arrive while {@link GroupCommitOptions.maxInFlight} statements are in flight wait
 *   for the next one (and one event-loop turn at most gathers them).
 */
export class GroupCommitter {
  readonly #db: Kysely<Database>;
  readonly #known: KnownStates;
  readonly #underLock: (commit: NodeOutcomeCommit) => Promise<NodeOutcomeCommitResult>;
  readonly #text: string;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  /** Ready to go in the next statement (one per execution). */
  #queue: Pending[] = [];
  /** Executions with a commit queued or in flight; later commits of one wait here, in order. */
  readonly #busy = new Map<string, Pending[]>();
  #inFlight = 0;
  #scheduled = false;

  constructor(options: {
    db: Kysely<Database>;
    schema: string;
    known: KnownStates;
    underLock: (commit: NodeOutcomeCommit) => Promise<NodeOutcomeCommitResult>;
    batching?: GroupCommitOptions | undefined;
  }) {
    this.#db = options.db;
    this.#known = options.known;
    this.#underLock = options.underLock;
    this.#text = commitBatchText(options.schema);
    this.#maxBatch = Math.max(1, options.batching?.maxBatch ?? 64);
    this.#maxInFlight = Math.max(1, options.batching?.maxInFlight ?? 4);
  }

  /** Commits a node outcome; `resultJson` is the result, already serialized. */
  commit(commit: NodeOutcomeCommit, resultJson: string): Promise<NodeOutcomeCommitResult> {
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        item: { commit, nodeIds: snapshotNodeIds(commit), resultJson, version: 0, absent: [] },
        tries: 0,
        resolve,
        reject,
      };
      const waiting = this.#busy.get(commit.executionId);
      if (waiting !== undefined) {
        waiting.push(pending);
        return;
      }
      this.#busy.set(commit.executionId, []);
      this.#start(pending);
    });
  }

  /** Decides a commit from what is known (or makes it a probe) and queues it. */
  #start(pending: Pending): void {
    const item = pending.item;
    const known = this.#known.snapshotFor(item.commit, item.nodeIds);
    const decision = known && decideNodeOutcome(known.snapshot, item.commit);
    // A decision from remembered state that writes nothing is not trusted: read instead.
    if (known !== undefined && decision !== undefined && writesSomething(decision)) {
      item.decision = decision;
      item.version = known.version;
      item.absent = known.absent;
    } else {
      item.decision = undefined;
      item.absent = [];
    }
    this.#enqueue(pending);
  }

  #enqueue(pending: Pending): void {
    this.#queue.push(pending);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0 || this.#inFlight >= this.#maxInFlight) return;
    this.#scheduled = true;
    // One turn of the event loop gathers the commits made by the jobs that ran in it.
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

  async #send(batch: Pending[]): Promise<void> {
    let outcomes: BatchOutcome[];
    try {
      outcomes = await runCommitBatch(
        this.#db,
        this.#text,
        batch.map((p) => p.item),
      );
    } catch (error) {
      if (batch.length > 1) {
        // Alone, each commit meets only its own error.
        await Promise.all(batch.map((p) => this.#send([p])));
        return;
      }
      const pending = batch[0] as Pending;
      if ((error as { code?: unknown }).code === SERIALIZATION_FAILURE) {
        // A session defaulting to REPEATABLE READ or SERIALIZABLE: take the lock instead.
        this.#lock(pending);
        return;
      }
      this.#settle(pending, () => pending.reject(error));
      return;
    }
    batch.forEach((pending, i) => {
      this.#handle(pending, outcomes[i] as BatchOutcome);
    });
  }

  #handle(pending: Pending, outcome: BatchOutcome): void {
    const { commit, decision, version } = pending.item;
    if (outcome.applied && decision !== undefined) {
      this.#known.applied(commit, decision, version, pending.item.absent);
      this.#settle(pending, () => pending.resolve(toCommitResult(decision)));
      return;
    }
    if (outcome.applied) return; // unreachable: a probe never applies
    const fresh = outcome.fresh;
    if (fresh === undefined) {
      this.#known.forget(commit.executionId);
      this.#settle(pending, () => pending.reject(new ExecutionNotFoundError(commit.executionId)));
      return;
    }
    this.#known.remember(commit.executionId, fresh);
    if (decision !== undefined) pending.tries++;
    if (pending.tries >= MAX_GUARDED_TRIES) {
      this.#lock(pending);
      return;
    }
    const again = decideNodeOutcome(
      outcomeSnapshot(fresh.status, fresh.resolvedCount, fresh.nodes),
      commit,
    );
    if (!writesSomething(again)) {
      // Nothing to write, decided on what the database held: as an unlocked read would.
      this.#settle(pending, () => pending.resolve(toCommitResult(again)));
      return;
    }
    pending.item.decision = again;
    pending.item.version = fresh.version;
    pending.item.absent = [];
    this.#enqueue(pending);
  }

  /** The locked path, for a commit that keeps meeting other writers. */
  #lock(pending: Pending): void {
    const { commit } = pending.item;
    this.#known.forget(commit.executionId);
    this.#underLock(commit).then(
      (result) => this.#settle(pending, () => pending.resolve(result)),
      (error: unknown) => this.#settle(pending, () => pending.reject(error)),
    );
  }

  /** Ends a commit, then starts the next commit of its execution, if one waits. */
  #settle(pending: Pending, end: () => void): void {
    end();
    const executionId = pending.item.commit.executionId;
    const waiting = this.#busy.get(executionId);
    const next = waiting?.shift();
    if (next === undefined) {
      this.#busy.delete(executionId);
      return;
    }
    this.#start(next);
  }
}
