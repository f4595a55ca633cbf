/**
 * The `logger` option over a real run (Redis, memory store): lifecycle lines at their levels with
 * structured fields, through a retry, a final failure and its dead-letter item; secrets in a
 * node's config and in the initial data never reach the logger; no logger, no output.
 */
import { NodeRegistry, successResult, type WorkflowDefinition } from '@spane/core';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { waitFor } from '@spane/test-support';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineLogger, WorkflowEngine } from '../src/index.ts';
import { dlqItemsOf, startEngine } from './harness.ts';

interface Line {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

/** A logger of pino's shape that keeps every line, with its child bindings merged in. */
function capturingLogger(lines: Line[], bindings: Record<string, unknown> = {}): EngineLogger {
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, message, fields: { ...bindings, ...fields } });
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => capturingLogger(lines, { ...bindings, ...more }),
  };
}

const SECRETS = ['hunter2-config', 'tok-initial-data', 'k-nested-key'];

/** a (fails once, then succeeds) → b (always fails; 2 attempts, then the DLQ). */
const workflow: WorkflowDefinition = {
  id: 'logged',
  nodes: [
    {
      id: 'a',
      type: 'flaky',
      outputs: ['b'],
      config: { password: SECRETS[0] },
      retryPolicy: { maxAttempts: 2, backoff: { type: 'fixed', delay: 10 } },
    },
    {
      id: 'b',
      type: 'broken',
      config: { nested: { apiKey: SECRETS[2] } },
      retryPolicy: { maxAttempts: 2, backoff: { type: 'fixed', delay: 10 } },
    },
  ],
};

function registry(): NodeRegistry {
  let calls = 0;
  return new NodeRegistry()
    .register('flaky', async () => {
      calls += 1;
      if (calls === 1) throw new Error('first attempt fails');
      return successResult({ ok: true });
    })
    .register('broken', async () => {
      throw new Error('b is broken');
    });
}

describe('lifecycle logging', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    vi.restoreAllMocks();
  });

  async function engineWith(logger?: EngineLogger): Promise<WorkflowEngine> {
    const store = new InMemoryExecutionStore();
    cleanups.push(() => store.close());
    const engine = await startEngine({
      registry: registry(),
      store,
      workflows: [workflow],
      ...(logger ? { logger } : {}),
    });
    cleanups.push(() => engine.close());
    return engine;
  }

  it('logs start, retry, failure, dead-letter and end with ids and attempts, never a secret', async () => {
    const lines: Line[] = [];
    const engine = await engineWith(capturingLogger(lines));
    const executionId = await engine.enqueueWorkflow('logged', { token: SECRETS[1], n: 1 });
    const done = await engine.waitForExecution(executionId, { timeoutMs: 20_000 });
    expect(done.status).toBe('failed');
    await dlqItemsOf(engine, executionId);
    await waitFor(() => lines.some((line) => line.message === 'execution failed') || undefined, {
      what: 'the execution failed line',
    });

    const ids = { workflowId: 'logged', executionId };
    const summary = lines
      .filter((line) => line.level !== 'debug')
      .map(
        (line) =>
          `${line.level} ${line.message}${line.fields.nodeId ? ` ${line.fields.nodeId}` : ''}`,
      );
    // `execution started` is raised once the entry node is queued: a worker may be quicker.
    expect(summary.filter((line) => line === 'info execution started')).toHaveLength(1);
    expect(summary.filter((line) => line !== 'info execution started')).toEqual([
      'info node attempt failed, retrying a',
      'info node attempt failed, retrying b',
      'warn node failed b',
      'error node moved to the dead-letter queue b',
      'warn execution failed',
    ]);
    const find = (message: string) => lines.find((line) => line.message === message)?.fields;
    expect(find('execution started')).toEqual(ids);
    expect(find('node attempt failed, retrying')).toEqual({
      ...ids,
      nodeId: 'a',
      nodeType: 'flaky',
      attempt: 1,
      error: 'first attempt fails',
    });
    expect(find('node failed')).toMatchObject({
      ...ids,
      nodeId: 'b',
      nodeType: 'broken',
      attempt: 2,
      deadLettered: true,
    });
    expect(find('node moved to the dead-letter queue')).toMatchObject({
      ...ids,
      nodeId: 'b',
      attempt: 2,
    });
    expect(find('execution failed')).toMatchObject(ids);
    // Attempts at debug, with their number.
    const started = lines.filter((line) => line.message === 'node started');
    expect(started.map((line) => `${line.fields.nodeId}#${line.fields.attempt}`)).toEqual([
      'a#1',
      'a#2',
      'b#1',
      'b#2',
    ]);
    const everything = JSON.stringify(lines);
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  }, 30_000);

  it('writes nothing without a logger', async () => {
    const writes = [
      vi.spyOn(process.stdout, 'write'),
      vi.spyOn(process.stderr, 'write'),
      ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((name) =>
        vi.spyOn(console, name),
      ),
    ];
    const engine = await engineWith();
    const executionId = await engine.enqueueWorkflow('logged', { token: SECRETS[1] });
    const done = await engine.waitForExecution(executionId, { timeoutMs: 20_000 });
    expect(done.status).toBe('failed');
    await dlqItemsOf(engine, executionId);
    for (const spy of writes) expect(spy).not.toHaveBeenCalled();
  }, 30_000);
});
