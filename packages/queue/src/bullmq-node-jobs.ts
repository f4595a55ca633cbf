import { DelayedError, type Job, type Processor } from 'bullmq';
import type { NodeJob, NodeJobOutcome, WorkflowJob } from './engine-queue.ts';
import { scheduledTickOf } from './job-schedulers.ts';
import type { NodeJobData, WorkflowJobData } from './job-shapes.ts';

/** A BullMQ node job as the engine's port shows it. */
export function toNodeJob(job: Job<NodeJobData>, token: string | undefined): NodeJob {
  const view: NodeJob = {
    id: String(job.id),
    data: job.data,
    attemptsMade: job.attemptsMade,
    canPostpone: token !== undefined,
  };
  if (job.attemptsMade === 0 && job.processedOn !== undefined) {
    view.queueWaitMs = Math.max(0, job.processedOn - job.timestamp - (job.opts.delay ?? 0));
  }
  return view;
}

/**
 * The BullMQ processor for a node processor that answers with an outcome: `postpone` moves the job
 * back to delayed and throws BullMQ's `DelayedError` (no attempt used), `retry` throws the error
 * (BullMQ uses an attempt and applies the job's backoff).
 */
export function nodeProcessor(
  process: (job: NodeJob) => Promise<NodeJobOutcome>,
): Processor<NodeJobData> {
  return async (job, token) => {
    const outcome = await process(toNodeJob(job, token));
    if (outcome.kind === 'retry') throw outcome.error;
    if (outcome.kind === 'postpone') {
      if (token === undefined)
        throw new TypeError('A job without a lock token cannot be postponed');
      await job.moveToDelayed(Date.now() + outcome.delayMs, token);
      throw new DelayedError();
    }
  };
}

/**
 * Whether BullMQ has given up on a failed job: out of attempts, or failed for good by BullMQ
 * itself (a job that stalled too often fails with an `UnrecoverableError` after one attempt).
 */
export function isFinalFailure(job: Job, error: Error | undefined): boolean {
  return (
    job.attemptsMade >= (job.opts.attempts ?? 1) ||
    error?.name === 'UnrecoverableError' ||
    (job.finishedOn ?? 0) > 0
  );
}

/** A BullMQ workflow job as the engine's port shows it. */
export function toWorkflowJob(job: Job<WorkflowJobData>): WorkflowJob {
  const view: WorkflowJob = { id: String(job.id), data: job.data };
  if (job.data.executionId === undefined) {
    const tick = scheduledTickOf(job);
    if (tick) view.scheduledTick = tick;
  }
  return view;
}
