/**
 * Cron patterns, read with cron-parser: the library BullMQ's job schedulers use to compute their
 * next runs, so a pattern accepted here is one the scheduler runs the same way.
 * @module
 */
import { CronExpressionParser } from 'cron-parser';

const ALIAS =
  /^@(yearly|annually|monthly|weekly|daily|hourly|minutely|secondly|weekdays|weekends)$/i;

/**
 * What is wrong with a cron pattern in a time zone, or `undefined` when it is valid. A pattern has
 * five fields (minute first) or six (seconds first), or is an alias such as `@daily`.
 */
export function checkCronPattern(
  pattern: string,
  timezone?: string | undefined,
): string | undefined {
  const trimmed = pattern.trim();
  const fields = trimmed.split(/\s+/).length;
  if (!ALIAS.test(trimmed) && (fields < 5 || fields > 6)) {
    return `expected 5 or 6 fields, got ${trimmed === '' ? 0 : fields}`;
  }
  try {
    CronExpressionParser.parse(trimmed, { ...(timezone ? { tz: timezone } : {}) }).next();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The first run of a cron pattern strictly after `after` (default now), in the pattern's time
 * zone (default UTC), daylight-saving changes included; `undefined` when there is none.
 *
 * ```ts
 * nextCronRun('0 9 * * *', { timezone: 'America/New_York', after: new Date('2026-07-01T00:00:00Z') });
 * // 2026-07-01T13:00:00.000Z (EDT); in January it is 14:00 UTC (EST)
 * ```
 */
export function nextCronRun(
  pattern: string,
  options: { timezone?: string | undefined; after?: Date | undefined } = {},
): Date | undefined {
  const expression = CronExpressionParser.parse(pattern.trim(), {
    currentDate: options.after ?? new Date(),
    tz: options.timezone ?? 'UTC',
  });
  return expression.hasNext() ? expression.next().toDate() : undefined;
}
