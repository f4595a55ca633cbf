import { type ExecutionContext, successResult } from '@spane/core';

/**
 * An executor that waits until released (or aborted by its signal), recording which nodes started
 * and which were aborted: tests wait on those records instead of on time.
 */
export function gate() {
  const started: string[] = [];
  const aborted: string[] = [];
  let release: () => void = () => {};
  let released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const executor = async (ctx: ExecutionContext) => {
    started.push(`${ctx.executionId}:${ctx.nodeId}`);
    await Promise.race([
      released,
      new Promise((_, reject) =>
        ctx.signal.addEventListener('abort', () => {
          aborted.push(`${ctx.executionId}:${ctx.nodeId}`);
          reject(ctx.signal.reason);
        }),
      ),
    ]);
    return successResult({ node: ctx.nodeId, input: ctx.inputData });
  };
  return {
    executor,
    started,
    aborted,
    release: () => release(),
    reset: () => {
      released = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
  };
}
