/**
 * The subscription bookkeeping shared by the signal channel implementations: which transport
 * channels are listened to, for which topic, by which listeners, and the delivery of one payload.
 * @module
 */
import { MalformedSignalError } from './coordination-errors.ts';
import type { SignalListener, Unsubscribe } from './signal-channel.ts';
import { decodeSignal } from './signal-envelope.ts';

/** What a transport does for the registry. */
export interface SubscriptionTransport {
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
 * unsubscribe-then-subscribe ends subscribed.
 */
export class SignalSubscriptions {
  readonly #transport: SubscriptionTransport;
  readonly #channels = new Map<string, ChannelEntry>();

  constructor(transport: SubscriptionTransport) {
    this.#transport = transport;
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

  /** Forgets every subscription (the transport is being closed). */
  clear(): void {
    this.#channels.clear();
  }

  #report(error: unknown): void {
    try {
      this.#transport.onError(error);
    } catch {
      // An error handler that throws must not break delivery.
    }
  }
}
