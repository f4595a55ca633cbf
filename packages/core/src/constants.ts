/** Deepest sub-workflow nesting allowed: a top-level execution is depth 0. */
export const MAX_SUBWORKFLOW_DEPTH = 10;
/** Compiled workflow versions kept in an engine's cache. */
export const DEFAULT_WORKFLOW_CACHE_SIZE = 500;
/** How long an unused compiled workflow stays cached, in ms. */
export const DEFAULT_WORKFLOW_CACHE_TTL_MS = 3_600_000;
/** Completed jobs BullMQ keeps per queue (node jobs are removed at once; see the queue package). */
export const DEFAULT_REMOVE_ON_COMPLETE_COUNT = 1000;
/** Failed jobs BullMQ keeps per queue. */
export const DEFAULT_REMOVE_ON_FAIL_COUNT = 5000;
/** Base delay between attempts, in ms. */
export const DEFAULT_RETRY_DELAY_MS = 1000;
/** Attempts per node, the first included. */
export const DEFAULT_MAX_ATTEMPTS = 3;
/** Longest wait between two attempts, in ms. */
export const MAX_BACKOFF_DELAY_MS = 3_600_000;
/** Node jobs one worker runs at once. */
export const DEFAULT_WORKER_CONCURRENCY = 5;
/** TTL of a distributed lock, in ms. */
export const DEFAULT_LOCK_TIMEOUT_MS = 5000;
/** Payloads (initial data, results) above this many bytes are kept in the store, not in queue jobs. */
export const DEFAULT_PAYLOAD_THRESHOLD_BYTES = 64 * 1024;
/** Log lines kept per execution by the in-memory store. */
export const DEFAULT_MAX_LOGS_PER_EXECUTION = 1000;
/** Spans kept per execution by the in-memory store. */
export const DEFAULT_MAX_SPANS_PER_EXECUTION = 1000;
/** How long an execution may go without node progress before it counts as stuck, in ms (15 min). */
export const DEFAULT_STUCK_AFTER_MS = 15 * 60_000;
