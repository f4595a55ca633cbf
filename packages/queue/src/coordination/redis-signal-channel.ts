/**
 * {@link SignalChannel} on Redis pub/sub: PUBLISH on the given client, SUBSCRIBE on a duplicate
 * made on first subscription (a subscribed ioredis connection can run nothing else). ioredis
 * re-subscribes by itself after a reconnect.
 * @module
 */
import { isRedisCluster, type RedisClient } from '../redis-cluster-connection.ts';
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
        await this.#getSubscriber().subscribe(channel);
      },
      unlisten: async (channel) => {
        if (this.#subscriptions.closed || !this.#subscriber) return;
        await this.#subscriber.unsubscribe(channel);
      },
      onError: (error) => this.#onError(error),
    });
  }

  async publish(topic: string, message: unknown): Promise<void> {
    const channel = this.#subscriptions.channelOf(topic, 'publish');
    await this.#publisher.client.publish(channel, encodeSignal(topic, message));
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

  #getSubscriber(): RedisClient {
    if (this.#subscriptions.closed) throw new SignalChannelClosedError('subscribe');
    if (!this.#subscriber) {
      // A Cluster's duplicate is a Cluster: it subscribes on one node, and PUBLISH reaches every node.
      const publisher = this.#publisher.client;
      const subscriber: RedisClient = isRedisCluster(publisher)
        ? publisher.duplicate()
        : publisher.duplicate();
      subscriber.on('message', (channel: string, payload: string) =>
        this.#subscriptions.dispatch(channel, payload),
      );
      subscriber.on('error', (error: Error) => this.#onError(error));
      this.#subscriber = subscriber;
      return subscriber;
    }
    return this.#subscriber;
  }
}
