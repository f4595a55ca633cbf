/**
 * Execution ids and states that remember their workflow's node output types, so waiting for an
 * execution of a {@link TypedWorkflow} gives typed node results.
 * @module
 */
import type { ExecutionResult, ExecutionState } from '../model/execution.ts';

declare const outputsBrand: unique symbol;

/**
 * The id of an execution of a typed workflow: a plain string at run time that carries the
 * workflow's `{ [nodeId]: output }` for the compiler.
 */
export type ExecutionId<Outputs> = string & { readonly [outputsBrand]: Outputs };

/** An execution whose `nodeResults` are typed from its workflow's nodes. */
export interface TypedExecutionState<Outputs> extends Omit<ExecutionState, 'nodeResults'> {
  /** Results keyed by node id; a node that has not run (or was not asked for) is absent. */
  nodeResults: { [K in keyof Outputs]?: ExecutionResult<Outputs[K]> };
}
