import { ExecutionCancelledError, successResult, WorkflowError } from '@spane/core';
import { describe, expect, it } from 'vitest';
import { runAttempt } from './node-attempt.ts';

const context = {
  workflowId: 'wf',
  executionId: 'e1',
  nodeId: 'n1',
  inputData: {},
  nodeConfig: {},
  previousResults: {},
  parentExecutionId: undefined,
  depth: 0,
  attempt: 1,
  idempotencyKey: 'e1:n1',
  logger: { info() {}, warn() {}, error() {}, debug() {} },
} as never;

describe('runAttempt', () => {
  it('abandons an executor that ignores its aborted signal, rejecting with the abort reason', async () => {
    const cancel = new AbortController();
    let sawAbort = false;
    const attempt = runAttempt({
      executor: {
        execute: (ctx) => {
          ctx.signal?.addEventListener('abort', () => {
            sawAbort = true;
          });
          cancel.abort(new ExecutionCancelledError('e1'));
          return new Promise(() => {}); // never settles
        },
      },
      context,
      timeoutMs: undefined,
      cancelSignal: cancel.signal,
      abandonAfterMs: 10,
    });
    const error = await attempt.catch((thrown: unknown) => thrown);
    expect(WorkflowError.isInstance(error) && error.code).toBe('EXECUTION_CANCELLED');
    expect(sawAbort).toBe(true);
  });

  it('keeps the result of an executor that ends within the grace after its abort', async () => {
    const cancel = new AbortController();
    cancel.abort(new ExecutionCancelledError('e1'));
    const result = await runAttempt({
      executor: { execute: async () => successResult({ late: true }) },
      context,
      timeoutMs: undefined,
      cancelSignal: cancel.signal,
      abandonAfterMs: 5_000,
    });
    expect(result.data).toEqual({ late: true });
  });

  it('hands the executor the deadline of its timeout, and none without a timeout', async () => {
    const seen: Array<number | undefined> = [];
    const executor = {
      execute: async (ctx: { deadline?: number | undefined }) => {
        seen.push(ctx.deadline);
        return successResult({});
      },
    };
    const before = Date.now();
    await runAttempt({ executor, context, timeoutMs: 2_000 });
    await runAttempt({ executor, context, timeoutMs: undefined });
    expect(seen[0]).toBeGreaterThanOrEqual(before + 2_000);
    expect(seen[0]).toBeLessThanOrEqual(Date.now() + 2_000);
    expect(seen[1]).toBeUndefined();
  });
});
