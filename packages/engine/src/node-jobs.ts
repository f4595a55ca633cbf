import {
  type CompiledWorkflow,
  getCompiledNode,
  type RetryPolicy,
  resolveRetryPolicy,
} from '@spane/core';
import { type NodeJobData, type NodeJobOptions, nodeJobId } from '@spane/queue';

/** What every node job of an execution shares. */
export interface ExecutionJobContext {
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  priority?: number | undefined;
  /** The parent execution, `null` when known to have none, absent when not known. */
  parentExecutionId?: string | null | undefined;
  /** The execution span's trace context, carried in every node job (see `EngineTracing`). */
  trace?: Record<string, string> | undefined;
}

/**
 * The job (data and options) that runs a node: attempts and backoff from the node's retry policy,
 * the execution's priority, and a stable id (or a tagged one for a deliberate re-run).
 */
export function buildNodeJob(
  graph: CompiledWorkflow,
  execution: ExecutionJobContext,
  nodeId: string,
  options: {
    defaultRetryPolicy: RetryPolicy;
    tag?: string | undefined;
    delay?: number | undefined;
    resumeAfterDelay?: boolean;
    childExecutionId?: string | undefined;
    /** Attempts already made elsewhere; the job gets the rest of the policy's attempts. */
    attemptOffset?: number | undefined;
  },
): { data: NodeJobData; options: NodeJobOptions } {
  const policy = resolveRetryPolicy(getCompiledNode(graph, nodeId), options.defaultRetryPolicy);
  const data = nodeJobData(execution, nodeId);
  if (options.resumeAfterDelay) data.resumeAfterDelay = true;
  if (options.childExecutionId !== undefined) data.childExecutionId = options.childExecutionId;
  const offset = options.attemptOffset ?? 0;
  if (offset > 0) data.attemptOffset = offset;
  const jobOptions: NodeJobOptions = {
    jobId: nodeJobId(execution.executionId, nodeId, options.tag),
    attempts: Math.max(1, policy.maxAttempts - offset),
    backoff: { type: policy.backoff.type, delay: policy.backoff.delay },
  };
  if (execution.priority !== undefined) jobOptions.priority = execution.priority;
  if (options.delay !== undefined) jobOptions.delay = options.delay;
  return { data, options: jobOptions };
}

/** The data of a node's job (or of a node run inline in its parent's job). */
export function nodeJobData(execution: ExecutionJobContext, nodeId: string): NodeJobData {
  const data: NodeJobData = {
    executionId: execution.executionId,
    workflowId: execution.workflowId,
    workflowVersion: execution.workflowVersion,
    nodeId,
  };
  if (execution.priority !== undefined) data.priority = execution.priority;
  if (execution.trace !== undefined) data.trace = execution.trace;
  return data;
}

/** Maps SPANE's priority (1–10, higher is more urgent) to BullMQ's (1 is most urgent). */
export function toQueuePriority(priority: number | undefined): number | undefined {
  if (priority === undefined) return undefined;
  const clamped = Math.min(10, Math.max(1, Math.round(priority)));
  return 11 - clamped;
}
