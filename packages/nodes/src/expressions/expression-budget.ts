/**
 * The deadline of a node attempt's expressions: the attempt's own (`ctx.deadline`, from the node's
 * timeout) or `now + maxMs`, whichever comes first. Evaluation holds the event loop, so even a node
 * with a long timeout gets at most `maxMs` of it.
 */
export function expressionDeadline(nodeDeadline: number | undefined, maxMs: number): number {
  const own = Date.now() + maxMs;
  return nodeDeadline === undefined ? own : Math.min(nodeDeadline, own);
}
