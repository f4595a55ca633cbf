import { ConfigurationError } from '@spane/core';
import type { EngineConfig } from './engine-config.ts';

/** The bounds a numeric {@link EngineConfig} field must keep. */
interface NumberRule {
  min: number;
  max?: number;
  integer?: boolean;
}

type NumericField = {
  [K in keyof EngineConfig]-?: NonNullable<EngineConfig[K]> extends number ? K : never;
}[keyof EngineConfig];

const NUMBER_RULES: Record<NumericField, NumberRule> = {
  workerConcurrency: { min: 1, integer: true },
  defaultPriority: { min: 1, max: 10, integer: true },
  lockDuration: { min: 1 },
  stalledInterval: { min: 1 },
  maxStalledCount: { min: 0, integer: true },
  abortGraceMs: { min: 0 },
  shutdownTimeoutMs: { min: 0 },
  workflowCacheSize: { min: 1, integer: true },
  payloadThreshold: { min: 0, integer: true },
  recoveryIntervalMs: { min: 0 },
  recoveryQuietMs: { min: 0 },
  stuckNodeGraceMs: { min: 0 },
  queueTimeoutMs: { min: 1 },
};

/** Why `value` breaks `rule`, or `undefined` when it keeps it. */
function breach(value: unknown, rule: NumberRule): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'a finite number';
  if (rule.integer && !Number.isInteger(value)) return 'an integer';
  if (value < rule.min) return `at least ${rule.min}`;
  if (rule.max !== undefined && value > rule.max) return `at most ${rule.max}`;
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return value === null ? 'null' : typeof value;
}

function check(path: string, value: unknown, rule: NumberRule): void {
  const wanted = breach(value, rule);
  if (wanted)
    throw new ConfigurationError(`config.${path} must be ${wanted}, got ${describe(value)}`);
}

/**
 * Refuses an engine config whose numbers would misbehave later (a `NaN` interval that turns a
 * timer into a busy loop, a zero concurrency that never runs anything), naming the field.
 */
export function checkEngineConfig(config: EngineConfig): void {
  if (config.prefix !== undefined && (typeof config.prefix !== 'string' || config.prefix === ''))
    throw new ConfigurationError(
      `config.prefix must be a non-empty string, got ${describe(config.prefix)}`,
    );
  for (const [field, rule] of Object.entries(NUMBER_RULES) as [NumericField, NumberRule][]) {
    const value = config[field];
    if (value !== undefined) check(field, value, rule);
  }
  if (config.rateLimiter !== undefined) {
    check('rateLimiter.max', config.rateLimiter.max, { min: 1, integer: true });
    check('rateLimiter.duration', config.rateLimiter.duration, { min: 1 });
  }
}
