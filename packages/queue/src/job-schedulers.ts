import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_REMOVE_ON_COMPLETE_COUNT } from '@spane/core';
import type { Job, JobSchedulerJson, Queue } from 'bullmq';
import type { WorkflowJobData } from './job-shapes.ts';

/** When a job scheduler runs: a cron pattern or an interval, with optional bounds. */
export interface SchedulerRepeat {
  pattern?: string | undefined;
  every?: number | undefined;
  /** IANA time zone of `pattern`. */
  tz?: string | undefined;
  /** ms since the epoch. */
  startDate?: number | undefined;
  /** ms since the epoch. */
  endDate?: number | undefined;
  limit?: number | undefined;
}

/** A job scheduler of the workflow queue, as stored. */
export interface JobSchedulerInfo extends SchedulerRepeat {
  id: string;
  /** When it runs next (ms since the epoch); `undefined` when it will not run again. */
  next: number | undefined;
  /** How many runs it has made so far. */
  iterationCount: number | undefined;
  /** The data each run's job carries. */
  data: WorkflowJobData | undefined;
}

/** What {@link JobSchedulers.upsert} did. */
export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

/** The run of a scheduler that a workflow job is, read from the job BullMQ made for it. */
export interface ScheduledTick {
  schedulerId: string;
  /** The time the run was due (ms since the epoch). */
  scheduledFor: number;
}

/**
 * The job schedulers of the workflow queue: each makes one workflow job per run, whatever the
 * number of processes, and lives in Redis (or Postgres) so it survives restarts.
 */
export class JobSchedulers {
  readonly #queue: () => Promise<Queue<WorkflowJobData>>;
  readonly #removeOnFail: number;

  constructor(options: { queue: () => Promise<Queue<WorkflowJobData>>; removeOnFail: number }) {
    this.#queue = options.queue;
    this.#removeOnFail = options.removeOnFail;
  }

  /**
   * Creates or updates a scheduler. A scheduler that already has this repeat and data is left
   * alone, so registering it again (from any process) does not move its next run.
   */
  async upsert(id: string, repeat: SchedulerRepeat, data: WorkflowJobData): Promise<UpsertOutcome> {
    const existing = await this.get(id);
    if (existing && sameSchedule(existing, repeat, data)) return 'unchanged';
    const queue = await this.#queue();
    await queue.upsertJobScheduler(id, withoutUndefined(repeat), {
      name: data.workflowId,
      data,
      opts: {
        removeOnComplete: DEFAULT_REMOVE_ON_COMPLETE_COUNT,
        removeOnFail: this.#removeOnFail,
        attempts: 5,
        backoff: { type: 'exponential', delay: 500 },
      },
    });
    return existing ? 'updated' : 'created';
  }

  /** Every scheduler, soonest first. */
  async list(): Promise<JobSchedulerInfo[]> {
    const queue = await this.#queue();
    const all = await queue.getJobSchedulers(0, -1, true);
    return all.map((json) => toInfo(json.key, json));
  }

  /** One scheduler, or `undefined`. */
  async get(id: string): Promise<JobSchedulerInfo | undefined> {
    const queue = await this.#queue();
    const json = await queue.getJobScheduler(id);
    return json ? toInfo(id, json) : undefined;
  }

  /** Removes a scheduler and its pending run; false when there was none. */
  async remove(id: string): Promise<boolean> {
    const queue = await this.#queue();
    return queue.removeJobScheduler(id);
  }
}

/** The scheduler run a workflow job stands for, or `undefined` for a job added directly. */
export function scheduledTickOf(job: Job<WorkflowJobData>): ScheduledTick | undefined {
  const schedulerId = job.repeatJobKey ?? job.opts.repeatJobKey;
  if (!schedulerId) return undefined;
  const scheduledFor = job.opts.prevMillis ?? job.timestamp + (job.delay ?? 0);
  return { schedulerId, scheduledFor };
}

function toInfo(id: string, json: JobSchedulerJson<WorkflowJobData>): JobSchedulerInfo {
  return {
    id,
    pattern: json.pattern,
    every: json.every,
    tz: json.tz,
    startDate: json.startDate,
    endDate: json.endDate,
    limit: json.limit,
    next: typeof json.next === 'number' && Number.isFinite(json.next) ? json.next : undefined,
    iterationCount: json.iterationCount,
    data: json.template?.data,
  };
}

function sameSchedule(
  existing: JobSchedulerInfo,
  repeat: SchedulerRepeat,
  data: WorkflowJobData,
): boolean {
  return (
    existing.pattern === repeat.pattern &&
    existing.every === repeat.every &&
    (existing.tz ?? undefined) === repeat.tz &&
    existing.startDate === repeat.startDate &&
    existing.endDate === repeat.endDate &&
    existing.limit === repeat.limit &&
    // Key order is not kept by every backend (PostgreSQL stores the template as jsonb).
    isDeepStrictEqual(existing.data, JSON.parse(JSON.stringify(data)))
  );
}

function withoutUndefined(repeat: SchedulerRepeat): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(repeat)) if (value !== undefined) out[key] = value;
  return out;
}
