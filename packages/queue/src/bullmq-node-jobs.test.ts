import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { isFinalFailure, nodeProcessor, toNodeJob } from './bullmq-node-jobs.ts';
import type { NodeJobData } from './job-shapes.ts';

const data: NodeJobData = { executionId: 'e1', workflowId: 'w', workflowVersion: 1, nodeId: 'a' };

/** The fields of a BullMQ job these pure adapters read (a plain object: no queue behind it). */
function jobLike(fields: {
  attemptsMade?: number;
  attempts?: number;
  finishedOn?: number;
  processedOn?: number;
  timestamp?: number;
  delay?: number;
  moveToDelayed?: (timestamp: number, token?: string) => Promise<void>;
}): Job<NodeJobData> {
  return {
    id: 'e1.a',
    data,
    attemptsMade: fields.attemptsMade ?? 0,
    opts: { attempts: fields.attempts ?? 3, delay: fields.delay ?? 0 },
    finishedOn: fields.finishedOn,
    processedOn: fields.processedOn,
    timestamp: fields.timestamp ?? 0,
    moveToDelayed: fields.moveToDelayed ?? (async () => undefined),
  } as unknown as Job<NodeJobData>;
}

describe('isFinalFailure', () => {
  it('is false while the job has attempts left', () => {
    expect(isFinalFailure(jobLike({ attemptsMade: 2, attempts: 3 }), new Error('x'))).toBe(false);
  });

  it('is true once the job is out of attempts', () => {
    expect(isFinalFailure(jobLike({ attemptsMade: 3, attempts: 3 }), new Error('x'))).toBe(true);
  });

  it('is true for a job BullMQ failed for good (stalled too often) with attempts left', () => {
    const unrecoverable = Object.assign(new Error('stalled'), { name: 'UnrecoverableError' });
    expect(isFinalFailure(jobLike({ attemptsMade: 1 }), unrecoverable)).toBe(true);
    expect(isFinalFailure(jobLike({ attemptsMade: 1, finishedOn: 10 }), new Error('x'))).toBe(true);
  });
});

describe('toNodeJob', () => {
  it('gives the queue wait of a first attempt, from when it was due', () => {
    const job = jobLike({ timestamp: 1_000, delay: 500, processedOn: 1_800 });
    expect(toNodeJob(job, 'token')).toEqual({
      id: 'e1.a',
      data,
      attemptsMade: 0,
      canPostpone: true,
      queueWaitMs: 300,
    });
  });

  it('gives no queue wait on a retry, and cannot postpone without a lock token', () => {
    const view = toNodeJob(jobLike({ attemptsMade: 1, processedOn: 5 }), undefined);
    expect(view.queueWaitMs).toBeUndefined();
    expect(view.canPostpone).toBe(false);
  });
});

describe('nodeProcessor', () => {
  it('moves a postponed job back to delayed and throws DelayedError (no attempt used)', async () => {
    const moves: Array<[number, string | undefined]> = [];
    const job = jobLike({ moveToDelayed: async (at, token) => void moves.push([at, token]) });
    const before = Date.now();
    const run = nodeProcessor(async () => ({ kind: 'postpone', delayMs: 60_000 }));
    await expect(run(job, 'lock')).rejects.toMatchObject({ name: 'DelayedError' });
    expect(moves).toHaveLength(1);
    expect(moves[0]?.[0]).toBeGreaterThanOrEqual(before + 60_000);
    expect(moves[0]?.[1]).toBe('lock');
  });

  it('throws the error of a retry, so BullMQ uses an attempt and applies the backoff', async () => {
    const run = nodeProcessor(async () => ({ kind: 'retry', error: new Error('flaky') }));
    await expect(run(jobLike({}), 'lock')).rejects.toThrow('flaky');
  });

  it('resolves for a finished job', async () => {
    const run = nodeProcessor(async () => ({ kind: 'done' }));
    await expect(run(jobLike({}), 'lock')).resolves.toBeUndefined();
  });
});
