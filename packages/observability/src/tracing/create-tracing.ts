import {
  type Attributes,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  type TextMapPropagator,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type {
  EngineTracing,
  ExecutionSpan,
  NodeSpan,
  NodeSpanInfo,
  NodeSpanOutcome,
  TraceCarrier,
} from '@spane/engine';
import { SPANE_ATTRIBUTES as A } from './span-attributes.ts';
import { w3cTraceContext } from './w3c-trace-context.ts';

/** Options of {@link createTracing}. */
export interface CreateTracingOptions {
  /** Where tracers come from. Default is the global provider (`trace`), the one an SDK registers. */
  tracerProvider?: TracerProvider | undefined;
  /**
   * How trace context is written into and read from jobs. Default is the global propagator
   * (`propagation`), falling back to W3C Trace Context when none is registered.
   */
  propagator?: TextMapPropagator | undefined;
  /** The tracer's (instrumentation scope's) name. Default is `@spane/engine`. */
  tracerName?: string | undefined;
}

/** Outcomes whose span status is an error. */
const ERROR_OUTCOMES = new Set<string>(['failed', 'retrying', 'error']);

/**
 * OpenTelemetry spans for an engine: pass the result as the engine's `tracing` option. A span per
 * execution start (a child of the caller's active span) and one per node attempt (a child of the
 * execution's span, through W3C trace context carried in the node's job, in any process), with the
 * {@link SPANE_ATTRIBUTES}.
 *
 * ```ts
 * const engine = new WorkflowEngine({ registry, store, connection, tracing: createTracing() });
 * ```
 *
 * @remarks Only `@opentelemetry/api` is used: spans are recorded by the SDK you register, and
 * without one the API's no-op tracer makes them cost next to nothing (no trace context is written
 * into jobs).
 */
export function createTracing(options: CreateTracingOptions = {}): EngineTracing {
  const tracer = (options.tracerProvider ?? trace).getTracer(options.tracerName ?? '@spane/engine');
  const propagator = options.propagator;

  const inject = (span: Span): TraceCarrier | undefined => {
    const spanContext = span.spanContext();
    if (!isSpanContextValid(spanContext)) return undefined; // the no-op tracer, no parent
    const carrier: TraceCarrier = {};
    const withSpan = trace.setSpan(context.active(), span);
    (propagator ?? propagation).inject(withSpan, carrier, defaultTextMapSetter);
    if (propagator === undefined && carrier.traceparent === undefined)
      w3cTraceContext.inject(withSpan, carrier, defaultTextMapSetter);
    return Object.keys(carrier).length > 0 ? carrier : undefined;
  };

  const extract = (carrier: TraceCarrier | undefined) => {
    if (carrier === undefined) return ROOT_CONTEXT;
    const extracted = (propagator ?? propagation).extract(
      ROOT_CONTEXT,
      carrier,
      defaultTextMapGetter,
    );
    if (propagator !== undefined || trace.getSpanContext(extracted) !== undefined) return extracted;
    return w3cTraceContext.extract(extracted, carrier, defaultTextMapGetter);
  };

  return {
    startExecution({ workflowId }): ExecutionSpan {
      const span = tracer.startSpan(`spane.execution ${workflowId}`, {
        attributes: { [A.workflowId]: workflowId },
      });
      return {
        carrier: inject(span),
        setExecutionId: (executionId) => {
          span.setAttribute(A.executionId, executionId);
        },
        end: (outcome, error) => finish(span, outcome, error),
      };
    },
    startNode(info: NodeSpanInfo): NodeSpan {
      const attributes: Attributes = {
        [A.workflowId]: info.workflowId,
        [A.executionId]: info.executionId,
        [A.nodeId]: info.nodeId,
        [A.nodeType]: info.nodeType,
        [A.attempt]: info.attempt,
      };
      const span = tracer.startSpan(
        `spane.node ${info.nodeId}`,
        { attributes, startTime: info.startTime },
        extract(info.carrier),
      );
      const recording = span.isRecording();
      return {
        run: (fn) => (recording ? context.with(trace.setSpan(context.active(), span), fn) : fn()),
        end: (outcome: NodeSpanOutcome, error) => finish(span, outcome, error),
      };
    },
  };
}

function finish(span: Span, outcome: string, error: Error | undefined): void {
  span.setAttribute(A.outcome, outcome);
  if (error !== undefined) {
    span.recordException(error);
    if (ERROR_OUTCOMES.has(outcome))
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  }
  span.end();
}
