import type { WorkflowDefinition } from '@spane/core';

/** At most 3 starts of `limited` in any 500 ms, across every process. */
export const RATE_LIMIT = { max: 3, duration: 500 };

export const rateWorkflow: WorkflowDefinition = {
  id: 'rate',
  nodes: [{ id: 'only', type: 'limited' }],
};
