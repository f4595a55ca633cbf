import { describe, expect, it } from 'vitest';
import {
  deadLetterJobId,
  executionNodeJobIds,
  executionStartJobId,
  keyedJobId,
  nodeJobId,
  nodeJobTags,
  scheduledRunKey,
  startJobId,
} from './job-ids.ts';

describe('job ids', () => {
  it('keep the formats that jobs already queued carry (a rename would orphan them)', () => {
    expect(nodeJobId('e1', 'a')).toBe('e1.a');
    expect(nodeJobId('e1', 'a', nodeJobTags.delayWait)).toBe('e1.a.wait');
    expect(nodeJobId('e1', 'a', nodeJobTags.inlineRetry(2))).toBe('e1.a.inline2');
    expect(nodeJobId('e1', 'a', nodeJobTags.childDone('c9'))).toBe('e1.a.done.c9');
    expect(nodeJobTags.deadLetterRetry(1700)).toBe('retry1700');
    expect(nodeJobTags.resume(1700)).toBe('resume1700');
    expect(nodeJobTags.recovery(4)).toBe('recover4');
    expect(nodeJobTags.replay).toBe('replay');
    expect(startJobId('e1')).toBe('start.e1');
    expect(executionStartJobId('e1')).toBe('key.start.e1');
    expect(deadLetterJobId('e1.a')).toBe('dlq.e1.a');
    expect(scheduledRunKey('schedule:w:every:1000', 5)).toBe('schedule.schedule:w:every:1000.5');
  });

  it('encode what users choose so that no id holds a ":" (BullMQ forbids it) or is an integer', () => {
    expect(nodeJobId('e1', 'fetch:user')).toBe('e1.fetch%3Auser');
    expect(keyedJobId('order:42')).toBe('key.order%3A42');
    expect(keyedJobId('42')).toBe('key.42');
  });

  it('list every node job an execution can have: own, wait, inline retries, children’s reports', () => {
    const ids = executionNodeJobIds({
      executionId: 'e1',
      nodes: [
        { nodeId: 'a', maxAttempts: 2 },
        { nodeId: 'sub', maxAttempts: 1 },
      ],
      children: [
        { executionId: 'c1', parentNodeId: 'sub' },
        { executionId: 'c2' }, // not linked to a node: nothing of the parent's waits for it
      ],
    });
    expect(ids).toEqual([
      'e1.a',
      'e1.a.wait',
      'e1.a.inline0',
      'e1.a.inline1',
      'e1.sub',
      'e1.sub.wait',
      'e1.sub.inline0',
      'e1.sub.done.c1',
    ]);
  });
});
