/**
 * The subscription bookkeeping shared by the signal channel implementations: whether the channel
 * is closed, which transport channels are listened to, for which topic, by which listeners, and the
 * delivery of one payload.
 * @module
 */
import { MalformedSignalError, SignalChannelClosedError } from './coordination-errors.ts';
import type { SignalListener, Unsubscribe } from './signal-channel.ts';
import { validateTopic } from './signal-channel-names.ts';
import { decodeSignal } from './signal-envelope.ts';

/** What a transport does for the registry. */
export interface SubscriptionTransport {
  /** The transport channel of a (validated) topic, e.g. `prefix + topic` on Redis. */
  channelName(topic: string): string;
  /** Starts receiving a channel; resolves once the server confirmed. */
  listen(channel: string): Promise<void>;
  /** Stops receiving a channel. */
  unlisten(channel: string): Promise<void>;
  /** Where listener errors and malformed messages go. */
  onError(error: unknown): void;
}

interface ChannelEntry {
  topic: string;
  /** One object per `subscribe` call, so the same function subscribed twice unsubscribes once each. */
  listeners: Set<{ listener: SignalListener }>;
  ready: Promise<void>;
}

/**
 * Channels and their listeners. The first subscription of a channel listens to it, the last
 * unsubscription unlistens; operations reach the transport in call order, so a quick
 * unsubscribe-then-subscribe ends subscribed. Once closed, publishing and subscribing throw
 * {@link SignalChannelClosedError}.
 */
export class SignalSubscriptions {
  readonly #transport: SubscriptionTransport;
  readonly #channels = new Map<string, ChannelEntry>();
  #closed = false;

  constructor(transport: SubscriptionTransport) {
    this.#transport = transport;
  }

  /** Whether {@link SignalSubscriptions.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The transport channel of `topic`, for `operation` (`publish` or `subscribe`). Throws
   * {@link SignalChannelClosedError} once closed, and a `ConfigurationError` for an invalid topic.
   */
  channelOf(topic: string, operation: 'publish' | 'subscribe'): string {
    if (this.#closed) throw new SignalChannelClosedError(operation);
    return this.#transport.channelName(validateTopic(topic));
  }

  /** `SignalChannel.subscribe`: adds a listener of `topic` on its channel, once it is listened to. */
  async subscribe<T>(topic: string, listener: SignalListener<T>): Promise<Unsubscribe> {
    return this.add(this.channelOf(topic, 'subscribe'), topic, listener);
  }

  /** The channels that have at least one listener. */
  channels(): string[] {
    return [...this.#channels.keys()];
  }

  /** Adds a listener of `topic` on `channel`; resolves once the channel is listened to. */
  async add<T>(channel: string, topic: string, listener: SignalListener<T>): Promise<Unsubscribe> {
    let entry = this.#channels.get(channel);
    if (!entry) {
      const created: ChannelEntry = {
        topic,
        listeners: new Set(),
        ready: this.#transport.listen(channel),
      };
      created.ready.catch(() => {
        if (this.#channels.get(channel) === created) this.#channels.delete(channel);
      });
      this.#channels.set(channel, created);
      entry = created;
    } else if (entry.topic !== topic) {
      // Two topics hashing to one channel: practically impossible, and unsafe to share.
      throw new Error(`Signal topics "${entry.topic}" and "${topic}" map to the same channel`);
    }
    const subscription = { listener: listener as SignalListener };
    entry.listeners.add(subscription);
    try {
      await entry.ready;
    } catch (error) {
      entry.listeners.delete(subscription);
      throw error;
    }
    const current = entry;
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      current.listeners.delete(subscription);
      if (current.listeners.size > 0 || this.#channels.get(channel) !== current) return;
      this.#channels.delete(channel);
      await this.#transport.unlisten(channel);
    };
  }

  /** Delivers a received payload to the listeners of its channel; malformed payloads are dropped. */
  dispatch(channel: string, payload: string | undefined): void {
    const entry = this.#channels.get(channel);
    if (!entry) return;
    const envelope = decodeSignal(payload);
    if (!envelope || envelope.topic !== entry.topic) {
      this.#report(new MalformedSignalError(channel, payload));
      return;
    }
    for (const { listener } of [...entry.listeners]) {
      try {
        const result = listener(envelope.message, envelope.topic);
        if (result && typeof result.then === 'function') {
          result.then(undefined, (error: unknown) => this.#report(error));
        }
      } catch (error) {
        this.#report(error);
      }
    }
  }

  /**
   * Marks the channel closed and forgets every subscription (the transport is being closed).
   * Returns `false` when it was closed already, so the caller closes its connections once.
   */
  close(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    this.#channels.clear();
    return true;
  }

  #report(error: unknown): void {
    try {
      this.#transport.onError(error);
    } catch {
      // An error handler that throws must not break delivery.
    }
  }
}
