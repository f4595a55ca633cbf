/** The three queues SPANE runs on, under one key prefix. */
export const QUEUE_NAMES = Object.freeze({
  /** One job per node of an execution. */
  node: 'node-execution',
  /** Execution starts that wait (delayed starts, schedules, triggers). */
  workflow: 'workflow-execution',
  /** Jobs that failed for good, kept for inspection and redrive. */
  dlq: 'dlq-execution',
});

export type QueueRole = keyof typeof QUEUE_NAMES;

/** The default key prefix; use your own to keep applications apart on one Redis. */
export const DEFAULT_QUEUE_PREFIX = 'spane';
