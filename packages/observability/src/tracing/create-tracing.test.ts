import {
  createTraceState,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  trace,
} from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createTracing } from './create-tracing.ts';
import { SPANE_ATTRIBUTES as A } from './span-attributes.ts';
import { w3cTraceContext } from './w3c-trace-context.ts';

const nodeInfo = {
  workflowId: 'wf',
  executionId: 'e1',
  nodeId: 'n',
  nodeType: 'echo',
  attempt: 2,
  startTime: Date.now(),
};

describe('createTracing', () => {
  it('writes no trace context into jobs when no SDK is registered', () => {
    const tracing = createTracing();
    const execution = tracing.startExecution({ workflowId: 'wf' });
    expect(execution.carrier).toBeUndefined();
    execution.end('started');
    const node = tracing.startNode({ ...nodeInfo, carrier: undefined });
    expect(node.run(() => 42)).toBe(42);
    node.end('success');
  });

  it('carries W3C trace context from the execution span to its node spans without a global propagator', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracing = createTracing({ tracerProvider: provider });
    const execution = tracing.startExecution({ workflowId: 'wf' });
    execution.setExecutionId('e1');
    expect(execution.carrier?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    execution.end('started');
    // The carrier goes through JSON, as job data does.
    const carrier = JSON.parse(JSON.stringify(execution.carrier)) as Record<string, string>;
    const node = tracing.startNode({ ...nodeInfo, carrier });
    node.run(() => {
      expect(trace.getActiveSpan()).toBeUndefined(); // no context manager here: run still runs
    });
    node.end('failed', new Error('boom'));
    const [executionSpan, nodeSpan] = exporter.getFinishedSpans();
    expect(nodeSpan?.spanContext().traceId).toBe(executionSpan?.spanContext().traceId);
    expect(nodeSpan?.parentSpanContext?.spanId).toBe(executionSpan?.spanContext().spanId);
    expect(nodeSpan?.name).toBe('spane.node n');
    expect(nodeSpan?.attributes).toEqual({
      [A.workflowId]: 'wf',
      [A.executionId]: 'e1',
      [A.nodeId]: 'n',
      [A.nodeType]: 'echo',
      [A.attempt]: 2,
      [A.outcome]: 'failed',
    });
    expect(nodeSpan?.status.message).toBe('boom');
    expect(nodeSpan?.events.map((event) => event.name)).toEqual(['exception']);
  });
});

describe('w3cTraceContext', () => {
  const setter = defaultTextMapSetter;
  const getter = defaultTextMapGetter;

  it('round-trips traceparent and tracestate', () => {
    const spanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
      traceState: createTraceState('vendor=value'),
    };
    const carrier: Record<string, string> = {};
    w3cTraceContext.inject(trace.setSpanContext(ROOT_CONTEXT, spanContext), carrier, setter);
    expect(carrier).toEqual({
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'vendor=value',
    });
    const read = trace.getSpanContext(w3cTraceContext.extract(ROOT_CONTEXT, carrier, getter));
    expect(read).toMatchObject({ ...spanContext, traceState: expect.anything(), isRemote: true });
    expect(read?.traceState?.get('vendor')).toBe('value');
  });

  it('ignores a malformed or all-zero traceparent', () => {
    for (const traceparent of ['garbage', `00-${'0'.repeat(32)}-b7ad6b7169203331-01`]) {
      const context = w3cTraceContext.extract(ROOT_CONTEXT, { traceparent }, getter);
      expect(trace.getSpanContext(context)).toBeUndefined();
    }
  });
});
