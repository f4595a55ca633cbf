/**
 * {@link SignalChannel} on Redis pub/sub: PUBLISH on the given client, SUBSCRIBE on a duplicate
 * made on first subscription (a subscribed ioredis connection can run nothing else). ioredis
 * re-subscribes by itself after a reconnect.
 *
 * On a Redis Cluster (Redis 7 or later) with a hash-tagged prefix every channel of the prefix
 * hashes to one slot, so the channel uses sharded pub/sub (SPUBLISH / SSUBSCRIBE): a message goes
 * to the shard that owns the slot rather than to every node of the cluster. Otherwise it uses plain
 * pub/sub, which a cluster broadcasts to every node.
 * @module
 */
import { isHashTagPrefix, isRedisCluster, type RedisClient } from '../redis-cluster-connection.ts';
import type { RedisCoordinationConnection } from './coordination-connection.ts';
import { SignalChannelClosedError } from './coordination-errors.ts';
import {
  type CoordinationRedisClient,
  closeRedisClient,
  resolveRedisClient,
} from './redis-coordination-client.ts';
import type {
  SignalChannel,
  SignalChannelOptions,
  SignalListener,
  Unsubscribe,
} from './signal-channel.ts';
import { DEFAULT_SIGNAL_PREFIX, redisChannelName, validatePrefix } from './signal-channel-names.ts';
import { encodeSignal } from './signal-envelope.ts';
import { SignalSubscriptions } from './signal-subscriptions.ts';

/** Options of {@link RedisSignalChannel}. */
export interface RedisSignalChannelOptions extends SignalChannelOptions {
  /** A Redis URL or `{ cluster }` (the channel creates and closes its client), or an ioredis instance or `Cluster` (you close it). */
  connection: RedisCoordinationConnection;
}

/** Signals as Redis pub/sub messages on `prefix + topic`. */
export class RedisSignalChannel implements SignalChannel {
  readonly prefix: string;
  readonly #publisher: CoordinationRedisClient;
  readonly #onError: (error: unknown) => void;
  readonly #subscriptions: SignalSubscriptions;
  #subscriber: RedisClient | undefined;
  #sharded: Promise<boolean> | undefined;

  constructor(options: RedisSignalChannelOptions) {
    this.prefix = validatePrefix(options.prefix ?? DEFAULT_SIGNAL_PREFIX);
    this.#onError = options.onError ?? (() => undefined);
    this.#publisher = resolveRedisClient(options.connection, {
      what: 'signal',
      onError: (error) => this.#onError(error),
    });
    this.#subscriptions = new SignalSubscriptions({
      channelName: (topic) => redisChannelName(this.prefix, topic),
      listen: async (channel) => {
        const sharded = await this.usesShardedPubSub();
        const subscriber = this.#getSubscriber(sharded);
        if (sharded) await subscriber.ssubscribe(channel);
        else await subscriber.subscribe(channel);
      },
      unlisten: async (channel) => {
        if (this.#subscriptions.closed || !this.#subscriber) return;
        if (await this.usesShardedPubSub()) await this.#subscriber.sunsubscribe(channel);
        else await this.#subscriber.unsubscribe(channel);
      },
      onError: (error) => this.#onError(error),
    });
  }

  async publish(topic: string, message: unknown): Promise<void> {
    const channel = this.#subscriptions.channelOf(topic, 'publish');
    const payload = encodeSignal(topic, message);
    if (await this.usesShardedPubSub()) await this.#publisher.client.spublish(channel, payload);
    else await this.#publisher.client.publish(channel, payload);
  }

  /**
   * Whether it uses sharded pub/sub: on a Redis Cluster of Redis 7 or later, under a hash-tagged
   * prefix. Asked of the server once (`INFO server`); every process on the same cluster and prefix
   * comes to the same answer, so publishers and subscribers agree.
   */
  usesShardedPubSub(): Promise<boolean> {
    const client = this.#publisher.client;
    if (!isRedisCluster(client) || !isHashTagPrefix(this.prefix)) return Promise.resolve(false);
    if (this.#sharded) return this.#sharded;
    const asked = client.info('server').then(supportsShardedPubSub);
    this.#sharded = asked;
    asked.catch(() => {
      if (this.#sharded === asked) this.#sharded = undefined; // ask again next time
    });
    return asked;
  }

  async subscribe<T = unknown>(topic: string, listener: SignalListener<T>): Promise<Unsubscribe> {
    return this.#subscriptions.subscribe(topic, listener);
  }

  async close(): Promise<void> {
    if (!this.#subscriptions.close()) return;
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    await Promise.all([
      subscriber ? subscriber.quit().catch(() => subscriber.disconnect()) : undefined,
      closeRedisClient(this.#publisher),
    ]);
  }

  #getSubscriber(sharded: boolean): RedisClient {
    if (this.#subscriptions.closed) throw new SignalChannelClosedError('subscribe');
    if (!this.#subscriber) {
      // A Cluster's duplicate is a Cluster: with sharded pub/sub it subscribes on the master of the
      // prefix's slot (and follows it through a failover); otherwise on one node, as PUBLISH
      // reaches every node.
      const publisher = this.#publisher.client;
      const subscriber: RedisClient = isRedisCluster(publisher)
        ? publisher.duplicate(undefined, { shardedSubscribers: sharded })
        : publisher.duplicate();
      subscriber.on(sharded ? 'smessage' : 'message', (channel: string, payload: string) =>
        this.#subscriptions.dispatch(channel, payload),
      );
      subscriber.on('error', (error: Error) => this.#onError(error));
      this.#subscriber = subscriber;
      return subscriber;
    }
    return this.#subscriber;
  }
}

/** Whether an `INFO server` reply is of Redis 7 or later (sharded pub/sub came with 7.0). */
export function supportsShardedPubSub(info: string): boolean {
  const major = Number(/^redis_version:(\d+)\./m.exec(info)?.[1]);
  return major >= 7;
}
