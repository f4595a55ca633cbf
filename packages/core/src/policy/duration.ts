import { ConfigurationError } from '../errors/error-classes.ts';
import type { DelayNodeConfig } from '../model/workflow-definition.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration: a number of ms, or a string such as `"500ms"`, `"5s"`, `"2m"`, `"1h"`, `"1d"`.
 *
 * @throws ConfigurationError for anything else, or a negative value.
 */
export function parseDuration(value: number | string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0)
      throw new ConfigurationError(`Invalid duration: ${value}`);
    return value;
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value);
  if (!match)
    throw new ConfigurationError(`Invalid duration: "${value}" (use e.g. 500ms, 5s, 2m, 1h, 1d)`);
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}

/**
 * How long a `delay` node waits, in ms, from `now` (epoch ms): `duration` (ms), `durationSeconds`,
 * `durationMinutes`, or until the ISO date-time `until` (0 if it has passed).
 *
 * @throws ConfigurationError when no (or a bad) duration is configured.
 */
export function resolveDelayDuration(config: DelayNodeConfig, now: number): number {
  if (config.duration !== undefined) return parseDuration(config.duration);
  if (config.durationSeconds !== undefined) return parseDuration(config.durationSeconds) * 1000;
  if (config.durationMinutes !== undefined) return parseDuration(config.durationMinutes) * 60_000;
  if (config.until !== undefined) {
    const at = Date.parse(config.until);
    if (Number.isNaN(at)) throw new ConfigurationError(`Invalid delay "until": "${config.until}"`);
    return Math.max(0, at - now);
  }
  throw new ConfigurationError(
    'A delay node needs duration, durationSeconds, durationMinutes or until',
  );
}
