/**
 * {@link SignalChannel} on Redis pub/sub: PUBLISH on the given client, SUBSCRIBE on a duplicate
 * made on first subscription (a subscribed ioredis connection can run nothing else). ioredis
 * re-subscribes by itself after a reconnect.
 * @module
 */
import { Redis } from 'ioredis';
import { SignalChannelClosedError } from './coordination-errors.ts';
import type {
  SignalChannel,
  SignalChannelOptions,
  SignalListener,
  Unsubscribe,
} from './signal-channel.ts';
import {
  DEFAULT_SIGNAL_PREFIX,
  redisChannelName,
  validatePrefix,
  validateTopic,
} from './signal-channel-names.ts';
import { encodeSignal } from './signal-envelope.ts';
import { SignalSubscriptions } from './signal-subscriptions.ts';

/** Options of {@link RedisSignalChannel}. */
export interface RedisSignalChannelOptions extends SignalChannelOptions {
  /** A Redis URL (the channel creates and closes its client) or an ioredis instance (you close it). */
  connection: string | Redis;
}

/** Signals as Redis pub/sub messages on `prefix + topic`. */
export class RedisSignalChannel implements SignalChannel {
  readonly prefix: string;
  readonly #publisher: Redis;
  readonly #ownsPublisher: boolean;
  readonly #onError: (error: unknown) => void;
  readonly #subscriptions: SignalSubscriptions;
  #subscriber: Redis | undefined;
  #closed = false;

  constructor(options: RedisSignalChannelOptions) {
    this.prefix = validatePrefix(options.prefix ?? DEFAULT_SIGNAL_PREFIX);
    this.#onError = options.onError ?? (() => undefined);
    if (typeof options.connection === 'string') {
      this.#publisher = new Redis(options.connection);
      this.#publisher.on('error', (error) => this.#onError(error));
      this.#ownsPublisher = true;
    } else if (options.connection instanceof Redis) {
      this.#publisher = options.connection;
      this.#ownsPublisher = false;
    } else {
      throw new TypeError('A Redis signal connection is a Redis URL or an ioredis instance.');
    }
    this.#subscriptions = new SignalSubscriptions({
      listen: async (channel) => {
        await this.#getSubscriber().subscribe(channel);
      },
      unlisten: async (channel) => {
        if (this.#closed || !this.#subscriber) return;
        await this.#subscriber.unsubscribe(channel);
      },
      onError: (error) => this.#onError(error),
    });
  }

  async publish(topic: string, message: unknown): Promise<void> {
    if (this.#closed) throw new SignalChannelClosedError('publish');
    const channel = redisChannelName(this.prefix, validateTopic(topic));
    await this.#publisher.publish(channel, encodeSignal(topic, message));
  }

  async subscribe<T = unknown>(topic: string, listener: SignalListener<T>): Promise<Unsubscribe> {
    if (this.#closed) throw new SignalChannelClosedError('subscribe');
    const channel = redisChannelName(this.prefix, validateTopic(topic));
    return this.#subscriptions.add(channel, topic, listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscriptions.clear();
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    await Promise.all([
      subscriber ? subscriber.quit().catch(() => subscriber.disconnect()) : undefined,
      this.#ownsPublisher ? this.#publisher.quit().catch(() => undefined) : undefined,
    ]);
  }

  #getSubscriber(): Redis {
    if (this.#closed) throw new SignalChannelClosedError('subscribe');
    if (!this.#subscriber) {
      const subscriber = this.#publisher.duplicate();
      subscriber.on('message', (channel: string, payload: string) =>
        this.#subscriptions.dispatch(channel, payload),
      );
      subscriber.on('error', (error) => this.#onError(error));
      this.#subscriber = subscriber;
    }
    return this.#subscriber;
  }
}
