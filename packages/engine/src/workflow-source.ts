import type { TypedWorkflow, WorkflowDefinition, WorkflowSource } from '@spane/core';

/**
 * The JSON definition of what `registerWorkflow` was given: a plain definition as it is, or the
 * `toJSON()` of a builder (any {@link WorkflowSource}).
 */
export function definitionOf(source: WorkflowDefinition | WorkflowSource): unknown {
  if (
    typeof source === 'object' &&
    source !== null &&
    !Array.isArray((source as { nodes?: unknown }).nodes) &&
    typeof (source as Partial<WorkflowSource>).toJSON === 'function'
  ) {
    return (source as WorkflowSource).toJSON();
  }
  return source;
}

/** Whether `enqueueWorkflow` was given a typed workflow (a builder) rather than a workflow id. */
export function isTypedWorkflow(value: unknown): value is TypedWorkflow<unknown, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { id?: unknown }).id === 'string' &&
    typeof (value as Partial<WorkflowSource>).toJSON === 'function'
  );
}
