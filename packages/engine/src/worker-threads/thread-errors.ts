import { WorkflowError } from '@spane/core';

/**
 * A worker thread failed under a node attempt: it threw outside the executor, called
 * `process.exit`, ran out of its `resourceLimits`, or could not start. Retryable: the thread is
 * replaced and the next attempt runs in a fresh one.
 */
export class WorkerThreadError extends WorkflowError {
  /** The thread's exit code, when it exited. */
  readonly exitCode: number | undefined;

  constructor(
    message: string,
    options: { nodeId?: string; executionId?: string; exitCode?: number; cause?: unknown } = {},
  ) {
    super({ message, code: 'WORKER_THREAD_FAILED', retryable: true, ...options });
    this.exitCode = options.exitCode;
  }
}

/**
 * A value could not cross between the main thread and a worker thread by structured clone (a
 * function, a class instance with private state, a symbol…). Not retryable: the same data fails
 * the same way.
 */
export class DataCloneError extends WorkflowError {
  /** Which way the value was going: the node's context into the thread, or its result out. */
  readonly direction: 'context' | 'result';

  constructor(
    direction: 'context' | 'result',
    detail: string,
    options: { nodeId?: string; executionId?: string; cause?: unknown } = {},
  ) {
    super({
      message: `The node's ${direction} cannot cross to ${direction === 'context' ? 'the worker thread' : 'the main thread'} by structured clone: ${detail}`,
      code: 'DATA_CLONE_FAILED',
      retryable: false,
      ...options,
    });
    this.direction = direction;
  }
}
