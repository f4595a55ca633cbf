/**
 * A traced engine worker in a process of its own (its own OpenTelemetry SDK and in-memory
 * exporter). Env: REDIS_URL, DATABASE_URL, OBS_SCHEMA, OBS_PREFIX. Prints `ready` once its workers
 * listen; on SIGTERM it closes and prints `spans <json>` with every span it recorded.
 */
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { WorkflowEngine } from '@spane/engine';
import { PostgresExecutionStore } from '@spane/store-postgres';
import { createTracing } from '../../src/index.ts';
import { streamedWorkflow, testRegistry } from './test-workflows.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`traced-engine-process: ${name} is not set`);
  return value;
};

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const store = await PostgresExecutionStore.create({
  connectionString: env('DATABASE_URL'),
  schema: env('OBS_SCHEMA'),
  poolSize: 4,
});
const engine = new WorkflowEngine({
  registry: testRegistry(),
  store,
  connection: env('REDIS_URL'),
  config: { prefix: env('OBS_PREFIX') },
  tracing: createTracing({ tracerProvider: provider }),
});
await engine.registerWorkflow(streamedWorkflow);
await engine.startWorkers(2);
process.once('SIGTERM', () => {
  void engine
    .close()
    .then(() => store.close())
    .then(() => {
      const spans = exporter.getFinishedSpans().map((span) => ({
        name: span.name,
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: span.parentSpanContext?.spanId,
        attributes: span.attributes,
        status: span.status.code,
      }));
      process.stdout.write(`spans ${JSON.stringify(spans)}\n`, () => process.exit(0));
    });
});
process.stdout.write('ready\n');
