import { ExecutionNotFoundError } from '@spane/core';
import {
  type NodeOutcomeCommit,
  type NodeOutcomeCommitResult,
  type OutcomeDecision,
  toCommitResult,
} from '@spane/core/store';
import type { Kysely } from 'kysely';
import {
  type BatchOutcome,
  type BatchUnit,
  commitBatchText,
  runCommitBatch,
} from './commit-batch.ts';
import type { Database } from './database.ts';
import type { KnownState, KnownStates } from './known-states.ts';
import { snapshotNodeIds } from './outcome-snapshot.ts';
import type { PreparedTexts } from './prepared-pool.ts';
import { decideUnit, type UnitCommit, type UnitDecision } from './unit-decision.ts';

/** How commits are grouped into statements. */
export interface GroupCommitOptions {
  /** Executions in one statement at most (each with up to 64 of its commits). Default is 64. */
  maxBatch?: number | undefined;
  /** Statements in flight at once (each on its own pooled connection). Default is 4. */
  maxInFlight?: number | undefined;
}

/** Commits of one execution folded into one write at most. */
const MAX_UNIT = 64;

/** Failed guards (after a fresh read) before a unit's commits take the execution's row lock. */
const MAX_GUARDED_TRIES = 3;

const SERIALIZATION_FAILURE = '40001';

interface Pending extends UnitCommit {
  resolve: (result: NodeOutcomeCommitResult) => void;
  reject: (error: unknown) => void;
}

/** The commits of one execution on their way in one statement. */
interface Unit {
  executionId: string;
  members: Pending[];
  nodeIds: string[];
  /** Guarded writes that found the execution moved. */
  tries: number;
  /** The decision it goes with; a probe (a read) when undefined. */
  decided: { version: number; decision: UnitDecision } | undefined;
}

/**
 * Group commit: node commits made at the same time in this process travel in one statement, each
 * still atomic and first-write-wins on its own.
 *
 * - Commits are decided from the state this process last saw of their execution (the row it
 *   created, or its own last commit), so the common case is one statement and no read; the
 *   statement writes an execution's commits only if its version is the one they were decided on.
 * - Commits of one execution made while an earlier one is in flight wait for it, then go together:
 *   decided one after the other, as if committed one by one, and written as one (all or none).
 * - Unknown or moved state: the statement reads a fresh snapshot of that execution (a probe), its
 *   commits are decided again and go in the next statement; after {@link MAX_GUARDED_TRIES} failed
 *   guards they take the row lock, one by one (`underLock`).
 * - A statement that fails as a whole (a driver error) is retried per execution, and an
 *   execution's commits then one by one under the lock, so an error reaches only its commit.
 * - No batching window is waited for: a statement goes as soon as a slot is free (at most
 *   {@link GroupCommitOptions.maxInFlight} in flight); what arrives meanwhile, and within one turn
 *   of the event loop, goes in the next.
 */
export class GroupCommitter {
  readonly #db: Kysely<Database>;
  readonly #known: KnownStates;
  readonly #underLock: (commit: NodeOutcomeCommit) => Promise<NodeOutcomeCommitResult>;
  readonly #text: string;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  /** Commits not yet in a unit, per execution. */
  readonly #waiting = new Map<string, Pending[]>();
  /** Executions with waiting commits and no unit on its way: they go in the next statement. */
  readonly #ready = new Set<string>();
  /** Executions with a unit on its way (in a statement, or decided again and queued). */
  readonly #busy = new Set<string>();
  /** Units decided again after a failed guard, for the next statement. */
  #again: Unit[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(options: {
    db: Kysely<Database>;
    schema: string;
    /** Where its statement's text is registered to go as a named (prepared) statement. */
    prepared?: PreparedTexts | undefined;
    known: KnownStates;
    underLock: (commit: NodeOutcomeCommit) => Promise<NodeOutcomeCommitResult>;
    batching?: GroupCommitOptions | undefined;
  }) {
    this.#db = options.db;
    this.#known = options.known;
    this.#underLock = options.underLock;
    this.#text = commitBatchText(options.schema);
    options.prepared?.add(this.#text);
    this.#maxBatch = Math.max(1, options.batching?.maxBatch ?? 64);
    this.#maxInFlight = Math.max(1, options.batching?.maxInFlight ?? 4);
  }

  /** Commits a node outcome; `resultJson` is the result, already serialized. */
  commit(commit: NodeOutcomeCommit, resultJson: string): Promise<NodeOutcomeCommitResult> {
    return new Promise((resolve, reject) => {
      const id = commit.executionId;
      const waiting = this.#waiting.get(id);
      const pending: Pending = { commit, resultJson, resolve, reject };
      if (waiting === undefined) this.#waiting.set(id, [pending]);
      else waiting.push(pending);
      if (!this.#busy.has(id)) this.#ready.add(id);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#maxInFlight) return;
    if (this.#ready.size === 0 && this.#again.length === 0) return;
    this.#scheduled = true;
    // One turn of the event loop gathers the commits made by the jobs that ran in it.
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#inFlight < this.#maxInFlight) {
        const batch = this.#nextBatch();
        if (batch.length === 0) break;
        this.#inFlight++;
        void this.#send(batch).finally(() => {
          this.#inFlight--;
          this.#schedule();
        });
      }
    });
  }

  /** Up to `maxBatch` units: those decided again first, then the ready executions'. */
  #nextBatch(): Unit[] {
    const batch = this.#again.splice(0, this.#maxBatch);
    for (const id of this.#ready) {
      if (batch.length >= this.#maxBatch) break;
      this.#ready.delete(id);
      const waiting = this.#waiting.get(id) ?? [];
      const members = waiting.splice(0, MAX_UNIT);
      if (waiting.length === 0) this.#waiting.delete(id);
      if (members.length === 0) continue;
      this.#busy.add(id);
      batch.push(this.#unitOf(id, members));
    }
    return batch;
  }

  /** A unit decided from what is known of its execution, or a probe. */
  #unitOf(executionId: string, members: Pending[]): Unit {
    const nodeIds = [...new Set(members.flatMap((m) => snapshotNodeIds(m.commit)))];
    const unit: Unit = { executionId, members, nodeIds, tries: 0, decided: undefined };
    const known = this.#known.get(executionId);
    if (known !== undefined) {
      const decision = decideUnit(known, members);
      // Decisions from remembered state that write nothing are not trusted: read instead.
      if (decision.writes !== undefined) unit.decided = { version: known.version, decision };
    }
    return unit;
  }

  #batchUnit(unit: Unit): BatchUnit {
    const decided = unit.decided;
    return {
      executionId: unit.executionId,
      nodeIds: unit.nodeIds,
      version: decided?.version ?? -1,
      absent: decided?.decision.absent ?? [],
      writes: decided?.decision.writes,
    };
  }

  async #send(batch: Unit[]): Promise<void> {
    let outcomes: BatchOutcome[];
    try {
      outcomes = await runCommitBatch(
        this.#db,
        this.#text,
        batch.map((unit) => this.#batchUnit(unit)),
      );
    } catch (error) {
      if (batch.length > 1) {
        // Alone, each execution's commits meet only their own error.
        await Promise.all(batch.map((unit) => this.#send([unit])));
        return;
      }
      const unit = batch[0] as Unit;
      const alone = unit.members.length === 1;
      if (alone && (error as { code?: unknown }).code !== SERIALIZATION_FAILURE) {
        this.#finish(unit, (member) => member.reject(error));
        return;
      }
      // Several commits (one of them at fault), or a session defaulting to REPEATABLE READ or
      // SERIALIZABLE: one by one under the lock.
      await this.#lock(unit);
      return;
    }
    await Promise.all(batch.map((unit, i) => this.#handle(unit, outcomes[i] as BatchOutcome)));
  }

  async #handle(unit: Unit, outcome: BatchOutcome): Promise<void> {
    const decided = unit.decided;
    if (outcome.applied) {
      if (decided === undefined) return; // unreachable: a probe never applies
      this.#known.remember(unit.executionId, decided.decision.after);
      const { decisions } = decided.decision;
      this.#finish(unit, (member, i) =>
        member.resolve(toCommitResult(decisions[i] as OutcomeDecision)),
      );
      return;
    }
    const fresh = outcome.fresh;
    if (fresh === undefined) {
      this.#known.forget(unit.executionId);
      this.#finish(unit, (member) => member.reject(new ExecutionNotFoundError(unit.executionId)));
      return;
    }
    this.#known.remember(unit.executionId, fresh);
    if (decided !== undefined) unit.tries++;
    if (unit.tries >= MAX_GUARDED_TRIES) {
      await this.#lock(unit);
      return;
    }
    this.#decideAgain(unit, fresh);
  }

  /** Decides a unit again on a fresh snapshot: settles it when nothing is to write, else requeues it. */
  #decideAgain(unit: Unit, fresh: KnownState): void {
    const decision = decideUnit(fresh, unit.members);
    if (decision.writes === undefined) {
      // Nothing to write, decided on what the database held: as an unlocked read would.
      this.#known.remember(unit.executionId, decision.after);
      this.#finish(unit, (member, i) =>
        member.resolve(toCommitResult(decision.decisions[i] as OutcomeDecision)),
      );
      return;
    }
    unit.decided = { version: fresh.version, decision };
    this.#again.push(unit);
    this.#schedule();
  }

  /** The locked path, one commit after the other, for a unit that keeps meeting other writers. */
  async #lock(unit: Unit): Promise<void> {
    this.#known.forget(unit.executionId);
    const settled: Array<PromiseSettledResult<NodeOutcomeCommitResult>> = [];
    for (const member of unit.members) {
      try {
        settled.push({ status: 'fulfilled', value: await this.#underLock(member.commit) });
      } catch (error) {
        settled.push({ status: 'rejected', reason: error });
      }
    }
    this.#finish(unit, (member, i) => {
      const outcome = settled[i] as PromiseSettledResult<NodeOutcomeCommitResult>;
      if (outcome.status === 'fulfilled') member.resolve(outcome.value);
      else member.reject(outcome.reason);
    });
  }

  /** Settles a unit's commits, then lets the execution's waiting commits go. */
  #finish(unit: Unit, settle: (member: Pending, index: number) => void): void {
    unit.members.forEach(settle);
    this.#busy.delete(unit.executionId);
    if (this.#waiting.has(unit.executionId)) {
      this.#ready.add(unit.executionId);
      this.#schedule();
    }
  }
}
