import { successResult } from '@spane/core';
import { check, type Scenario } from './scenario.ts';

/** Durable waits: each delay is a delayed job, not a timer, so a restart does not lose it. */
export const delays: Scenario = {
  name: 'delay nodes',
  workflows: [
    {
      id: 'reminder',
      nodes: [
        { id: 'signup', type: 'stamp', outputs: ['wait-ms'] },
        { id: 'wait-ms', type: 'delay', config: { duration: 200 }, outputs: ['wait-s'] },
        { id: 'wait-s', type: 'delay', config: { durationSeconds: 0.2 }, outputs: ['wait-until'] },
        {
          id: 'wait-until',
          type: 'delay',
          config: { until: '2000-01-01T00:00:00Z' },
          outputs: ['remind'],
        },
        { id: 'remind', type: 'stamp' },
      ],
    },
  ],
  register(registry) {
    registry.register('stamp', async (ctx) =>
      successResult({ ...(ctx.inputData as object), [ctx.nodeId]: Date.now() }),
    );
  },
  async run(engine) {
    const id = await engine.enqueueWorkflow('reminder', { user: 'ada' });
    const done = await engine.waitForExecution(id);
    check(done.status === 'completed', 'the delayed workflow completes');
    const { signup, remind } = (done.nodeResults.remind?.data ?? {}) as {
      signup: number;
      remind: number;
    };
    check(remind - signup >= 390, 'the two waits add up to at least 400 ms');
    return [
      `duration 200 ms + durationSeconds 0.2 + an "until" in the past → ${remind - signup} ms between signup and remind`,
    ];
  },
};
