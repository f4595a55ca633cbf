import {
  type Context,
  createTraceState,
  isSpanContextValid,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
const TRACEPARENT_FORMAT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * A W3C Trace Context propagator (`traceparent` and `tracestate`) on the API alone: what SPANE
 * falls back to when no propagator is registered globally (a bare `BasicTracerProvider`), so a
 * node's span still finds its execution's span in another process.
 */
export const w3cTraceContext: TextMapPropagator = {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const spanContext = trace.getSpanContext(context);
    if (spanContext === undefined || !isSpanContextValid(spanContext)) return;
    const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
    setter.set(carrier, TRACEPARENT, `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`);
    const state = spanContext.traceState?.serialize();
    if (state) setter.set(carrier, TRACESTATE, state);
  },
  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const header = first(getter.get(carrier, TRACEPARENT));
    const match = header === undefined ? null : TRACEPARENT_FORMAT.exec(header.trim());
    if (!match) return context;
    const spanContext: SpanContext = {
      traceId: match[1] as string,
      spanId: match[2] as string,
      traceFlags: Number.parseInt(match[3] as string, 16),
      isRemote: true,
    };
    if (!isSpanContextValid(spanContext)) return context;
    const state = first(getter.get(carrier, TRACESTATE));
    if (state) spanContext.traceState = createTraceState(state);
    return trace.setSpanContext(context, spanContext);
  },
  fields(): string[] {
    return [TRACEPARENT, TRACESTATE];
  },
};

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
