/**
 * Redis Cluster as a connection: an ioredis `Cluster` (yours to close) or `{ cluster: nodes,
 * clusterOptions? }` (SPANE makes the client and closes it), and the one rule a cluster adds: the
 * key prefix must be a hash tag, so that every key of the queues (and of each multi-key script)
 * hashes to one slot.
 * @module
 */
import { WorkflowError } from '@spane/core';
import { Cluster, type ClusterNode, type ClusterOptions, type Redis } from 'ioredis';

/** A Redis Cluster described by its startup nodes; SPANE creates the `Cluster` and closes it. */
export interface RedisClusterConnection {
  /** Startup nodes (any subset of the cluster), e.g. `[{ host: '10.0.0.1', port: 7000 }]`. */
  cluster: ClusterNode[];
  /**
   * ioredis `ClusterOptions`. SPANE sets `redisOptions.maxRetriesPerRequest`: `null` for the
   * queues (BullMQ workers block on them), 20 for the coordination primitives (their commands must
   * fail while the cluster is down rather than hang).
   */
  clusterOptions?: ClusterOptions | undefined;
}

/** Any ioredis client SPANE runs on: one server or a cluster. */
export type RedisClient = Redis | Cluster;

/** Whether `value` is an ioredis `Cluster`. */
export function isRedisCluster(value: unknown): value is Cluster {
  return value instanceof Cluster;
}

/** Whether a connection option is `{ cluster: nodes }`. */
export function isRedisClusterConnection(value: unknown): value is RedisClusterConnection {
  return (
    typeof value === 'object' &&
    value !== null &&
    'cluster' in value &&
    Array.isArray((value as { cluster: unknown }).cluster)
  );
}

/**
 * Makes the `Cluster` of a {@link RedisClusterConnection}, with the given `maxRetriesPerRequest` in
 * its `redisOptions` (over any the caller set) and an `error` listener.
 */
export function createClusterClient(
  connection: RedisClusterConnection,
  options: {
    maxRetriesPerRequest: number | null;
    onError: (error: Error) => void;
  },
): Cluster {
  const given: ClusterOptions = connection.clusterOptions ?? {};
  // SPANE's value wins: BullMQ refuses a blocking connection with any other.
  const redisOptions = {
    ...given.redisOptions,
    maxRetriesPerRequest: options.maxRetriesPerRequest,
  };
  const client = new Cluster(connection.cluster, { ...given, redisOptions } as never) as Cluster;
  // ioredis reconnects by itself; without a listener an error event would crash the process.
  client.on('error', options.onError);
  return client;
}

/**
 * Whether a key prefix is a Redis hash tag: it holds `{tag}` with a non-empty tag, the first `{`
 * being closed by a later `}` (as Redis reads it, only that part picks the slot).
 */
export function isHashTagPrefix(prefix: string): boolean {
  const open = prefix.indexOf('{');
  if (open === -1) return false;
  const close = prefix.indexOf('}', open + 1);
  return close > open + 1;
}

/**
 * A key prefix that is not a hash tag, on a Redis Cluster: BullMQ's scripts touch several keys of a
 * queue at once, and on a cluster they must all hash to one slot. Not retryable: write the prefix
 * as `{name}`, e.g. `prefix: '{spane}'`.
 */
export class ClusterPrefixError extends WorkflowError {
  readonly prefix: string;

  constructor(prefix: string) {
    const suggestion = `{${prefix.replace(/[{}]/g, '') || 'spane'}}`;
    super({
      message:
        `The prefix ${JSON.stringify(prefix)} is not a hash tag, and on a Redis Cluster every key ` +
        `of the queues must hash to one slot: write it in braces, e.g. prefix: '${suggestion}'.`,
      code: 'CLUSTER_PREFIX_NOT_HASH_TAG',
      retryable: false,
    });
    this.prefix = prefix;
  }
}

/** Throws a {@link ClusterPrefixError} when `prefix` is not a hash tag. */
export function assertHashTagPrefix(prefix: string): void {
  if (!isHashTagPrefix(prefix)) throw new ClusterPrefixError(prefix);
}
