/**
 * The attributes of SPANE's spans. Every name has the `spane.` prefix, so none collides with
 * OpenTelemetry's semantic conventions.
 */
export const SPANE_ATTRIBUTES = {
  /** The workflow's id (execution and node spans). */
  workflowId: 'spane.workflow.id',
  /** The execution's id (execution and node spans). */
  executionId: 'spane.execution.id',
  /** The node's id in its workflow (node spans). */
  nodeId: 'spane.node.id',
  /** The node's type, e.g. `http` or `map` (node spans). */
  nodeType: 'spane.node.type',
  /** The attempt, 1 for the first (node spans). */
  attempt: 'spane.node.attempt',
  /**
   * How the span ended. Execution spans: `started`, `queued`, `error`. Node spans: `success`,
   * `failed`, `retrying`, `cancelled`, `handed-back`, `deferred`, `delayed`, `waiting`, `error`.
   */
  outcome: 'spane.outcome',
} as const;
