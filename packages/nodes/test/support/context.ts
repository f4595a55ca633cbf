import type { ExecutionContext, NodeLogger } from '@spane/core';

/** Log lines a test context's logger received. */
export interface Captured {
  warnings: string[];
}

/** An executor context for unit tests: input and config given, everything else filled in. */
export function contextFor(
  inputData: unknown,
  nodeConfig: Record<string, unknown>,
  extra: Partial<ExecutionContext> = {},
): ExecutionContext & { captured: Captured } {
  const captured: Captured = { warnings: [] };
  const logger: NodeLogger = {
    debug() {},
    info() {},
    warn(message) {
      captured.warnings.push(message);
    },
    error() {},
  };
  return {
    workflowId: 'wf',
    executionId: 'e1',
    nodeId: 'n1',
    inputData,
    nodeConfig,
    previousResults: {},
    depth: 0,
    attempt: 1,
    idempotencyKey: 'e1:n1',
    signal: new AbortController().signal,
    logger,
    captured,
    ...extra,
  };
}
