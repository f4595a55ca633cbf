/** The API's shapes, as the page uses them. */

export type NodeStatus =
  | 'pending'
  | 'running'
  | 'completed'
  | 'failed'
  | 'skipped'
  | 'paused'
  | 'held';
export type ExecutionStatus =
  | 'pending'
  | 'running'
  | 'paused'
  | 'completed'
  | 'failed'
  | 'cancelled';

export interface NodeDefinition {
  id: string;
  type: string;
  name?: string;
  config?: Record<string, unknown>;
  inputs?: string[];
  outputs?: string[];
}

export interface WorkflowDefinition {
  id: string;
  name?: string;
  description?: string;
  nodes: NodeDefinition[];
  triggers?: Array<{ type: string; config: Record<string, unknown> }>;
}

export interface WorkflowSummary {
  workflowId: string;
  name?: string;
  description?: string;
  version: number;
  nodeCount: number;
  triggers: Array<{ type: string; config: Record<string, unknown> }>;
  createdAt: string;
  definition: WorkflowDefinition;
}

export interface WorkflowDetail {
  workflowId: string;
  version: number;
  latestVersion: number;
  createdAt: string;
  definition: WorkflowDefinition;
  versions: Array<{ version: number; createdAt: string }>;
}

export interface ExecutionResult {
  success: boolean;
  data?: unknown;
  error?: string;
  skipped?: boolean;
  metadata?: Record<string, unknown>;
}

export interface NodeView {
  id: string;
  type: string;
  name?: string;
  status: NodeStatus;
  attempts: number;
  durationMs?: number;
  input?: unknown;
  result?: ExecutionResult;
  childExecutionIds: string[];
}

export interface ExecutionSummary {
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  status: ExecutionStatus;
  parentExecutionId?: string;
  depth: number;
  error?: string;
  resolvedCount: number;
  startedAt: string;
  updatedAt: string;
  completedAt?: string;
  metadata: Record<string, unknown>;
}

export interface ExecutionView extends ExecutionSummary {
  initialData: unknown;
  workflow: WorkflowDefinition;
  nodes: NodeView[];
}

export interface LogEntry {
  nodeId?: string;
  level: string;
  message: string;
  timestamp: string;
}

export interface DlqItem {
  id: string;
  data: { executionId: string; nodeId: string; error?: string };
}

export interface NodeTypeInfo {
  type: string;
  builtIn: boolean;
  description: string;
  configSchema: JsonSchema;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  anyOf?: JsonSchema[];
  format?: string;
}

export const TERMINAL: readonly ExecutionStatus[] = ['completed', 'failed', 'cancelled'];
