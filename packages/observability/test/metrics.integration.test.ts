/**
 * Metrics against a real Redis: exact values after a known workload with a retry, a skip and a
 * failure that lands in the dead-letter queue.
 */
import { errorResult, NodeRegistry, successResult } from '@spane/core';
import { WorkflowEngine } from '@spane/engine';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, type SpaneMetrics } from '../src/index.ts';
import { eventually, freshPrefix, requireEnv } from './support/servers.ts';

describe('metrics', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(): Promise<{
    engine: WorkflowEngine;
    metrics: SpaneMetrics;
    registry: Registry;
  }> {
    let flakyCalls = 0;
    const registry = new NodeRegistry()
      .register('flaky', async () => {
        flakyCalls++;
        if (flakyCalls === 1) throw new Error('first attempt fails');
        return successResult('ok');
      })
      .register('route', async () => successResult('left', { nextNodes: ['left'] }))
      .register('echo', async (ctx) => successResult(ctx.inputData))
      .register('boom', async () => errorResult('always fails'));
    const store = new InMemoryExecutionStore();
    const engine = new WorkflowEngine({
      registry,
      store,
      connection: requireEnv('REDIS_URL'),
      config: {
        prefix: freshPrefix('metrics'),
        inlineChains: false,
        events: false,
        defaultRetryPolicy: { maxAttempts: 1, backoff: { type: 'fixed', delay: 10 } },
      },
    });
    cleanups.push(() => store.close());
    cleanups.push(() => engine.close());
    await engine.registerWorkflow({
      id: 'metered',
      nodes: [
        {
          id: 'a',
          type: 'flaky',
          outputs: ['r'],
          retryPolicy: { maxAttempts: 2, backoff: { type: 'fixed', delay: 10 } },
        },
        { id: 'r', type: 'route', outputs: ['left', 'right'] },
        { id: 'left', type: 'echo' },
        { id: 'right', type: 'echo' },
      ],
    });
    await engine.registerWorkflow({ id: 'doomed', nodes: [{ id: 'x', type: 'boom' }] });
    const promRegistry = new Registry();
    const metrics = createMetrics({ engine, store, registry: promRegistry });
    cleanups.push(() => metrics.close());
    await engine.startWorkers(4);
    return { engine, metrics, registry: promRegistry };
  }

  it('counts a known workload exactly: a retry, a skip, a failure in the DLQ', async () => {
    const { engine, metrics, registry } = await setup();
    const ok = await engine.enqueueWorkflow('metered', {});
    const bad = await engine.enqueueWorkflow('doomed', {});
    expect((await engine.waitForExecution(ok)).status).toBe('completed');
    expect((await engine.waitForExecution(bad)).status).toBe('failed');
    await eventually(
      async () => (await metrics.json()).histograms.spane_workflow_duration_seconds?.count === 2,
      { what: 'both executions to be measured' },
    );

    const value = async (name: string, labels: Record<string, string> = {}) => {
      const metric = registry.getSingleMetric(name);
      const values = (await metric?.get())?.values ?? [];
      return values
        .filter((entry) => Object.entries(labels).every(([k, v]) => entry.labels[k] === v))
        .reduce((sum, entry) => sum + entry.value, 0);
    };
    expect(await value('spane_workflows_enqueued_total', { workflow: 'metered' })).toBe(1);
    expect(await value('spane_workflows_enqueued_total', { workflow: 'doomed' })).toBe(1);
    expect(await value('spane_workflows_completed_total', { workflow: 'metered' })).toBe(1);
    expect(await value('spane_workflows_completed_total')).toBe(1);
    expect(await value('spane_workflows_failed_total', { workflow: 'doomed' })).toBe(1);
    expect(await value('spane_workflows_failed_total')).toBe(1);
    expect(await value('spane_workflows_cancelled_total')).toBe(0);
    const node = (type: string, outcome: string) =>
      value('spane_nodes_executed_total', { type, outcome });
    expect(await node('flaky', 'retried')).toBe(1);
    expect(await node('flaky', 'success')).toBe(1);
    expect(await node('route', 'success')).toBe(1);
    expect(await node('echo', 'success')).toBe(1);
    expect(await node('echo', 'skipped')).toBe(1);
    expect(await node('boom', 'failed')).toBe(1);
    expect(await value('spane_nodes_executed_total')).toBe(6);
    expect(await value('spane_dlq_items_total')).toBe(1);

    const json = await metrics.json();
    expect(json.histograms.spane_node_duration_seconds?.count).toBe(4);
    // Every node job was queued (no inline chains): a, r, left and x waited once each; a's retry is not a first attempt.
    expect(json.histograms.spane_queue_wait_seconds?.count).toBe(4);
    expect(json.counters.spane_nodes_executed_total).toBe(6);
    expect(json.gauges.spane_workflows_active).toBe(0);
    expect(json.gauges.spane_workflows_paused).toBe(0);
    expect(json.gauges.spane_executions_stuck).toBe(0);
    const p = json.histograms.spane_workflow_duration_seconds;
    expect(p && p.p50 <= p.p90 && p.p90 <= p.p95 && p.p95 <= p.p99).toBe(true);
    expect(await value('spane_queue_jobs', { queue: 'dlq', state: 'waiting' })).toBe(1);
    expect(await value('spane_queue_jobs', { queue: 'node', state: 'active' })).toBe(0);

    const text = await metrics.prometheusHandler(new Request('http://localhost/metrics'));
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toContain('text/plain');
    const body = await text.text();
    expect(body).toContain('spane_nodes_executed_total{type="flaky",outcome="retried"} 1');
    expect(body).toContain('# TYPE spane_circuit_breaker_state gauge');
    expect(body).not.toContain(ok); // no execution ids in labels
    const jsonResponse = await metrics.jsonHandler(new Request('http://localhost/metrics/json'));
    expect(jsonResponse.status).toBe(200);
    expect(
      ((await jsonResponse.json()) as { counters: Record<string, number> }).counters
        .spane_dlq_items_total,
    ).toBe(1);
  });

  it('spane_executions_stuck counts a stuck run and drops back when it moves', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const store = new InMemoryExecutionStore();
    const engine = new WorkflowEngine({
      registry: new NodeRegistry().register('hold', async () => {
        await held;
        return successResult('done');
      }),
      store,
      connection: requireEnv('REDIS_URL'),
      config: { prefix: freshPrefix('stuck'), events: false, recoveryIntervalMs: 0 },
    });
    cleanups.push(() => store.close());
    cleanups.push(() => engine.close({ timeoutMs: 500 }));
    await engine.registerWorkflow({
      id: 'held',
      stuckAfter: 200,
      nodes: [{ id: 'a', type: 'hold' }],
    });
    const metrics = createMetrics({ engine, registry: new Registry() });
    cleanups.push(() => metrics.close());
    await engine.startWorkers(1);
    const executionId = await engine.enqueueWorkflow('held', {});
    expect((await metrics.json()).gauges.spane_executions_stuck).toBe(0);
    await eventually(async () => (await metrics.json()).gauges.spane_executions_stuck === 1, {
      what: 'the run to count as stuck',
    });
    release();
    expect((await engine.waitForExecution(executionId)).status).toBe('completed');
    expect((await metrics.json()).gauges.spane_executions_stuck).toBe(0);
  });

  it('close removes the metrics from a registry shared with other metrics', async () => {
    const { metrics, registry } = await setup();
    expect(registry.getSingleMetric('spane_workflows_enqueued_total')).toBeDefined();
    metrics.close();
    expect(registry.getSingleMetric('spane_workflows_enqueued_total')).toBeUndefined();
    expect(registry.getMetricsAsArray()).toHaveLength(0);
  });
});
