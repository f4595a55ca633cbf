/**
 * `@spane/core/store`: the contract between the engine and a store, for store authors. The
 * `ExecutionStore` port with the shapes of its calls, the commit of a node's outcome and the one
 * rule that decides it (`decideNodeOutcome`), and the `ExecutionLedger` that keeps an execution's
 * readiness counters. Every store runs the suite of `@spane/core/testing` against it.
 *
 * ```ts
 * import { decideNodeOutcome, type ExecutionStore } from '@spane/core/store';
 * ```
 * @module
 */
export { canTransition } from '../model/execution-status.ts';
export type {
  CreateExecutionInput,
  EdgeCommit,
  ExecutionPage,
  ExecutionQuery,
  ExecutionStore,
  NodeOutcomeCommit,
  NodeOutcomeCommitResult,
  SetStatusOptions,
  StatusChange,
  StoredWorkflow,
} from '../ports/execution-store.ts';
export { ExecutionLedger } from '../scheduler/execution-ledger.ts';
export {
  decideNodeOutcome,
  type NodeProgress,
  type OutcomeDecision,
  type OutcomeSnapshot,
  toCommitResult,
} from '../scheduler/outcome-decision.ts';
