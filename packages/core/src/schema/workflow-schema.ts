import * as v from 'valibot';
import { MAX_ID_LENGTH } from '../policy/input-policy.ts';

const nonEmptyString = v.pipe(v.string(), v.minLength(1, 'must not be empty'));
/** A workflow or node id: non-empty, at most {@link MAX_ID_LENGTH} characters. */
const idString = v.pipe(
  nonEmptyString,
  v.maxLength(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`),
);
const positiveInteger = v.pipe(
  v.number(),
  v.integer('must be an integer'),
  v.minValue(1, 'must be at least 1'),
);
const nonNegativeNumber = v.pipe(
  v.number(),
  v.finite('must be a finite number'),
  v.minValue(0, 'must not be negative'),
);

/** Valibot schema of a node's `retryPolicy`. */
export const RetryPolicySchema = v.object({
  maxAttempts: v.optional(v.pipe(positiveInteger, v.maxValue(1000, 'must be at most 1000'))),
  backoff: v.optional(
    v.object({
      type: v.picklist(['fixed', 'exponential'], 'must be "fixed" or "exponential"'),
      delay: nonNegativeNumber,
    }),
  ),
  continueOnFail: v.optional(v.boolean()),
});

/** Valibot schema of a node's `circuitBreaker`. */
export const CircuitBreakerSchema = v.object({
  failureThreshold: positiveInteger,
  successThreshold: v.optional(positiveInteger),
  timeout: v.optional(nonNegativeNumber),
  monitoringPeriod: v.optional(nonNegativeNumber),
});

/** Valibot schema of one node. Unknown keys (a builder's `position`, say) are kept. */
export const NodeDefinitionSchema = v.looseObject({
  id: idString,
  type: nonEmptyString,
  name: v.optional(v.string()),
  config: v.optional(v.record(v.string(), v.unknown())),
  inputs: v.optional(v.array(idString)),
  outputs: v.optional(v.array(idString)),
  retryPolicy: v.optional(RetryPolicySchema),
  circuitBreaker: v.optional(CircuitBreakerSchema),
  timeout: v.optional(positiveInteger),
});

const webhookSecret = v.union(
  [nonEmptyString, v.object({ env: nonEmptyString })],
  'must be a secret or { env: "VARIABLE_NAME" }',
);

const WebhookTriggerSchema = v.object({
  type: v.literal('webhook'),
  config: v.object({
    path: nonEmptyString,
    method: v.optional(v.picklist(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])),
    secret: v.optional(
      v.union([webhookSecret, v.pipe(v.array(webhookSecret), v.minLength(1, 'must not be empty'))]),
    ),
    toleranceSeconds: v.optional(positiveInteger),
  }),
});

const scheduleDate = v.union(
  [nonEmptyString, v.pipe(v.number(), v.finite('must be a finite number'))],
  'must be an ISO 8601 date or ms since the epoch',
);

const ScheduleTriggerSchema = v.object({
  type: v.literal('schedule'),
  config: v.object({
    cron: v.optional(nonEmptyString),
    every: v.optional(v.number()),
    timezone: v.optional(nonEmptyString),
    data: v.optional(v.unknown()),
    startDate: v.optional(scheduleDate),
    endDate: v.optional(scheduleDate),
    limit: v.optional(positiveInteger),
  }),
});

/** Valibot schema of a trigger. */
export const WorkflowTriggerSchema = v.variant('type', [
  WebhookTriggerSchema,
  ScheduleTriggerSchema,
]);

/** Valibot schema of a workflow's structure; graph rules are checked by `validateWorkflowDefinition`. */
export const WorkflowDefinitionSchema = v.looseObject({
  id: idString,
  name: v.optional(v.string()),
  description: v.optional(v.string()),
  entryNodeId: v.optional(idString),
  nodes: v.pipe(
    v.array(NodeDefinitionSchema),
    v.minLength(1, 'a workflow needs at least one node'),
  ),
  triggers: v.optional(v.array(WorkflowTriggerSchema)),
  metadata: v.optional(v.record(v.string(), v.unknown())),
  stuckAfter: v.optional(positiveInteger),
});

/** Valibot schema of a `delay` node's config: exactly one duration field. */
export const DelayConfigSchema = v.pipe(
  v.looseObject({
    duration: v.optional(
      v.union(
        [nonNegativeNumber, v.pipe(v.string(), v.regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/))],
        'must be a number of ms or a string such as "5s", "2m", "1h"',
      ),
    ),
    durationSeconds: v.optional(nonNegativeNumber),
    durationMinutes: v.optional(nonNegativeNumber),
    until: v.optional(
      v.pipe(v.string(), v.isoTimestamp('must be an ISO 8601 date-time with a time zone')),
    ),
  }),
  v.check(
    (config) =>
      [config.duration, config.durationSeconds, config.durationMinutes, config.until].filter(
        (value) => value !== undefined,
      ).length === 1,
    'a delay node needs exactly one of duration, durationSeconds, durationMinutes or until',
  ),
);

const mappingSchema = v.record(nonEmptyString, nonEmptyString);

/** Valibot schema of a `sub-workflow` node's config. */
export const SubWorkflowConfigSchema = v.looseObject({
  workflowId: nonEmptyString,
  inputMapping: v.optional(mappingSchema),
  outputMapping: v.optional(mappingSchema),
  continueOnFail: v.optional(v.boolean()),
});

/** Valibot schema of a `map` node's config: run `workflowId` for each item of an array. */
export const MapConfigSchema = v.looseObject({
  workflowId: nonEmptyString,
  /** Dotted path to the array within the node's input. Default is the input itself. */
  itemsPath: v.optional(v.string()),
  concurrency: v.optional(positiveInteger),
  continueOnFail: v.optional(v.boolean()),
});

/** Converts a valibot issue path into the `nodes[3].inputs[0]` form. */
export function formatIssuePath(path: readonly { key: unknown }[] | undefined): string {
  if (!path) return '';
  let out = '';
  for (const item of path) {
    const key = item.key;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
