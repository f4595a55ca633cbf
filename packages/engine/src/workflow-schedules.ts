import { createHash } from 'node:crypto';
import {
  checkSchedule,
  declaredSchedules,
  type ExecutionStore,
  InvalidTriggerError,
  type ScheduleSpec,
  scheduleDateMs,
  schedulerIdOf,
  type WorkflowDefinition,
  WorkflowError,
} from '@spane/core';
import {
  checkCronPattern,
  type JobSchedulerInfo,
  type ScheduledTick,
  type SchedulerRepeat,
  scheduledRunKey,
  type WorkflowJob,
  type WorkflowJobData,
  type WorkflowQueues,
} from '@spane/queue';
import type { ExecutionStarter } from './execution-starter.ts';
import type { WorkflowCatalog } from './workflow-catalog.ts';

/** Options of `registerSchedule`: a cron pattern or an interval for one workflow. */
export type RegisterScheduleOptions = ScheduleSpec;

/** A schedule as `getJobSchedulers` lists it. */
export interface ScheduleInfo {
  /** `schedule:{workflowId}:{pattern}`, or `schedule:{workflowId}:every:{ms}`. */
  id: string;
  workflowId: string;
  pattern?: string | undefined;
  every?: number | undefined;
  tz?: string | undefined;
  /** When it runs next (ms since the epoch); `undefined` when it will not run again. */
  next: number | undefined;
  limit?: number | undefined;
  startDate?: number | undefined;
  endDate?: number | undefined;
  /** Runs made so far. */
  iterationCount?: number | undefined;
  /** Whether a definition's trigger made it (else `registerSchedule` did). */
  fromDefinition: boolean;
}

/** `source` of the runs of a definition's schedule trigger (others are `api`). */
const FROM_DEFINITION = 'definition';

/**
 * Schedules on the queue's job schedulers: registration (checked first, so nothing half-made is
 * left), the schedules a definition declares kept in step with its triggers, listing and removal.
 */
export class WorkflowSchedules {
  readonly #queues: WorkflowQueues;
  readonly #store: ExecutionStore;
  readonly #catalog: WorkflowCatalog;
  readonly #payloadThreshold: number;

  constructor(deps: {
    queues: WorkflowQueues;
    store: ExecutionStore;
    catalog: WorkflowCatalog;
    config: { payloadThreshold: number };
  }) {
    this.#queues = deps.queues;
    this.#store = deps.store;
    this.#catalog = deps.catalog;
    this.#payloadThreshold = deps.config.payloadThreshold;
  }

  /**
   * Checks and upserts one schedule; returns its scheduler id.
   *
   * @throws InvalidTriggerError naming the bad fields; WorkflowNotFoundError for an unknown workflow.
   */
  async register(spec: ScheduleSpec): Promise<string> {
    const issues = checkSchedule(spec, { checkCron: checkCronPattern });
    if (issues.length > 0) throw new InvalidTriggerError(issues, { workflowId: spec.workflowId });
    await this.#upsert(spec, 'api');
    return schedulerIdOf(spec);
  }

  /**
   * Makes the queue's schedulers match a just-registered definition: upserts its schedule triggers
   * (unchanged ones are left alone) and removes the schedulers of triggers it no longer has.
   * Schedules made by `registerSchedule` are not touched.
   */
  async syncDefinition(definition: WorkflowDefinition): Promise<void> {
    const wanted = new Set<string>();
    for (const { spec } of declaredSchedules(definition)) {
      await this.#upsert(spec, FROM_DEFINITION);
      wanted.add(schedulerIdOf(spec));
    }
    for (const scheduler of await this.#ofWorkflow(definition.id)) {
      if (scheduler.data?.source === FROM_DEFINITION && !wanted.has(scheduler.id)) {
        await this.#queues.schedulers.remove(scheduler.id);
      }
    }
  }

  /** Every schedule of every workflow, soonest first. */
  async list(): Promise<ScheduleInfo[]> {
    return (await this.#queues.schedulers.list()).flatMap((info) => {
      const schedule = toScheduleInfo(info);
      return schedule ? [schedule] : [];
    });
  }

  /** One schedule by id, or `undefined`. */
  async get(id: string): Promise<ScheduleInfo | undefined> {
    const info = await this.#queues.schedulers.get(id);
    return info ? toScheduleInfo(info) : undefined;
  }

  /** Removes every schedule of a workflow; returns how many were removed. */
  async removeForWorkflow(workflowId: string): Promise<number> {
    let removed = 0;
    for (const scheduler of await this.#ofWorkflow(workflowId)) {
      if (await this.#queues.schedulers.remove(scheduler.id)) removed += 1;
    }
    return removed;
  }

  /** Removes one schedule; false when there was none. */
  remove(id: string): Promise<boolean> {
    return this.#queues.schedulers.remove(id);
  }

  async #ofWorkflow(workflowId: string): Promise<JobSchedulerInfo[]> {
    return (await this.#queues.schedulers.list()).filter(
      (info) => info.data?.workflowId === workflowId,
    );
  }

  async #upsert(spec: ScheduleSpec, source: string): Promise<void> {
    const { version } = await this.#catalog.latest(spec.workflowId);
    const id = schedulerIdOf(spec);
    const data: WorkflowJobData = { workflowId: spec.workflowId, source };
    if (spec.initialData !== undefined) {
      const json = JSON.stringify(spec.initialData) ?? '';
      if (Buffer.byteLength(json, 'utf8') > this.#payloadThreshold) {
        // The claim check: the data stays in the store, held by a record keyed on the schedule and
        // the data, so registering the same schedule again finds the same record.
        const digest = createHash('sha256').update(json).digest('hex').slice(0, 32);
        const { execution } = await this.#store.createExecution({
          workflowId: spec.workflowId,
          workflowVersion: version,
          initialData: spec.initialData,
          status: 'pending',
          idempotencyKey: `schedule-data.${id}.${digest}`,
          metadata: { scheduleData: id },
        });
        data.initialDataRef = execution.executionId;
      } else {
        data.initialData = spec.initialData;
      }
    }
    const repeat: SchedulerRepeat = {
      pattern: spec.cron?.trim(),
      every: spec.every,
      tz: spec.cron === undefined ? undefined : spec.timezone,
      startDate: scheduleDateMs(spec.startDate),
      endDate: scheduleDateMs(spec.endDate),
      limit: spec.limit,
    };
    await this.#queues.schedulers.upsert(id, repeat, data);
  }
}

/**
 * Starts the execution of one scheduled run. Its key is the scheduler and the time the run was
 * due, so a run delivered twice (a worker that died mid-job) still makes one execution.
 */
export async function startScheduledRun(
  job: WorkflowJob,
  tick: ScheduledTick,
  deps: { store: ExecutionStore; starter: ExecutionStarter },
): Promise<string> {
  const data = job.data;
  let initialData = data.initialData;
  if (data.initialDataRef !== undefined) {
    const holder = await deps.store.getExecution(data.initialDataRef, { nodeIds: [] });
    if (!holder) {
      throw new WorkflowError({
        message: `The data of schedule "${tick.schedulerId}" is gone from the store (record "${data.initialDataRef}")`,
        workflowId: data.workflowId,
        retryable: false,
      });
    }
    initialData = holder.initialData;
  }
  return deps.starter.enqueue(
    data.workflowId,
    initialData,
    {
      metadata: {
        trigger: 'schedule',
        schedulerId: tick.schedulerId,
        scheduledFor: new Date(tick.scheduledFor).toISOString(),
      },
    },
    { startNowWithKey: scheduledRunKey(tick.schedulerId, tick.scheduledFor) },
  );
}

function toScheduleInfo(info: JobSchedulerInfo): ScheduleInfo | undefined {
  const workflowId = info.data?.workflowId;
  if (workflowId === undefined) return undefined;
  return {
    id: info.id,
    workflowId,
    ...(info.pattern === undefined ? {} : { pattern: info.pattern }),
    ...(info.every === undefined ? {} : { every: info.every }),
    ...(info.tz === undefined ? {} : { tz: info.tz }),
    next: info.next,
    ...(info.limit === undefined ? {} : { limit: info.limit }),
    ...(info.startDate === undefined ? {} : { startDate: info.startDate }),
    ...(info.endDate === undefined ? {} : { endDate: info.endDate }),
    ...(info.iterationCount === undefined ? {} : { iterationCount: info.iterationCount }),
    fromDefinition: info.data?.source === FROM_DEFINITION,
  };
}
