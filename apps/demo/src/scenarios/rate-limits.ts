import { successResult } from '@spane/core';
import { check, type Scenario } from './scenario.ts';

const starts: number[] = [];

/** A rate limit on a node type holds across every worker and process sharing the queue's server. */
export const rateLimits: Scenario = {
  name: 'rate limits',
  workflows: [{ id: 'call-partner', nodes: [{ id: 'call', type: 'partner-api' }] }],
  register(registry) {
    registry
      .register('partner-api', async () => {
        starts.push(Date.now());
        return successResult({ ok: true });
      })
      .registerRateLimit('partner-api', { max: 2, duration: 300 });
  },
  async run(engine) {
    starts.length = 0;
    const ids = await engine.enqueueBulkWorkflows(
      Array.from({ length: 6 }, () => ({ workflowId: 'call-partner' })),
    );
    for (const id of ids) check((await engine.waitForExecution(id)).status === 'completed', id);
    starts.sort((a, b) => a - b);
    const span = (starts.at(-1) as number) - (starts[0] as number);
    check(span >= 550, '6 calls at 2 per 300 ms take at least two more windows');
    return [`6 calls limited to 2 per 300 ms took ${span} ms from first to last start`];
  },
};
