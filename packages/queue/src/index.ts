/**
 * `@spane/queue`: SPANE on BullMQ. The node, workflow and dead-letter queues under one prefix, the
 * job shapes that travel through them, and workers with concurrency, limiter and stalled-job
 * settings.
 * @module
 */
export type {
  DeadLetterJobData,
  NodeJobData,
  NodeJobOptions,
  WorkflowJobData,
} from './job-shapes.ts';
export {
  type QueueConnection,
  REDIS_CLIENT_OPTIONS,
  resolveConnection,
} from './queue-connection.ts';
export {
  DEFAULT_QUEUE_PREFIX,
  nodeJobId,
  QUEUE_NAMES,
  type QueueRole,
  startJobId,
} from './queue-names.ts';
export type { JobStatus, QueueCounts, QueueStats } from './queue-stats.ts';
export {
  type Job,
  type QueueWorkerOptions,
  WorkflowQueues,
  type WorkflowQueuesOptions,
} from './workflow-queues.ts';
