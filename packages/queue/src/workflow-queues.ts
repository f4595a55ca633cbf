import {
  DEFAULT_REMOVE_ON_COMPLETE_COUNT,
  DEFAULT_REMOVE_ON_FAIL_COUNT,
  WorkflowError,
} from '@spane/core';
import type { Job, Processor, Queue, Worker } from 'bullmq';
import { isFinalFailure, nodeProcessor, toNodeJob, toWorkflowJob } from './bullmq-node-jobs.ts';
import type {
  EngineQueue,
  EngineWorker,
  NodeWorkerOptions,
  WorkflowJobOptions,
  WorkflowWorkerOptions,
} from './engine-queue.ts';
import {
  deadLetterJobId,
  type ExecutionJobsTarget,
  executionNodeJobIds,
  executionStartJobId,
} from './job-ids.ts';
import { JobSchedulers } from './job-schedulers.ts';
import type {
  DeadLetterJobData,
  NodeJobData,
  NodeJobOptions,
  WorkflowJobData,
} from './job-shapes.ts';
import { newestFirstRange } from './oldest-first-page.ts';
import { type QueueBackend, queueBackend } from './queue-backend.ts';
import {
  isClusterQueueConnection,
  type QueueConnection,
  type ResolvedConnection,
  resolveConnection,
} from './queue-connection.ts';
import { DEFAULT_QUEUE_PREFIX, type QueueRole } from './queue-names.ts';
import { type JobStatus, type QueueStats, toQueueCounts } from './queue-stats.ts';
import { assertHashTagPrefix } from './redis-cluster-connection.ts';

/** Options of {@link WorkflowQueues}. */
export interface WorkflowQueuesOptions {
  connection: QueueConnection;
  /**
   * Key prefix isolating these queues from other applications. Default is `spane`. On a Redis
   * Cluster it must be a hash tag, e.g. `{spane}` (else a `ClusterPrefixError`).
   */
  prefix?: string | undefined;
  /** Failed jobs kept per queue. Default is 5000. */
  removeOnFail?: number | undefined;
  /**
   * Errors of the queues, workers and connections (a lost Redis or PostgreSQL connection, a failed
   * lock renewal), with what raised them. BullMQ and ioredis reconnect by themselves; without this
   * they are dropped, never thrown.
   */
  onError?: ((error: Error, source: string) => void) | undefined;
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
 * The states of a job that has not finished, read in this order: a job moves forward (delayed →
 * waiting → active) between two reads is seen in the later one.
 */
const LIVE_STATES = ['delayed', 'waiting-children', 'prioritized', 'waiting', 'active'] as const;
/** Jobs read per `getJobs` call by {@link WorkflowQueues.liveJobs}. */
const LIVE_PAGE = 1000;

/** An unfinished job, as {@link WorkflowQueues.liveJobs} lists it. */
export interface LiveJob<T> {
  id: string;
  state: (typeof LIVE_STATES)[number];
  data: T;
  /** When its current attempt started (ms since the epoch); set for active jobs. */
  processedOn?: number | undefined;
}

interface OpenQueues {
  node: Queue<NodeJobData>;
  workflow: Queue<WorkflowJobData>;
  dlq: Queue<DeadLetterJobData>;
}

/**
 * The node, workflow and dead-letter queues of one SPANE application on BullMQ, with the few
 * operations the engine needs: bulk adds, worker creation, stats and job lookups. It is the BullMQ
 * implementation of the engine's {@link EngineQueue} port.
 */
export class WorkflowQueues implements EngineQueue {
  readonly prefix: string;
  /** The job schedulers of the workflow queue (cron and interval starts). */
  readonly schedulers: JobSchedulers;
  readonly #connection: ResolvedConnection;
  readonly #backend: QueueBackend;
  readonly #removeOnFail: number;
  readonly #workers = new Set<Worker>();
  readonly #onError: (error: Error, source: string) => void;
  #queues: Promise<OpenQueues> | undefined;
  #closed = false;

  constructor(options: WorkflowQueuesOptions) {
    this.prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    if (this.prefix.includes(':')) throw new TypeError('A queue prefix cannot contain ":"');
    this.#removeOnFail = options.removeOnFail ?? DEFAULT_REMOVE_ON_FAIL_COUNT;
    this.#onError = options.onError ?? (() => undefined);
    if (isClusterQueueConnection(options.connection)) assertHashTagPrefix(this.prefix);
    this.#connection = resolveConnection(options.connection, {
      onError: (error) => this.#onError(error, 'queue connection'),
    });
    this.#backend = queueBackend(this.#connection, this.prefix);
    this.schedulers = new JobSchedulers({
      queue: async () => (await this.#open()).workflow,
      removeOnFail: this.#removeOnFail,
    });
  }

  /** Which BullMQ backend the queues run on. */
  get backend(): 'redis' | 'postgres' {
    return this.#backend.kind;
  }

  /** Resolves once the queues can be used (on Postgres: BullMQ's migrations ran). */
  async ready(): Promise<void> {
    await this.#open();
  }

  #open(): Promise<OpenQueues> {
    if (this.#closed) {
      return Promise.reject(
        new WorkflowError({ message: 'The queues are closed', retryable: false }),
      );
    }
    this.#queues ??= (async () => {
      if (this.#connection.kind === 'postgres') await this.#connection.ready;
      const { Queue } = this.#backend;
      const make = <T>(role: QueueRole) => {
        const queue = new Queue<T>(this.#backend.queueName(role), this.#baseOptions()) as Queue<T>;
        (queue as Queue).on('error', (error: Error) => this.#onError(error, `${role} queue`));
        return queue;
      };
      return {
        node: make<NodeJobData>('node'),
        workflow: make<WorkflowJobData>('workflow'),
        dlq: make<DeadLetterJobData>('dlq'),
      };
    })();
    return this.#queues;
  }

  #baseOptions() {
    return {
      connection: this.#backend.connection as never,
      ...(this.#backend.prefix === undefined ? {} : { prefix: this.#backend.prefix }),
    };
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
    const { node } = await this.#open();
    if (bulk.length === 1) {
      const [only] = bulk;
      await node.add(only?.name as string, only?.data as NodeJobData, only?.opts);
      return;
    }
    await node.addBulk(bulk);
  }

  /** Adds an execution start (or a schedule tick) to the workflow queue. */
  async addWorkflowJob(data: WorkflowJobData, options: WorkflowJobOptions = {}): Promise<void> {
    const { workflow } = await this.#open();
    await workflow.add(data.workflowId, data, {
      ...(options.jobId ? { jobId: options.jobId } : {}),
      ...(options.delay ? { delay: options.delay } : {}),
      ...(options.priority ? { priority: options.priority } : {}),
      removeOnComplete: DEFAULT_REMOVE_ON_COMPLETE_COUNT,
      removeOnFail: this.#removeOnFail,
      attempts: 5,
      backoff: { type: 'exponential', delay: 500 },
    });
  }

  /** Puts a failed node in the dead-letter queue (once per job id); returns the DLQ job's id. */
  async addDeadLetter(data: DeadLetterJobData): Promise<string> {
    const { dlq } = await this.#open();
    // One item per failed job: re-adding it after a crash is a no-op.
    const job = await dlq.add(data.nodeId, data, { jobId: deadLetterJobId(data.jobId) });
    return job.id as string;
  }

  /** Dead-letter items, oldest first, from `start` to `end` inclusive. */
  async getDeadLetters(
    start = 0,
    end = 99,
  ): Promise<Array<{ id: string; data: DeadLetterJobData; timestamp: number }>> {
    const { dlq } = await this.#open();
    let jobs: Job[];
    if (this.#backend.kind === 'postgres') {
      // Its waiting list pages newest first (see newestFirstRange); an item added between the count
      // and the read can shift the page by one.
      const range = newestFirstRange(await dlq.getWaitingCount(), start, end);
      const waiting = range ? await dlq.getJobs(['waiting'], range.start, range.end, false) : [];
      const others = await dlq.getJobs(['prioritized', 'delayed'], start, end, true);
      jobs = [...waiting.reverse(), ...others];
    } else {
      jobs = await dlq.getJobs(['waiting', 'prioritized', 'delayed'], start, end, true);
    }
    return jobs.map((job) => ({
      id: job.id as string,
      data: job.data as DeadLetterJobData,
      timestamp: job.timestamp,
    }));
  }

  /** A dead-letter item by id, or `undefined`. */
  async getDeadLetter(id: string): Promise<{ id: string; data: DeadLetterJobData } | undefined> {
    const { dlq } = await this.#open();
    const job = await dlq.getJob(id);
    return job ? { id, data: job.data as DeadLetterJobData } : undefined;
  }

  /** Removes a dead-letter item; false when it was not there. */
  async removeDeadLetter(id: string): Promise<boolean> {
    const { dlq } = await this.#open();
    return (await dlq.remove(id)) === 1;
  }

  /** Removes a waiting or delayed node job (an active one is left to finish). */
  async removeNodeJob(jobId: string): Promise<boolean> {
    const { node } = await this.#open();
    try {
      return (await node.remove(jobId)) === 1;
    } catch {
      return false; // locked by a worker: it is running and will see the execution's status
    }
  }

  /** Removes a waiting or delayed job of the workflow queue (a start not yet due). */
  async removeWorkflowJob(jobId: string): Promise<boolean> {
    const { workflow } = await this.#open();
    try {
      return (await workflow.remove(jobId)) === 1;
    } catch {
      return false; // running: it will see the execution's status
    }
  }

  /**
   * Removes the waiting and delayed jobs of an execution: every node job id it can have (see
   * `executionNodeJobIds`) and its own start job. Active ones are left to finish.
   */
  async removeExecutionJobs(target: ExecutionJobsTarget): Promise<void> {
    await Promise.all(executionNodeJobIds(target).map((jobId) => this.removeNodeJob(jobId)));
    await this.removeWorkflowJob(executionStartJobId(target.executionId));
  }

  /**
   * The unfinished jobs of the node or workflow queue (active, waiting, prioritized, delayed,
   * waiting for children), read page by page, newest first, up to `limit` (default 100000): what the recovery
   * sweep and stuck-run detection compare executions against. Costs a read of every such job.
   */
  async liveJobs<R extends 'node' | 'workflow'>(
    role: R,
    options: {
      limit?: number | undefined;
      /** Only jobs in these states. Default is every unfinished state. */
      states?: ReadonlyArray<LiveJob<unknown>['state']> | undefined;
    } = {},
  ): Promise<Array<LiveJob<R extends 'node' ? NodeJobData : WorkflowJobData>>> {
    const queues = await this.#open();
    const queue = queues[role] as Queue;
    const limit = options.limit ?? 100_000;
    const found: Array<LiveJob<never>> = [];
    for (const state of options.states ?? LIVE_STATES) {
      for (let start = 0; found.length < limit; start += LIVE_PAGE) {
        // Newest first: workers take jobs from the oldest end, so while this pages through a
        // queue they consume, offsets counted from the newest end do not move past unread jobs
        // (a job added meanwhile can only be read twice, which is harmless here).
        const page = await queue.getJobs([state], start, start + LIVE_PAGE - 1, false);
        for (const job of page) {
          if (!job?.id) continue;
          found.push({
            id: job.id,
            state,
            data: job.data as never,
            ...(job.processedOn ? { processedOn: job.processedOn } : {}),
          });
        }
        if (page.length < LIVE_PAGE) break;
      }
    }
    return found.slice(0, limit);
  }

  /** Job counts of every queue. */
  async getStats(): Promise<QueueStats> {
    const queues = await this.#open();
    const [node, workflow, dlq] = await Promise.all(
      [queues.node, queues.workflow, queues.dlq].map(async (queue) =>
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
    const queues = await this.#open();
    for (const role of ['node', 'workflow', 'dlq'] as const) {
      const queue = queues[role] as Queue;
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

  /**
   * Starts a worker on one of the queues (once the queues are ready). It is closed by
   * {@link WorkflowQueues.close}.
   */
  async createWorker<T extends AnyJobData>(
    role: QueueRole,
    processor: Processor<T>,
    options: QueueWorkerOptions = {},
  ): Promise<Worker<T>> {
    await this.#open();
    const { Worker } = this.#backend;
    const worker = new Worker<T>(this.#backend.queueName(role), processor, {
      ...this.#baseOptions(),
      concurrency: options.concurrency ?? 1,
      ...(options.limiter ? { limiter: options.limiter } : {}),
      ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
      ...(options.stalledInterval ? { stalledInterval: options.stalledInterval } : {}),
      maxStalledCount: options.maxStalledCount ?? 3,
    }) as Worker<T>;
    this.#workers.add(worker as Worker);
    (worker as Worker).on('error', (error: Error) => this.#onError(error, `${role} worker`));
    worker.on('closed', () => this.#workers.delete(worker as Worker));
    return worker;
  }

  /**
   * Starts a node worker whose processor answers with an outcome (see {@link EngineQueue}), and
   * calls `onFinalFailure` once BullMQ gives up on a job.
   */
  async startNodeWorker(options: NodeWorkerOptions): Promise<EngineWorker> {
    const worker = await this.createWorker<NodeJobData>('node', nodeProcessor(options.process), {
      concurrency: options.concurrency,
      limiter: options.limiter,
      lockDuration: options.lockDuration,
      stalledInterval: options.stalledInterval,
      maxStalledCount: options.maxStalledCount,
    });
    worker.on('failed', (job, error) => {
      if (job === undefined || !isFinalFailure(job, error)) return;
      options.onFinalFailure(toNodeJob(job, undefined), error);
    });
    return worker;
  }

  /** Starts a worker of the workflow queue (execution starts and schedule runs). */
  async startWorkflowWorker(options: WorkflowWorkerOptions): Promise<EngineWorker> {
    const worker = await this.createWorker<WorkflowJobData>(
      'workflow',
      (job) => options.process(toWorkflowJob(job)),
      {
        concurrency: options.concurrency,
        lockDuration: options.lockDuration,
        stalledInterval: options.stalledInterval,
        maxStalledCount: options.maxStalledCount,
      },
    );
    worker.on('failed', (_job, error) => options.onFailure(error));
    return worker;
  }

  /**
   * Stops every worker from taking new jobs, at once; their active jobs go on (and keep their
   * locks). The first step of a graceful shutdown.
   */
  async pauseWorkers(): Promise<void> {
    await Promise.all([...this.#workers].map((worker) => worker.pause(true)));
  }

  /** Closes the workers (letting active jobs finish), the queues, and a connection SPANE created. */
  async close(options: { force?: boolean } = {}): Promise<void> {
    // Workers first: their active jobs finish, and may still enqueue what they made ready.
    await Promise.all([...this.#workers].map((worker) => worker.close(options.force ?? false)));
    this.#closed = true;
    const queues = await this.#queues?.catch(() => undefined);
    if (queues)
      await Promise.all([queues.node.close(), queues.workflow.close(), queues.dlq.close()]);
    const connection = this.#connection;
    if (connection.kind === 'postgres') {
      await connection.ready.catch(() => undefined);
      await connection.pool.end().catch(() => undefined);
    } else if (connection.owned) {
      await connection.client.quit().catch(() => undefined);
    }
  }
}
export type { Job };
