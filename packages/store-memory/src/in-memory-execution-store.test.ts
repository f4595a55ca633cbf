import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InMemoryExecutionStore } from './in-memory-execution-store.ts';

const create = (store: InMemoryExecutionStore, workflowId = 'wf') =>
  store.createExecution({ workflowId, workflowVersion: 1 }).then((r) => r.execution.executionId);

describe('InMemoryExecutionStore eviction', () => {
  it('evicts the least recently used finished executions beyond maxSize, never a running one', async () => {
    const store = new InMemoryExecutionStore({ maxSize: 2 });
    const running = await Promise.all(Array.from({ length: 5 }, () => create(store)));
    const finished = await Promise.all(Array.from({ length: 4 }, () => create(store)));
    for (const id of finished) await store.setExecutionStatus(id, 'completed');
    expect(store.stats()).toEqual({ live: 5, finished: 2 });
    for (const id of running) expect(await store.getExecution(id)).not.toBeNull();
    expect(await store.getExecution(finished[0] as string)).toBeNull();
    expect(await store.getExecution(finished[3] as string)).not.toBeNull();
    await store.close();
  });

  it('drops finished executions after their ttl and keeps running ones', async () => {
    const store = new InMemoryExecutionStore({ ttl: 30 });
    const running = await create(store);
    const done = await create(store);
    await store.setExecutionStatus(done, 'failed', { error: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    store.purgeExpired();
    expect(await store.getExecution(done)).toBeNull();
    expect((await store.getExecution(running))?.status).toBe('running');
    await store.close();
  });

  it('forgets the idempotency key and payloads of an evicted execution', async () => {
    const store = new InMemoryExecutionStore({ maxSize: 1 });
    const first = await store.createExecution({
      workflowId: 'wf',
      workflowVersion: 1,
      idempotencyKey: 'k',
    });
    const reference = await store.putPayload(first.execution.executionId, { big: true });
    await store.setExecutionStatus(first.execution.executionId, 'completed');
    const other = await create(store);
    await store.setExecutionStatus(other, 'completed');
    await expect(store.getPayload(reference)).rejects.toMatchObject({ code: 'PAYLOAD_NOT_FOUND' });
    const again = await store.createExecution({
      workflowId: 'wf',
      workflowVersion: 1,
      idempotencyKey: 'k',
    });
    expect(again.created).toBe(true);
    await store.close();
  });

  it('caps logs and spans per execution, dropping the oldest', async () => {
    const store = new InMemoryExecutionStore({ maxLogsPerExecution: 3, maxSpansPerExecution: 2 });
    const executionId = await create(store);
    for (let i = 0; i < 5; i++) {
      await store.addLog({ executionId, level: 'info', message: `m${i}`, timestamp: new Date() });
      await store.addSpan({
        executionId,
        spanId: `s${i}`,
        name: 'n',
        status: 'ok',
        startTime: new Date(1000 + i),
      });
    }
    expect((await store.getLogs(executionId)).map((l) => l.message)).toEqual(['m2', 'm3', 'm4']);
    expect((await store.getTrace(executionId)).map((s) => s.spanId)).toEqual(['s3', 's4']);
    await store.close();
  });

  it('keeps stored data apart from the objects callers hold', async () => {
    const store = new InMemoryExecutionStore();
    const input = { nested: { n: 1 } };
    const { execution } = await store.createExecution({
      workflowId: 'wf',
      workflowVersion: 1,
      initialData: input,
    });
    input.nested.n = 2;
    const read = await store.getExecution(execution.executionId);
    expect(read?.initialData).toEqual({ nested: { n: 1 } });
    if (!read) throw new Error('the execution was not stored');
    (read.initialData as { nested: { n: number } }).nested.n = 3;
    expect((await store.getExecution(execution.executionId))?.initialData).toEqual({
      nested: { n: 1 },
    });
    await store.close();
  });

  it('does not keep the process alive with its cleanup timer', () => {
    const script = `
      import { InMemoryExecutionStore } from './src/index.ts';
      new InMemoryExecutionStore({ cleanupInterval: 10 });
      console.log('created');
    `;
    const child = spawnSync(
      process.execPath,
      ['--conditions=@spane/source', '--input-type=module', '-e', script],
      {
        cwd: new URL('..', import.meta.url).pathname,
        timeout: 10_000,
        encoding: 'utf8',
      },
    );
    expect(child.stdout).toContain('created');
    expect(child.status).toBe(0);
  });
});
