/**
 * Prometheus metrics of a SPANE engine on prom-client: counters and histograms fed by the engine's
 * events (each event is raised once, by the process that did the work, so sums over instances are
 * exact), and gauges collected at scrape time from the queues, the circuit breakers and the store.
 * @module
 */
import type { ExecutionStore } from '@spane/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { jsonResponse, type RequestHandler, textResponse } from '../http-responses.ts';
import type { MetricsEngine } from '../observed-engine.ts';
import { withTimeout } from '../with-timeout.ts';
import { countExecutions } from './count-executions.ts';
import { type MetricsJson, toMetricsJson } from './metrics-json.ts';

/** Options of {@link createMetrics}. */
export interface CreateMetricsOptions {
  /** The engine to watch. */
  engine: MetricsEngine;
  /**
   * The engine's store. With it, `spane_workflows_active` / `_paused` are counted at scrape time
   * (across every process), and workflow durations are measured for executions this process did
   * not start. Without it those two gauges are left out.
   */
  store?: Pick<ExecutionStore, 'listExecutions' | 'getExecution'> | undefined;
  /** Where the metrics are registered. Default is a new `Registry`. */
  registry?: Registry | undefined;
  /** How long a scrape waits for the queue server or the store, in ms. Default is 2000. */
  scrapeTimeoutMs?: number | undefined;
  /** Buckets of the duration histograms, in seconds. Default: 5 ms to 5 min. */
  durationBuckets?: readonly number[] | undefined;
}

/** The metrics of one engine. */
export interface SpaneMetrics {
  /** The registry holding them (yours, if you passed one). */
  readonly registry: Registry;
  /** The registry in the Prometheus text format. */
  prometheus(): Promise<string>;
  /** The registry in the JSON shape: counters, gauges, histograms with p50/p90/p95/p99. */
  json(): Promise<MetricsJson>;
  /** Serves {@link SpaneMetrics.prometheus} (mount it at `/metrics`). */
  readonly prometheusHandler: RequestHandler;
  /** Serves {@link SpaneMetrics.json} (mount it at `/metrics/json`). */
  readonly jsonHandler: RequestHandler;
  /** Stops listening to the engine and removes SPANE's metrics from the registry. */
  close(): void;
}

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const BREAKER_STATE = { closed: 0, 'half-open': 1, open: 2 } as const;
/** Start times of executions seen starting here, kept for this many at most. */
const MAX_TRACKED_STARTS = 50_000;

/**
 * Registers SPANE's metrics and keeps them up to date.
 *
 * ```ts
 * const metrics = createMetrics({ engine, store });
 * app.get('/metrics', (c) => metrics.prometheusHandler(c.req.raw));
 * app.get('/metrics/json', (c) => metrics.jsonHandler(c.req.raw));
 * ```
 *
 * @remarks Counters count each event once: a node's result is counted by the commit that stored it,
 * whatever the retries and redeliveries. Labels stay bounded: workflow ids, node types, outcomes,
 * queue names and states, never execution ids. Registering twice on one registry throws
 * (prom-client refuses duplicate names): {@link SpaneMetrics.close} the first.
 */
export function createMetrics(options: CreateMetricsOptions): SpaneMetrics {
  const { engine, store } = options;
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  const timeoutMs = options.scrapeTimeoutMs ?? 2_000;
  const buckets = [...(options.durationBuckets ?? DEFAULT_BUCKETS)];

  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name, help, labelNames, registers });
  const enqueued = counter('spane_workflows_enqueued_total', 'Executions created.', ['workflow']);
  const completed = counter('spane_workflows_completed_total', 'Executions completed.', [
    'workflow',
  ]);
  const failed = counter('spane_workflows_failed_total', 'Executions failed.', ['workflow']);
  const cancelled = counter('spane_workflows_cancelled_total', 'Executions cancelled.', [
    'workflow',
  ]);
  const nodes = counter(
    'spane_nodes_executed_total',
    'Node outcomes: success, failed (for good), skipped, retried (one per retried attempt).',
    ['type', 'outcome'],
  );
  const dlq = counter('spane_dlq_items_total', 'Node failures put in the dead-letter queue.');

  const workflowDuration = new Histogram({
    name: 'spane_workflow_duration_seconds',
    help: 'Execution start to end.',
    labelNames: ['workflow', 'status'],
    buckets,
    registers,
  });
  const nodeDuration = new Histogram({
    name: 'spane_node_duration_seconds',
    help: 'Duration of node attempts that ended the node (success or final failure).',
    labelNames: ['type'],
    buckets,
    registers,
  });
  const queueWait = new Histogram({
    name: 'spane_queue_wait_seconds',
    help: 'Time a node job waited in the queue before its first attempt.',
    labelNames: ['type'],
    buckets,
    registers,
  });

  const names: string[] = [
    'spane_workflows_enqueued_total',
    'spane_workflows_completed_total',
    'spane_workflows_failed_total',
    'spane_workflows_cancelled_total',
    'spane_nodes_executed_total',
    'spane_dlq_items_total',
    'spane_workflow_duration_seconds',
    'spane_node_duration_seconds',
    'spane_queue_wait_seconds',
    'spane_queue_jobs',
    'spane_circuit_breaker_state',
  ];

  new Gauge({
    name: 'spane_queue_jobs',
    help: 'Jobs per queue and state, read from the queue server at scrape time.',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      const stats = await withTimeout(engine.getQueueStats(), timeoutMs, 'The queue server').catch(
        () => undefined,
      );
      if (!stats) return; // unreachable: keep the last values rather than report zeros
      for (const [queue, counts] of Object.entries(stats.queues)) {
        this.set({ queue, state: 'waiting' }, counts.waiting + counts.prioritized);
        this.set({ queue, state: 'active' }, counts.active);
        this.set({ queue, state: 'delayed' }, counts.delayed);
        this.set({ queue, state: 'failed' }, counts.failed);
      }
    },
  });
  new Gauge({
    name: 'spane_circuit_breaker_state',
    help: 'Circuit breaker per node type in this process: 0 closed, 1 half-open, 2 open.',
    labelNames: ['type'],
    registers,
    collect() {
      this.reset();
      for (const [type, stats] of Object.entries(engine.getCircuitBreakerStats())) {
        this.set({ type }, BREAKER_STATE[stats.state] ?? 0);
      }
    },
  });
  const findStuck = engine.findStuckExecutions?.bind(engine);
  if (findStuck) {
    names.push('spane_executions_stuck');
    new Gauge({
      name: 'spane_executions_stuck',
      help: 'Executions stuck now: no node progress past their stuckAfter, or a node far past its timeout.',
      registers,
      async collect() {
        const stuck = await withTimeout(findStuck(), timeoutMs, 'Stuck-run detection').catch(
          () => undefined,
        );
        if (stuck) this.set(stuck.length);
      },
    });
  }
  if (store) {
    const statusGauge = (name: string, help: string, status: 'running' | 'paused') => {
      names.push(name);
      return new Gauge({
        name,
        help,
        registers,
        async collect() {
          const count = await withTimeout(countExecutions(store, status), timeoutMs, 'The store')
            .then((value) => value)
            .catch(() => undefined);
          if (count !== undefined) this.set(count);
        },
      });
    };
    statusGauge('spane_workflows_active', 'Executions running (all processes).', 'running');
    statusGauge('spane_workflows_paused', 'Executions paused (all processes).', 'paused');
  }

  // Start times of executions that started in this process, for their durations.
  const starts = new Map<string, number>();
  const observeEnd = (
    payload: { executionId: string; workflowId: string },
    status: 'completed' | 'failed' | 'cancelled',
  ): void => {
    const end = Date.now();
    const local = starts.get(payload.executionId);
    starts.delete(payload.executionId);
    const labels = { workflow: payload.workflowId, status };
    if (local !== undefined) {
      workflowDuration.observe(labels, (end - local) / 1000);
      return;
    }
    store
      ?.getExecution(payload.executionId, { nodeIds: [] })
      .then((execution) => {
        if (!execution) return;
        const finished = execution.completedAt?.getTime() ?? end;
        workflowDuration.observe(
          labels,
          Math.max(0, finished - execution.startedAt.getTime()) / 1000,
        );
      })
      .catch(() => undefined);
  };

  const unsubscribe = [
    engine.on('execution:enqueued', ({ workflowId }) => enqueued.inc({ workflow: workflowId })),
    engine.on('execution:started', ({ executionId }) => {
      starts.set(executionId, Date.now());
      if (starts.size > MAX_TRACKED_STARTS) {
        const oldest = starts.keys().next().value;
        if (oldest !== undefined) starts.delete(oldest);
      }
    }),
    engine.on('execution:completed', (payload) => {
      completed.inc({ workflow: payload.workflowId });
      observeEnd(payload, 'completed');
    }),
    engine.on('execution:failed', (payload) => {
      failed.inc({ workflow: payload.workflowId });
      observeEnd(payload, 'failed');
    }),
    engine.on('execution:cancelled', (payload) => {
      cancelled.inc({ workflow: payload.workflowId });
      observeEnd(payload, 'cancelled');
    }),
    engine.on('node:started', ({ nodeType, waitMs }) => {
      if (waitMs !== undefined) queueWait.observe({ type: nodeType }, waitMs / 1000);
    }),
    engine.on('node:completed', ({ nodeType, durationMs }) => {
      nodes.inc({ type: nodeType, outcome: 'success' });
      nodeDuration.observe({ type: nodeType }, durationMs / 1000);
    }),
    engine.on('node:failed', ({ nodeType, durationMs, deadLettered }) => {
      nodes.inc({ type: nodeType, outcome: 'failed' });
      nodeDuration.observe({ type: nodeType }, durationMs / 1000);
      if (deadLettered) dlq.inc();
    }),
    engine.on('node:skipped', ({ nodeType }) => nodes.inc({ type: nodeType, outcome: 'skipped' })),
    engine.on('node:retrying', ({ nodeType }) => nodes.inc({ type: nodeType, outcome: 'retried' })),
  ];

  const prometheus = () => registry.metrics();
  const json = async () => toMetricsJson(await registry.getMetricsAsJSON());
  return {
    registry,
    prometheus,
    json,
    prometheusHandler: async () => textResponse(await prometheus(), registry.contentType),
    jsonHandler: async () => jsonResponse(await json()),
    close() {
      for (const stop of unsubscribe) stop();
      for (const name of names) registry.removeSingleMetric(name);
      starts.clear();
    },
  };
}
