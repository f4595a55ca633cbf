/**
 * The trace context's other paths, in one process on Redis: a delayed start carries it in the
 * start job, and a sub-workflow's child carries it in its parent link, so the child's nodes and
 * the parent node's continuation are all children of the execution's span.
 */
import { context, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeRegistry, successResult } from '@spane/core';
import { WorkflowEngine } from '@spane/engine';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPANE_ATTRIBUTES as A, createTracing } from '../src/index.ts';
import { AsyncLocalContextManager } from './support/async-context.ts';
import { freshPrefix, requireEnv } from './support/servers.ts';

describe('trace context through start jobs and sub-workflows', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const store = new InMemoryExecutionStore();
  let engine: WorkflowEngine;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalContextManager());
    engine = new WorkflowEngine({
      registry: new NodeRegistry().register('echo', async (ctx) => successResult(ctx.inputData)),
      store,
      connection: requireEnv('REDIS_URL'),
      config: { prefix: freshPrefix('trace-paths') },
      tracing: createTracing({ tracerProvider: provider }),
    });
    await engine.registerWorkflow({ id: 'inner', nodes: [{ id: 'x', type: 'echo' }] });
    await engine.registerWorkflow({
      id: 'outer',
      nodes: [
        { id: 'sub', type: 'sub-workflow', config: { workflowId: 'inner' }, outputs: ['after'] },
        { id: 'after', type: 'echo' },
      ],
    });
    await engine.startWorkers(4);
  }, 30_000);

  afterAll(async () => {
    await engine?.close();
    await store.close();
    context.disable();
  });

  it('parents every node span, the child execution’s too, under the delayed execution’s span', async () => {
    const request = provider.getTracer('test').startSpan('request');
    const executionId = await context.with(trace.setSpan(context.active(), request), () =>
      engine.enqueueWorkflow('outer', { n: 1 }, { delay: 50 }),
    );
    request.end();
    expect((await engine.waitForExecution(executionId, { timeoutMs: 20_000 })).status).toBe(
      'completed',
    );
    const spans = exporter.getFinishedSpans();
    const execution = spans.find((span) => span.name === 'spane.execution outer');
    expect(execution?.attributes[A.outcome]).toBe('queued');
    expect(execution?.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    const nodes = spans.filter((span) => span.name.startsWith('spane.node '));
    expect(nodes.map((span) => `${span.name} ${span.attributes[A.outcome]}`).sort()).toEqual([
      'spane.node after success',
      'spane.node sub success',
      'spane.node sub waiting',
      'spane.node x success',
    ]);
    for (const span of nodes) {
      expect(span.spanContext().traceId).toBe(request.spanContext().traceId);
      expect(span.parentSpanContext?.spanId).toBe(execution?.spanContext().spanId);
    }
    const child = nodes.find((span) => span.name === 'spane.node x');
    expect(child?.attributes[A.executionId]).not.toBe(executionId);
    expect(child?.attributes[A.workflowId]).toBe('inner');
  }, 30_000);
});
