/**
 * Spans across two processes: this process starts an execution under an active span, a second
 * engine process (its own SDK) runs every node; the node spans are children of the execution's
 * span, in the caller's trace, through the trace context carried in the jobs.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { WorkflowEngine } from '@spane/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPANE_ATTRIBUTES as A, createTracing } from '../src/index.ts';
import { AsyncLocalContextManager } from './support/async-context.ts';
import { freshPrefix, requireEnv, sharedPostgresStore } from './support/servers.ts';
import { spawnReady, stopProcess } from './support/spawn-ready.ts';
import { streamedWorkflow, testRegistry } from './support/test-workflows.ts';

const tracedProcess = fileURLToPath(new URL('./support/traced-engine-process.ts', import.meta.url));

interface ExportedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Record<string, unknown>;
  status: number;
}

describe('tracing across processes', () => {
  const prefix = freshPrefix('trace');
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalContextManager();
  let shared: Awaited<ReturnType<typeof sharedPostgresStore>>;
  let engine: WorkflowEngine;
  let worker: ChildProcess | undefined;
  let workerOut = '';

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager);
    shared = await sharedPostgresStore('trace');
    // This process only enqueues (no workers): every node runs in the child.
    engine = new WorkflowEngine({
      registry: testRegistry(),
      store: shared.store,
      connection: requireEnv('REDIS_URL'),
      config: { prefix },
      tracing: createTracing({ tracerProvider: provider }),
    });
    await engine.registerWorkflow(streamedWorkflow);
    worker = await spawnReady(tracedProcess, { OBS_SCHEMA: shared.schema, OBS_PREFIX: prefix });
    worker.stdout?.on('data', (chunk) => {
      workerOut += String(chunk);
    });
  }, 60_000);

  afterAll(async () => {
    if (worker) await stopProcess(worker);
    await engine?.close();
    await shared?.drop();
    context.disable();
  }, 60_000);

  it('parents the execution under the caller and every node attempt under the execution, in another process', async () => {
    const request = provider.getTracer('test').startSpan('request');
    const executionId = await context.with(trace.setSpan(context.active(), request), () =>
      engine.enqueueWorkflow('streamed', { from: 'test' }),
    );
    request.end();
    const done = await engine.waitForExecution(executionId, { timeoutMs: 30_000 });
    expect(done.status).toBe('completed');

    const local = exporter.getFinishedSpans();
    const execution = local.find((span) => span.name === 'spane.execution streamed');
    expect(execution).toBeDefined();
    const requestContext = request.spanContext();
    expect(execution?.spanContext().traceId).toBe(requestContext.traceId);
    expect(execution?.parentSpanContext?.spanId).toBe(requestContext.spanId);
    expect(execution?.attributes).toEqual({
      [A.workflowId]: 'streamed',
      [A.executionId]: executionId,
      [A.outcome]: 'started',
    });

    // The child reports its spans as it exits (read to the end of its output).
    const child = worker as ChildProcess;
    worker = undefined;
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    child.kill('SIGTERM');
    expect(await closed).toBe(0);
    const line = workerOut.split('\n').find((text) => text.startsWith('spans '));
    expect(line).toBeDefined();
    const remote = (JSON.parse((line as string).slice('spans '.length)) as ExportedSpan[]).filter(
      (span) => span.attributes[A.executionId] === executionId,
    );
    const summary = remote
      .map((span) => `${span.name} #${span.attributes[A.attempt]} ${span.attributes[A.outcome]}`)
      .sort();
    expect(summary).toEqual([
      'spane.node a #1 retrying',
      'spane.node a #2 success',
      'spane.node left #1 success',
      'spane.node r #1 success',
    ]);
    for (const span of remote) {
      expect(span.traceId).toBe(requestContext.traceId);
      expect(span.parentSpanId).toBe(execution?.spanContext().spanId);
      expect(span.attributes[A.workflowId]).toBe('streamed');
      expect(span.attributes[A.nodeType]).toBe(
        span.name === 'spane.node a' ? 'flaky' : span.name === 'spane.node r' ? 'route' : 'echo',
      );
    }
    const failedAttempt = remote.find((span) => span.attributes[A.outcome] === 'retrying');
    expect(failedAttempt?.status).toBe(SpanStatusCode.ERROR);
  }, 60_000);
});
