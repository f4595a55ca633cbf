import { pathToFileURL } from 'node:url';
import { WorkflowError } from '@spane/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadPool, type ThreadTask } from './thread-pool.ts';

const PROCESSOR = pathToFileURL(
  new URL('../../test/support/thread-processor.ts', import.meta.url).pathname,
).href;

function task(type: string, extra: Partial<ThreadTask> = {}): ThreadTask {
  return {
    type,
    context: { attempt: 1, nodeConfig: {} },
    signal: new AbortController().signal,
    onLog: () => undefined,
    onRateLimit: async () => undefined,
    onAllNodeResults: async () => ({}),
    nodeId: 'n',
    executionId: 'e',
    ...extra,
  };
}

describe('ThreadPool', () => {
  const pools: ThreadPool[] = [];
  const pool = (processorFile = PROCESSOR) => {
    const made = new ThreadPool({ processorFile, size: 1, terminateGraceMs: 50 });
    pools.push(made);
    return made;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  it('lists the types the processor file exports', async () => {
    expect([...(await pool().types())]).toContain('busy');
  });

  it('fails a context that cannot be cloned with DATA_CLONE_FAILED, and stays usable', async () => {
    const threads = pool();
    const error = await threads
      .run(task('context', { context: { inputData: { fn: () => 1 } } }))
      .catch((e: unknown) => e);
    expect(WorkflowError.isInstance(error) && error.code).toBe('DATA_CLONE_FAILED');
    expect(error).toMatchObject({ direction: 'context', retryable: false });
    await expect(threads.run(task('throwOnce', { context: { attempt: 2 } }))).resolves.toEqual({
      success: true,
      data: { attempt: 2 },
    });
  });

  it("keeps a thrown error's code and retryable flag", async () => {
    const error = await pool()
      .run(task('throwCoded'))
      .catch((e: unknown) => e);
    expect(WorkflowError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'VALIDATION_ERROR', retryable: false, message: 'coded' });
  });

  it('drops a queued task whose signal aborts, without waiting for a thread', async () => {
    const threads = pool();
    const running = threads.run(task('busy', { context: { nodeConfig: { ms: 500 } } }));
    const controller = new AbortController();
    const queued = threads.run(task('busy', { signal: controller.signal }));
    controller.abort(new Error('gave up'));
    await expect(queued).rejects.toThrow('gave up');
    await expect(running).resolves.toMatchObject({ success: true });
  });

  it('rejects at once when the signal aborts, and the pool goes on', async () => {
    const threads = pool();
    const controller = new AbortController();
    const waiting = threads.run(task('waitAbort', { signal: controller.signal }));
    await threads.types();
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await expect(threads.run(task('context'))).resolves.toMatchObject({ success: true });
  });

  it('fails with CONFIGURATION_ERROR when the processor file cannot be loaded', async () => {
    const threads = pool(pathToFileURL('/nonexistent/processor.mjs').href);
    await expect(threads.types()).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
    await expect(threads.run(task('busy'))).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });

  it('fails a task handed over before the load failed, instead of leaving it waiting', async () => {
    const threads = pool(pathToFileURL('/nonexistent/processor.mjs').href);
    // Not waiting for types(): the task goes to a thread that is still loading.
    await expect(threads.run(task('busy'))).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });
});
