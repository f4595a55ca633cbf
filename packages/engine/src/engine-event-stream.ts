/**
 * The engine's durable event stream: every execution and node event is appended to an event log on
 * the queue's own server, in batches and off the node's critical path, so that any process can
 * follow every execution with {@link EngineEventStream.subscribe}. The events of one process keep
 * their order; events of different processes are in the order they were appended, which can trail
 * the order they happened in by one batch (a node's `node:started` in one process may come before
 * its parent's `node:completed` from another).
 * @module
 */
import { ConfigurationError, toError } from '@spane/core';
import {
  createEventLog,
  type EventLog,
  type NewLogEvent,
  type QueueConnection,
} from '@spane/queue';
import type { EngineEventMap, EngineEvents, ExecutionEventName } from './engine-events.ts';

/** An engine event as the stream delivers it. */
export type EngineStreamEvent = {
  [E in ExecutionEventName]: {
    /** Increasing; pass it back as `after` (or SSE `Last-Event-ID`) to resume right behind it. */
    id: string;
    type: E;
    executionId: string;
    /** When the event happened, in ms since the epoch. */
    timestamp: number;
    data: EngineEventMap[E];
  };
}[ExecutionEventName];

/** Options of `WorkflowEngine.subscribe`. */
export interface SubscribeOptions {
  /** Only this execution's events. */
  executionId?: string | undefined;
  /**
   * Resume after this event id (exclusive); `'0'` replays every event still kept. Absent: only
   * events from now on.
   */
  after?: string | undefined;
  /** Ends the subscription (the `for await` loop finishes normally). */
  signal?: AbortSignal | undefined;
}

/** Events waiting to be appended; past this, the oldest are dropped (the server is unreachable). */
const MAX_PENDING = 10_000;
/** Events per append. */
const BATCH = 500;
/** Tries of one batch before it is dropped. */
const APPEND_ATTEMPTS = 4;

/** Publishes a process's engine events and reads everyone's. */
export class EngineEventStream {
  readonly #connection: QueueConnection;
  readonly #prefix: string;
  readonly #enabled: boolean;
  readonly #events: EngineEvents;
  #log: EventLog | undefined;
  #pending: NewLogEvent[] = [];
  #flushing: Promise<void> | undefined;
  #scheduled = false;
  #closed = false;

  constructor(options: {
    connection: QueueConnection;
    prefix: string;
    enabled: boolean;
    events: EngineEvents;
  }) {
    this.#connection = options.connection;
    this.#prefix = options.prefix;
    this.#enabled = options.enabled;
    this.#events = options.events;
    if (this.#enabled) this.#events.tap((type, payload) => this.#push(type, payload));
  }

  /** Follows the stream; see `WorkflowEngine.subscribe`. */
  subscribe(options: SubscribeOptions = {}): AsyncIterable<EngineStreamEvent> {
    if (!this.#enabled) {
      throw new ConfigurationError(
        'The event stream is off (config.events is false): turn it on to subscribe',
      );
    }
    const follow = this.#getLog().follow(options);
    return (async function* () {
      for await (const event of follow) yield event as EngineStreamEvent;
    })();
  }

  /** Appends what is pending, then closes the log. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    await this.#log?.close();
  }

  /** Resolves once every event raised so far was appended (or dropped after an error). */
  async flush(): Promise<void> {
    while (this.#flushing || this.#pending.length > 0) {
      this.#flushing ??= this.#drain();
      await this.#flushing;
    }
  }

  #push(type: string, payload: { executionId: string }): void {
    if (this.#closed) return;
    this.#pending.push({
      type,
      executionId: payload.executionId,
      timestamp: Date.now(),
      data: payload,
    });
    if (this.#pending.length > MAX_PENDING)
      this.#pending.splice(0, this.#pending.length - MAX_PENDING);
    if (this.#scheduled || this.#flushing) return;
    this.#scheduled = true;
    // After the current tick's work: events raised together go in one append.
    setImmediate(() => {
      this.#scheduled = false;
      this.#flushing ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, BATCH);
        for (let attempt = 1; ; attempt++) {
          try {
            await this.#getLog().append(batch);
            break;
          } catch (error) {
            this.#events.emit('error', { error: toError(error), context: 'event stream' });
            // A server that stays unreachable: the batch is dropped rather than held forever.
            if (attempt >= APPEND_ATTEMPTS || this.#closed) break;
            await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt).unref());
          }
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  #getLog(): EventLog {
    this.#log ??= createEventLog(this.#connection, {
      prefix: `${this.#prefix}:events:`,
      onError: (error) =>
        this.#events.emit('error', { error: toError(error), context: 'event stream' }),
    });
    return this.#log;
  }
}
