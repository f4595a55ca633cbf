import type { WorkflowDefinition } from '@spane/core';

/** The workflow both processes of the schedule test register: one node, run every 250 ms. */
export const scheduledWorkflow: WorkflowDefinition = {
  id: 'every-quarter-second',
  nodes: [{ id: 'run', type: 'record' }],
  triggers: [{ type: 'schedule', config: { every: 250, data: { from: 'schedule' } } }],
};
