/**
 * The durable event stream (`WorkflowEngine.subscribe`): an engine without workers follows what
 * another engine on the same queues runs, on Redis, a Redis Cluster (a stream and sharded pub/sub
 * under the hash-tagged prefix) and PostgreSQL, and resumes after an id.
 */
import { ConfigurationError, NodeRegistry, successResult } from '@spane/core';
import { describe, expect, it } from 'vitest';
import type { EngineStreamEvent } from '../src/index.ts';
import {
  clusterQueue,
  type EngineTarget,
  engineFixture,
  memoryStore,
  node,
  postgresQueue,
  postgresStore,
  redisQueue,
  startEngine,
} from './harness.ts';

const targets: EngineTarget[] = [
  { name: 'Redis + memory store', queue: redisQueue, store: memoryStore },
  { name: 'Redis Cluster + memory store', queue: clusterQueue, store: memoryStore },
  { name: 'Postgres + Postgres store', queue: postgresQueue, store: postgresStore },
];

/** Collects events until `until` says stop, failing after 20 s. */
async function collect(
  iterable: AsyncIterable<EngineStreamEvent>,
  controller: AbortController,
  until: (event: EngineStreamEvent) => boolean,
): Promise<EngineStreamEvent[]> {
  const timer = setTimeout(() => controller.abort(), 20_000);
  const seen: EngineStreamEvent[] = [];
  for await (const event of iterable) {
    seen.push(event);
    if (until(event)) break;
  }
  clearTimeout(timer);
  return seen;
}

for (const target of targets) {
  describe(`event stream on ${target.name}`, () => {
    const { setup, track } = engineFixture(target);

    it(`${target.name}: subscribe gets every event of an execution another engine ran, in order, and resumes after an id`, async () => {
      let calls = 0;
      const registry = new NodeRegistry()
        .register('flaky', async () => {
          calls++;
          if (calls === 1) throw new Error('first attempt fails');
          return successResult('ok');
        })
        .register('route', async () => successResult('left', { nextNodes: ['left'] }))
        .register('echo', async (ctx) => successResult(ctx.inputData));
      const workflow = {
        id: 'streamed',
        nodes: [
          node('a', 'flaky', ['r'], {
            retryPolicy: { maxAttempts: 2, backoff: { type: 'fixed', delay: 10 } },
          }),
          node('r', 'route', ['left', 'right']),
          node('left', 'echo'),
          node('right', 'echo'),
        ],
      };
      const { engine: worker, store } = await setup(registry, [workflow]);
      const watcher = await startEngine({
        registry,
        store,
        connection: target.queue.connection(),
        config: { prefix: worker.getConfig().prefix },
        workers: false,
      });
      track(watcher);

      // A fresh prefix: replaying from the start (`after: '0'`) is exactly this execution's events.
      const executionId = await worker.enqueueWorkflow('streamed', { x: 1 });
      const controller = new AbortController();
      const events = await collect(
        watcher.subscribe({ after: '0', signal: controller.signal }),
        controller,
        (event) => event.type === 'execution:completed' && event.executionId === executionId,
      );
      const kinds = events.map(
        (event) => `${event.type}${'nodeId' in event.data ? ` ${event.data.nodeId}` : ''}`,
      );
      expect(kinds).toEqual([
        'execution:enqueued',
        'execution:started',
        'node:started a',
        'node:retrying a',
        'node:started a',
        'node:completed a',
        'node:started r',
        'node:completed r',
        'node:skipped right',
        'node:started left',
        'node:completed left',
        'execution:completed',
      ]);
      expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
      expect(events.every((event) => typeof event.timestamp === 'number')).toBe(true);

      // Resuming after the fourth event gets exactly the ones after it.
      const again = new AbortController();
      const resumed = await collect(
        watcher.subscribe({ executionId, after: events[3]?.id, signal: again.signal }),
        again,
        (event) => event.type === 'execution:completed',
      );
      expect(resumed.map((event) => event.id)).toEqual(events.slice(4).map((event) => event.id));
    });

    it(`${target.name}: subscribe throws ConfigurationError when config.events is false`, async () => {
      const { engine } = await setup(new NodeRegistry(), [], {
        config: { events: false },
        workers: false,
      });
      expect(() => engine.subscribe()).toThrow(ConfigurationError);
    });
  });
}
