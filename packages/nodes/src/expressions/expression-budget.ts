import { AsyncLocalStorage } from 'node:async_hooks';

/** The time one evaluation may take: until `deadline` (epoch ms), counted from `startedAt`. */
export interface EvaluationBudget {
  readonly startedAt: number;
  readonly deadline: number;
}

/**
 * The budget of the evaluation running in the current async context. JSONata reads its `timeout`
 * option at every evaluation step; the option object of each compiled expression is shared by all
 * of its evaluations, so the per-evaluation value comes from here.
 */
export const currentBudget = new AsyncLocalStorage<EvaluationBudget>();

/**
 * The deadline of a node attempt's expressions: the attempt's own (`ctx.deadline`, from the node's
 * timeout) or `now + maxMs`, whichever comes first. Evaluation holds the event loop, so even a node
 * with a long timeout gets at most `maxMs` of it.
 */
export function expressionDeadline(nodeDeadline: number | undefined, maxMs: number): number {
  const own = Date.now() + maxMs;
  return nodeDeadline === undefined ? own : Math.min(nodeDeadline, own);
}
