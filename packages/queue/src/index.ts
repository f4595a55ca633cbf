/**
 * `@spane/queue`: SPANE on BullMQ. The node, workflow and dead-letter queues under one prefix, the
 * job shapes that travel through them, and workers with concurrency, limiter and stalled-job
 * settings, on BullMQ's Redis backend or its PostgreSQL backend. Also the coordination that engine
 * processes share: distributed locks, cross-process signals and sliding-window rate limiters, each
 * on Redis or PostgreSQL.
 * @module
 */

// Coordination across engine processes: distributed locks, signals and rate limiters, on Redis or
// PostgreSQL.
export type {
  CoordinationConnection,
  PostgresCoordinationConnection,
  RedisCoordinationConnection,
} from './coordination/coordination-connection.ts';
export {
  LockNotAcquiredError,
  type LockNotAcquiredReason,
  MalformedSignalError,
  SignalChannelClosedError,
  SignalPayloadTooLargeError,
} from './coordination/coordination-errors.ts';
export {
  type CreateLockBackendOptions,
  createLockBackend,
} from './coordination/create-lock-backend.ts';
export {
  type CreateRateLimiterOptions,
  createRateLimiter,
} from './coordination/create-rate-limiter.ts';
export { createSignalChannel } from './coordination/create-signal-channel.ts';
export { DistributedLock, type DistributedLockOptions } from './coordination/distributed-lock.ts';
export type { LockBackend, LockLease } from './coordination/lock-backend.ts';
export {
  DEFAULT_LOCK_RETRY_DELAY_MS,
  DEFAULT_LOCK_TTL_MS,
  type LockOptions,
  LockPresets,
  type ResolvedLockOptions,
  resolveLockOptions,
} from './coordination/lock-options.ts';
export {
  DEFAULT_COORDINATION_SCHEMA,
  type PostgresConnection,
} from './coordination/postgres-connection.ts';
export {
  PostgresLockBackend,
  type PostgresLockBackendOptions,
} from './coordination/postgres-lock-backend.ts';
export {
  PostgresRateLimiter,
  type PostgresRateLimiterOptions,
} from './coordination/postgres-rate-limiter.ts';
export {
  PG_NOTIFY_MAX_PAYLOAD_BYTES,
  PostgresSignalChannel,
  type PostgresSignalChannelOptions,
} from './coordination/postgres-signal-channel.ts';
export type {
  RateLimit,
  RateLimitDecision,
  RateLimiterBackend,
} from './coordination/rate-limiter.ts';
export {
  MAX_RATE_LIMIT_DURATION_MS,
  validateRateLimit,
} from './coordination/rate-limiter-options.ts';
export {
  DEFAULT_REDIS_LOCK_PREFIX,
  RedisLockBackend,
  type RedisLockBackendOptions,
} from './coordination/redis-lock-backend.ts';
export {
  DEFAULT_REDIS_RATE_PREFIX,
  RedisRateLimiter,
  type RedisRateLimiterOptions,
} from './coordination/redis-rate-limiter.ts';
export {
  RedisSignalChannel,
  type RedisSignalChannelOptions,
} from './coordination/redis-signal-channel.ts';
export type {
  SignalChannel,
  SignalChannelOptions,
  SignalListener,
  Unsubscribe,
} from './coordination/signal-channel.ts';
export {
  DEFAULT_SIGNAL_PREFIX,
  postgresChannelName,
  redisChannelName,
} from './coordination/signal-channel-names.ts';
export { checkCronPattern, nextCronRun } from './cron-pattern.ts';
export type {
  EngineQueue,
  EngineWorker,
  EngineWorkerTiming,
  NodeJob,
  NodeJobOutcome,
  NodeWorkerOptions,
  WorkflowJob,
  WorkflowJobOptions,
  WorkflowWorkerOptions,
} from './engine-queue.ts';
// The durable event log: engine events on the queue's own server, readable from any process.
export { createEventLog } from './events/create-event-log.ts';
export {
  DEFAULT_EVENT_LOG_MAX_LENGTH,
  DEFAULT_EVENT_LOG_PREFIX,
  type EventLog,
  type EventLogOptions,
  type FollowLogEventsOptions,
  type LogEvent,
  type NewLogEvent,
  type ReadLogEventsOptions,
} from './events/event-log.ts';
export { EventLogClosedError, InvalidEventIdError } from './events/event-log-errors.ts';
export { PostgresEventLog, type PostgresEventLogOptions } from './events/postgres-event-log.ts';
export { RedisEventLog, type RedisEventLogOptions } from './events/redis-event-log.ts';
export {
  deadLetterJobId,
  type ExecutionJobsTarget,
  executionNodeJobIds,
  executionStartJobId,
  keyedJobId,
  nodeJobId,
  nodeJobTags,
  scheduledRunKey,
  startJobId,
} from './job-ids.ts';
export {
  type JobSchedulerInfo,
  JobSchedulers,
  type ScheduledTick,
  type SchedulerRepeat,
  scheduledTickOf,
  type UpsertOutcome,
} from './job-schedulers.ts';
export type {
  DeadLetterJobData,
  NodeJobData,
  NodeJobOptions,
  WorkflowJobData,
} from './job-shapes.ts';
export {
  migratePostgresQueues,
  POSTGRES_QUEUE_SCHEMA,
  type PostgresQueueConnection,
} from './postgres-queue-pool.ts';
export {
  isClusterQueueConnection,
  isPostgresConnection,
  type QueueConnection,
  REDIS_CLIENT_OPTIONS,
  type ResolvedConnection,
  resolveConnection,
} from './queue-connection.ts';
export { DEFAULT_QUEUE_PREFIX, QUEUE_NAMES, type QueueRole } from './queue-names.ts';
export type { JobStatus, QueueCounts, QueueStats } from './queue-stats.ts';
// Redis Cluster: a `Cluster` or `{ cluster: nodes }` as the connection, with a hash-tagged prefix.
export {
  assertHashTagPrefix,
  ClusterPrefixError,
  isHashTagPrefix,
  isRedisCluster,
  type RedisClient,
  type RedisClusterConnection,
} from './redis-cluster-connection.ts';
export {
  type Job,
  type LiveJob,
  type QueueWorkerOptions,
  WorkflowQueues,
  type WorkflowQueuesOptions,
} from './workflow-queues.ts';
