import {
  type ExecutionContext,
  type ExecutionResult,
  findUnsupportedInput,
  type INodeExecutor,
  InvalidResultError,
  NodeExecutionError,
  NodeTimeoutError,
  toError,
} from '@spane/core';

/** Checks that an executor returned an `ExecutionResult`, and turns `success: false` into an error. */
function checkResult(nodeId: string, executionId: string, value: unknown): ExecutionResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidResultError(
      nodeId,
      `expected an object with a boolean "success", got ${describe(value)}`,
    );
  }
  const result = value as ExecutionResult;
  if (typeof result.success !== 'boolean') {
    throw new InvalidResultError(
      nodeId,
      `"success" must be a boolean, got ${describe(result.success)}`,
    );
  }
  if (
    result.nextNodes !== undefined &&
    !(Array.isArray(result.nextNodes) && result.nextNodes.every((n) => typeof n === 'string'))
  ) {
    throw new InvalidResultError(nodeId, '"nextNodes" must be an array of node ids');
  }
  const unsupported = findUnsupportedInput(result.data);
  if (unsupported) {
    throw new InvalidResultError(
      nodeId,
      `"data"${unsupported.path ? ` at ${unsupported.path}` : ''}: ${unsupported.message}`,
    );
  }
  if (!result.success) {
    throw new NodeExecutionError(
      nodeId,
      executionId,
      result.error ?? 'the executor returned success: false',
    );
  }
  return result;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value).slice(0, 50)}`;
}

/**
 * Runs one attempt of an executor: aborts its signal and fails with a retryable
 * {@link NodeTimeoutError} after `timeoutMs`, aborts on `cancelSignal`, and turns anything thrown
 * (even a non-Error) into an Error. An executor that ignores its aborted signal is abandoned
 * `abandonAfterMs` later: the attempt rejects with the abort's reason, so the worker slot is free
 * even if the executor never settles (whatever it returns afterwards is dropped).
 */
export async function runAttempt(options: {
  executor: INodeExecutor;
  context: Omit<ExecutionContext, 'signal'>;
  timeoutMs: number | undefined;
  cancelSignal?: AbortSignal | undefined;
  abandonAfterMs?: number | undefined;
}): Promise<ExecutionResult> {
  const { executor, context, timeoutMs } = options;
  const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let abandonTimer: ReturnType<typeof setTimeout> | undefined;
  let abandon: ((reason: unknown) => void) | undefined;
  const abandoned = new Promise<never>((_, reject) => {
    abandon = reject;
  });
  const onCancel = () => {
    const reason = options.cancelSignal?.reason;
    controller.abort(reason);
    abandonTimer ??= setTimeout(() => abandon?.(reason), options.abandonAfterMs ?? 0);
  };
  if (options.cancelSignal?.aborted) onCancel();
  else options.cancelSignal?.addEventListener('abort', onCancel, { once: true });
  const timeout = new Promise<never>((_, reject) => {
    if (timeoutMs === undefined) return;
    timer = setTimeout(() => {
      const error = new NodeTimeoutError(context.nodeId, context.executionId, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    // Copied by descriptor, not spread: a lazy getter (`allNodeResults`) must not run here.
    const full = Object.defineProperties(
      {},
      Object.getOwnPropertyDescriptors(context),
    ) as ExecutionContext;
    full.signal = controller.signal;
    full.deadline = deadline;
    const run = Promise.resolve().then(() => executor.execute(full));
    const racers: Array<Promise<unknown>> = [run, abandoned];
    if (timeoutMs !== undefined) racers.push(timeout);
    const value = await Promise.race(racers);
    return checkResult(context.nodeId, context.executionId, value);
  } catch (thrown) {
    throw toError(thrown);
  } finally {
    if (timer) clearTimeout(timer);
    if (abandonTimer) clearTimeout(abandonTimer);
    options.cancelSignal?.removeEventListener('abort', onCancel);
  }
}
