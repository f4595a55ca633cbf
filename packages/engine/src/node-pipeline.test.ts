import {
  EngineShutdownError,
  type ExecutionStore,
  NodeRegistry,
  RateLimitError,
  successResult,
  type WorkflowDefinition,
} from '@spane/core';
import {
  type DeadLetterJobData,
  type EngineQueue,
  type NodeJob,
  type NodeJobData,
  type NodeJobOptions,
  nodeJobId,
  nodeJobTags,
} from '@spane/queue';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { describe, expect, it } from 'vitest';
import { resolveEngineConfig } from './engine-config.ts';
import { EngineEvents } from './engine-events.ts';
import { ExecutorRunner } from './executor-runner.ts';
import { NodePipeline } from './node-pipeline.ts';
import { OutcomeDispatcher } from './outcome-dispatcher.ts';
import { WorkflowCatalog } from './workflow-catalog.ts';

/** The queue port, recording what the pipeline adds (no server: the pipeline's rules alone). */
class RecordingQueue implements EngineQueue {
  readonly nodeJobs: Array<{ data: NodeJobData; options: NodeJobOptions }> = [];
  readonly deadLetters: DeadLetterJobData[] = [];
  async addNodeJobs(jobs: ReadonlyArray<{ data: NodeJobData; options: NodeJobOptions }>) {
    this.nodeJobs.push(...jobs);
  }
  async addWorkflowJob(): Promise<void> {}
  async addDeadLetter(data: DeadLetterJobData): Promise<string> {
    this.deadLetters.push(data);
    return `dlq.${data.jobId}`;
  }
  async removeExecutionJobs(): Promise<void> {}
  startNodeWorker(): never {
    throw new Error('not in unit tests');
  }
  startWorkflowWorker(): never {
    throw new Error('not in unit tests');
  }
}

const policy = { maxAttempts: 3, backoff: { type: 'fixed' as const, delay: 250 } };

/** A pipeline over a memory store and a recording queue, for a workflow `a → b`. */
async function pipelineFor(
  executors: { a: () => Promise<unknown>; b?: () => Promise<unknown> },
  options: { store?: ExecutionStore } = {},
) {
  const store = options.store ?? new InMemoryExecutionStore();
  const registry = new NodeRegistry()
    .register('a', async () => successResult(await executors.a()))
    .register('b', async () => successResult(await (executors.b ?? (async () => 'b'))()));
  const config = resolveEngineConfig({});
  const events = new EngineEvents();
  const queues = new RecordingQueue();
  const catalog = new WorkflowCatalog({ store, registry, cacheSize: 10 });
  const definition: WorkflowDefinition = {
    id: 'w',
    nodes: [
      { id: 'a', type: 'a', outputs: ['b'], retryPolicy: policy },
      { id: 'b', type: 'b', inputs: ['a'], retryPolicy: policy },
    ],
  };
  const { version } = await catalog.register(definition);
  const deps = { store, registry, catalog, queues, events, config };
  const runner = new ExecutorRunner({
    ...deps,
    rateLimiter: () => {
      throw new Error('no rate limits here');
    },
  });
  const outcomes = new OutcomeDispatcher(deps);
  const pipeline = new NodePipeline({
    ...deps,
    runner,
    outcomes,
    children: { cancel: async () => true, pause: async () => true },
  });
  const { execution } = await store.createExecution({
    workflowId: 'w',
    workflowVersion: version,
    initialData: { n: 1 },
  });
  const { executionId } = execution;
  const job = (nodeId: string, attemptsMade = 0, extra: Partial<NodeJob> = {}): NodeJob => ({
    id: nodeJobId(executionId, nodeId),
    data: { executionId, workflowId: 'w', workflowVersion: version, nodeId },
    attemptsMade,
    canPostpone: true,
    ...extra,
  });
  const retrying: number[] = [];
  events.on('node:retrying', ({ attempt }) => retrying.push(attempt));
  return { pipeline, store, queues, executionId, job, retrying, runner };
}

describe('NodePipeline (no server)', () => {
  it('runs a lone ready child inline in its parent’s job and answers done', async () => {
    const t = await pipelineFor({ a: async () => 'A', b: async () => 'B' });
    expect(await t.pipeline.process(t.job('a'))).toEqual({ kind: 'done' });
    const stored = await t.store.getExecution(t.executionId);
    expect(stored?.status).toBe('completed');
    expect(stored?.nodeResults.b?.data).toBe('B');
    expect(t.queues.nodeJobs).toEqual([]); // b never went through the queue
  });

  it('answers retry for a failed attempt with attempts left, recording nothing', async () => {
    const t = await pipelineFor({
      a: async () => {
        throw new Error('flaky');
      },
    });
    const outcome = await t.pipeline.process(t.job('a', 1));
    expect(outcome).toMatchObject({ kind: 'retry', error: { message: 'flaky' } });
    expect(t.retrying).toEqual([2]);
    const stored = await t.store.getExecution(t.executionId);
    expect(stored?.nodeResults.a).toBeUndefined();
    expect(stored?.status).toBe('running');
  });

  it('records the final failure on the last attempt, fails the execution, and dead-letters the job once', async () => {
    const t = await pipelineFor({
      a: async () => {
        throw new Error('broken');
      },
    });
    expect(await t.pipeline.process(t.job('a', 2))).toEqual({ kind: 'done' });
    const stored = await t.store.getExecution(t.executionId);
    expect(stored?.status).toBe('failed');
    expect(stored?.nodeResults.a).toMatchObject({ success: false, error: 'broken' });
    expect(stored?.nodeResults.a?.metadata?.attempts).toBe(3);
    expect(t.queues.deadLetters).toHaveLength(1);
    expect(t.queues.deadLetters[0]).toMatchObject({
      nodeId: 'a',
      jobId: nodeJobId(t.executionId, 'a'),
      attemptsMade: 3,
      inputData: { n: 1 },
    });
    expect(t.retrying).toEqual([]);
  });

  it('postpones a rate-limited node by the limit’s wait, without using an attempt', async () => {
    const t = await pipelineFor({
      a: async () => {
        throw new RateLimitError('a', 2_500);
      },
    });
    expect(await t.pipeline.process(t.job('a', 2))).toEqual({ kind: 'postpone', delayMs: 2_500 });
    expect((await t.store.getExecution(t.executionId))?.nodeResults.a).toBeUndefined();
  });

  it('hands a node back at once when the engine shuts down mid-node', async () => {
    const t = await pipelineFor({
      a: async () => {
        throw new EngineShutdownError();
      },
    });
    expect(await t.pipeline.process(t.job('a'))).toEqual({ kind: 'postpone', delayMs: 0 });
  });

  it('gives a failed inline node a job of its own, tagged by the attempts made, after the backoff', async () => {
    const t = await pipelineFor({
      a: async () => 'A',
      b: async () => {
        throw new Error('flaky');
      },
    });
    expect(await t.pipeline.process(t.job('a'))).toEqual({ kind: 'done' });
    expect(t.queues.nodeJobs).toHaveLength(1);
    const [retry] = t.queues.nodeJobs;
    expect(retry?.options).toMatchObject({
      jobId: nodeJobId(t.executionId, 'b', nodeJobTags.inlineRetry(1)),
      attempts: 2,
      delay: 250,
    });
    expect(retry?.data).toMatchObject({ nodeId: 'b', attemptOffset: 1 });
  });

  it('postpones a job whose store call fails (an outage uses no attempt), and throws when it cannot postpone', async () => {
    const store = new InMemoryExecutionStore();
    const t = await pipelineFor({ a: async () => 'A' }, { store });
    const getExecution = store.getExecution.bind(store);
    store.getExecution = async () => {
      throw new Error('store down');
    };
    expect(await t.pipeline.process(t.job('a'))).toEqual({ kind: 'postpone', delayMs: 1_000 });
    await expect(t.pipeline.process(t.job('a', 0, { canPostpone: false }))).rejects.toThrow(
      'store down',
    );
    store.getExecution = getExecution;
    expect(await t.pipeline.process(t.job('a'))).toEqual({ kind: 'done' });
  });

  it('runs nothing for a node that already has a result (a redelivered job)', async () => {
    let runs = 0;
    const t = await pipelineFor({
      a: async () => {
        runs += 1;
        return 'A';
      },
    });
    await t.pipeline.process(t.job('a'));
    await t.pipeline.process(t.job('a'));
    expect(runs).toBe(1);
  });

  it('records a failure the queue gave up on, counting attempts made before the job', async () => {
    const t = await pipelineFor({ a: async () => 'A' });
    const job = t.job('a', 2);
    job.data.attemptOffset = 1;
    await t.pipeline.failFromQueue(job, new Error('stalled too often'));
    const stored = await t.store.getExecution(t.executionId);
    expect(stored?.status).toBe('failed');
    expect(stored?.nodeResults.a?.metadata?.attempts).toBe(3);
    expect(t.queues.deadLetters[0]).toMatchObject({ error: 'stalled too often', attemptsMade: 3 });
  });
});
