import { NodeRegistry, successResult } from '@spane/core';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { Cluster } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ClusterPrefixError, WorkflowEngine } from '../src/index.ts';
import { clusterNodes, node } from './harness.ts';

const registry = () =>
  new NodeRegistry().register('echo', async (ctx) => successResult(ctx.inputData));

describe('an engine on a Redis Cluster', () => {
  it('refuses a prefix that is not a hash tag with a typed error that says how to write it', () => {
    for (const connection of [{ cluster: clusterNodes() }]) {
      for (const prefix of [undefined, 'myapp', '{}', 'app}{']) {
        let thrown: unknown;
        try {
          new WorkflowEngine({
            registry: registry(),
            store: new InMemoryExecutionStore(),
            connection,
            config: prefix === undefined ? {} : { prefix },
          });
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(ClusterPrefixError);
        expect(thrown).toMatchObject({ code: 'CLUSTER_PREFIX_NOT_HASH_TAG', retryable: false });
        expect((thrown as Error).message).toContain(
          `prefix: '{${(prefix ?? 'spane').replace(/[{}]/g, '') || 'spane'}}'`,
        );
      }
    }
  });

  it('refuses a Cluster instance whose redisOptions lack maxRetriesPerRequest: null', async () => {
    const cluster = new Cluster(clusterNodes(), { lazyConnect: true });
    cluster.on('error', () => undefined);
    try {
      expect(
        () =>
          new WorkflowEngine({
            registry: registry(),
            store: new InMemoryExecutionStore(),
            connection: cluster,
            config: { prefix: '{spane-refused}' },
          }),
      ).toThrow(/maxRetriesPerRequest: null/);
    } finally {
      cluster.disconnect();
    }
  });

  it('runs on a caller’s Cluster instance with a hash-tagged prefix, and leaves it open', async () => {
    const cluster = new Cluster(clusterNodes(), { redisOptions: { maxRetriesPerRequest: null } });
    cluster.on('error', () => undefined);
    const engine = new WorkflowEngine({
      registry: registry(),
      store: new InMemoryExecutionStore(),
      connection: cluster,
      config: { prefix: `{t-${Date.now().toString(36)}}` },
    });
    try {
      await engine.registerWorkflow({
        id: 'one',
        nodes: [node('a', 'echo', ['b']), node('b', 'echo')],
      });
      await engine.startWorkers(2);
      const done = await engine.waitForExecution(await engine.enqueueWorkflow('one', { x: 1 }));
      expect(done.status).toBe('completed');
      expect(done.nodeResults.b?.data).toEqual({ x: 1 });
    } finally {
      await engine.close();
    }
    expect(cluster.status).toBe('ready');
    await cluster.quit();
  });
});
