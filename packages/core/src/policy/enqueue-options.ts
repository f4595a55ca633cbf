/**
 * Checks of the options that start an execution (priority, delay, start date, de-duplication key,
 * metadata), so that a bad one is refused with a typed error instead of being ignored.
 * @module
 */
import {
  describeThrown,
  findUnsupportedInput,
  type InputViolation,
  MAX_ID_LENGTH,
} from './input-policy.ts';

/** The longest delay of a start, in ms (about 100 years). */
export const MAX_START_DELAY_MS = 100 * 365 * 24 * 3_600_000;

/** What `enqueueWorkflow` options may hold, before they are checked. */
export interface EnqueueOptionsInput {
  priority?: unknown;
  delay?: unknown;
  jobId?: unknown;
  metadata?: unknown;
}

function checkId(value: unknown, path: string): InputViolation | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    return { path, message: 'must be a non-empty string' };
  }
  if (value.length > MAX_ID_LENGTH) {
    return { path, message: `must be at most ${MAX_ID_LENGTH} characters (got ${value.length})` };
  }
  return findUnsupportedInput(value) && { path, message: 'contains U+0000 or a lone surrogate' };
}

/** Checks an id given by a caller (a workflow id, a node id, a key): a non-empty string of at most {@link MAX_ID_LENGTH} characters. */
export function findInvalidId(value: unknown, path = 'id'): InputViolation | undefined {
  return checkId(value, path);
}

/**
 * The first problem of a start's options, or `undefined`: `priority` an integer from 1 to 10,
 * `delay` a finite number of ms from 0 to {@link MAX_START_DELAY_MS}, `jobId` an id, `metadata` a
 * plain object of JSON data. Never throws.
 */
export function validateEnqueueOptions(options: unknown): InputViolation | undefined {
  try {
    if (options === undefined || options === null) return undefined;
    if (typeof options !== 'object') return { path: 'options', message: 'must be an object' };
    const { priority, delay, jobId, metadata } = options as EnqueueOptionsInput;
    if (priority !== undefined) {
      if (typeof priority !== 'number' || !Number.isInteger(priority)) {
        return { path: 'options.priority', message: 'must be an integer from 1 to 10' };
      }
      if (priority < 1 || priority > 10) {
        return { path: 'options.priority', message: `must be from 1 to 10 (got ${priority})` };
      }
    }
    if (delay !== undefined) {
      if (typeof delay !== 'number' || !Number.isFinite(delay)) {
        return { path: 'options.delay', message: 'must be a finite number of ms' };
      }
      if (delay < 0 || delay > MAX_START_DELAY_MS) {
        return {
          path: 'options.delay',
          message: `must be from 0 to ${MAX_START_DELAY_MS} ms (got ${delay})`,
        };
      }
    }
    if (jobId !== undefined) {
      const invalid = checkId(jobId, 'options.jobId');
      if (invalid) return invalid;
    }
    if (metadata !== undefined) {
      if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
        return { path: 'options.metadata', message: 'must be a plain object' };
      }
      const found = findUnsupportedInput(metadata);
      if (found) {
        return {
          path: found.path ? `options.metadata.${found.path}` : 'options.metadata',
          message: found.message,
        };
      }
    }
    return undefined;
  } catch (error) {
    return { path: 'options', message: `could not be read: ${describeThrown(error)}` };
  }
}

/**
 * The delay until `executeAt`, or the problem with it: a valid `Date` no more than
 * {@link MAX_START_DELAY_MS} ahead (a date in the past starts at once). Never throws.
 */
export function delayUntil(
  executeAt: unknown,
  now: number,
): { delay: number } | { problem: InputViolation } {
  const time = executeAt instanceof Date ? executeAt.getTime() : Number.NaN;
  if (!Number.isFinite(time)) {
    return { problem: { path: 'executeAt', message: 'must be a valid Date' } };
  }
  const delay = Math.max(1, time - now);
  if (delay > MAX_START_DELAY_MS) {
    return { problem: { path: 'executeAt', message: 'is too far in the future' } };
  }
  return { delay };
}
