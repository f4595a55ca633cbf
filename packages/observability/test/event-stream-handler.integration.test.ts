/**
 * The SSE handler over a real HTTP server: a browser-like client receives a whole execution that a
 * second engine process ran, then reconnects with `Last-Event-ID` and gets exactly what came after.
 */
import type { ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { WorkflowEngine } from '@spane/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStreamHandler } from '../src/index.ts';
import { eventually, freshPrefix, requireEnv, sharedPostgresStore } from './support/servers.ts';
import { spawnReady, stopProcess } from './support/spawn-ready.ts';
import { readSse, type SseMessage } from './support/sse-client.ts';
import {
  slowWorkflow,
  streamedEvents,
  streamedWorkflow,
  testRegistry,
} from './support/test-workflows.ts';

const engineProcess = fileURLToPath(new URL('./support/engine-process.ts', import.meta.url));

describe('event stream handler over HTTP', () => {
  const prefix = freshPrefix('sse');
  let shared: Awaited<ReturnType<typeof sharedPostgresStore>>;
  let engine: WorkflowEngine;
  let worker: ChildProcess;
  let server: ReturnType<typeof serve>;
  let base: string;
  const signals: AbortSignal[] = [];

  beforeAll(async () => {
    shared = await sharedPostgresStore('sse');
    // This process only enqueues and serves the stream; the child process runs the nodes.
    engine = new WorkflowEngine({
      registry: testRegistry(),
      store: shared.store,
      connection: requireEnv('REDIS_URL'),
      config: { prefix },
    });
    await engine.registerWorkflow(streamedWorkflow);
    await engine.registerWorkflow(slowWorkflow);
    worker = await spawnReady(engineProcess, { OBS_SCHEMA: shared.schema, OBS_PREFIX: prefix });
    const handler = createEventStreamHandler({
      engine: {
        subscribe: (options) => {
          if (options?.signal) signals.push(options.signal);
          return engine.subscribe(options);
        },
      },
      heartbeatMs: 100,
    });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  }, 60_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (worker) await stopProcess(worker);
    await engine?.close();
    await shared?.drop();
  }, 60_000);

  const describeMessage = (message: SseMessage): string => {
    const data = JSON.parse(message.data) as { type: string; data: { nodeId?: string } };
    expect(message.event).toBe(data.type);
    return `${data.type}${data.data.nodeId ? ` ${data.data.nodeId}` : ''}`;
  };

  it('streams a whole execution run by another process, and a reconnect with Last-Event-ID misses and repeats nothing', async () => {
    const executionId = await engine.enqueueWorkflow('streamed', { from: 'test' });
    // A fresh prefix: `after=0` is this execution's whole history, whenever the client connects.
    let received = 0;
    const first = await readSse(`${base}?after=0&executionId=${executionId}`, {
      until: () => ++received === streamedEvents.length,
    });
    expect(first.status).toBe(200);
    expect(first.contentType).toContain('text/event-stream');
    expect(first.comments).toContain('connected');
    // Every event, each once. This process raised the first two, the worker process the rest: each
    // process's events keep their order, the two may interleave by a batch.
    const kinds = first.messages.map(describeMessage);
    expect([...kinds].sort()).toEqual([...streamedEvents].sort());
    expect(
      kinds.filter((kind) => !kind.startsWith('execution:e') && kind !== 'execution:started'),
    ).toEqual(streamedEvents.slice(2));
    expect(kinds.indexOf('execution:enqueued')).toBeLessThan(kinds.indexOf('execution:started'));
    expect(kinds.at(-1)).toBe('execution:completed');
    const ids = first.messages.map((message) => message.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const message of first.messages) {
      expect(JSON.parse(message.data)).toMatchObject({ id: message.id, executionId });
    }

    // Reconnect as EventSource does after a drop, having seen the first five.
    let again = 0;
    const resumed = await readSse(`${base}?executionId=${executionId}`, {
      lastEventId: ids[4],
      until: () => ++again === streamedEvents.length - 5,
    });
    expect(resumed.messages.map((message) => message.id)).toEqual(ids.slice(5));
    expect(resumed.messages.map(describeMessage)).toEqual(kinds.slice(5));
  });

  it('resumes mid-execution: a client dropped while a node runs reconnects with Last-Event-ID and gets the rest, once', async () => {
    const executionId = await engine.enqueueWorkflow('slow', {});
    const url = `${base}?executionId=${executionId}`;
    // Dropped as soon as the node started in the other process, while it still runs (1.5 s).
    const before = await readSse(`${url}&after=0`, {
      until: (message) => message.event === 'node:started',
    });
    const seen = before.messages.map(describeMessage);
    expect(seen.at(-1)).toBe('node:started wait');
    expect((await shared.store.getExecution(executionId))?.status).toBe('running');
    const lastId = before.messages.at(-1)?.id;
    const after = await readSse(url, {
      lastEventId: lastId,
      until: (message) => message.event === 'execution:completed',
    });
    // This process raised the first two events, the worker the rest: batches of the two may
    // interleave in the stream, so the split is checked as a whole.
    const rest = after.messages.map(describeMessage);
    expect(rest.slice(-2)).toEqual(['node:completed wait', 'execution:completed']);
    expect([...seen, ...rest].sort()).toEqual(
      [
        'execution:enqueued',
        'execution:started',
        'node:started wait',
        'node:completed wait',
        'execution:completed',
      ].sort(),
    );
    // Nothing more comes after the end, and nothing was sent twice across the two connections.
    const tail = await readSse(url, {
      lastEventId: after.messages.at(-1)?.id,
      until: () => true,
      timeoutMs: 1_000,
    });
    expect(tail.messages).toEqual([]);
    const ids = [...before.messages, ...after.messages].map((message) => message.id);
    expect(new Set(ids).size).toBe(5);
    const whole = await readSse(`${url}&after=0`, {
      until: (message) => message.event === 'execution:completed',
    });
    expect(whole.messages.map((message) => message.id)).toEqual(ids);
  }, 30_000);

  it('sends heartbeats while idle and stops following once the client goes away', async () => {
    const controller = new AbortController();
    const before = signals.length;
    const reading = readSse(`${base}?executionId=nobody`, {
      controller,
      until: () => false,
      timeoutMs: 20_000,
      // Hang up once a heartbeat arrived.
      onComment: (comment) => {
        if (comment === 'heartbeat') controller.abort();
      },
    });
    await eventually(() => signals.length > before, { what: 'the subscription' });
    const signal = signals.at(-1) as AbortSignal;
    const { comments } = await reading;
    expect(comments.filter((comment) => comment === 'heartbeat').length).toBeGreaterThan(0);
    await eventually(() => signal.aborted, { what: 'the server to notice the client left' });
    expect(signal.aborted).toBe(true);
  });

  it('answers a malformed Last-Event-ID with 400', async () => {
    const response = await fetch(base, { headers: { 'last-event-id': 'nope' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'INVALID_EVENT_ID' });
  });
});
