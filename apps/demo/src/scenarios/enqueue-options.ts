import { successResult } from '@spane/core';
import { check, type Scenario } from './scenario.ts';

/** Whole-execution options: priority, a delayed start, de-duplication by key, and bulk starts. */
export const enqueueOptions: Scenario = {
  name: 'priority, delay, de-duplication and bulk',
  workflows: [{ id: 'invoice', nodes: [{ id: 'issue', type: 'issue-invoice' }] }],
  register(registry) {
    registry.register('issue-invoice', async (ctx) =>
      successResult({ issued: ctx.inputData, at: Date.now() }),
    );
  },
  async run(engine) {
    const t0 = Date.now();
    const urgent = await engine.enqueueWorkflow('invoice', { n: 1 }, { priority: 10 });
    const later = await engine.enqueueWorkflow('invoice', { n: 2 }, { delay: 300 });
    const once = await engine.enqueueWorkflow('invoice', { n: 3 }, { jobId: `order-${t0}` });
    const again = await engine.enqueueWorkflow('invoice', { n: 3 }, { jobId: `order-${t0}` });
    check(once === again, 'the same jobId gives back the same execution');
    const bulk = await engine.enqueueBulkWorkflows([
      { workflowId: 'invoice', initialData: { n: 4 } },
      { workflowId: 'invoice', initialData: { n: 5 }, priority: 8 },
    ]);
    const all = [urgent, later, once, ...bulk];
    for (const id of all) check((await engine.waitForExecution(id)).status === 'completed', id);
    const delayed = await engine.waitForExecution(later);
    const at = ((delayed.nodeResults.issue?.data ?? {}) as { at?: number }).at ?? 0;
    check(at - t0 >= 290, 'the delayed start waited');
    return [
      `priority 10, a 300 ms delayed start (ran after ${at - t0} ms), jobId twice → one execution, 2 in bulk: ${all.length} executions completed`,
    ];
  },
};
