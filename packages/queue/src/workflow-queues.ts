import { DEFAULT_REMOVE_ON_COMPLETE_COUNT, DEFAULT_REMOVE_ON_FAIL_COUNT } from '@spane/core';
import { type Job, type Processor, Queue, Worker } from 'bullmq';
import type {
  DeadLetterJobData,
  NodeJobData,
  NodeJobOptions,
  WorkflowJobData,
} from './job-shapes.ts';
import {
  type QueueConnection,
  type ResolvedConnection,
  resolveConnection,
} from './queue-connection.ts';
import { DEFAULT_QUEUE_PREFIX, QUEUE_NAMES, type QueueRole } from './queue-names.ts';
import { type JobStatus, type QueueStats, toQueueCounts } from './queue-stats.ts';

/** Options of {@link WorkflowQueues}. */
export interface WorkflowQueuesOptions {
  connection: QueueConnection;
  /** Key prefix isolating these queues from other applications. Default is `spane`. */
  prefix?: string | undefined;
  /** Failed jobs kept per queue. Default is 5000. */
  removeOnFail?: number | undefined;
}

/** Options of a worker made by {@link WorkflowQueues.createWorker}. */
export interface QueueWorkerOptions {
  concurrency?: number | undefined;
  /** A global limit on job starts of this queue, across all workers. */
  limiter?: { max: number; duration: number } | undefined;
  /** How long a job's lock lasts before it is taken for stalled, in ms. Default is 30000 (BullMQ). */
  lockDuration?: number | undefined;
  /** How often stalled jobs are looked for, in ms. Default is 30000 (BullMQ). */
  stalledInterval?: number | undefined;
  /** How many times a job may stall before it fails. Default is 3. */
  maxStalledCount?: number | undefined;
}

type AnyJobData = NodeJobData | WorkflowJobData | DeadLetterJobData;

/**
 * The node, workflow and dead-letter queues of one SPANE application on BullMQ, with the few
 * operations the engine needs: bulk adds, worker creation, stats and job lookups.
 */
export class WorkflowQueues {
  readonly prefix: string;
  readonly node: Queue<NodeJobData>;
  readonly workflow: Queue<WorkflowJobData>;
  readonly dlq: Queue<DeadLetterJobData>;
  readonly #connection: ResolvedConnection;
  readonly #removeOnFail: number;
  readonly #workers = new Set<Worker>();

  constructor(options: WorkflowQueuesOptions) {
    this.prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.#removeOnFail = options.removeOnFail ?? DEFAULT_REMOVE_ON_FAIL_COUNT;
    this.#connection = resolveConnection(options.connection);
    const base = { connection: this.#connection.client, prefix: this.prefix };
    this.node = new Queue<NodeJobData>(QUEUE_NAMES.node, base);
    this.workflow = new Queue<WorkflowJobData>(QUEUE_NAMES.workflow, base);
    this.dlq = new Queue<DeadLetterJobData>(QUEUE_NAMES.dlq, base);
  }

  /** Adds node jobs in one round trip. Jobs whose id already exists are left as they are. */
  async addNodeJobs(
    jobs: ReadonlyArray<{ data: NodeJobData; options: NodeJobOptions }>,
  ): Promise<void> {
    if (jobs.length === 0) return;
    const bulk = jobs.map(({ data, options }) => ({
      name: data.nodeId,
      data,
      opts: {
        jobId: options.jobId,
        attempts: options.attempts,
        backoff: options.backoff,
        ...(options.priority ? { priority: options.priority } : {}),
        ...(options.delay ? { delay: options.delay } : {}),
        removeOnComplete: true,
        removeOnFail: this.#removeOnFail,
      },
    }));
    if (bulk.length === 1) {
      const [only] = bulk;
      await this.node.add(only?.name as string, only?.data as NodeJobData, only?.opts);
      return;
    }
    await this.node.addBulk(bulk);
  }

  /** Adds an execution start (or a schedule tick) to the workflow queue. */
  async addWorkflowJob(
    data: WorkflowJobData,
    options: {
      jobId?: string | undefined;
      delay?: number | undefined;
      priority?: number | undefined;
    } = {},
  ): Promise<void> {
    await this.workflow.add(data.workflowId, data, {
      ...(options.jobId ? { jobId: options.jobId } : {}),
      ...(options.delay ? { delay: options.delay } : {}),
      ...(options.priority ? { priority: options.priority } : {}),
      removeOnComplete: DEFAULT_REMOVE_ON_COMPLETE_COUNT,
      removeOnFail: this.#removeOnFail,
      attempts: 5,
      backoff: { type: 'exponential', delay: 500 },
    });
  }

  /** Puts a failed node in the dead-letter queue; returns the DLQ job's id. */
  async addDeadLetter(data: DeadLetterJobData): Promise<string> {
    const job = await this.dlq.add(data.nodeId, data, { jobId: `dlq.${data.jobId}.${Date.now()}` });
    return job.id as string;
  }

  /** Dead-letter items, oldest first, from `start` to `end` inclusive. */
  async getDeadLetters(
    start = 0,
    end = 99,
  ): Promise<Array<{ id: string; data: DeadLetterJobData; timestamp: number }>> {
    const jobs = await this.dlq.getJobs(['waiting', 'prioritized', 'delayed'], start, end, true);
    return jobs.map((job) => ({
      id: job.id as string,
      data: job.data as DeadLetterJobData,
      timestamp: job.timestamp,
    }));
  }

  /** A dead-letter item by id, or `undefined`. */
  async getDeadLetter(id: string): Promise<{ id: string; data: DeadLetterJobData } | undefined> {
    const job = await this.dlq.getJob(id);
    return job ? { id, data: job.data as DeadLetterJobData } : undefined;
  }

  /** Removes a dead-letter item; false when it was not there. */
  async removeDeadLetter(id: string): Promise<boolean> {
    return (await this.dlq.remove(id)) === 1;
  }

  /** Removes a waiting or delayed node job (an active one is left to finish). */
  async removeNodeJob(jobId: string): Promise<boolean> {
    try {
      return (await this.node.remove(jobId)) === 1;
    } catch {
      return false; // locked by a worker: it is running and will see the execution's status
    }
  }

  /** Job counts of every queue. */
  async getStats(): Promise<QueueStats> {
    const [node, workflow, dlq] = await Promise.all(
      [this.node, this.workflow, this.dlq].map(async (queue) =>
        toQueueCounts(await queue.getJobCounts()),
      ),
    );
    const nodeCounts = node as ReturnType<typeof toQueueCounts>;
    return {
      ...nodeCounts,
      queues: {
        node: nodeCounts,
        workflow: workflow as typeof nodeCounts,
        dlq: dlq as typeof nodeCounts,
      },
    };
  }

  /** Finds a job by id in the node, workflow and dead-letter queues. */
  async getJobStatus(jobId: string): Promise<JobStatus> {
    for (const [role, queue] of [
      ['node', this.node],
      ['workflow', this.workflow],
      ['dlq', this.dlq],
    ] as const) {
      const job = await queue.getJob(jobId);
      if (job) {
        return {
          exists: true,
          status: await queue.getJobState(jobId),
          queue: role,
          data: job.data,
          attemptsMade: job.attemptsMade,
          failedReason: job.failedReason || undefined,
        };
      }
    }
    return { exists: false };
  }

  /** Starts a worker on one of the queues. It is closed by {@link WorkflowQueues.close}. */
  createWorker<T extends AnyJobData>(
    role: QueueRole,
    processor: Processor<T>,
    options: QueueWorkerOptions = {},
  ): Worker<T> {
    const worker = new Worker<T>(QUEUE_NAMES[role], processor, {
      connection: this.#connection.client,
      prefix: this.prefix,
      concurrency: options.concurrency ?? 1,
      ...(options.limiter ? { limiter: options.limiter } : {}),
      ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
      ...(options.stalledInterval ? { stalledInterval: options.stalledInterval } : {}),
      maxStalledCount: options.maxStalledCount ?? 3,
    });
    this.#workers.add(worker as Worker);
    worker.on('closed', () => this.#workers.delete(worker as Worker));
    return worker;
  }

  /** Closes the workers (letting active jobs finish), the queues, and a client SPANE created. */
  async close(options: { force?: boolean } = {}): Promise<void> {
    await Promise.all([...this.#workers].map((worker) => worker.close(options.force ?? false)));
    await Promise.all([this.node.close(), this.workflow.close(), this.dlq.close()]);
    if (this.#connection.owned) await this.#connection.client.quit().catch(() => undefined);
  }

  /** The Redis client the queues share (for locks and events). */
  get client(): ResolvedConnection['client'] {
    return this.#connection.client;
  }
}

export type { Job };
