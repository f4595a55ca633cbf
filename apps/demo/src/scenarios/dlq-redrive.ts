import { successResult } from '@spane/core';
import { check, type Scenario, waitFor } from './scenario.ts';

let paymentServiceUp = false;

/** A node fails for good, lands in the dead-letter queue, and is retried once the cause is fixed. */
export const dlqRedrive: Scenario = {
  name: 'dead-letter queue and redrive',
  workflows: [
    {
      id: 'checkout',
      nodes: [
        { id: 'reserve', type: 'reserve-stock', outputs: ['charge'] },
        {
          id: 'charge',
          type: 'charge-card',
          retryPolicy: { maxAttempts: 2, backoff: { type: 'fixed', delay: 50 } },
          outputs: ['ship'],
        },
        { id: 'ship', type: 'ship-order' },
      ],
    },
  ],
  register(registry) {
    registry
      .register('reserve-stock', async (ctx) => successResult({ reserved: ctx.inputData }))
      .register('charge-card', async () => {
        if (!paymentServiceUp) throw new Error('payment service unavailable');
        return successResult({ charged: true });
      })
      .register('ship-order', async (ctx) => successResult({ shipped: ctx.inputData }));
  },
  async run(engine) {
    paymentServiceUp = false;
    const id = await engine.enqueueWorkflow('checkout', { sku: 'book', qty: 1 });
    const failed = await engine.waitForExecution(id);
    check(failed.status === 'failed', 'the execution fails after the last attempt');
    const item = await waitFor(
      async () => (await engine.getDLQItems()).find((entry) => entry.data.executionId === id),
      'the dead-letter item',
    );
    paymentServiceUp = true;
    check(await engine.retryDLQItem(item.id), 'the DLQ item is retried');
    const done = await engine.waitForExecution(id);
    check(done.status === 'completed', 'the redriven execution completes');
    return [
      `failed at "${item.data.nodeId}" after ${item.data.attemptsMade} attempts: ${item.data.error}`,
      `retryDLQItem → ${done.status}; "reserve" kept its first result, "charge" and "ship" ran`,
    ];
  },
};
