/**
 * {@link SignalChannel} on PostgreSQL LISTEN/NOTIFY: `SELECT pg_notify($1, $2)` through a pool to
 * publish, and one dedicated `pg.Client` that LISTENs to the subscribed channels. A lost listener
 * connection is re-established with exponential backoff and listens again; messages sent while it
 * was down are not received (NOTIFY stores nothing).
 * @module
 */
import type pg from 'pg';
import { loadPg } from '../optional-pg.ts';
import { SignalChannelClosedError, SignalPayloadTooLargeError } from './coordination-errors.ts';
import {
  type PostgresConnection,
  quoteIdentifier,
  type ResolvedPool,
  resolvePool,
} from './postgres-connection.ts';
import type {
  SignalChannel,
  SignalChannelOptions,
  SignalListener,
  Unsubscribe,
} from './signal-channel.ts';
import {
  DEFAULT_SIGNAL_PREFIX,
  postgresChannelName,
  validatePrefix,
} from './signal-channel-names.ts';
import { encodeSignal } from './signal-envelope.ts';
import { SignalSubscriptions } from './signal-subscriptions.ts';

/** The largest NOTIFY payload PostgreSQL accepts (it must be shorter than 8000 bytes). */
export const PG_NOTIFY_MAX_PAYLOAD_BYTES = 7999;

/** Options of {@link PostgresSignalChannel}. */
export interface PostgresSignalChannelOptions extends SignalChannelOptions {
  /** A connection string (the channel creates and ends its pool) or a `pg.Pool` (you end it). */
  connection: PostgresConnection;
  /** First reconnection delay, in ms; doubled per failure. Default is 100. */
  reconnectDelay?: number | undefined;
  /** Longest reconnection delay, in ms. Default is 5000. */
  maxReconnectDelay?: number | undefined;
}

/** Waits `ms`, or less if `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Signals as PostgreSQL notifications on `spane_<hash of prefix and topic>` channels. */
export class PostgresSignalChannel implements SignalChannel {
  readonly prefix: string;
  readonly #pool: ResolvedPool;
  readonly #clientConfig: pg.ClientConfig;
  readonly #onError: (error: unknown) => void;
  readonly #subscriptions: SignalSubscriptions;
  readonly #reconnectDelay: number;
  readonly #maxReconnectDelay: number;
  /** The connected listener client, if any. */
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  /** After a first success, connection failures are retried forever instead of thrown. */
  #everConnected = false;
  /** Aborted by `close()`, to cut a reconnection backoff short. */
  readonly #closing = new AbortController();

  constructor(options: PostgresSignalChannelOptions) {
    this.prefix = validatePrefix(options.prefix ?? DEFAULT_SIGNAL_PREFIX);
    this.#onError = options.onError ?? (() => undefined);
    this.#reconnectDelay = options.reconnectDelay ?? 100;
    this.#maxReconnectDelay = options.maxReconnectDelay ?? 5_000;
    this.#pool = resolvePool(options.connection, { max: 2, onError: this.#onError });
    this.#clientConfig =
      typeof options.connection === 'string'
        ? { connectionString: options.connection }
        : { ...this.#pool.pool.options };
    this.#subscriptions = new SignalSubscriptions({
      channelName: (topic) => postgresChannelName(this.prefix, topic),
      listen: async (channel) => {
        const client = await this.#getClient();
        await client.query(`LISTEN ${quoteIdentifier(channel)}`);
      },
      unlisten: async (channel) => {
        // Without a connection there is nothing to stop: a reconnection listens only to live channels.
        if (this.#subscriptions.closed || !this.#client) return;
        await this.#client.query(`UNLISTEN ${quoteIdentifier(channel)}`);
      },
      onError: (error) => this.#onError(error),
    });
  }

  /**
   * Sends a notification. Throws {@link SignalPayloadTooLargeError} when the serialized signal
   * exceeds {@link PG_NOTIFY_MAX_PAYLOAD_BYTES}: send an id and let receivers load the rest.
   */
  async publish(topic: string, message: unknown): Promise<void> {
    const channel = this.#subscriptions.channelOf(topic, 'publish');
    const payload = encodeSignal(topic, message);
    const size = Buffer.byteLength(payload, 'utf8');
    if (size > PG_NOTIFY_MAX_PAYLOAD_BYTES) {
      throw new SignalPayloadTooLargeError(topic, size, PG_NOTIFY_MAX_PAYLOAD_BYTES);
    }
    await this.#pool.pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async subscribe<T = unknown>(topic: string, listener: SignalListener<T>): Promise<Unsubscribe> {
    return this.#subscriptions.subscribe(topic, listener);
  }

  async close(): Promise<void> {
    if (!this.#subscriptions.close()) return;
    this.#closing.abort();
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
    await this.#connecting?.catch(() => undefined);
    if (this.#pool.owned && !this.#pool.pool.ended) await this.#pool.pool.end();
  }

  #getClient(): Promise<pg.Client> {
    if (this.#subscriptions.closed)
      return Promise.reject(new SignalChannelClosedError('subscribe'));
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<pg.Client> {
    for (let attempt = 0; ; attempt++) {
      if (this.#subscriptions.closed) throw new SignalChannelClosedError('subscribe');
      try {
        return await this.#connectOnce();
      } catch (error) {
        if (!this.#everConnected || this.#subscriptions.closed) throw error;
        this.#onError(error);
        const delay = Math.min(this.#reconnectDelay * 2 ** attempt, this.#maxReconnectDelay);
        await sleep(delay + Math.floor(Math.random() * delay * 0.2), this.#closing.signal);
      }
    }
  }

  async #connectOnce(): Promise<pg.Client> {
    const client = new (loadPg().Client)(this.#clientConfig);
    client.on('error', (error) => this.#onClientGone(client, error));
    client.on('end', () => this.#onClientGone(client, undefined));
    client.on('notification', (notification) =>
      this.#subscriptions.dispatch(notification.channel, notification.payload),
    );
    try {
      await client.connect();
      for (const channel of this.#subscriptions.channels()) {
        await client.query(`LISTEN ${quoteIdentifier(channel)}`);
      }
      if (this.#subscriptions.closed) throw new SignalChannelClosedError('subscribe');
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.#client = client;
    this.#everConnected = true;
    return client;
  }

  /** The listener connection failed or ended: drop it, and reconnect if anyone is listening. */
  #onClientGone(client: pg.Client, error: Error | undefined): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    if (error) this.#onError(error);
    client.end().catch(() => undefined);
    if (this.#subscriptions.closed || this.#subscriptions.channels().length === 0) return;
    this.#getClient().catch((reconnectError: unknown) => this.#onError(reconnectError));
  }
}
