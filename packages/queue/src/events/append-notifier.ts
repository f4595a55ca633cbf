/**
 * Wakes the followers of an event log when any process appends: a "something was appended" signal
 * (sent by the append itself, in its round trip) on the log's own server (Redis pub/sub or PostgreSQL NOTIFY), counted in generations so that an
 * append that lands between a follower's read and its wait is never slept through.
 * @module
 */
import type { SignalChannel, Unsubscribe } from '../coordination/signal-channel.ts';

/** The signal topic of appends. */
export const APPENDED_TOPIC = 'appended';
const TOPIC = APPENDED_TOPIC;

/** Generations of appends, heard through a signal channel. */
export class AppendNotifier {
  readonly #channel: SignalChannel;
  readonly #onError: (error: unknown) => void;
  readonly #waiters = new Set<() => void>();
  #generation = 0;
  #subscribed: Promise<Unsubscribe> | undefined;

  constructor(options: { channel: SignalChannel; onError: (error: unknown) => void }) {
    this.#channel = options.channel;
    this.#onError = options.onError;
  }

  /** Starts listening (once); resolves when the server confirmed, or rejects with its error. */
  async listen(): Promise<void> {
    this.#subscribed ??= this.#channel.subscribe(TOPIC, () => this.#wake());
    try {
      await this.#subscribed;
    } catch (error) {
      this.#subscribed = undefined;
      throw error;
    }
  }

  /** The current generation: take it before reading, then {@link AppendNotifier.wait} for a later one. */
  get generation(): number {
    return this.#generation;
  }

  /**
   * Resolves once an append newer than `generation` was heard, after `timeoutMs` (a missed
   * notification is caught by the next poll), or when `signal` aborts.
   */
  wait(generation: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.#generation !== generation || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      signal.addEventListener('abort', done, { once: true });
      this.#waiters.add(done);
    });
  }

  /** Releases every waiter (for close). */
  wakeAll(): void {
    this.#wake();
  }

  #wake(): void {
    this.#generation++;
    for (const waiter of [...this.#waiters]) waiter();
  }
}
