import { successResult } from '@spane/core';
import { check, type Scenario } from './scenario.ts';

let active = 0;
let peak = 0;

/** Dynamic fan-out: a `map` node runs a sub-workflow per item, two at a time, results in order. */
export const dynamicLooping: Scenario = {
  name: 'dynamic looping (map)',
  workflows: [
    { id: 'resize-image', nodes: [{ id: 'resize', type: 'resize' }] },
    {
      id: 'gallery',
      nodes: [
        { id: 'list', type: 'list-images', outputs: ['each'] },
        {
          id: 'each',
          type: 'map',
          config: { workflowId: 'resize-image', itemsPath: 'images', concurrency: 2 },
        },
      ],
    },
  ],
  register(registry) {
    registry
      .register('list-images', async () =>
        successResult({ images: ['a.png', 'b.png', 'c.png', 'd.png', 'e.png'] }),
      )
      .register('resize', async (ctx) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 50));
        active--;
        return successResult(`thumb-${String(ctx.inputData)}`);
      });
  },
  async run(engine) {
    peak = 0;
    const id = await engine.enqueueWorkflow('gallery', {});
    const done = await engine.waitForExecution(id);
    check(done.status === 'completed', 'the loop completes');
    const thumbs = done.nodeResults.each?.data as string[];
    check(
      thumbs.join() === 'thumb-a.png,thumb-b.png,thumb-c.png,thumb-d.png,thumb-e.png',
      'item order',
    );
    check(peak <= 2, 'never more than 2 items at once');
    return [`5 images, at most ${peak} at a time → ${JSON.stringify(thumbs)}`];
  },
};
