import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import {
  ConfigurationError,
  DEFAULT_PAYLOAD_THRESHOLD_BYTES,
  DEFAULT_WORKER_CONCURRENCY,
  DEFAULT_WORKFLOW_CACHE_SIZE,
  type ResolvedRetryPolicy,
  type RetryPolicy,
  resolveRetryPolicy,
} from '@spane/core';
import { checkEngineConfig } from './engine-config-checks.ts';

/** The default lock of a job, in ms (see {@link EngineConfig.lockDuration}). */
export const DEFAULT_LOCK_DURATION_MS = 6_000;
/** The default interval of the stalled-job check, in ms (see {@link EngineConfig.stalledInterval}). */
export const DEFAULT_STALLED_INTERVAL_MS = 2_000;

/** Tuning of a {@link WorkflowEngine}. Every field has a default. */
export interface EngineConfig {
  /**
   * Key prefix of the queues; one per application sharing a Redis. Default is `spane`. On a Redis
   * Cluster it must be a hash tag such as `'{spane}'` (else a `ClusterPrefixError`): every key of
   * the application then lives in one slot, on one master.
   */
  prefix?: string | undefined;
  /** Node jobs a worker runs at once. Default is 5. */
  workerConcurrency?: number | undefined;
  /** The retry policy of nodes that set none (merged field by field). Default: 3 attempts, exponential from 1 s. */
  defaultRetryPolicy?: RetryPolicy | undefined;
  /**
   * The priority (1–10, higher is more urgent) of executions started without one. Default is 5, so
   * executions given a higher priority overtake ordinary ones and lower ones wait behind them.
   */
  defaultPriority?: number | undefined;
  /** Use BullMQ's worker limiter with {@link EngineConfig.rateLimiter}. Default is `false`. */
  useNativeRateLimiting?: boolean | undefined;
  /** A global limit on node starts across all workers (with `useNativeRateLimiting`). */
  rateLimiter?: { max: number; duration: number } | undefined;
  /**
   * How long a job's lock lasts before another worker may take the job over, in ms. The worker
   * renews it every `lockDuration / 2` from its main thread, so a worker whose event loop is blocked
   * for longer than about half of it loses its jobs to others (a false stall: the node runs twice,
   * its result is still stored once). Default is 6000 on Redis (a dead worker's jobs are free 3–6 s
   * after it died, and a 3 s stall of the event loop is still tolerated) and 15000 on PostgreSQL
   * (whose lock renewals are queries that can wait behind node work for the pool).
   */
  lockDuration?: number | undefined;
  /**
   * How often workers look for jobs whose lock expired (their worker died), in ms. Default is 2000
   * on Redis (with the default lock, a dead worker's work runs again elsewhere within about 8 s)
   * and 5000 on PostgreSQL.
   */
  stalledInterval?: number | undefined;
  /** How many times a job may stall before it fails. Default is 3. */
  maxStalledCount?: number | undefined;
  /**
   * How long an executor whose signal was aborted (a cancel, a shutdown past its drain time) may
   * keep its worker slot before its attempt is abandoned, in ms. Default is 2000.
   */
  abortGraceMs?: number | undefined;
  /** How long `gracefulShutdown`/`close` let active nodes finish before aborting them, in ms. Default is 30000. */
  shutdownTimeoutMs?: number | undefined;
  /** Compiled workflow versions kept in memory. Default is 500. */
  workflowCacheSize?: number | undefined;
  /** Initial data and results larger than this many bytes are kept in the store, not in jobs. Default is 64 KiB. */
  payloadThreshold?: number | undefined;
  /**
   * When a node leaves exactly one ready child, run that child next in the same job (each result
   * still committed on its own; a crash mid-chain is healed by the redelivered job). Saves a queue
   * round trip per chain link. Default is `true`.
   */
  inlineChains?: boolean | undefined;
  /** Record a span per node attempt in the store. Default is `true`. */
  traces?: boolean | undefined;
  /**
   * Publish every engine event to a durable stream on the queue's server (a capped Redis stream,
   * or a PostgreSQL table), readable from any process with `subscribe`. Default is `true`.
   */
  events?: boolean | undefined;
  /**
   * How often a process running workers runs the recovery sweep (executions running or pending with
   * no queued or active work get their ready nodes enqueued again) and the stuck-run check
   * (`execution:stuck` events), in ms. `0` turns both off. Default is 60000.
   */
  recoveryIntervalMs?: number | undefined;
  /**
   * How long an execution must have been unchanged before the sweep may count it as orphaned, in ms.
   * Default is 30000: far longer than the gap between storing a result and queueing what follows.
   */
  recoveryQuietMs?: number | undefined;
  /**
   * How far past its timeout an active node may run before its execution counts as stuck, in ms.
   * Default is 60000.
   */
  stuckNodeGraceMs?: number | undefined;
  /**
   * How long `registerWorkflow` waits for the queue server (to sync schedules) before it throws
   * `QueueUnavailableError`, in ms. Default is 10000.
   */
  queueTimeoutMs?: number | undefined;
  /**
   * Append a line to the execution's logs when a node starts, succeeds, fails or is postponed (with
   * the attempt, the duration, and the error), as the original SPANE did. Each line is a store
   * write (two per node; on the PostgreSQL store two queries per node where a node otherwise costs
   * about 0.1), so it is opt-in. Default is `false`.
   */
  nodeLogs?: boolean | undefined;
  /**
   * Accepted for the original SPANE's configs; changes nothing. Sub-workflows here never hold a
   * worker slot while the child runs (the child reports back), which is what FlowProducer gave
   * there. Default is `false`.
   */
  useFlowProducerForSubWorkflows?: boolean | undefined;
  /**
   * Accepted for the original SPANE's configs; changes nothing. Events go to one durable stream
   * (see {@link EngineConfig.events}); `job.updateProgress` is not used. Default is `false`.
   */
  useSimplifiedEventStream?: boolean | undefined;
  /**
   * Accepted for the original SPANE's configs; changes nothing. Schedules are always BullMQ job
   * schedulers (legacy repeatable jobs are gone in BullMQ 6). Default is `true`.
   */
  useJobSchedulers?: boolean | undefined;
  /**
   * Run executors in worker threads (`node:worker_threads`), so CPU-bound work does not block the
   * event loop that renews job locks and runs other nodes. The executors come from
   * {@link EngineConfig.processorFile}; which types run there and the pool size are set by
   * {@link EngineConfig.workerThreads}. Default is `false`.
   */
  useWorkerThreads?: boolean | undefined;
  /**
   * The module the worker threads load (a path or `file:` URL): it exports the executors as
   * `registry` (a `NodeRegistry`), `executors` (a record of executors or functions by type), or its
   * default export (either). Required with `useWorkerThreads`. Register the types in the engine's
   * registry as well (for validation, rate limits and circuit breakers).
   */
  processorFile?: string | URL | undefined;
  /** The pool of worker threads (with `useWorkerThreads`). */
  workerThreads?: WorkerThreadsConfig | undefined;
}

/** The pool of worker threads of {@link EngineConfig.useWorkerThreads}. */
export interface WorkerThreadsConfig {
  /** Threads kept. Default is the machine's parallelism less one (at least 1). */
  size?: number | undefined;
  /**
   * The node types run in threads; the others stay on the main thread. Default: every type the
   * processor file exports.
   */
  types?: readonly string[] | undefined;
  /** Limits of each thread (heap sizes, stack); a thread that exceeds them fails its attempt. */
  resourceLimits?: ResourceLimits | undefined;
}

/** {@link EngineConfig}'s worker threads, resolved; absent when they are off. */
export interface ResolvedWorkerThreadsConfig {
  processorFile: string | URL;
  size: number;
  types: readonly string[] | undefined;
  resourceLimits: ResourceLimits | undefined;
}

/** An {@link EngineConfig} with every default filled in. */
export type ResolvedEngineConfig = {
  [K in Exclude<
    keyof EngineConfig,
    'rateLimiter' | 'defaultRetryPolicy' | 'useWorkerThreads' | 'processorFile' | 'workerThreads'
  >]-?: NonNullable<EngineConfig[K]>;
} & {
  workerThreads: ResolvedWorkerThreadsConfig | undefined;
  rateLimiter: { max: number; duration: number } | undefined;
  defaultRetryPolicy: ResolvedRetryPolicy;
};

/** Checks an {@link EngineConfig} (a `ConfigurationError` naming the field) and fills its defaults. */
export function resolveEngineConfig(config: EngineConfig = {}): ResolvedEngineConfig {
  checkEngineConfig(config);
  return {
    prefix: config.prefix ?? 'spane',
    workerConcurrency: config.workerConcurrency ?? DEFAULT_WORKER_CONCURRENCY,
    defaultRetryPolicy: resolveRetryPolicy({}, config.defaultRetryPolicy),
    defaultPriority: config.defaultPriority ?? 5,
    useNativeRateLimiting: config.useNativeRateLimiting ?? false,
    rateLimiter: config.rateLimiter,
    lockDuration: config.lockDuration ?? DEFAULT_LOCK_DURATION_MS,
    stalledInterval: config.stalledInterval ?? DEFAULT_STALLED_INTERVAL_MS,
    maxStalledCount: config.maxStalledCount ?? 3,
    abortGraceMs: config.abortGraceMs ?? 2_000,
    shutdownTimeoutMs: config.shutdownTimeoutMs ?? 30_000,
    workflowCacheSize: config.workflowCacheSize ?? DEFAULT_WORKFLOW_CACHE_SIZE,
    payloadThreshold: config.payloadThreshold ?? DEFAULT_PAYLOAD_THRESHOLD_BYTES,
    inlineChains: config.inlineChains ?? true,
    traces: config.traces ?? true,
    events: config.events ?? true,
    recoveryIntervalMs: config.recoveryIntervalMs ?? 60_000,
    recoveryQuietMs: config.recoveryQuietMs ?? 30_000,
    stuckNodeGraceMs: config.stuckNodeGraceMs ?? 60_000,
    queueTimeoutMs: config.queueTimeoutMs ?? 10_000,
    nodeLogs: config.nodeLogs ?? false,
    useFlowProducerForSubWorkflows: config.useFlowProducerForSubWorkflows ?? false,
    useSimplifiedEventStream: config.useSimplifiedEventStream ?? false,
    useJobSchedulers: config.useJobSchedulers ?? true,
    workerThreads: resolveWorkerThreads(config),
  };
}

function resolveWorkerThreads(config: EngineConfig): ResolvedWorkerThreadsConfig | undefined {
  if (!config.useWorkerThreads) return undefined;
  if (!config.processorFile)
    throw new ConfigurationError('useWorkerThreads needs a processorFile (the executors to load)');
  const size = config.workerThreads?.size ?? Math.max(1, availableParallelism() - 1);
  if (!Number.isInteger(size) || size < 1)
    throw new ConfigurationError(`workerThreads.size must be a positive integer, got ${size}`);
  return {
    processorFile: config.processorFile,
    size,
    types: config.workerThreads?.types,
    resourceLimits: config.workerThreads?.resourceLimits,
  };
}
