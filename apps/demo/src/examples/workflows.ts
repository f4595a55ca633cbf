import type { WorkflowDefinition } from '@spane/core';

/** The seeds' first example: fetch JSON over HTTP, then transform it. */
export function fetchAndTransform(baseUrl: string): WorkflowDefinition {
  return {
    id: 'fetch-and-transform',
    name: 'Fetch and Transform',
    entryNodeId: 'fetch',
    nodes: [
      {
        id: 'fetch',
        type: 'http',
        config: { url: `${baseUrl}/data` },
        inputs: [],
        outputs: ['transform'],
      },
      { id: 'transform', type: 'transform', inputs: ['fetch'], outputs: [] },
    ],
  };
}

/** The data-pipeline diamond: extract, then transform and validate in parallel, then load both. */
export function dataPipeline(baseUrl: string): WorkflowDefinition {
  return {
    id: 'data-pipeline',
    name: 'Data Processing Pipeline',
    nodes: [
      {
        id: 'extract',
        type: 'http',
        config: { url: `${baseUrl}/rows` },
        outputs: ['transform', 'validate'],
      },
      { id: 'transform', type: 'transform', outputs: ['load'] },
      { id: 'validate', type: 'validate', outputs: ['load'] },
      { id: 'load', type: 'load' },
    ],
  };
}

/** Conditional branching with a join: only one lane runs, and the join runs once with it. */
export const conditionalBranching: WorkflowDefinition = {
  id: 'conditional-branching',
  name: 'Route by amount',
  nodes: [
    { id: 'route', type: 'router', outputs: ['high-value', 'low-value'] },
    { id: 'high-value', type: 'review', outputs: ['notify'] },
    { id: 'low-value', type: 'review', outputs: ['notify'] },
    { id: 'notify', type: 'notify' },
  ],
};

/** The example runs: which workflow, with which initial data. */
export function exampleRuns(): Array<{ workflowId: string; initialData: unknown }> {
  return [
    { workflowId: 'fetch-and-transform', initialData: { userId: 123 } },
    { workflowId: 'data-pipeline', initialData: {} },
    { workflowId: 'conditional-branching', initialData: { amount: 250 } },
    { workflowId: 'conditional-branching', initialData: { amount: 20 } },
  ];
}
