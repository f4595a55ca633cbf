import type { WorkflowDefinition } from '@spane/core';

/**
 * At most 3 starts of `limited` per minute, across every process: a window far longer than the
 * test, so what it checks is a count (3 starts, the rest turned away), never a speed.
 */
export const RATE_LIMIT = { max: 3, duration: 60_000 };

export const rateWorkflow: WorkflowDefinition = {
  id: 'rate',
  nodes: [{ id: 'only', type: 'limited' }],
};
