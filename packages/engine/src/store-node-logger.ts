import type { ExecutionStore, NodeLogger } from '@spane/core';

/** A {@link NodeLogger} that appends to the execution's log in the store, without blocking the node. */
export function createStoreNodeLogger(
  store: ExecutionStore,
  ids: { executionId: string; nodeId: string },
  onError: (error: unknown) => void,
): NodeLogger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, data?: Record<string, unknown>) => {
      store
        .addLog({
          executionId: ids.executionId,
          nodeId: ids.nodeId,
          level,
          message,
          data,
          timestamp: new Date(),
        })
        .catch(onError);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
