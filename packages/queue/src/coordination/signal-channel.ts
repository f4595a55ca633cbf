/**
 * The port of a cross-process signal channel: fire-and-forget JSON messages on named topics,
 * delivered to every subscribed process (e.g. "execution X was cancelled" to every engine).
 * @module
 */

/**
 * Receives one message of a topic. A thrown error or a rejected promise goes to the channel's
 * `onError` and never reaches the publisher or other listeners.
 */
export type SignalListener<T = unknown> = (message: T, topic: string) => void | Promise<void>;

/** Stops one subscription; calling it again does nothing. */
export type Unsubscribe = () => Promise<void>;

/**
 * Publish/subscribe across processes. Delivery is at most once and only to subscriptions active
 * when the message is published (nothing is stored): use it to nudge, keep the truth in the store.
 */
export interface SignalChannel {
  /** The namespace of this channel's topics; channels with other prefixes do not hear each other. */
  readonly prefix: string;
  /**
   * Sends `message` (anything `JSON.stringify` turns into JSON) to every subscriber of `topic`,
   * in this process too. Resolves once the server accepted it.
   */
  publish(topic: string, message: unknown): Promise<void>;
  /** Calls `listener` for each message of `topic`; resolves once the server confirmed the subscription. */
  subscribe<T = unknown>(topic: string, listener: SignalListener<T>): Promise<Unsubscribe>;
  /** Ends every subscription and the connections the channel created. */
  close(): Promise<void>;
}

/** Options shared by the signal channel implementations. */
export interface SignalChannelOptions {
  /** Namespace of the topics. Default is `spane:signal:`. */
  prefix?: string | undefined;
  /**
   * Errors that have no caller to go to: a listener that threw, a malformed incoming message
   * (which is dropped), a lost connection being re-established. Default ignores them.
   */
  onError?: ((error: unknown) => void) | undefined;
}
