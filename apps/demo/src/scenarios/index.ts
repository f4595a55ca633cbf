import { circuitBreaker } from './circuit-breaker.ts';
import { delays } from './delays.ts';
import { dlqRedrive } from './dlq-redrive.ts';
import { dynamicLooping } from './dynamic-looping.ts';
import { enqueueOptions } from './enqueue-options.ts';
import { pauseAndCancel } from './pause-and-cancel.ts';
import { rateLimits } from './rate-limits.ts';
import { replay } from './replay.ts';
import type { Scenario } from './scenario.ts';
import { subWorkflows } from './sub-workflows.ts';

/** Every feature scenario the demo runs after the basic examples, in order. */
export const scenarios: readonly Scenario[] = [
  dlqRedrive,
  pauseAndCancel,
  delays,
  subWorkflows,
  dynamicLooping,
  enqueueOptions,
  rateLimits,
  replay,
  circuitBreaker,
];

export type { Scenario } from './scenario.ts';
