/**
 * The declarative shape of a workflow: a DAG of typed nodes plus the triggers that start it.
 * @module
 */

/** How long to wait between attempts. `exponential` doubles `delay` after every attempt. */
export interface BackoffPolicy {
  type: 'fixed' | 'exponential';
  /** Base delay in milliseconds. */
  delay: number;
}

/** A node's retry behaviour. Every field is optional; the engine default fills the gaps. */
export interface RetryPolicy {
  /** Total attempts, the first one included. Default is the engine's `defaultRetryPolicy`. */
  maxAttempts?: number | undefined;
  backoff?: BackoffPolicy | undefined;
  /**
   * When the last attempt fails, record the failure and keep the node's outgoing edges active
   * instead of failing the execution.
   */
  continueOnFail?: boolean | undefined;
}

/** A circuit breaker for the node type: open after `failureThreshold` failures in a row. */
export interface CircuitBreakerConfig {
  failureThreshold: number;
  /** Successes in half-open state needed to close again. */
  successThreshold?: number | undefined;
  /** How long the breaker stays open before it lets a probe through, in ms. */
  timeout?: number | undefined;
  /** Window over which failures are counted, in ms. */
  monitoringPeriod?: number | undefined;
}

/** One node of a workflow. Edges may be declared on either side (`inputs` or `outputs`). */
export interface NodeDefinition {
  id: string;
  /** The executor type, as registered in the `NodeRegistry`, or a built-in (`delay`, `sub-workflow`, `map`). */
  type: string;
  name?: string | undefined;
  config?: Record<string, unknown> | undefined;
  /** Ids of the parent nodes. */
  inputs?: string[] | undefined;
  /** Ids of the child nodes. */
  outputs?: string[] | undefined;
  retryPolicy?: RetryPolicy | undefined;
  circuitBreaker?: CircuitBreakerConfig | undefined;
  /** Per-attempt timeout in ms. `config.timeout` is honoured too. */
  timeout?: number | undefined;
}

/**
 * A webhook secret: the secret itself, or the name of an environment variable that holds it (so a
 * stored definition holds no secret).
 */
export type WebhookSecret = string | { env: string };

/** The HTTP methods a webhook trigger can listen to. */
export type WebhookMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Starts a workflow when an HTTP request arrives at `path` with `method`. */
export interface WebhookTrigger {
  type: 'webhook';
  config: {
    /** The path under the handler's base path, e.g. `github/push`. Several workflows may share one. */
    path: string;
    /** Default is `POST`. */
    method?: WebhookMethod | undefined;
    /**
     * When set, requests must carry a valid timestamped HMAC signature made with this secret. A
     * list accepts any of its secrets, for a rotation.
     */
    secret?: WebhookSecret | WebhookSecret[] | undefined;
    /** How old a signature may be, in seconds. Default is 300. */
    toleranceSeconds?: number | undefined;
  };
}

/**
 * Starts a workflow on a schedule: a cron pattern (five fields, or six with seconds) in an IANA
 * time zone, or a fixed interval in ms. Exactly one of `cron` and `every`.
 */
export interface ScheduleTrigger {
  type: 'schedule';
  config: {
    cron?: string | undefined;
    /** Interval in ms. */
    every?: number | undefined;
    /** IANA time zone of the cron pattern, e.g. `America/New_York`. Default is UTC. */
    timezone?: string | undefined;
    /** The initial data each scheduled execution starts with. */
    data?: unknown;
    /** No run before this date (ISO 8601 or ms since the epoch). */
    startDate?: string | number | undefined;
    /** No run after this date (ISO 8601 or ms since the epoch). */
    endDate?: string | number | undefined;
    /** At most this many runs. */
    limit?: number | undefined;
  };
}

export type WorkflowTrigger = WebhookTrigger | ScheduleTrigger;

/** A workflow: a DAG of nodes. Registering a changed definition under the same id makes a new version. */
export interface WorkflowDefinition {
  id: string;
  name?: string | undefined;
  description?: string | undefined;
  /** When given, must be one of the entry nodes (the nodes with no inputs). */
  entryNodeId?: string | undefined;
  nodes: NodeDefinition[];
  triggers?: WorkflowTrigger[] | undefined;
  /** Free-form data kept with the definition. */
  metadata?: Record<string, unknown> | undefined;
  /**
   * How long (ms) a running or pending execution of this workflow may go without node progress
   * before `findStuckExecutions` counts it as stuck. Default is 15 minutes
   * (`DEFAULT_STUCK_AFTER_MS`).
   */
  stuckAfter?: number | undefined;
}

/** Config of a built-in `delay` node. Exactly one field is expected. */
export interface DelayNodeConfig {
  /** Milliseconds, or a string such as `"5s"`, `"2m"`, `"1h"`. */
  duration?: number | string | undefined;
  durationSeconds?: number | undefined;
  durationMinutes?: number | undefined;
  /** An ISO 8601 date-time to wait until. */
  until?: string | undefined;
}

/** Config of a built-in `sub-workflow` node. */
export interface SubWorkflowNodeConfig {
  workflowId: string;
  /** `{ childKey: 'parent.dotted.path' }`: builds the child's initial data from the node's input. */
  inputMapping?: Record<string, string> | undefined;
  /** `{ parentKey: 'child.dotted.path' }`: builds the node's result from the child's output. */
  outputMapping?: Record<string, string> | undefined;
  continueOnFail?: boolean | undefined;
}

/** Node types the engine runs itself. */
export const BUILT_IN_NODE_TYPES: readonly string[] = Object.freeze([
  'delay',
  'sub-workflow',
  'map',
]);
