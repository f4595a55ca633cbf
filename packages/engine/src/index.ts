/**
 * `@spane/engine`: the `WorkflowEngine`, a thin composition of a node registry, a store and BullMQ
 * queues that runs DAG workflows with retries, branching, delays and a dead-letter queue.
 * @module
 */
export {
  type EngineConfig,
  type ResolvedEngineConfig,
  resolveEngineConfig,
} from './engine-config.ts';
export { type EngineEventMap, type EngineEventName, EngineEvents } from './engine-events.ts';
export type { BulkWorkflowItem, EnqueueWorkflowOptions } from './execution-starter.ts';
export { type DLQItem, WorkflowEngine, type WorkflowEngineOptions } from './workflow-engine.ts';
