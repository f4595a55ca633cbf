/**
 * {@link EventLog} on a capped Redis stream: `XADD key MAXLEN ~ n * e <json>` per event and a
 * pub/sub "appended" signal to wake followers, in one pipeline per append; `XRANGE` to read.
 * @module
 */
import type { RedisCoordinationConnection } from '../coordination/coordination-connection.ts';
import {
  type CoordinationRedisClient,
  closeRedisClient,
  resolveRedisClient,
} from '../coordination/redis-coordination-client.ts';
import { RedisSignalChannel } from '../coordination/redis-signal-channel.ts';
import { redisChannelName } from '../coordination/signal-channel-names.ts';
import { encodeSignal } from '../coordination/signal-envelope.ts';
import { APPENDED_TOPIC, AppendNotifier } from './append-notifier.ts';
import {
  DEFAULT_EVENT_LOG_MAX_LENGTH,
  DEFAULT_EVENT_LOG_PREFIX,
  type EventLog,
  type EventLogOptions,
  type FollowLogEventsOptions,
  type LogEvent,
  type NewLogEvent,
  type ReadLogEventsOptions,
} from './event-log.ts';
import { EventLogClosedError, InvalidEventIdError } from './event-log-errors.ts';
import { followLog, type ScanPage } from './follow-log.ts';

/** Options of {@link RedisEventLog}. */
export interface RedisEventLogOptions extends EventLogOptions {
  /** A Redis URL or `{ cluster }` (the log creates and closes its clients), or an ioredis instance or `Cluster` (you close it). */
  connection: RedisCoordinationConnection;
}

const STREAM_ID = /^\d+(-\d+)?$/;

/** Checks an `after` id: a stream id (`ms-seq`) or `0`. */
function validateId(id: string): string {
  if (typeof id !== 'string' || !STREAM_ID.test(id)) {
    throw new InvalidEventIdError(String(id), 'a Redis stream id such as "1733130000000-0"');
  }
  return id;
}

/** Decodes one stream entry (`[id, ['e', json]]`); a malformed one is dropped. */
function decode(id: string, fields: string[]): LogEvent | undefined {
  const json = fields[fields.indexOf('e') + 1];
  if (json === undefined) return undefined;
  try {
    const event = JSON.parse(json) as NewLogEvent;
    return { id, ...event };
  } catch {
    return undefined;
  }
}

/** Events as entries of the stream `prefix + "log"`. */
export class RedisEventLog implements EventLog {
  readonly prefix: string;
  readonly key: string;
  readonly #client: CoordinationRedisClient;
  readonly #signals: RedisSignalChannel;
  readonly #notifier: AppendNotifier;
  readonly #maxLength: number;
  readonly #pollInterval: number;
  readonly #closing = new AbortController();

  constructor(options: RedisEventLogOptions) {
    const onError = options.onError ?? (() => undefined);
    this.prefix = options.prefix ?? DEFAULT_EVENT_LOG_PREFIX;
    this.key = `${this.prefix}log`;
    this.#maxLength = options.maxLength ?? DEFAULT_EVENT_LOG_MAX_LENGTH;
    this.#pollInterval = options.pollInterval ?? 1000;
    this.#client = resolveRedisClient(options.connection, { what: 'event log', onError });
    this.#signals = new RedisSignalChannel({
      connection: this.#client.client,
      prefix: this.prefix,
      onError,
    });
    this.#notifier = new AppendNotifier({ channel: this.#signals, onError });
  }

  async append(events: readonly NewLogEvent[]): Promise<string[]> {
    this.#assertOpen('append');
    if (events.length === 0) return [];
    const sharded = await this.#signals.usesShardedPubSub();
    const pipeline = this.#client.client.pipeline();
    for (const event of events) {
      const body = JSON.stringify({
        type: event.type,
        executionId: event.executionId,
        timestamp: event.timestamp,
        data: event.data,
      });
      pipeline.xadd(this.key, 'MAXLEN', '~', this.#maxLength, '*', 'e', body);
    }
    // The wake-up signal rides in the same round trip.
    // (Sharded on a cluster with a hash-tagged prefix: the channel then shares the stream's slot.)
    const channel = redisChannelName(this.prefix, APPENDED_TOPIC);
    const signal = encodeSignal(APPENDED_TOPIC, 1);
    if (sharded) pipeline.spublish(channel, signal);
    else pipeline.publish(channel, signal);
    const results = (await pipeline.exec()) ?? [];
    const ids: string[] = [];
    for (const [error, id] of results.slice(0, events.length)) {
      if (error) throw error;
      ids.push(id as string);
    }
    return ids;
  }

  async read(options: ReadLogEventsOptions = {}): Promise<LogEvent[]> {
    this.#assertOpen('read');
    const limit = options.limit ?? 1000;
    const events: LogEvent[] = [];
    let cursor = validateId(options.after ?? '0');
    while (events.length < limit) {
      const page = await this.#scan(cursor, options.executionId, limit - events.length);
      events.push(...page.events);
      if (!page.full || page.lastId === undefined) break;
      cursor = page.lastId;
    }
    return events;
  }

  follow(options: FollowLogEventsOptions = {}): AsyncIterable<LogEvent> {
    this.#assertOpen('follow');
    if (options.after !== undefined) validateId(options.after);
    return followLog(
      {
        scan: (after, executionId, limit) => this.#scan(after, executionId, limit),
        latestId: () => this.latestId(),
        notifier: this.#notifier,
        pollInterval: this.#pollInterval,
        closed: this.#closing.signal,
      },
      options,
    );
  }

  async latestId(): Promise<string | undefined> {
    const last = (await this.#client.client.xrevrange(this.key, '+', '-', 'COUNT', 1)) as Array<
      [string, string[]]
    >;
    return last[0]?.[0];
  }

  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort();
    this.#notifier.wakeAll();
    await this.#signals.close();
    await closeRedisClient(this.#client);
  }

  async #scan(after: string, executionId: string | undefined, limit: number): Promise<ScanPage> {
    const raw = (await this.#client.client.xrange(
      this.key,
      `(${after === '0' ? '0-0' : after}`,
      '+',
      'COUNT',
      limit,
    )) as Array<[string, string[]]>;
    const events: LogEvent[] = [];
    for (const [id, fields] of raw) {
      const event = decode(id, fields);
      if (event && (executionId === undefined || event.executionId === executionId))
        events.push(event);
    }
    return { events, lastId: raw.at(-1)?.[0], full: raw.length >= limit };
  }

  #assertOpen(operation: string): void {
    if (this.#closing.signal.aborted) throw new EventLogClosedError(operation);
  }
}
