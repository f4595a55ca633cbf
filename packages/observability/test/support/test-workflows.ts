/**
 * The workflows and executors that the observability tests run, in the test process and in the
 * engine processes it spawns.
 */
import { NodeRegistry, successResult, type WorkflowDefinition } from '@spane/core';

/** a (fails its first attempt) → r (routes left) → left | right (skipped). */
export const streamedWorkflow: WorkflowDefinition = {
  id: 'streamed',
  nodes: [
    {
      id: 'a',
      type: 'flaky',
      outputs: ['r'],
      retryPolicy: { maxAttempts: 2, backoff: { type: 'fixed', delay: 10 } },
    },
    { id: 'r', type: 'route', outputs: ['left', 'right'] },
    { id: 'left', type: 'echo' },
    { id: 'right', type: 'echo' },
  ],
};

/** The events of one run of {@link streamedWorkflow}, in order (node events with their node). */
export const streamedEvents = [
  'execution:enqueued',
  'execution:started',
  'node:started a',
  'node:retrying a',
  'node:started a',
  'node:completed a',
  'node:started r',
  'node:completed r',
  'node:skipped right',
  'node:started left',
  'node:completed left',
  'execution:completed',
];

/** One `slow` node that waits for `ms` in its config, then succeeds. */
export const slowWorkflow: WorkflowDefinition = {
  id: 'slow',
  nodes: [{ id: 'wait', type: 'slow', config: { ms: 1500 } }],
};

/** The executors of the test workflows. `flaky` fails the first attempt of each execution. */
export function testRegistry(): NodeRegistry {
  const failedOnce = new Set<string>();
  return new NodeRegistry()
    .register('flaky', async (ctx) => {
      if (!failedOnce.has(ctx.executionId)) {
        failedOnce.add(ctx.executionId);
        throw new Error('first attempt fails');
      }
      return successResult('ok');
    })
    .register('route', async () => successResult('left', { nextNodes: ['left'] }))
    .register('echo', async (ctx) => successResult(ctx.inputData))
    .register('slow', async (ctx) => {
      const ms = Number(ctx.nodeConfig.ms ?? 1000);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return successResult({ waited: ms, attempt: ctx.attempt });
    });
}

/** One `hold` node (see the shutdown worker): waits `inputData.ms`, ignoring its abort signal. */
export const heldWorkflow: WorkflowDefinition = {
  id: 'held',
  nodes: [{ id: 'hold', type: 'hold' }],
};
