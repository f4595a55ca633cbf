import { type ExecutionContext, successResult } from '@spane/core';
import { check, type Scenario, waitFor } from './scenario.ts';

const started = new Set<string>();
const aborted = new Set<string>();

/** Work that takes a while and stops early when its signal is aborted (a cancel). */
async function longTask(ctx: ExecutionContext) {
  started.add(ctx.executionId);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, 400);
    ctx.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      aborted.add(ctx.executionId);
      reject(ctx.signal.reason);
    });
  });
  return successResult({ done: ctx.nodeId });
}

/** Pause holds new work until resume; cancel aborts the running executor and starts nothing more. */
export const pauseAndCancel: Scenario = {
  name: 'pause, resume and cancel',
  workflows: [
    {
      id: 'report',
      nodes: [
        { id: 'gather', type: 'long-task', outputs: ['render'] },
        { id: 'render', type: 'long-task', outputs: ['publish'] },
        { id: 'publish', type: 'long-task' },
      ],
    },
  ],
  register(registry) {
    registry.register('long-task', longTask);
  },
  async run(engine) {
    const paused = await engine.enqueueWorkflow('report', {});
    await waitFor(() => (started.has(paused) ? true : undefined), 'the first node to start');
    check(await engine.pauseExecution(paused), 'pauseExecution pauses a running execution');
    await new Promise((resolve) => setTimeout(resolve, 700));
    check(await engine.resumeExecution(paused), 'resumeExecution resumes it');
    const resumed = await engine.waitForExecution(paused);
    check(resumed.status === 'completed', 'the resumed execution completes');

    const cancelled = await engine.enqueueWorkflow('report', {});
    await waitFor(() => (started.has(cancelled) ? true : undefined), 'the node to start');
    check(await engine.cancelExecution(cancelled), 'cancelExecution cancels it');
    await waitFor(() => (aborted.has(cancelled) ? true : undefined), 'the executor to see abort');
    const final = await engine.waitForExecution(cancelled);
    check(final.status === 'cancelled', 'the execution stays cancelled');
    check(!(await engine.cancelExecution(paused)), 'a completed execution cannot be cancelled');
    return [
      `paused while "gather" ran, resumed 0.7 s later → ${resumed.status}`,
      `cancelled mid-node → ${final.status}; the executor's signal was aborted, "render" never started`,
    ];
  },
};
