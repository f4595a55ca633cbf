import { successResult } from '@spane/core';
import { check, type Scenario } from './scenario.ts';

let runs = 0;

/** Replay from a node re-runs it and what follows, reusing every other result. */
export const replay: Scenario = {
  name: 'replay from a node',
  workflows: [
    {
      id: 'etl',
      nodes: [
        { id: 'extract', type: 'count-run', outputs: ['transform'] },
        { id: 'transform', type: 'count-run', outputs: ['load'] },
        { id: 'load', type: 'count-run' },
      ],
    },
  ],
  register(registry) {
    registry.register('count-run', async (ctx) => {
      runs++;
      return successResult({ step: ctx.nodeId });
    });
  },
  async run(engine) {
    const first = await engine.waitForExecution(await engine.enqueueWorkflow('etl', {}));
    runs = 0;
    const again = await engine.waitForExecution(
      await engine.replayWorkflow(first.executionId, { fromNodeId: 'transform' }),
    );
    check(again.status === 'completed' && runs === 2, 'only transform and load ran again');
    return [
      `replayed ${first.executionId} from "transform": ${runs} nodes ran, "extract" was reused`,
    ];
  },
};
