/**
 * The port of a durable event log: engine events appended on the queue's own server (a capped Redis
 * stream, or a PostgreSQL table) so that any process can read them back and follow new ones.
 * @module
 */

/** An event to append. */
export interface NewLogEvent {
  /** The event's name, e.g. `node:completed`. */
  type: string;
  /** The execution it is about, when it is about one (filters use it). */
  executionId?: string | undefined;
  /** When it happened, in ms since the epoch. */
  timestamp: number;
  /** The event's payload: anything `JSON.stringify` turns into JSON. */
  data: unknown;
}

/** An event as the log keeps it, with the id the server gave it. */
export interface LogEvent extends NewLogEvent {
  /**
   * Increasing within one log: a Redis stream id (`1733130000000-0`) or the table's serial number.
   * Pass it back as `after` to resume right behind it.
   */
  id: string;
}

/** Options of {@link EventLog.read}. */
export interface ReadLogEventsOptions {
  /** Only events after this id (exclusive). `'0'` or absent: from the oldest event kept. */
  after?: string | undefined;
  /** Only this execution's events. */
  executionId?: string | undefined;
  /** At most this many events. Default is 1000. */
  limit?: number | undefined;
}

/** Options of {@link EventLog.follow}. */
export interface FollowLogEventsOptions {
  /**
   * Start after this id (exclusive): `'0'` replays every event kept first. Absent: only events
   * appended from now on.
   */
  after?: string | undefined;
  /** Only this execution's events. */
  executionId?: string | undefined;
  /** Ends the iteration (the loop that consumes it finishes normally). */
  signal?: AbortSignal | undefined;
}

/**
 * Append and read events across processes. Appends keep their order; ids increase; a reader that
 * resumes after the last id it saw misses nothing and sees nothing twice (within what the cap keeps).
 */
export interface EventLog {
  /** Appends events in order, in one round trip; resolves with their ids once the server stored them. */
  append(events: readonly NewLogEvent[]): Promise<string[]>;
  /** Events after `after`, oldest first. */
  read(options?: ReadLogEventsOptions): Promise<LogEvent[]>;
  /** Events after `after`, then every new one as it is appended, until `signal` aborts or the log closes. */
  follow(options?: FollowLogEventsOptions): AsyncIterable<LogEvent>;
  /** The id of the newest event kept, or `undefined` when the log is empty. */
  latestId(): Promise<string | undefined>;
  /** Ends every follower and the connections the log created. */
  close(): Promise<void>;
}

/** Options shared by the event log implementations. */
export interface EventLogOptions {
  /** Namespace of the log; logs with other prefixes do not see each other. Default is `spane:events:`. */
  prefix?: string | undefined;
  /**
   * About how many events are kept; older ones are trimmed. Default is 100000. The cap is approximate
   * (Redis `MAXLEN ~`, a periodic delete on PostgreSQL).
   */
  maxLength?: number | undefined;
  /**
   * How often a follower looks for new events when it hears no notification (a notification lost
   * while a connection was re-established), in ms. Default is 1000.
   */
  pollInterval?: number | undefined;
  /** Errors with no caller to go to (a lost connection being re-established). Default ignores them. */
  onError?: ((error: unknown) => void) | undefined;
}

/** The prefix of event logs unless told otherwise. */
export const DEFAULT_EVENT_LOG_PREFIX = 'spane:events:';
/** Events kept unless told otherwise. */
export const DEFAULT_EVENT_LOG_MAX_LENGTH = 100_000;
