/**
 * Schedules as plain data: what one schedule is, the id of its job scheduler, and the checks that
 * need no cron parser (interval, time zone, dates, limit). The cron pattern itself is checked by
 * the queue package, which owns the parser.
 * @module
 */
import type { ValidationIssue } from '../errors/error-classes.ts';
import type { WorkflowDefinition } from '../model/workflow-definition.ts';

/** One schedule of a workflow: a cron pattern or an interval, with optional bounds. */
export interface ScheduleSpec {
  workflowId: string;
  /** A cron pattern: five fields, or six with seconds first. Exactly one of `cron` and `every`. */
  cron?: string | undefined;
  /** An interval in ms. */
  every?: number | undefined;
  /** IANA time zone of the cron pattern. Default is UTC. */
  timezone?: string | undefined;
  /** The initial data of every execution the schedule starts. */
  initialData?: unknown;
  /** No run before this date. */
  startDate?: Date | string | number | undefined;
  /** No run after this date. */
  endDate?: Date | string | number | undefined;
  /** At most this many runs. */
  limit?: number | undefined;
}

/** A schedule declared in a definition, with where it sits (`triggers[2]`). */
export interface DeclaredSchedule {
  path: string;
  spec: ScheduleSpec;
}

/** Says what is wrong with a cron pattern in a zone, or `undefined` when it parses. */
export type CronChecker = (pattern: string, timezone: string | undefined) => string | undefined;

/**
 * The id of a schedule's job scheduler: `schedule:{workflowId}:{cron}`, or
 * `schedule:{workflowId}:every:{ms}` for an interval. Registering the same schedule twice gives the
 * same id, which is what makes registration idempotent.
 */
export function schedulerIdOf(spec: Pick<ScheduleSpec, 'workflowId' | 'cron' | 'every'>): string {
  const pattern = spec.cron !== undefined ? spec.cron.trim() : `every:${spec.every}`;
  return `schedule:${spec.workflowId}:${pattern}`;
}

/** Whether `zone` is an IANA time-zone name the runtime knows (`UTC`, `Europe/Paris`; not `+01:00`). */
export function isIanaTimeZone(zone: string): boolean {
  if (zone.trim() === '' || /^[+-]\d/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A date option as ms since the epoch, or `undefined` when absent; `NaN` when it does not parse. */
export function scheduleDateMs(value: Date | string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  return Date.parse(value);
}

/**
 * Every problem of one schedule, each with a path under `path` (e.g. `triggers[0].config.every`).
 * Pass `checkCron` to check the pattern too.
 */
export function checkSchedule(
  spec: ScheduleSpec,
  options: { path?: string | undefined; checkCron?: CronChecker | undefined } = {},
): ValidationIssue[] {
  const at = (field: string) => (options.path ? `${options.path}.${field}` : field);
  const issues: ValidationIssue[] = [];
  const issue = (field: string, message: string) =>
    issues.push({ path: at(field), message, kind: 'trigger' });
  if (typeof spec.workflowId !== 'string' || spec.workflowId === '') {
    issue('workflowId', 'must be a workflow id');
  }
  const hasCron = spec.cron !== undefined;
  const hasEvery = spec.every !== undefined;
  if (hasCron === hasEvery) {
    issue(hasCron ? 'every' : 'cron', 'a schedule needs exactly one of cron and every');
  }
  const zoneOk = spec.timezone === undefined || isIanaTimeZone(spec.timezone);
  if (hasCron) {
    if (typeof spec.cron !== 'string' || spec.cron.trim() === '') {
      issue('cron', 'must be a cron pattern');
    } else if (options.checkCron) {
      const problem = options.checkCron(spec.cron, zoneOk ? spec.timezone : undefined);
      if (problem !== undefined)
        issue('cron', `"${spec.cron}" is not a valid cron pattern: ${problem}`);
    }
  }
  if (hasEvery && !(Number.isSafeInteger(spec.every) && (spec.every as number) > 0)) {
    issue('every', `must be a positive whole number of ms, not ${String(spec.every)}`);
  }
  if (!zoneOk) {
    issue('timezone', `"${spec.timezone}" is not an IANA time zone`);
  }
  if (spec.limit !== undefined && !(Number.isSafeInteger(spec.limit) && spec.limit > 0)) {
    issue('limit', 'must be a positive whole number');
  }
  const start = scheduleDateMs(spec.startDate);
  const end = scheduleDateMs(spec.endDate);
  if (start !== undefined && !Number.isFinite(start)) issue('startDate', 'is not a date');
  if (end !== undefined && !Number.isFinite(end)) issue('endDate', 'is not a date');
  if (start !== undefined && end !== undefined && Number.isFinite(start) && end <= start) {
    issue('endDate', 'must be after startDate');
  }
  return issues;
}

/** The schedule triggers of a definition, as specs with their paths. */
export function declaredSchedules(
  definition: Pick<WorkflowDefinition, 'id' | 'triggers'>,
): DeclaredSchedule[] {
  const out: DeclaredSchedule[] = [];
  (definition.triggers ?? []).forEach((trigger, i) => {
    if (trigger.type !== 'schedule') return;
    const { cron, every, timezone, data, startDate, endDate, limit } = trigger.config;
    out.push({
      path: `triggers[${i}]`,
      spec: {
        workflowId: definition.id,
        ...(cron === undefined ? {} : { cron }),
        ...(every === undefined ? {} : { every }),
        ...(timezone === undefined ? {} : { timezone }),
        ...(data === undefined ? {} : { initialData: data }),
        ...(startDate === undefined ? {} : { startDate }),
        ...(endDate === undefined ? {} : { endDate }),
        ...(limit === undefined ? {} : { limit }),
      },
    });
  });
  return out;
}

/**
 * Every problem of a definition's schedule triggers (paths such as `triggers[1].config.timezone`),
 * including two triggers that would share one scheduler id.
 */
export function checkDeclaredSchedules(
  definition: Pick<WorkflowDefinition, 'id' | 'triggers'>,
  options: { checkCron?: CronChecker | undefined } = {},
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Map<string, string>();
  for (const { path, spec } of declaredSchedules(definition)) {
    const own = checkSchedule(spec, { path: `${path}.config`, checkCron: options.checkCron });
    issues.push(...own.filter((issue) => !issue.path.endsWith('.workflowId')));
    const id = schedulerIdOf(spec);
    const first = seen.get(id);
    if (first !== undefined) {
      issues.push({
        path,
        message: `has the same schedule as ${first} (scheduler id "${id}")`,
        kind: 'trigger',
      });
    } else seen.set(id, path);
  }
  return issues;
}
