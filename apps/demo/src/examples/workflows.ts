import type { WorkflowDefinition } from '@spane/core';

/** The seeds' first example: fetch JSON over HTTP, then transform it (built-in http and transform). */
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
      {
        id: 'transform',
        type: 'transform',
        inputs: ['fetch'],
        outputs: [],
        config: { expression: '$merge([body, { "processedAt": $now(), "by": "transform" }])' },
      },
    ],
  };
}

/**
 * The data-pipeline diamond: extract, then transform and validate in parallel, then load both. It
 * also runs on a schedule: every 15 minutes.
 */
export function dataPipeline(baseUrl: string): WorkflowDefinition {
  return {
    id: 'data-pipeline',
    name: 'Data Processing Pipeline',
    triggers: [{ type: 'schedule', config: { cron: '*/15 * * * *', data: { scheduled: true } } }],
    nodes: [
      {
        id: 'extract',
        type: 'http',
        config: { url: `${baseUrl}/rows` },
        outputs: ['transform', 'validate'],
      },
      {
        id: 'transform',
        type: 'transform',
        outputs: ['load'],
        config: { expression: '{ "names": body.rows.name, "processedAt": $now() }' },
      },
      { id: 'validate', type: 'validate', outputs: ['load'] },
      { id: 'load', type: 'load' },
    ],
  };
}

/**
 * Conditional branching with a join: a built-in `condition` chooses one lane, and the join runs
 * once with it.
 */
export const conditionalBranching: WorkflowDefinition = {
  id: 'conditional-branching',
  name: 'Route by amount',
  nodes: [
    {
      id: 'route',
      type: 'condition',
      outputs: ['high-value', 'low-value'],
      config: {
        expression: 'amount > 100',
        branches: { true: ['high-value'], false: ['low-value'] },
      },
    },
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

/**
 * A fan-out and join of nodes that take a while: the one to watch live in the run view. A webhook
 * starts it too: `POST /api/webhooks/orders`, signed with `SPANE_WEBHOOK_SECRET` when that is set.
 */
export function orderFulfilment(env: NodeJS.ProcessEnv): WorkflowDefinition {
  return {
    id: 'order-fulfilment',
    name: 'Order fulfilment',
    description: 'Reserve stock, then charge and pack in parallel, then ship.',
    triggers: [
      {
        type: 'webhook',
        config: {
          path: 'orders',
          method: 'POST',
          // The definition names the variable; the secret itself is never stored.
          ...(env.SPANE_WEBHOOK_SECRET ? { secret: { env: 'SPANE_WEBHOOK_SECRET' } } : {}),
        },
      },
    ],
    nodes: [
      { id: 'reserve-stock', type: 'sleep', config: { ms: 800 }, outputs: ['charge-card', 'pack'] },
      { id: 'charge-card', type: 'sleep', config: { ms: 1000 }, outputs: ['ship'] },
      { id: 'pack', type: 'sleep', config: { ms: 3000 }, outputs: ['ship'] },
      { id: 'ship', type: 'notify' },
    ],
  };
}

/** What the server runs once at start, so there is history to look at: the examples and more. */
export function serverStartRuns(): Array<{ workflowId: string; initialData: unknown }> {
  return [
    ...exampleRuns(),
    { workflowId: 'order-fulfilment', initialData: { orderId: 'A-1001' } },
    { workflowId: 'user-onboarding', initialData: { email: 'ada@example.com' } },
  ];
}
