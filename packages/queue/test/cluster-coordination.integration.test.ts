/**
 * The coordination primitives and the event log on a real 3-master Redis Cluster (the test setup's
 * `REDIS_CLUSTER_NODES`), each given `{ cluster: nodes }` so it makes, and closes, Cluster clients
 * of its own; keys under a hash-tagged prefix, as the engine lays them out.
 */
import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createEventLog,
  createLockBackend,
  createRateLimiter,
  createSignalChannel,
  type EventLog,
  type LockBackend,
  type LogEvent,
  type RateLimiterBackend,
  type RedisClusterConnection,
  type RedisSignalChannel,
  WorkflowQueues,
} from '../src/index.ts';

function clusterConnection(): RedisClusterConnection {
  const value = process.env.REDIS_CLUSTER_NODES;
  if (!value) throw new Error('REDIS_CLUSTER_NODES is not set: run the tests through `npm test`');
  return {
    cluster: value.split(',').map((address) => {
      const [host, port] = address.split(':');
      return { host: host as string, port: Number(port) };
    }),
  };
}

const tag = () => `{c-${randomBytes(4).toString('hex')}}`;

describe('coordination on a Redis Cluster', () => {
  const closers: Array<{ close(): Promise<void> }> = [];
  const track = <T extends { close(): Promise<void> }>(value: T): T => {
    closers.push(value);
    return value;
  };
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c.close()));
  });

  it('locks: one owner at a time, released and extended only by its token', async () => {
    const prefix = `${tag()}:lock:`;
    const a: LockBackend = track(createLockBackend(clusterConnection(), { prefix }));
    const b: LockBackend = track(createLockBackend(clusterConnection(), { prefix }));
    expect(await a.tryAcquire({ key: 'k', owner: 'a', ttlMs: 10_000 })).toBe(true);
    expect(await b.tryAcquire({ key: 'k', owner: 'b', ttlMs: 10_000 })).toBe(false);
    expect(await b.release({ key: 'k', owner: 'b' })).toBe(false);
    expect(await a.extend({ key: 'k', owner: 'a', ttlMs: 10_000 })).toBe(true);
    expect(await a.release({ key: 'k', owner: 'a' })).toBe(true);
    expect(await b.tryAcquire({ key: 'k', owner: 'b', ttlMs: 10_000 })).toBe(true);
  });

  it('rate limits: two limiters share one count', async () => {
    const prefix = `${tag()}:rate:`;
    const a: RateLimiterBackend = track(createRateLimiter(clusterConnection(), { prefix }));
    const b: RateLimiterBackend = track(createRateLimiter(clusterConnection(), { prefix }));
    const limit = { max: 3, duration: 60_000 };
    const decisions = [
      await a.tryAcquire('http', limit),
      await b.tryAcquire('http', limit),
      await a.tryAcquire('http', limit),
      await b.tryAcquire('http', limit),
    ];
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
  });

  it('signals: plain pub/sub when the prefix is not a hash tag', async () => {
    const prefix = `c-${randomBytes(4).toString('hex')}:signal:`;
    const publisher = track(createSignalChannel(clusterConnection(), { prefix }));
    const subscriber = track(createSignalChannel(clusterConnection(), { prefix }));
    expect(await (subscriber as RedisSignalChannel).usesShardedPubSub()).toBe(false);
    const got = new Promise((resolve) => {
      void subscriber.subscribe('cancel', (message) => resolve(message));
    });
    await subscriber.subscribe('ready', () => undefined);
    await publisher.publish('cancel', { executionId: 'e2' });
    expect(await got).toEqual({ executionId: 'e2' });
  });

  it('signals: a message published by one channel reaches a subscriber of another', async () => {
    const prefix = `${tag()}:signal:`;
    const publisher = track(createSignalChannel(clusterConnection(), { prefix }));
    const subscriber = track(createSignalChannel(clusterConnection(), { prefix }));
    // A hash-tagged prefix on a cluster of Redis 7: sharded pub/sub (SPUBLISH / SSUBSCRIBE).
    expect(await (subscriber as RedisSignalChannel).usesShardedPubSub()).toBe(true);
    const got = new Promise((resolve) => {
      void subscriber.subscribe('cancel', (message) => resolve(message));
    });
    // subscribe resolves once the server confirmed; publish after that.
    await subscriber.subscribe('ready', () => undefined);
    await publisher.publish('cancel', { executionId: 'e1' });
    expect(await got).toEqual({ executionId: 'e1' });
  });

  it('event log: a follower gets what another log appends', async () => {
    const prefix = `${tag()}:events:`;
    const writer: EventLog = track(createEventLog(clusterConnection(), { prefix }));
    const reader: EventLog = track(createEventLog(clusterConnection(), { prefix }));
    const controller = new AbortController();
    const seen: LogEvent[] = [];
    const following = (async () => {
      for await (const event of reader.follow({ after: '0', signal: controller.signal })) {
        seen.push(event);
        if (seen.length === 3) controller.abort();
      }
    })();
    const event = (type: string) => ({ type, executionId: 'x', timestamp: Date.now(), data: {} });
    await writer.append([event('one'), event('two')]);
    await writer.append([event('three')]);
    await following;
    expect(seen.map((e) => e.type)).toEqual(['one', 'two', 'three']);
  });

  it('queues: a prefix that is not a hash tag is refused before any client is made', () => {
    expect(() => new WorkflowQueues({ connection: clusterConnection(), prefix: 'spane' })).toThrow(
      expect.objectContaining({ code: 'CLUSTER_PREFIX_NOT_HASH_TAG' }),
    );
    const cluster = new Cluster(clusterConnection().cluster, { lazyConnect: true });
    try {
      expect(() => new WorkflowQueues({ connection: cluster, prefix: 'spane' })).toThrow(
        /prefix: '\{spane\}'/,
      );
    } finally {
      cluster.disconnect();
    }
  });
});
