import type { ExecutionJobsTarget } from './job-ids.ts';
import type { ScheduledTick } from './job-schedulers.ts';
import type {
  DeadLetterJobData,
  NodeJobData,
  NodeJobOptions,
  WorkflowJobData,
} from './job-shapes.ts';

/** A node job as the engine's processor sees it: no BullMQ type crosses the port. */
export interface NodeJob {
  id: string;
  data: NodeJobData;
  /** Attempts this job has used before the current one (the queue's count). */
  attemptsMade: number;
  /**
   * Whether the processor may answer {@link NodeJobOutcome} `postpone` (the job is held under a
   * lock that lets it be moved back to delayed).
   */
  canPostpone: boolean;
  /** On a job's first attempt: how long it waited in the queue after it was due, in ms. */
  queueWaitMs?: number | undefined;
}

/**
 * What a node job's processor reports back to the queue:
 * - `done`: the job is finished (whatever the node did, it was recorded);
 * - `postpone`: run the job again in `delayMs` without using an attempt;
 * - `retry`: the attempt failed; the queue retries the job with its backoff, or gives up when it
 *   has no attempts left (then the final-failure hook runs).
 *
 * A processor that throws is treated as `retry` with the thrown error.
 */
export type NodeJobOutcome =
  | { kind: 'done' }
  | { kind: 'postpone'; delayMs: number }
  | { kind: 'retry'; error: Error };

/** A workflow-queue job (an execution start or a schedule's run) as the engine sees it. */
export interface WorkflowJob {
  id: string;
  data: WorkflowJobData;
  /** Set when the job is a run of a job scheduler: which one, and when the run was due. */
  scheduledTick?: ScheduledTick | undefined;
}

/** Worker settings shared by the node and the workflow workers. */
export interface EngineWorkerTiming {
  concurrency?: number | undefined;
  /** How long a job's lock lasts before it is taken for stalled, in ms. */
  lockDuration?: number | undefined;
  /** How often stalled jobs are looked for, in ms. */
  stalledInterval?: number | undefined;
  /** How many times a job may stall before it fails. Default is 3. */
  maxStalledCount?: number | undefined;
}

/** Options of {@link EngineQueue.startNodeWorker}. */
export interface NodeWorkerOptions extends EngineWorkerTiming {
  /** Runs one node job. */
  process: (job: NodeJob) => Promise<NodeJobOutcome>;
  /**
   * Called once the queue has given up on a job: out of attempts, or failed for good by the queue
   * itself (a job that stalled too often). Not called for a failure that will be retried.
   */
  onFinalFailure: (job: NodeJob, error: Error) => void;
  /** A global limit on job starts of the node queue, across all workers. */
  limiter?: { max: number; duration: number } | undefined;
}

/** Options of {@link EngineQueue.startWorkflowWorker}. */
export interface WorkflowWorkerOptions extends EngineWorkerTiming {
  /** Starts one execution (or a schedule's run). A throw makes the queue retry the job. */
  process: (job: WorkflowJob) => Promise<unknown>;
  /** Any failed attempt of a workflow job. */
  onFailure: (error: Error) => void;
}

/** A running worker, as health checks see it. */
export interface EngineWorker {
  isRunning(): boolean;
}

/** Options of {@link EngineQueue.addWorkflowJob}. */
export interface WorkflowJobOptions {
  /** A stable id (see `keyedJobId`): a second add with the same id is a no-op. */
  jobId?: string | undefined;
  delay?: number | undefined;
  priority?: number | undefined;
}

/**
 * The queue as the engine's node pipeline, starter and control use it: the whole of what they need
 * of BullMQ, in SPANE's words. {@link WorkflowQueues} implements it on BullMQ (Redis or PostgreSQL).
 *
 * @remarks Job ids are made by the functions of `job-ids.ts` (`nodeJobId`, `nodeJobTags`, …); an
 * add whose id already exists leaves the existing job as it is.
 */
export interface EngineQueue {
  /** Adds node jobs in one round trip (bulk when more than one). */
  addNodeJobs(jobs: ReadonlyArray<{ data: NodeJobData; options: NodeJobOptions }>): Promise<void>;
  /** Adds an execution start (or a schedule tick) to the workflow queue. */
  addWorkflowJob(data: WorkflowJobData, options?: WorkflowJobOptions): Promise<void>;
  /** Puts a failed node in the dead-letter queue, once per node job id; returns the item's id. */
  addDeadLetter(data: DeadLetterJobData): Promise<string>;
  /**
   * Removes the waiting and delayed jobs of an execution (its nodes', its children's reports, its
   * own start); active ones are left to finish and see the execution's status.
   */
  removeExecutionJobs(target: ExecutionJobsTarget): Promise<void>;
  /** Starts a node worker (once the queues are ready). */
  startNodeWorker(options: NodeWorkerOptions): Promise<EngineWorker>;
  /** Starts a workflow-queue worker (once the queues are ready). */
  startWorkflowWorker(options: WorkflowWorkerOptions): Promise<EngineWorker>;
}
