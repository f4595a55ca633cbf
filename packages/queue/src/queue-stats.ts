/** Job counts of one queue. BullMQ 6 has no `paused` state; it is kept at 0 so the shape stays stable. */
export interface QueueCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
  prioritized: number;
  paused: number;
}

/** Counts of the node queue (at the top level) plus every queue by name. */
export interface QueueStats extends QueueCounts {
  queues: { node: QueueCounts; workflow: QueueCounts; dlq: QueueCounts };
}

/** Where a job stands, as `getJobStatus` reports it. */
export interface JobStatus {
  exists: boolean;
  /** BullMQ's state: waiting, active, delayed, prioritized, completed, failed, waiting-children. */
  status?: string | undefined;
  queue?: 'node' | 'workflow' | 'dlq' | undefined;
  /** The job's data, as stored. */
  data?: unknown;
  attemptsMade?: number | undefined;
  failedReason?: string | undefined;
}

/** Fills a BullMQ counts record into a {@link QueueCounts}. */
export function toQueueCounts(raw: Record<string, number>): QueueCounts {
  return {
    waiting: raw.waiting ?? 0,
    active: raw.active ?? 0,
    completed: raw.completed ?? 0,
    failed: raw.failed ?? 0,
    delayed: raw.delayed ?? 0,
    prioritized: raw.prioritized ?? 0,
    paused: 0,
  };
}
